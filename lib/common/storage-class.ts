/**
 * The S3 storage classes, by their AWS API names: the one model the backup vaults'
 * lifecycle (`ColdStorageClass`) and the cost catalogue share.
 */
export enum S3StorageClass {
  STANDARD = 'STANDARD',
  STANDARD_IA = 'STANDARD_IA',
  ONEZONE_IA = 'ONEZONE_IA',
  GLACIER_INSTANT_RETRIEVAL = 'GLACIER_IR',
  GLACIER_FLEXIBLE_RETRIEVAL = 'GLACIER',
  DEEP_ARCHIVE = 'DEEP_ARCHIVE',
}
