import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { companions } from '../../private/s3';
import { list } from '../../private/values';
import { CheckSeverity } from '../../rule';

/**
 * ERP-S3-3: every S3 bucket has a default server-side encryption configuration.
 *
 * The configuration states the encryption of every object written, whichever client writes
 * it; either the separate resource or the bucket's legacy inline block counts.
 */
export class S3DefaultEncryption extends ErpRule {
  public readonly id = 'ERP-S3-3';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'Every S3 bucket has a default server-side encryption configuration.';
  public readonly fix = 'add an aws_s3_bucket_server_side_encryption_configuration with apply_server_side_encryption_by_default (sse_algorithm "aws:kms" and your key)';

  public check(m: ICheckedStack): RuleFinding[] {
    return m.ofType('aws_s3_bucket')
      .filter((b) => companions(m, b, 'aws_s3_bucket_server_side_encryption_configuration').length === 0 && list(b.config.server_side_encryption_configuration).length === 0)
      .map((b) => this.finding(b, 'the bucket has no default encryption configuration'));
  }
}
