import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { companions } from '../../private/s3';
import { CheckSeverity } from '../../rule';

/**
 * ERP-S3-1: every S3 bucket has a public access block with all four settings on.
 *
 * Without it, one bucket policy or object ACL written by mistake makes backups readable by
 * anyone; the block makes S3 refuse such policies and ACLs, whoever writes them later.
 */
export class S3PublicAccessBlocked extends ErpRule {
  public readonly id = 'ERP-S3-1';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'Every S3 bucket has a public access block with all four settings on.';
  public readonly fix = 'add an aws_s3_bucket_public_access_block for the bucket with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true (S3BackupVault does this)';

  public check(m: ICheckedStack): RuleFinding[] {
    const out: RuleFinding[] = [];
    for (const b of m.ofType('aws_s3_bucket')) {
      const blocks = companions(m, b, 'aws_s3_bucket_public_access_block');
      if (blocks.length === 0) {
        out.push(this.finding(b, 'the bucket has no public access block: a policy or ACL could make its objects public'));
        continue;
      }
      for (const pab of blocks) {
        const off = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].filter((k) => pab.config[k] !== true);
        if (off.length > 0) out.push(this.finding(pab, `the public access block of ${b.address} leaves ${off.join(', ')} off`));
      }
    }
    return out;
  }
}
