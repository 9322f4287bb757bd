import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { companions } from '../../private/s3';
import { list } from '../../private/values';
import { CheckSeverity } from '../../rule';

/**
 * ERP-S3-6: every S3 bucket has an enabled lifecycle rule that expires noncurrent versions
 * and aborts unfinished multipart uploads.
 *
 * A versioned bucket otherwise keeps every overwritten dump and every broken upload, billed,
 * forever.
 */
export class S3LifecycleCleanup extends ErpRule {
  public readonly id = 'ERP-S3-6';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'Every S3 bucket has an enabled lifecycle rule that removes old versions and aborts unfinished uploads.';
  public readonly fix = 'add an aws_s3_bucket_lifecycle_configuration with an enabled rule holding noncurrent_version_expiration and abort_incomplete_multipart_upload';

  public check(m: ICheckedStack): RuleFinding[] {
    const out: RuleFinding[] = [];
    for (const b of m.ofType('aws_s3_bucket')) {
      const confs = companions(m, b, 'aws_s3_bucket_lifecycle_configuration');
      const rules = confs.flatMap((c) => list<any>(c.config.rule)).filter((r) => r.status === 'Enabled');
      const noncurrent = rules.some((r) => list(r.noncurrent_version_expiration).length > 0);
      const uploads = rules.some((r) => list(r.abort_incomplete_multipart_upload).length > 0);
      if (confs.length === 0) {
        out.push(this.finding(b, 'the bucket has no lifecycle configuration: old versions and unfinished uploads are kept (and billed) forever'));
      } else if (!noncurrent || !uploads) {
        const missing = [!noncurrent ? 'noncurrent_version_expiration' : '', !uploads ? 'abort_incomplete_multipart_upload' : ''].filter(Boolean);
        out.push(this.finding(confs[0], `the lifecycle of ${b.address} has no enabled rule with ${missing.join(' or ')}`));
      }
    }
    return out;
  }
}
