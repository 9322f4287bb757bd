import { IConstruct } from 'constructs';
import { CheckedResource, ICheckedStack } from './model';
import { CheckRuleInfo, CheckSeverity } from './rule';

/**
 * One place a rule is not met, as the rule's `check` returns it. `ErpChecks` adds the rule id,
 * severity, construct path and fix, keeps it only when the construct is below the checked
 * scope, and applies suppressions.
 */
export interface RuleFinding {
  /** The construct of the offending resource (`resource.construct`); suppressions below it apply. */
  readonly construct: IConstruct;
  /** The Terraform address of the offending resource or output (`aws_s3_bucket.Backups_Resource_1A2B3C4D`). */
  readonly address: string;
  /** What is wrong, naming the values seen (no trailing period). */
  readonly message: string;
}

/**
 * A secure-default rule: its stable id, severity, what it requires, how to fix it, and a check
 * over the stack's synthesized resources. The built-in rules (`ErpChecks.DEFAULT_RULES`) are
 * subclasses; a team writes its own the same way and gives it to `ErpChecks` with `rules`.
 *
 * A rule reads only the `ICheckedStack` it is given (the Terraform JSON synthesis writes) and
 * returns a finding per offending resource; it keeps no state between calls, so one instance
 * can serve every stack.
 *
 * ```ts
 * class DropletsAreTagged extends ErpRule {
 *   public readonly id = 'ACME-1';
 *   public readonly severity = CheckSeverity.WARNING;
 *   public readonly description = 'Every droplet carries the team tag, so billing can be split by team.';
 *   public readonly fix = 'add the tag "team:erp" to the droplet (DropletRuntime: tags)';
 *   public check(stack: ICheckedStack): RuleFinding[] {
 *     return stack.ofType('digitalocean_droplet')
 *       .filter((d) => !(d.config.tags ?? []).includes('team:erp'))
 *       .map((d) => this.finding(d, 'the droplet has no team:erp tag'));
 *   }
 * }
 * ```
 */
export abstract class ErpRule implements CheckRuleInfo {
  /**
   * Stable id that suppressions and reports name (`ERP-S3-1`). Ids starting with `ERP-` are
   * reserved for the built-in rules; a team uses its own prefix (`ACME-1`).
   */
  public abstract readonly id: string;
  /** What a finding does at synthesis: fail it (error) or annotate (warning). */
  public abstract readonly severity: CheckSeverity;
  /** What the rule requires, in one sentence (listed in RULES.md and by `formatChecksRules`). */
  public abstract readonly description: string;
  /** How to satisfy the rule (shown with every finding). */
  public abstract readonly fix: string;

  /** The places the stack does not meet the rule; an empty list when it does. */
  public abstract check(stack: ICheckedStack): RuleFinding[];

  /** A finding on `resource`: its construct and address, with `message`. */
  protected finding(resource: CheckedResource, message: string): RuleFinding {
    return { construct: resource.construct, address: resource.address, message };
  }
}
