import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { companions } from '../../private/s3';
import { list } from '../../private/values';
import { CheckSeverity } from '../../rule';

/**
 * ERP-S3-5: every S3 bucket is versioned (an `aws_s3_bucket_versioning` with status
 * `Enabled`, or the legacy inline block).
 *
 * Versioning is what lets an overwritten or deleted dump be restored, and what object lock
 * and the lifecycle's noncurrent-version rules build on.
 */
export class S3VersioningEnabled extends ErpRule {
  public readonly id = 'ERP-S3-5';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'Every S3 bucket is versioned, so an overwrite or delete can be undone.';
  public readonly fix = 'add an aws_s3_bucket_versioning with versioning_configuration { status = "Enabled" }';

  public check(m: ICheckedStack): RuleFinding[] {
    const out: RuleFinding[] = [];
    for (const b of m.ofType('aws_s3_bucket')) {
      const v = companions(m, b, 'aws_s3_bucket_versioning');
      const enabled = v.some((x) => list<any>(x.config.versioning_configuration).some((c) => c.status === 'Enabled'))
        || list<any>(b.config.versioning).some((c) => c.enabled === true);
      if (!enabled) {
        out.push(this.finding(v[0] ?? b, v.length === 0 ? 'the bucket is not versioned' : `versioning of ${b.address} is not "Enabled"`));
      }
    }
    return out;
  }
}
