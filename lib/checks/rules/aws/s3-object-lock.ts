import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { list } from '../../private/values';
import { CheckSeverity } from '../../rule';
import { BACKUP_CONTENTS, CONTENTS_TAG } from '../../../private/contents-tag';

/**
 * ERP-S3-7 (warning): backup buckets use S3 Object Lock.
 *
 * Versioning alone does not stop a stolen key with delete rights from removing every
 * version; object lock does. It can only be turned on when the bucket is created, hence a
 * warning from the first synthesis.
 */
export class S3ObjectLockEnabled extends ErpRule {
  public readonly id = 'ERP-S3-7';
  public readonly severity = CheckSeverity.WARNING;
  public readonly description = 'Backup buckets use S3 Object Lock, so a stolen credential cannot delete backups.';
  public readonly fix = 'create the bucket with object lock (S3BackupVault: objectLock { mode: ObjectLockMode.COMPLIANCE, days }); object lock can only be turned on when the bucket is created';

  public check(m: ICheckedStack): RuleFinding[] {
    return m.ofType('aws_s3_bucket')
      .filter((b) => mayHoldBackups(b.config.tags))
      .filter((b) => b.config.object_lock_enabled !== true && list<any>(b.config.object_lock_configuration).every((c) => c.object_lock_enabled !== 'Enabled'))
      .map((b) => this.finding(b, 'the bucket has no object lock: whoever holds a key with delete rights can remove every backup version'));
  }
}

/** False when the bucket's `erp:contents` tag says it holds something other than backups. */
function mayHoldBackups(tags: unknown): boolean {
  if (tags === null || typeof tags !== 'object') return true;
  const contents = (tags as Record<string, unknown>)[CONTENTS_TAG];
  return typeof contents !== 'string' || contents === BACKUP_CONTENTS;
}
