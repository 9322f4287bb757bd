/** How a finding of a rule is treated at synthesis. */
export enum CheckSeverity {
  /** Fails synthesis (every error of the stack is listed in one `ErpChecksError`). */
  ERROR = 'error',
  /** Becomes a warning annotation on the construct; synthesis goes on. */
  WARNING = 'warning',
}

/** A secure-default rule: what it requires and how to satisfy it. */
export interface CheckRuleInfo {
  /** Stable id (`ERP-S3-1`); suppressions name it. */
  readonly id: string;
  readonly severity: CheckSeverity;
  /** What the rule requires, in one sentence. */
  readonly description: string;
  /** How to satisfy the rule. */
  readonly fix: string;
}

/** One place a rule is not met. */
export interface CheckFinding {
  readonly ruleId: string;
  readonly severity: CheckSeverity;
  /** Path of the construct of the offending resource (`prod/Backups/Resource`). */
  readonly path: string;
  /** Terraform address of the offending resource (`aws_s3_bucket.Backups_Resource_1A2B3C4D`). */
  readonly address: string;
  /** What is wrong, naming the values seen. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** A rule switched off for a construct and everything below it, with the reason. */
export interface CheckSuppression {
  /** Path of the construct the suppression was given on. */
  readonly path: string;
  readonly ruleId: string;
  readonly reason: string;
  /** The findings it silenced (empty: the suppression is not needed any more). */
  readonly suppressed: CheckFinding[];
}

/** What the checks found in one stack. */
export interface ChecksReport {
  /** The stack's construct path (its name). */
  readonly stack: string;
  /** Findings that count (not suppressed), errors first. */
  readonly findings: CheckFinding[];
  /** Every suppression under the stack, with what it silenced. */
  readonly suppressions: CheckSuppression[];
  /** Number of findings with severity error. */
  readonly errorCount: number;
  /** Number of findings with severity warning. */
  readonly warningCount: number;
  /** Ids of the rules that ran. */
  readonly rulesRun: string[];
}
