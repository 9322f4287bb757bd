import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { isRef, list } from '../../private/values';
import { CheckSeverity } from '../../rule';

/**
 * ERP-S3-4 (warning): S3 default encryption uses a KMS key (`aws:kms` or `aws:kms:dsse`).
 *
 * With S3-managed keys anyone allowed to read the bucket reads the data; a KMS key adds a
 * second permission and an audit trail of every use. An algorithm known only at apply time
 * is not reported.
 */
export class S3KmsEncryption extends ErpRule {
  public readonly id = 'ERP-S3-4';
  public readonly severity = CheckSeverity.WARNING;
  public readonly description = 'S3 default encryption uses a KMS key (aws:kms), so key use is audited and access to data needs the key too.';
  public readonly fix = 'set sse_algorithm "aws:kms" with kms_master_key_id of a customer-managed key (S3BackupVault: encryption BackupEncryption.KMS, the default)';

  public check(m: ICheckedStack): RuleFinding[] {
    const out: RuleFinding[] = [];
    for (const enc of m.ofType('aws_s3_bucket_server_side_encryption_configuration')) {
      for (const rule of list<any>(enc.config.rule)) {
        const by = list<any>(rule.apply_server_side_encryption_by_default)[0] ?? {};
        const alg = by.sse_algorithm;
        if (alg !== 'aws:kms' && alg !== 'aws:kms:dsse' && !isRef(alg)) {
          out.push(this.finding(enc, `default encryption is ${JSON.stringify(alg)} (S3-managed keys), not a KMS key`));
        }
      }
    }
    return out;
  }
}
