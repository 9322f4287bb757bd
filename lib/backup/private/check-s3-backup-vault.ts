import { IConstruct } from 'constructs';
import { Problems, checkObject, isUnresolved, requireProps } from '../../private/validate';
import { BackupEncryption, ColdStorage } from '../props';
import type { S3BackupVaultProps } from '../s3-backup-vault';
import { VAULT_DEFAULTS, VaultPlan, checkBucketName, planVault } from './plan';
import { S3_BUCKET_PREFIX_MAX, fitBucketPrefix, s3BucketPrefixProblem } from '../../private/limits';
import { checkAwsProviderRegion } from '../../common/region';

/**
 * Checks the props of an `S3BackupVault` and throws one `ErpValidationError` naming every
 * problem; returns the vault's plan (prefixes, retention, lifecycle), encryption and bucket prefix.
 */
export function checkS3BackupVaultProps(
  scope: IConstruct, props: S3BackupVaultProps,
): { plan: VaultPlan; encryption: BackupEncryption; bucketPrefix: string; replicaBucketPrefix: string } {
  requireProps(scope, props, '{} for the defaults');
  const p = new Problems();
  const plan = planVault(p, props, ColdStorage.glacierFlexibleRetrieval(30));
  const encryption = props.encryption ?? BackupEncryption.KMS;
  p.check(Object.values(BackupEncryption).includes(encryption), 'encryption', encryption,
    'is not a vault encryption', 'use BackupEncryption.KMS or BackupEncryption.S3_MANAGED');
  checkBucketName(p, 'bucketName', props.bucketName);
  if (props.identityName !== undefined && !isUnresolved(props.identityName)) {
    p.check(typeof props.identityName === 'string' && /^[A-Za-z0-9+=,.@_-]{1,40}$/.test(props.identityName), 'identityName', props.identityName,
      'is not usable in an IAM user name (at most 64 characters of letters, digits and +=,.@_- in all)',
      'give 1 to 40 letters, digits or +=,.@_- naming the app and environment, such as "facturador-prod"');
  }
  const bucketPrefix = props.bucketPrefix ?? VAULT_DEFAULTS.bucketPrefix;
  const prefixOk = checkBucketPrefix(p, 'bucketPrefix', bucketPrefix);
  const replication = props.replication;
  if (checkObject(p, 'replication', replication, { fix: "give { provider: replicaProvider } (an AwsProvider with an alias), or leave it out" })) {
    if (replication.bucketPrefix !== undefined) {
      checkBucketPrefix(p, 'replication.bucketPrefix', replication.bucketPrefix);
    }
    checkAwsProviderRegion(p, 'replication.provider', replication.provider);
    const alias: unknown = isObject(replication.provider) ? replication.provider.alias : undefined;
    p.check(typeof alias === 'string' && alias.length > 0, 'replication.provider', alias,
      'must be an AwsProvider with an `alias`, configured for the second region',
      "create `new AwsProvider(stack, 'replica', { alias: 'replica', region: '<second region>' })` and pass it");
  }
  p.throwIfAny(scope);
  return { plan, encryption, bucketPrefix, replicaBucketPrefix: replicaPrefix(props, bucketPrefix, prefixOk) };
}

/**
 * The replica bucket's prefix: `replication.bucketPrefix`, or `<bucketPrefix>replica-`, cut to the 37
 * characters S3 allows a prefix (with a hash of the whole) when it is longer. A derived prefix that fits
 * is kept as it always was; one that did not fit never passed `terraform validate`
 * ("expected length of bucket_prefix to be in the range (0 - 37)", hashicorp/aws 5.100.0).
 */
function replicaPrefix(props: S3BackupVaultProps, bucketPrefix: string, prefixOk: boolean): string {
  const given = props.replication?.bucketPrefix;
  if (given !== undefined) return given;
  const derived = `${bucketPrefix}replica-`;
  return prefixOk && !isUnresolved(bucketPrefix) ? fitBucketPrefix(derived) : derived;
}

/** Records a problem when a bucket name prefix is malformed, too long or reserved by S3; returns true when it is a usable string. */
function checkBucketPrefix(p: Problems, prop: string, prefix: unknown): boolean {
  if (isUnresolved(prefix)) return true;
  const why = typeof prefix === 'string' ? s3BucketPrefixProblem(prefix)
    : { problem: 'is not a valid bucket name prefix', fix: `use at most ${S3_BUCKET_PREFIX_MAX} lowercase letters, digits, dots and dashes, starting with a letter or digit` };
  if (why) p.add(prop, prefix, why.problem, why.fix);
  return why === undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
