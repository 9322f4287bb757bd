import { Construct } from 'constructs';
import { TerraformProvider } from 'cdktf';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration, S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { BackupEncryption, BackupPrefixes, ObjectLockOptions } from '../props';
import { VaultPlan } from './plan';
import { PolicyStatement, policyJson } from './policy';

/** What a secure bucket is made of. */
export interface SecureBucket {
  readonly bucket: S3Bucket;
  /** The customer-managed key; undefined with S3-managed encryption. */
  readonly key?: KmsKey;
  readonly versioning: S3BucketVersioningA;
  readonly ownershipControls: S3BucketOwnershipControls;
  readonly publicAccessBlock: S3BucketPublicAccessBlock;
  readonly encryption: S3BucketServerSideEncryptionConfigurationA;
  readonly policy: S3BucketPolicy;
  readonly lifecycle: S3BucketLifecycleConfiguration;
  readonly objectLock?: S3BucketObjectLockConfigurationA;
}

/**
 * What a secure bucket reads of a vault plan: the per-prefix rules and the bucket-wide numbers. The
 * prefixes themselves are not read (the rules carry theirs), so a bucket that is not a vault (the
 * release store) may leave them out.
 */
export type SecureBucketPlan = Omit<VaultPlan, 'prefixes'> & { readonly prefixes?: Partial<BackupPrefixes> };

export interface SecureBucketOptions {
  readonly plan: SecureBucketPlan;
  readonly encryption: BackupEncryption;
  readonly objectLock?: ObjectLockOptions;
  readonly bucketName?: string;
  readonly bucketPrefix?: string;
  /** What the bucket holds, for the key's description. */
  readonly description: string;
  /** The provider of a second region; undefined for the stack's default provider. */
  readonly provider?: TerraformProvider;
  /** Tags of the bucket, beside the provider's default tags. */
  readonly tags?: Record<string, string>;
}

/**
 * Builds a bucket with the vault's secure defaults in `scope`: the bucket has the id `Resource`,
 * no force-destroy, versioning, ownership enforced, all public access blocked, encryption
 * (a rotated KMS key with a bucket key, or SSE-S3), a TLS-only and encrypted-upload-only policy,
 * the per-prefix lifecycle and, when asked for, object lock.
 */
export function buildSecureBucket(scope: Construct, opts: SecureBucketOptions): SecureBucket {
  const { plan, provider } = opts;
  const lifecycle = plan.protectFromDestroy ? { preventDestroy: true } : undefined;

  const key = opts.encryption === BackupEncryption.KMS
    ? new KmsKey(scope, 'Key', {
      provider,
      description: `Encrypts ${opts.description}`,
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: 30,
      lifecycle,
    })
    : undefined;

  const bucket = new S3Bucket(scope, 'Resource', {
    provider,
    bucket: opts.bucketName,
    bucketPrefix: opts.bucketName ? undefined : opts.bucketPrefix,
    forceDestroy: false,
    objectLockEnabled: opts.objectLock ? true : undefined,
    tags: opts.tags,
    lifecycle,
  });

  const versioning = new S3BucketVersioningA(scope, 'Versioning', {
    provider,
    bucket: bucket.id,
    versioningConfiguration: { status: 'Enabled' },
  });

  const ownershipControls = new S3BucketOwnershipControls(scope, 'OwnershipControls', {
    provider,
    bucket: bucket.id,
    rule: { objectOwnership: 'BucketOwnerEnforced' },
  });

  const publicAccessBlock = new S3BucketPublicAccessBlock(scope, 'PublicAccessBlock', {
    provider,
    bucket: bucket.id,
    blockPublicAcls: true,
    blockPublicPolicy: true,
    ignorePublicAcls: true,
    restrictPublicBuckets: true,
  });

  const encryption = new S3BucketServerSideEncryptionConfigurationA(scope, 'Encryption', {
    provider,
    bucket: bucket.id,
    rule: [{
      applyServerSideEncryptionByDefault: key
        ? { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.arn }
        : { sseAlgorithm: 'AES256' },
      bucketKeyEnabled: key ? true : undefined,
    }],
  });

  const policy = new S3BucketPolicy(scope, 'Policy', {
    provider,
    bucket: bucket.id,
    policy: policyJson(bucketPolicyStatements(bucket.arn, key?.arn)),
    dependsOn: [publicAccessBlock],
  });

  const bucketLifecycle = new S3BucketLifecycleConfiguration(scope, 'Lifecycle', {
    provider,
    bucket: bucket.id,
    rule: lifecycleRules(plan),
    dependsOn: [versioning],
  });

  const objectLock = opts.objectLock
    ? new S3BucketObjectLockConfigurationA(scope, 'ObjectLock', {
      provider,
      bucket: bucket.id,
      rule: { defaultRetention: { mode: opts.objectLock.mode, days: opts.objectLock.days } },
      dependsOn: [versioning],
    })
    : undefined;

  return { bucket, key, versioning, ownershipControls, publicAccessBlock, encryption, policy, lifecycle: bucketLifecycle, objectLock };
}

/**
 * The bucket policy: deny any request without TLS, and deny uploads that ask for another
 * encryption or another key.
 *
 * The upload conditions use the `IfExists` forms on purpose: the parts of a multipart upload
 * (`UploadPart`, also authorized as `s3:PutObject`) carry no encryption headers, so a plain
 * "header must equal" deny would make every large upload fail. An upload without headers is
 * encrypted by the bucket's default encryption (this vault's key), so nothing is stored
 * unencrypted or under another key either way. With KMS, a request that names `aws:kms` but no
 * key id is denied, since S3 would then use the account's `aws/s3` key instead of this one.
 */
export function bucketPolicyStatements(bucketArn: string, keyArn: string | undefined): PolicyStatement[] {
  const objects = `${bucketArn}/*`;
  const statements: PolicyStatement[] = [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:*'],
      Resource: [bucketArn, objects],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
    {
      Sid: 'DenyUploadsWithOtherEncryption',
      Effect: 'Deny',
      Principal: '*',
      Action: ['s3:PutObject'],
      Resource: [objects],
      Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': keyArn ? 'aws:kms' : 'AES256' } },
    },
  ];
  if (keyArn) {
    statements.push(
      {
        Sid: 'DenyUploadsWithOtherKey',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:PutObject'],
        Resource: [objects],
        Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption-aws-kms-key-id': keyArn } },
      },
      {
        Sid: 'DenyKmsUploadsWithoutKeyId',
        Effect: 'Deny',
        Principal: '*',
        Action: ['s3:PutObject'],
        Resource: [objects],
        Condition: {
          StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
          Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'true' },
        },
      },
    );
  }
  return statements;
}

/**
 * One rule per kept prefix (expiry, optional transition; none for a tier that is off), one bucket-wide
 * rule for old versions, delete markers and unfinished uploads. Expiry makes a dump's version
 * noncurrent (a delete marker on top); the bucket-wide rule removes it `noncurrentVersionExpirationDays`
 * later (1 by default), and then the delete marker: a dump lasts its retention plus those days in all.
 */
export function lifecycleRules(plan: SecureBucketPlan): S3BucketLifecycleConfigurationRule[] {
  const perPrefix: S3BucketLifecycleConfigurationRule[] = plan.rules.map((rule) => ({
    id: `expire-${rule.name}`,
    status: 'Enabled',
    filter: [{ prefix: rule.prefix }],
    transition: rule.cold.storageClass
      ? [{ days: rule.cold.afterDays, storageClass: rule.cold.storageClass.apiName }]
      : undefined,
    expiration: [{ days: rule.retentionDays }],
  }));
  return [
    ...perPrefix,
    {
      id: 'clean-noncurrent-versions-and-uploads',
      status: 'Enabled',
      filter: [{ prefix: '' }],
      noncurrentVersionExpiration: [{ noncurrentDays: plan.noncurrentVersionExpirationDays }],
      abortIncompleteMultipartUpload: [{ daysAfterInitiation: plan.abortIncompleteUploadDays }],
      // Once a key's last old version is gone, its delete marker is removed too.
      expiration: [{ expiredObjectDeleteMarker: true }],
    },
  ];
}
