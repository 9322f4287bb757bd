import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { companions, deniesPlainHttp } from '../../private/s3';
import { CheckSeverity } from '../../rule';

/**
 * ERP-S3-2: every S3 bucket policy denies requests made without TLS.
 *
 * S3 still answers plain HTTP; a Deny on `aws:SecureTransport = false` keeps credentials and
 * database dumps off the wire unencrypted. A policy that cannot be read at synthesis (built
 * at apply time) is reported too, since it cannot be shown to deny.
 */
export class S3TlsOnly extends ErpRule {
  public readonly id = 'ERP-S3-2';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'Every S3 bucket policy denies requests made without TLS.';
  public readonly fix = 'add to the bucket policy a Deny statement for s3:* on the bucket and its objects with the condition Bool aws:SecureTransport = "false"';

  public check(m: ICheckedStack): RuleFinding[] {
    const out: RuleFinding[] = [];
    for (const b of m.ofType('aws_s3_bucket')) {
      const policies = companions(m, b, 'aws_s3_bucket_policy');
      if (policies.length === 0) {
        out.push(this.finding(b, 'the bucket has no policy, so plain-HTTP requests are accepted'));
        continue;
      }
      const verdicts = policies.map((p) => deniesPlainHttp(m, p.config.policy));
      if (verdicts.some((v) => v === true)) continue;
      out.push(this.finding(policies[0], verdicts.some((v) => v === undefined)
        ? `the policy of ${b.address} cannot be read at synthesis, so it cannot be shown to deny plain-HTTP requests`
        : `the policy of ${b.address} has no Deny on aws:SecureTransport = false`));
    }
    return out;
  }
}
