import { S3StorageClass } from '../common/storage-class';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { BackupJobEnvironment, IBackupDestination } from '../common/contracts';

/** How objects in an S3 vault are encrypted at rest. */
export enum BackupEncryption {
  /** A customer-managed KMS key with yearly rotation, created with the vault (SSE-KMS, bucket key on). */
  KMS = 'aws:kms',
  /** S3-managed keys (SSE-S3, AES-256). No key policy of your own, no key usage audit trail. */
  S3_MANAGED = 'AES256',
}

/** The retention mode of S3 Object Lock. */
export enum ObjectLockMode {
  /** Users with `s3:BypassGovernanceRetention` can still delete or shorten the lock. */
  GOVERNANCE = 'GOVERNANCE',
  /** Nobody, not even the account root, can delete a locked version before its lock ends. */
  COMPLIANCE = 'COMPLIANCE',
}

/** An S3 storage class a lifecycle rule can move objects to, with the rules S3 applies to it. */
export class ColdStorageClass {
  /** S3 Glacier Flexible Retrieval (`GLACIER`): minimum storage duration 90 days, restores take minutes to hours. */
  public static readonly GLACIER_FLEXIBLE_RETRIEVAL = new ColdStorageClass(S3StorageClass.GLACIER_FLEXIBLE_RETRIEVAL, 'Glacier Flexible Retrieval', 90, 0);
  /** S3 Glacier Deep Archive: minimum storage duration 180 days, restores take up to 12 hours. */
  public static readonly DEEP_ARCHIVE = new ColdStorageClass(S3StorageClass.DEEP_ARCHIVE, 'Glacier Deep Archive', 180, 0);
  /** S3 Glacier Instant Retrieval: minimum storage duration 90 days, millisecond reads. */
  public static readonly GLACIER_INSTANT_RETRIEVAL = new ColdStorageClass(S3StorageClass.GLACIER_INSTANT_RETRIEVAL, 'Glacier Instant Retrieval', 90, 0);
  /** S3 Standard-IA: minimum storage duration 30 days, and objects must be 30 days old before the transition. */
  public static readonly STANDARD_IA = new ColdStorageClass(S3StorageClass.STANDARD_IA, 'Standard-IA', 30, 30);
  /** S3 One Zone-IA: minimum storage duration 30 days, 30 days old before the transition, one availability zone. */
  public static readonly ONEZONE_IA = new ColdStorageClass(S3StorageClass.ONEZONE_IA, 'One Zone-IA', 30, 30);

  private constructor(
    /** The storage class as the S3 API names it (`GLACIER`). */
    public readonly apiName: S3StorageClass,
    /** The name S3's documentation uses. */
    public readonly displayName: string,
    /** S3 bills at least this many days of storage for an object in this class. */
    public readonly minimumStorageDays: number,
    /** An object must be at least this many days old before a lifecycle rule may move it here. */
    public readonly minimumAgeDays: number,
  ) {}

  public toString(): string {
    return this.apiName;
  }
}

/** Moves the objects of one prefix to a colder storage class after some days. */
export class ColdStorage {
  /** Glacier Flexible Retrieval (`GLACIER`) after `afterDays` days. */
  public static glacierFlexibleRetrieval(afterDays: number): ColdStorage {
    return new ColdStorage(ColdStorageClass.GLACIER_FLEXIBLE_RETRIEVAL, afterDays);
  }

  /** Glacier Deep Archive after `afterDays` days. */
  public static deepArchive(afterDays: number): ColdStorage {
    return new ColdStorage(ColdStorageClass.DEEP_ARCHIVE, afterDays);
  }

  /** Glacier Instant Retrieval after `afterDays` days. */
  public static glacierInstantRetrieval(afterDays: number): ColdStorage {
    return new ColdStorage(ColdStorageClass.GLACIER_INSTANT_RETRIEVAL, afterDays);
  }

  /** Standard-IA after `afterDays` days (30 or more). */
  public static standardIa(afterDays: number): ColdStorage {
    return new ColdStorage(ColdStorageClass.STANDARD_IA, afterDays);
  }

  /** One Zone-IA after `afterDays` days (30 or more). */
  public static oneZoneIa(afterDays: number): ColdStorage {
    return new ColdStorage(ColdStorageClass.ONEZONE_IA, afterDays);
  }

  /** Any storage class, by its class object. */
  public static of(storageClass: ColdStorageClass, afterDays: number): ColdStorage {
    return new ColdStorage(storageClass, afterDays);
  }

  /** Keep the objects in the hot class (S3 Standard) until they expire. */
  public static readonly NONE = new ColdStorage(undefined, 0);

  private constructor(
    /** The class to move to; undefined for no transition. */
    public readonly storageClass: ColdStorageClass | undefined,
    /** Days after upload before the move. */
    public readonly afterDays: number,
  ) {}
}

/** S3 Object Lock default retention, applied to every new object version of the vault. */
export interface ObjectLockOptions {
  /** Governance (privileged users may bypass) or compliance (nobody may). */
  readonly mode: ObjectLockMode;
  /**
   * Days each new version is locked against deletion and overwrite. Must not exceed any kept tier's
   * retention plus `noncurrentVersionExpirationDays`: the day lifecycle removes the version for good.
   */
  readonly days: number;
}

/** Copies every backup to a bucket in a second region. */
export interface ReplicationOptions {
  /** An `AwsProvider` with an `alias`, configured for the second region. The replica bucket and its key are created with it. */
  readonly provider: AwsProvider;
  /**
   * Prefix of the replica bucket's generated name (37 characters at most).
   * @default - the vault's bucket prefix followed by `replica-` (cut to 37 characters, ending in a hash of the whole, when longer)
   */
  readonly bucketPrefix?: string;
}

/** Props shared by every backup vault implementation (S3 and DigitalOcean Spaces). */
export interface BackupVaultProps {
  /**
   * Exact bucket name. Changing it replaces the bucket.
   * @default - S3: a unique name Terraform generates from `bucketPrefix`; Spaces: `erp-backups-` and a hash of the construct path
   */
  readonly bucketName?: string;
  /**
   * Prefix of the generated bucket name when `bucketName` is not given (S3 only; 37 characters at most).
   * @default 'erp-backups-'
   */
  readonly bucketPrefix?: string;
  /**
   * A folder (for example the app name) under which `daily/`, `weekly/`, `monthly/` and `safety/` live.
   * @default - the prefixes sit at the root of the bucket
   */
  readonly rootPrefix?: string;
  /**
   * Days a daily dump (and a restore's safety dump) is listed, counted from its upload; its data is
   * removed `noncurrentVersionExpirationDays` later (30 and the default 1: gone for good after 31 days).
   * @default 30
   */
  readonly dailyRetentionDays?: number;
  /**
   * Weeks a weekly dump is listed (a week is 7 days), counted from its upload; its data is removed
   * `noncurrentVersionExpirationDays` later. 0 turns weekly dumps off: no `weekly/` rule, no permission
   * on it, and an empty `weeklyPrefix` in the job environment (dumps already there are then kept until
   * removed by hand).
   * @default 12
   */
  readonly weeklyRetentionWeeks?: number;
  /**
   * Months a monthly dump is listed (a month counts as 365/12 days, rounded up), counted from its
   * upload; its data is removed `noncurrentVersionExpirationDays` later. 0 turns monthly dumps off:
   * no `monthly/` rule, no permission on it, and an empty `monthlyPrefix` in the job environment
   * (dumps already there are then kept until removed by hand).
   * @default 12
   */
  readonly monthlyRetentionMonths?: number;
  /**
   * Move daily dumps to a colder class after some days.
   * @default ColdStorage.NONE
   */
  readonly dailyColdStorage?: ColdStorage;
  /**
   * Move weekly dumps to a colder class after some days.
   * @default ColdStorage.NONE
   */
  readonly weeklyColdStorage?: ColdStorage;
  /**
   * Move monthly dumps to a colder class after some days.
   * @default - S3: ColdStorage.glacierFlexibleRetrieval(30); Spaces: ColdStorage.NONE (Spaces has no cold classes)
   */
  readonly monthlyColdStorage?: ColdStorage;
  /**
   * Days a dump's version is kept after it stops being current, before it is removed for good.
   *
   * Dumps are never overwritten, so a version stops being current when its prefix's retention
   * expires it (S3 puts a delete marker on top) or when someone deletes it. A dump then lasts its
   * prefix's retention plus this many days in all: with the defaults a daily dump is listed 30 days
   * and removed for good after 31. Raise it to keep deleted dumps recoverable longer; every tier's
   * total lifetime grows by the same days (30 here: a daily dump lasts 60 days, a weekly one 12 weeks
   * and 30 days). S3's minimum is 1 (`NoncurrentDays` must be a positive integer). Each lifecycle step
   * counts to the next midnight UTC and runs asynchronously, so a removal can come up to a day later.
   * @default 1
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Days after which an unfinished multipart upload is aborted and its parts removed.
   * @default 7
   */
  readonly abortIncompleteUploadDays?: number;
  /**
   * Server-side encryption (S3 only; Spaces encrypts at rest with keys it manages and fails synth when KMS is asked for).
   * @default BackupEncryption.KMS on S3; - provider-managed at-rest encryption on Spaces
   */
  readonly encryption?: BackupEncryption;
  /**
   * S3 Object Lock default retention, set when the bucket is created (S3 only).
   * @default - no object lock
   */
  readonly objectLock?: ObjectLockOptions;
  /**
   * Replicate every backup to a second region (S3 only).
   * @default - no replication
   */
  readonly replication?: ReplicationOptions;
  /**
   * Protect the bucket (and its key) with Terraform's `prevent_destroy`. Set to false only for throwaway environments.
   * @default true
   */
  readonly protectFromDestroy?: boolean;
}

/** Who a granted identity is on AWS: a new IAM user with an access key, or a role an existing principal assumes. */
export class BackupPrincipal {
  /** A role an AWS service assumes (`ecs-tasks.amazonaws.com`, `lambda.amazonaws.com`). */
  public static service(serviceName: string): BackupPrincipal {
    return new BackupPrincipal('Service', serviceName);
  }

  /** A role an IAM principal (account, user or role ARN) assumes. */
  public static aws(arn: string): BackupPrincipal {
    return new BackupPrincipal('AWS', arn);
  }

  /**
   * A role an OIDC or SAML identity assumes with `sts:AssumeRoleWithWebIdentity` (for example a
   * Kubernetes service account), limited by `StringEquals` conditions such as `<issuer>:sub`.
   */
  public static federated(providerArn: string, stringEquals: Record<string, string>): BackupPrincipal {
    return new BackupPrincipal('Federated', providerArn, stringEquals);
  }

  private constructor(
    /** The principal type of the trust policy. */
    public readonly type: 'Service' | 'AWS' | 'Federated',
    /** The service name or ARN. */
    public readonly identifier: string,
    /** `StringEquals` conditions of the trust policy (federated principals). */
    public readonly stringEquals?: Record<string, string>,
  ) {}
}

/** Options of `grantWrite`, `grantRead` and `grantRestore`. */
export interface BackupGrantOptions {
  /**
   * Make a role this principal assumes instead of an IAM user with an access key (S3 only).
   * @default - an IAM user with an access key; its secret is in `environment.secret`
   */
  readonly principal?: BackupPrincipal;
}

/** The key prefixes of a vault, each ending in `/`, or empty for a tier the vault does not keep. */
export interface BackupPrefixes {
  /** The root prefix, or an empty string. */
  readonly root: string;
  /** `<root>daily/`. */
  readonly daily: string;
  /** `<root>weekly/`, or an empty string when `weeklyRetentionWeeks` is 0 (no weekly dumps). */
  readonly weekly: string;
  /** `<root>monthly/`, or an empty string when `monthlyRetentionMonths` is 0 (no monthly dumps). */
  readonly monthly: string;
  /** `<root>safety/`: the dumps a restore takes of the database before it replaces it. */
  readonly safety: string;
}

/** A vault: somewhere backups are written to and restored from. */
export interface IBackupVault extends IBackupDestination {
  readonly bucketName: string;
  readonly region: string;
  readonly prefixes: BackupPrefixes;
  /** The S3-compatible endpoint URL. */
  readonly endpoint: string;
  /** Creates (once per id) an identity that may list and read backups and decrypt them. */
  grantRead(id: string, options?: BackupGrantOptions): BackupJobEnvironment;
  /**
   * Creates (once per id) an identity for a restore: list and get every dump prefix, bring archived
   * dumps back (`s3:RestoreObject`), put the safety dump under `safety/`, use the vault's key.
   */
  grantRestore(id: string, options?: BackupGrantOptions): BackupJobEnvironment;
}
