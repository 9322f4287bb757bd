// The built-in rules about AWS resources: S3 buckets (backup vaults) and RDS instances.
export { S3PublicAccessBlocked } from './s3-public-access-blocked';
export { S3TlsOnly } from './s3-tls-only';
export { S3DefaultEncryption } from './s3-default-encryption';
export { S3KmsEncryption } from './s3-kms-encryption';
export { S3VersioningEnabled } from './s3-versioning-enabled';
export { S3LifecycleCleanup } from './s3-lifecycle-cleanup';
export { S3ObjectLockEnabled } from './s3-object-lock';
export { RdsInstanceSafe } from './rds-instance-safe';
