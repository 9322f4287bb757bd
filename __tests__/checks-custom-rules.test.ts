import { AnnotationMetadataEntryType, App, Aspects, TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BackupVault } from '../lib/backup';
import {
  CheckSeverity, ErpChecks, ErpChecksError, ErpRule, ICheckedStack, RuleFinding, formatChecksReport,
} from '../lib/checks';
import { ErpValidationError } from '../lib/errors';

// A team's own rule, written against the public rule contract only, as a user of the package would.

/** ACME-1: every S3 bucket carries a `team` tag, so the bill can be split by team. */
class BucketsAreTagged extends ErpRule {
  public readonly id: string = 'ACME-1';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'Every S3 bucket carries a team tag.';
  public readonly fix = 'add tags { team = "<your team>" } to the bucket';

  public check(stack: ICheckedStack): RuleFinding[] {
    return stack.ofType('aws_s3_bucket')
      .filter((b) => typeof b.config.tags?.team !== 'string')
      .map((b) => this.finding(b, `the bucket has no team tag (tags: ${JSON.stringify(b.config.tags ?? {})})`));
  }
}

/** ACME-2 (warning): buckets are versioned through an aws_s3_bucket_versioning, read by following references. */
class VersioningIsSeparate extends ErpRule {
  public readonly id = 'ACME-2';
  public readonly severity = CheckSeverity.WARNING;
  public readonly description = 'Every S3 bucket has an aws_s3_bucket_versioning resource.';
  public readonly fix = 'add an aws_s3_bucket_versioning for the bucket';

  public check(stack: ICheckedStack): RuleFinding[] {
    return stack.ofType('aws_s3_bucket')
      .filter((b) => stack.pointingAt(b, 'aws_s3_bucket_versioning', 'bucket', 'bucket').length === 0)
      .map((b) => this.finding(b, 'the bucket has no aws_s3_bucket_versioning'));
  }
}

/** A rule that takes a built-in rule's id. */
class Impostor extends BucketsAreTagged {
  public readonly id = 'ERP-S3-1';
}

function newStack(checks: ErpChecks): { app: App; stack: TerraformStack } {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'team');
  new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
  Aspects.of(stack).add(checks);
  return { app, stack };
}

function synthError(app: App): ErpChecksError {
  try {
    app.synth();
  } catch (e) {
    return e as ErpChecksError;
  }
  throw new Error('synth did not fail');
}

describe('a team rule added to ErpChecks', () => {
  test('finds a problem in a stack and fails synthesis with its id, message and fix', () => {
    const checks = new ErpChecks({ rules: [...ErpChecks.DEFAULT_RULES, new BucketsAreTagged()] });
    const { app, stack } = newStack(checks);
    new S3BackupVault(stack, 'Backups', {});
    const error = synthError(app);
    expect(error).toBeInstanceOf(ErpChecksError);
    expect(error.findings.map((f) => [f.ruleId, f.path])).toEqual([['ACME-1', 'team/Backups/Resource']]);
    expect(error.message).toContain('team/Backups/Resource [ACME-1]: the bucket has no team tag');
    expect(error.message).toContain('add tags { team = "<your team>" } to the bucket');
    expect(error.message).toContain("ErpChecks.suppress(construct, 'ACME-1', '<reason>')");
  });

  test('runs after the built-in rules, in the order given, and leaves the rule catalogue as it is', () => {
    const checks = new ErpChecks({ rules: [...ErpChecks.DEFAULT_RULES, new BucketsAreTagged(), new VersioningIsSeparate()] });
    const { stack } = newStack(checks);
    new S3BackupVault(stack, 'Backups', {});
    const report = checks.report(stack);
    expect(report.rulesRun).toEqual([...ErpChecks.RULES.map((r) => r.id), 'ACME-1', 'ACME-2']);
    expect(ErpChecks.RULES.map((r) => r.id)).not.toContain('ACME-1');
    // The vault is versioned: only the tag rule and the built-in object lock advice find something.
    expect(report.findings.map((f) => f.ruleId)).toEqual(['ACME-1', 'ERP-S3-7']);
  });

  test('a suppression with a reason silences it and shows in the report', () => {
    const checks = new ErpChecks({ rules: [...ErpChecks.DEFAULT_RULES, new BucketsAreTagged()] });
    const { app, stack } = newStack(checks);
    const vault = new S3BackupVault(stack, 'Backups', {});
    ErpChecks.suppress(vault, 'ACME-1', 'the platform team pays for backups');
    expect(() => app.synth()).not.toThrow();
    const report = checks.report();
    expect(report.errorCount).toBe(0);
    expect(report.suppressions).toEqual([expect.objectContaining({
      path: 'team/Backups', ruleId: 'ACME-1', reason: 'the platform team pays for backups',
      suppressed: [expect.objectContaining({ ruleId: 'ACME-1', path: 'team/Backups/Resource', address: vault.bucket.terraformResourceType + '.' + vault.bucket.friendlyUniqueId })],
    })]);
    const text = formatChecksReport(report);
    expect(text).toContain('1 suppressed (25 rules)');
    expect(text).toContain(`| ACME-1 | team/Backups | the platform team pays for backups | aws_s3_bucket.${vault.bucket.friendlyUniqueId} |`);
  });

  test('a warning of a team rule becomes a warning annotation on the offending construct', () => {
    const checks = new ErpChecks({ rules: [new VersioningIsSeparate()] });
    const { app, stack } = newStack(checks);
    const bucket = new S3Bucket(stack, 'Plain', { bucket: 'plain' });
    expect(() => app.synth()).not.toThrow();
    const warnings = bucket.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data));
    expect(warnings).toEqual(['[ACME-2] the bucket has no aws_s3_bucket_versioning. Fix: add an aws_s3_bucket_versioning for the bucket']);
  });

  test('given alone, runs without the built-in rules', () => {
    const checks = new ErpChecks({ rules: [new BucketsAreTagged()] });
    const { app, stack } = newStack(checks);
    new S3Bucket(stack, 'Tagged', { bucket: 'tagged', tags: { team: 'billing' } });
    expect(() => app.synth()).not.toThrow();
    expect(checks.report().rulesRun).toEqual(['ACME-1']);
    expect(checks.report().findings).toEqual([]);
  });

  test('skipRules may name it', () => {
    const checks = new ErpChecks({ rules: [...ErpChecks.DEFAULT_RULES, new BucketsAreTagged()], skipRules: ['ACME-1'] });
    const { stack } = newStack(checks);
    new S3BackupVault(stack, 'Backups', {});
    expect(checks.report(stack).rulesRun).not.toContain('ACME-1');
    expect(checks.report(stack).errorCount).toBe(0);
  });
});

describe('the default rules', () => {
  test('are the built-in rules of ErpChecks.RULES, as ErpRule instances, in the same order', () => {
    expect(ErpChecks.DEFAULT_RULES.map((r) => r.id)).toEqual(ErpChecks.RULES.map((r) => r.id));
    expect(ErpChecks.DEFAULT_RULES).toHaveLength(24);
    for (const [i, rule] of ErpChecks.DEFAULT_RULES.entries()) {
      expect(rule).toBeInstanceOf(ErpRule);
      expect({ id: rule.id, severity: rule.severity, description: rule.description, fix: rule.fix }).toEqual(ErpChecks.RULES[i]);
    }
  });

  test('run when no rules are given', () => {
    const checks = new ErpChecks();
    const { stack } = newStack(checks);
    new S3BackupVault(stack, 'Backups', {});
    expect(checks.report(stack).rulesRun).toEqual(ErpChecks.RULES.map((r) => r.id));
  });
});

describe('team rule validation', () => {
  test('fails when a team rule reuses a built-in rule id', () => {
    const make = () => new ErpChecks({ rules: [...ErpChecks.DEFAULT_RULES, new Impostor()] });
    expect(make).toThrow(ErpValidationError);
    expect(make).toThrow(/rules\[24\]\.id: is the id of the built-in rule "Every S3 bucket has a public access block with all four settings on\." \(got "ERP-S3-1"\)/);
    expect(make).toThrow(/Fix: give the team rule an id of its own with your team's prefix/);
  });

  test('fails when a team rule reuses a built-in rule id even without the built-in rules', () => {
    expect(() => new ErpChecks({ rules: [new Impostor()] })).toThrow(/rules\[0\]\.id: is the id of the built-in rule/);
  });

  test('fails when a team rule id starts with the built-in prefix ERP-', () => {
    class Squatter extends BucketsAreTagged {
      public readonly id = 'ERP-S3-99';
    }
    expect(() => new ErpChecks({ rules: [new Squatter()] })).toThrow(/rules\[0\]\.id: starts with ERP-, which is kept for the built-in rules/);
  });

  test('fails when two rules share an id, listing every problem of the call', () => {
    const make = () => new ErpChecks({ rules: [new BucketsAreTagged(), new BucketsAreTagged(), ...ErpChecks.DEFAULT_RULES.slice(0, 1), ErpChecks.DEFAULT_RULES[0]] });
    expect(make).toThrow(/rules\[1\]\.id: is also the id of rules\[0\] \(got "ACME-1"\)/);
    expect(make).toThrow(/rules\[3\]\.id: is also the id of rules\[2\] \(got "ERP-S3-1"\)/);
    expect(make).toThrow(/2 problems/);
  });

  test('fails a team rule with a malformed id, an unknown severity or an empty description and fix', () => {
    class Sloppy extends ErpRule {
      public readonly id = 'acme 1';
      public readonly severity = 'fatal' as CheckSeverity;
      public readonly description = '';
      public readonly fix = ' ';
      public check(): RuleFinding[] {
        return [];
      }
    }
    const make = () => new ErpChecks({ rules: [new Sloppy(), {} as ErpRule] });
    expect(make).toThrow(/rules\[0\]\.severity: is not a severity/);
    expect(make).toThrow(/rules\[0\]\.description: is empty/);
    expect(make).toThrow(/rules\[0\]\.fix: is empty/);
    expect(make).toThrow(/rules\[0\]\.id: is not a rule id \(got "acme 1"\)/);
    expect(make).toThrow(/rules\[1\]: is not a rule/);
  });

  test('fails skipRules naming a rule that is not in rules', () => {
    expect(() => new ErpChecks({ rules: [new BucketsAreTagged()], skipRules: ['ERP-S3-1'] })).toThrow(/skipRules\[0\]: is not the id of a rule \(got "ERP-S3-1"\). Fix: use one of ACME-1/);
  });

  test('fails a suppression of a team rule without a reason', () => {
    const { stack } = newStack(new ErpChecks());
    expect(() => ErpChecks.suppress(stack, 'ACME-1', '')).toThrow(/reason: is empty/);
    expect(() => ErpChecks.suppress(stack, 'acme 1', 'typo')).toThrow(/ruleId: is not the id of a rule/);
  });
});
