import { S3StorageClass } from '../common/storage-class';
import { PriceSource } from './catalogue';

/** How an item of an estimate was priced. */
export enum CostItemStatus {
  /** Priced from the catalogue and the resource's own fields. */
  PRICED = 'priced',
  /** Priced from the catalogue and a usage assumption (stored GiB); the notes say which. */
  USAGE_ASSUMED = 'usage assumed',
  /** Known to cost nothing (listed with its source). */
  FREE = 'free',
  /** No known price: left out of the total, listed so that it is never counted as 0 silently. */
  NO_KNOWN_PRICE = 'no known price',
}

/** One line of an estimate. */
export interface CostItem {
  /** The Terraform address of the resource (`digitalocean_droplet.App`). */
  readonly address: string;
  /** The Terraform resource type. */
  readonly resourceType: string;
  /** What is priced (`Droplet s-4vcpu-8gb`, `weekly backups of ...`). */
  readonly description: string;
  /** How it was priced. */
  readonly status: CostItemStatus;
  /** How many units the estimate counts (at the autoscaling minimum). */
  readonly quantity: number;
  /** The autoscaling maximum, when the quantity can grow. */
  readonly maxQuantity?: number;
  /** What the quantity counts (`droplet`, `node`, `GiB`). */
  readonly unit: string;
  /** Price of one unit per month, in USD; undefined when there is no known price. */
  readonly unitPriceUsd?: number;
  /** quantity × unit price, in USD per month; undefined when there is no known price. */
  readonly monthlyUsd?: number;
  /** maxQuantity × unit price, when the quantity can grow. */
  readonly maxMonthlyUsd?: number;
  /** The catalogue entry the price comes from. */
  readonly catalogueKey?: string;
  /** Where the price comes from. */
  readonly source?: PriceSource;
  /** Assumptions, what the figure leaves out, why there is no price. */
  readonly notes: readonly string[];
}

/** Usage the estimate cannot read from the configuration. */
export interface CostAssumptions {
  /**
   * Expected GiB stored in each S3 bucket, every version counted (for a backup
   * vault: the dumps kept by its retention rules).
   * @default 50
   */
  readonly s3StorageGibPerBucket?: number;
  /**
   * Expected GiB stored per bucket, by Terraform address (`aws_s3_bucket.Vault`).
   * @default - `s3StorageGibPerBucket` for every bucket
   */
  readonly s3StorageGibByAddress?: Readonly<Record<string, number>>;
  /**
   * How the stored bytes split between storage classes, as shares adding up to 1
   * (`{ STANDARD: 0.3, GLACIER: 0.7 }` for a vault whose lifecycle moves old dumps to Glacier).
   * @default - everything in S3 Standard
   */
  readonly s3StorageClassShares?: Readonly<Partial<Record<S3StorageClass, number>>>;
  /**
   * Total GiB stored in Spaces by the stack's buckets.
   * @default 250 (what the Spaces subscription includes)
   */
  readonly spacesStorageGib?: number;
  /**
   * AWS region of resources whose provider names none.
   * @default 'us-east-1'
   */
  readonly defaultAwsRegion?: string;
}
