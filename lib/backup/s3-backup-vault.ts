import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { Annotations } from 'cdktf';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketObjectLockConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-object-lock-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketReplicationConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-replication-configuration';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { BackupJobEnvironment } from '../common/contracts';
import { checkS3BackupVaultProps } from './private/check-s3-backup-vault';
import { VaultPlan, dumpPrefixes, jobEnvironment, nameSafe } from './private/plan';
import { PolicyStatement, policyJson, prefixObjectArns } from './private/policy';
import { SecureBucket, buildSecureBucket } from './private/secure-bucket';
import {
  BackupEncryption, BackupGrantOptions, BackupPrefixes, BackupPrincipal, BackupVaultProps, IBackupVault, ReplicationOptions,
} from './props';
import { accessKeyUser } from '../private/iam';

/** Props of `S3BackupVault`: the shared vault props, and the name of its IAM identities. */
export interface S3BackupVaultProps extends BackupVaultProps {
  /**
   * Names the IAM users `grantWrite`, `grantRead` and `grantRestore` make: `<identityName>-<writer|reader|restorer>-<id>`.
   * IAM user names are unique in the whole AWS account, so give one per app and environment
   * (`facturador-prod`): 1 to 40 letters, digits and `+=,.@_-`.
   * @default - the bucket name (or the bucket prefix) without its trailing `-` or `.`, and a hash of the vault's construct path
   */
  readonly identityName?: string;
}

/** IAM user names: at most 64 characters of letters, digits and `+=,.@_-` (IAM quotas, "IAM name requirements"). */
export const IAM_USER_NAME_MAX = 64;

/**
 * The off-site home of database dumps, on Amazon S3.
 *
 * Safe by default: the bucket (id `Resource`) is protected from `terraform destroy`, never
 * force-destroyed, versioned, owner-enforced (no ACLs), blocks every kind of public access,
 * is encrypted with its own rotated KMS key (bucket key on), and its policy denies requests
 * without TLS and uploads that ask for another encryption or another key. Lifecycle rules list
 * `daily/` dumps 30 days, `weekly/` 12 weeks and `monthly/` 12 months (moved to Glacier Flexible
 * Retrieval after 30 days), and a restore's `safety/` dumps as long as daily ones, all counted from
 * the upload. Expiry turns a dump's version noncurrent; it is removed for good 1 day later
 * (`noncurrentVersionExpirationDays`), so a daily dump is gone after 31 days, not 60. Expired delete
 * markers are removed and unfinished uploads aborted after 7 days. `weeklyRetentionWeeks: 0` or
 * `monthlyRetentionMonths: 0` turns that tier off. Object lock and replication to a second region are opt-in.
 *
 * `grantWrite(id)` makes a writer that may put objects under the dump prefixes (daily, weekly,
 * monthly, safety), list those prefixes (to see whether this week's or month's copy exists and how
 * fresh the newest dump is) and use the key to encrypt: it cannot get, read, delete or
 * overwrite-destroy (versions are kept) backups. `grantRestore(id)` makes a restorer that may list
 * and get every dump prefix, bring archived dumps back (`s3:RestoreObject`), put its safety dump
 * under `safety/` and use the key; it cannot delete either.
 *
 * ```ts
 * const vault = new S3BackupVault(stack, 'Backups', { rootPrefix: 'invoicing' });
 * const job = vault.grantWrite('DumpJob'); // job.environment.plain / job.environment.secret
 * ```
 */
export class S3BackupVault extends Construct implements IBackupVault {
  /** The bucket (construct id `Resource`). */
  public readonly bucket: S3Bucket;
  /** The customer-managed key; undefined with `BackupEncryption.S3_MANAGED`. */
  public readonly key?: KmsKey;
  public readonly versioning: S3BucketVersioningA;
  public readonly ownershipControls: S3BucketOwnershipControls;
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;
  public readonly encryptionConfiguration: S3BucketServerSideEncryptionConfigurationA;
  public readonly bucketPolicy: S3BucketPolicy;
  public readonly lifecycleConfiguration: S3BucketLifecycleConfiguration;
  /** The object lock default retention; undefined without `objectLock`. */
  public readonly objectLockConfiguration?: S3BucketObjectLockConfigurationA;

  /** The replica bucket and its key, in the second region; undefined without `replication`. */
  public readonly replicaBucket?: S3Bucket;
  public readonly replicaKey?: KmsKey;
  /** The role S3 assumes to replicate; undefined without `replication`. */
  public readonly replicationRole?: IamRole;
  public readonly replicationConfiguration?: S3BucketReplicationConfigurationA;

  public readonly bucketName: string;
  public readonly bucketArn: string;
  /** The AWS region of the bucket (the stack provider's region). */
  public readonly region: string;
  /** The key's ARN; undefined with `BackupEncryption.S3_MANAGED`. */
  public readonly keyArn?: string;
  public readonly prefixes: BackupPrefixes;
  /** The regional S3 endpoint (`https://s3.<region>.amazonaws.com`). */
  public readonly endpoint: string;
  /** The arguments `aws s3 cp` needs to pass the bucket policy (`--sse aws:kms --sse-kms-key-id <arn>`). */
  public readonly uploadArgs: string[];
  /** The replica bucket's name; undefined without `replication`. */
  public readonly replicaBucketName?: string;
  /** The replica's region; undefined without `replication`. */
  public readonly replicaRegion?: string;

  /** The IAM policy (JSON) of every identity `grantWrite` makes: put under the prefixes, encrypt with the key. */
  public readonly writerPolicyJson: string;
  /** The IAM policy (JSON) of every identity `grantRead` makes: list, get, decrypt. */
  public readonly readerPolicyJson: string;
  /** The IAM policy (JSON) of every identity `grantRestore` makes: list, get, restore from cold storage, put safety dumps, use the key. */
  public readonly restorerPolicyJson: string;

  /** What the IAM users `grantWrite`, `grantRead` and `grantRestore` make are named after (`identityName`, or its default). */
  public readonly identityName: string;

  private readonly grants = new Map<string, BackupJobEnvironment>();
  private readonly partition: DataAwsPartition;
  private readonly identityNameGiven: boolean;

  constructor(scope: Construct, id: string, props: S3BackupVaultProps = {}) {
    super(scope, id);
    const { plan, encryption, bucketPrefix, replicaBucketPrefix } = checkS3BackupVaultProps(this, props);
    this.identityNameGiven = props.identityName !== undefined || props.bucketName !== undefined || props.bucketPrefix !== undefined;
    this.identityName = props.identityName
      ?? `${(props.bucketName ?? bucketPrefix).replace(/[-.]+$/, '')}-${this.node.addr.slice(0, 8)}`;

    if (!plan.protectFromDestroy) {
      Annotations.of(this).addWarning('protectFromDestroy is false: `terraform destroy` can delete this backup vault.');
    }

    this.partition = new DataAwsPartition(this, 'Partition', {});
    const regionData = new DataAwsRegion(this, 'Region', {});
    this.region = regionData.name;
    this.endpoint = `https://s3.${this.region}.${this.partition.dnsSuffix}`;

    const main = buildSecureBucket(this, {
      plan,
      encryption,
      objectLock: props.objectLock,
      bucketName: props.bucketName,
      bucketPrefix,
      description: `the backups in the ${this.node.path} vault`,
    });
    this.bucket = main.bucket;
    this.key = main.key;
    this.versioning = main.versioning;
    this.ownershipControls = main.ownershipControls;
    this.publicAccessBlock = main.publicAccessBlock;
    this.encryptionConfiguration = main.encryption;
    this.bucketPolicy = main.policy;
    this.lifecycleConfiguration = main.lifecycle;
    this.objectLockConfiguration = main.objectLock;

    this.bucketName = this.bucket.bucket;
    this.bucketArn = this.bucket.arn;
    this.keyArn = this.key?.arn;
    this.prefixes = plan.prefixes;
    this.uploadArgs = this.keyArn ? ['--sse', 'aws:kms', '--sse-kms-key-id', this.keyArn] : ['--sse', 'AES256'];
    this.writerPolicyJson = policyJson(this.writerStatements());
    this.readerPolicyJson = policyJson(this.readerStatements());
    this.restorerPolicyJson = policyJson(this.restorerStatements());

    if (props.replication) {
      const r = this.replicate(main, { ...props, replication: props.replication }, plan, encryption, replicaBucketPrefix);
      this.replicaBucket = r.bucket.bucket;
      this.replicaKey = r.bucket.key;
      this.replicaBucketName = r.bucket.bucket.bucket;
      this.replicaRegion = r.region;
      this.replicationRole = r.role;
      this.replicationConfiguration = r.configuration;
    }
  }

  /** The copy in a second region: a secure bucket like the vault's, a role S3 assumes, the replication rule. */
  private replicate(
    main: SecureBucket, props: S3BackupVaultProps & { replication: ReplicationOptions }, plan: VaultPlan, encryption: BackupEncryption, replicaPrefix: string,
  ): { bucket: SecureBucket; region: string; role: IamRole; configuration: S3BucketReplicationConfigurationA } {
    const replicaScope = new Construct(this, 'Replica');
    const replica = buildSecureBucket(replicaScope, {
      plan,
      encryption,
      objectLock: props.objectLock,
      bucketPrefix: replicaPrefix,
      description: `the replicated backups of the ${this.node.path} vault`,
      provider: props.replication.provider,
    });
    const replicaRegion = new DataAwsRegion(replicaScope, 'Region', { provider: props.replication.provider });
    const role = new IamRole(this, 'ReplicationRole', {
      namePrefix: 'erp-backup-replication-',
      description: `Lets S3 replicate ${this.node.path} to ${replicaRegion.name}`,
      assumeRolePolicy: trustPolicy(BackupPrincipal.service('s3.amazonaws.com')),
    });
    new IamRolePolicy(this, 'ReplicationPolicy', {
      role: role.id,
      policy: policyJson(this.replicationStatements(main, replica, replicaRegion.name, props.objectLock !== undefined)),
    });
    const configuration = new S3BucketReplicationConfigurationA(this, 'Replication', {
      bucket: this.bucket.id,
      role: role.arn,
      rule: [{
        id: 'replicate-backups',
        status: 'Enabled',
        filter: { prefix: plan.prefixes.root },
        // Deleting in the primary region never deletes the copy.
        deleteMarkerReplication: { status: 'Disabled' },
        sourceSelectionCriteria: main.key ? { sseKmsEncryptedObjects: { status: 'Enabled' } } : undefined,
        destination: {
          bucket: replica.bucket.arn,
          storageClass: 'STANDARD',
          encryptionConfiguration: replica.key ? { replicaKmsKeyId: replica.key.arn } : undefined,
        },
      }],
      dependsOn: [main.versioning, replica.versioning],
    });
    return { bucket: replica, region: replicaRegion.name, role, configuration };
  }

  /**
   * Creates (once per id) a writer: an IAM user with an access key, or a role `options.principal`
   * assumes. It may put objects under the vault's dump prefixes (daily, weekly and monthly unless
   * off, safety), list those prefixes (`s3:ListBucket` with an `s3:prefix` condition) and encrypt
   * with the vault's key, nothing else: no get, no delete.
   */
  public grantWrite(id: string, options: BackupGrantOptions = {}): BackupJobEnvironment {
    return this.grant('Writer', id, this.writerPolicyJson, options);
  }

  /** Creates (once per id) a reader: list the vault's root, get dumps and their versions, decrypt. */
  public grantRead(id: string, options: BackupGrantOptions = {}): BackupJobEnvironment {
    return this.grant('Reader', id, this.readerPolicyJson, options);
  }

  /**
   * Creates (once per id) a restorer, `<identityName>-restorer-<id>` (or a role `options.principal`
   * assumes): it may list and get every dump prefix (objects and versions), ask S3 to bring an
   * archived dump back from Glacier (`s3:RestoreObject`), put the safety dump of the database it
   * replaces under `safety/` only, decrypt with the vault's key and encrypt the safety dump with it.
   * It cannot delete anything.
   */
  public grantRestore(id: string, options: BackupGrantOptions = {}): BackupJobEnvironment {
    return this.grant('Restorer', id, this.restorerPolicyJson, options);
  }

  private grant(kind: GrantKind, id: string, policy: string, options: BackupGrantOptions): BackupJobEnvironment {
    const cacheKey = `${kind}/${id}`;
    const cached = this.grants.get(cacheKey);
    if (cached) return cached;
    const scope = new Construct(this, `${id}${kind}`);
    let plain: Record<string, string> = {};
    let secret: Record<string, string> = {};
    if (options.principal) {
      const role = new IamRole(scope, 'Role', {
        namePrefix: `erp-backup-${kind.toLowerCase()}-`,
        description: `Backup ${kind.toLowerCase()} ${id} of ${this.node.path}`,
        assumeRolePolicy: trustPolicy(options.principal),
      });
      new IamRolePolicy(scope, 'Policy', { role: role.id, policy });
      plain = { AWS_ROLE_ARN: role.arn };
    } else {
      const { key } = accessKeyUser(scope, { name: this.iamUserName(kind, id), policy });
      secret = { AWS_ACCESS_KEY_ID: key.id, AWS_SECRET_ACCESS_KEY: key.secret };
    }
    if (this.keyArn) plain.BACKUP_KMS_KEY_ARN = this.keyArn;
    const env = jobEnvironment(this, { plain, secret });
    this.grants.set(cacheKey, env);
    return env;
  }

  /**
   * `<identityName>-<writer|reader|restorer>-<id>`, at most 64 characters (an id too long for the rest is cut
   * and ends in a hash of the whole id, so that two ids never share a name). Without a name or bucket
   * of the user's own, the name is only as unique as the construct path: a warning says so.
   */
  private iamUserName(kind: GrantKind, id: string): string {
    const head = `${this.identityName}-${kind.toLowerCase()}-`;
    let tail = nameSafe(id);
    if (head.length + tail.length > IAM_USER_NAME_MAX) {
      const hash = createHash('sha256').update(id).digest('hex').slice(0, 8);
      tail = `${tail.slice(0, Math.max(0, IAM_USER_NAME_MAX - head.length - hash.length - 1)).replace(/-+$/, '')}-${hash}`;
    }
    if (!this.identityNameGiven) {
      Annotations.of(this).addWarning(
        `The IAM user ${head}${tail} of ${GRANT_METHOD[kind]}('${id}') is named after the default bucket prefix and this vault's construct path: `
        + 'IAM user names are unique in the whole AWS account, so two apps whose vaults share a construct path would collide. '
        + 'Give identityName (one per app and environment, such as "facturador-prod"), or a bucketPrefix of the app\'s own.');
    }
    return `${head}${tail}`;
  }

  /** Every dump prefix the vault keeps: daily, weekly and monthly (unless off), safety. Never an empty one. */
  private prefixList(): string[] {
    return dumpPrefixes(this.prefixes);
  }

  /** `s3:ListBucket` (and `actions`) on the bucket, only for requests whose `prefix` starts with one of `prefixes`. */
  private listPrefixes(sid: string, actions: string[], prefixes: string[]): PolicyStatement {
    return {
      Sid: sid,
      Effect: 'Allow',
      Action: actions,
      Resource: [this.bucketArn],
      Condition: { StringLike: { 's3:prefix': prefixes.map((prefix) => `${prefix}*`) } },
    };
  }

  private writerStatements(): PolicyStatement[] {
    const statements: PolicyStatement[] = [
      {
        Sid: 'PutBackupsUnderVaultPrefixes',
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        Resource: prefixObjectArns(this.bucketArn, this.prefixList()),
      },
      // The job lists `weekly/<name>-<week>.` and `monthly/<name>-<month>.` to upload only the first dump
      // of a period, and `daily/<name>-` to check freshness: listing shows keys and dates, never contents.
      this.listPrefixes('ListVaultPrefixes', ['s3:ListBucket'], this.prefixList()),
    ];
    if (this.keyArn) {
      statements.push(
        {
          Sid: 'EncryptWithVaultKey',
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey', 'kms:Encrypt'],
          Resource: [this.keyArn],
        },
        // S3 reads back the encrypted parts of a multipart upload to complete it, as the uploader.
        this.decryptThroughS3('CompleteMultipartUploadsThroughS3', this.keyArn, this.region),
      );
    }
    return statements;
  }

  private readerStatements(): PolicyStatement[] {
    const statements: PolicyStatement[] = [
      {
        Sid: 'ListBackups',
        Effect: 'Allow',
        Action: ['s3:ListBucket', 's3:ListBucketVersions'],
        Resource: [this.bucketArn],
        Condition: this.prefixes.root ? { StringLike: { 's3:prefix': [`${this.prefixes.root}*`] } } : undefined,
      },
      {
        Sid: 'ReadBackups',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: prefixObjectArns(this.bucketArn, this.prefixList()),
      },
    ];
    if (this.keyArn) {
      statements.push(this.decryptThroughS3('DecryptWithVaultKey', this.keyArn, this.region));
    }
    return statements;
  }

  private restorerStatements(): PolicyStatement[] {
    const statements: PolicyStatement[] = [
      this.listPrefixes('ListBackups', ['s3:ListBucket', 's3:ListBucketVersions'], this.prefixList()),
      {
        Sid: 'ReadBackups',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: prefixObjectArns(this.bucketArn, this.prefixList()),
      },
      {
        // A dump in Glacier Flexible Retrieval or Deep Archive must be brought back before it can be read.
        Sid: 'RestoreArchivedBackups',
        Effect: 'Allow',
        Action: ['s3:RestoreObject'],
        Resource: prefixObjectArns(this.bucketArn, this.prefixList()),
      },
      {
        Sid: 'PutSafetyDumps',
        Effect: 'Allow',
        Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
        Resource: prefixObjectArns(this.bucketArn, [this.prefixes.safety]),
      },
    ];
    if (this.keyArn) {
      statements.push(
        {
          Sid: 'EncryptSafetyDumpsWithVaultKey',
          Effect: 'Allow',
          Action: ['kms:GenerateDataKey', 'kms:Encrypt'],
          Resource: [this.keyArn],
          Condition: { StringEquals: { 'kms:ViaService': this.s3Service(this.region) } },
        },
        this.decryptThroughS3('DecryptWithVaultKey', this.keyArn, this.region),
      );
    }
    return statements;
  }

  private replicationStatements(main: SecureBucket, replica: SecureBucket, replicaRegion: string, locked: boolean): PolicyStatement[] {
    const source = main.bucket.arn;
    const statements: PolicyStatement[] = [
      {
        Sid: 'ReadReplicationConfiguration',
        Effect: 'Allow',
        Action: ['s3:GetReplicationConfiguration', 's3:ListBucket'],
        Resource: [source],
      },
      {
        Sid: 'ReadSourceVersions',
        Effect: 'Allow',
        Action: [
          's3:GetObjectVersionForReplication', 's3:GetObjectVersionAcl', 's3:GetObjectVersionTagging',
          ...(locked ? ['s3:GetObjectRetention', 's3:GetObjectLegalHold'] : []),
        ],
        Resource: [`${source}/*`],
      },
      {
        Sid: 'WriteReplicas',
        Effect: 'Allow',
        Action: ['s3:ReplicateObject', 's3:ReplicateTags'],
        Resource: [`${replica.bucket.arn}/*`],
      },
    ];
    if (main.key && replica.key) {
      statements.push(
        this.decryptThroughS3('DecryptSource', main.key.arn, this.region),
        {
          Sid: 'EncryptReplicas',
          Effect: 'Allow',
          Action: ['kms:Encrypt', 'kms:GenerateDataKey'],
          Resource: [replica.key.arn],
          Condition: { StringEquals: { 'kms:ViaService': this.s3Service(replicaRegion) } },
        },
      );
    }
    return statements;
  }

  /** Allows kms:Decrypt with `keyArn`, only in requests S3 makes in `region` on the caller's behalf. */
  private decryptThroughS3(sid: string, keyArn: string, region: string): PolicyStatement {
    return {
      Sid: sid,
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: [keyArn],
      Condition: { StringEquals: { 'kms:ViaService': this.s3Service(region) } },
    };
  }

  private s3Service(region: string): string {
    return `s3.${region}.${this.partition.dnsSuffix}`;
  }
}

/** The identities a vault grants, by construct id suffix. */
type GrantKind = 'Writer' | 'Reader' | 'Restorer';

/** The method that makes each kind of identity, for messages. */
const GRANT_METHOD: Record<GrantKind, string> = { Writer: 'grantWrite', Reader: 'grantRead', Restorer: 'grantRestore' };

/** The trust policy that lets `principal` assume a role. */
function trustPolicy(principal: BackupPrincipal): string {
  const federated = principal.type === 'Federated';
  return policyJson([{
    Sid: 'AssumeRole',
    Effect: 'Allow',
    Principal: { [principal.type]: principal.identifier },
    Action: [federated ? 'sts:AssumeRoleWithWebIdentity' : 'sts:AssumeRole'],
    Condition: principal.stringEquals ? { StringEquals: principal.stringEquals } : undefined,
  }]);
}
