import { Construct } from 'constructs';
import { Annotations } from 'cdktf';
import { SpacesBucket, SpacesBucketLifecycleRule } from '@cdktf/provider-digitalocean/lib/spaces-bucket';
import { SpacesKey } from '@cdktf/provider-digitalocean/lib/spaces-key';
import { BackupJobEnvironment } from '../common/contracts';
import { DoRegion, checkRegion } from '../common/region';
import { Problems, requireProps } from '../private/validate';
import { VaultPlan, checkBucketName, jobEnvironment, nameSafe, planVault, rejectUnsupported } from './private/plan';
import { BackupGrantOptions, BackupPrefixes, BackupVaultProps, ColdStorage, IBackupVault } from './props';

/** Props of `SpacesBackupVault`: the shared vault props, and the region. */
export interface SpacesBackupVaultProps extends BackupVaultProps {
  /** The DigitalOcean region of the Space (`DoRegion.FRA1`). */
  readonly region: DoRegion;
}

/**
 * The permission a Spaces key has on one bucket, as DigitalOcean names it. At provider 2.71.0 a
 * `digitalocean_spaces_key` grant is a bucket and one of `read`, `readwrite` or `fullaccess`
 * (docs/resources/spaces_key.md): no per-prefix scope, no write-only or put-only permission.
 */
enum SpacesPermission {
  READ = 'read',
  /** Read, write and delete: Spaces keys have no write-only permission. */
  READ_WRITE = 'readwrite',
}

/**
 * The off-site home of database dumps on DigitalOcean Spaces, behind the same props as
 * `S3BackupVault`, for teams that stay on one cloud.
 *
 * The Space (id `Resource`) is private (ACL `private`), versioned, never force-destroyed, protected
 * from `terraform destroy`, and its lifecycle rules expire `daily/`, `weekly/`, `monthly/` and a
 * restore's `safety/` dumps after their retention (weekly or monthly ones not at all when that tier
 * is off with 0), remove a dump's version for good `noncurrentVersionExpirationDays` (1) later, as on
 * S3 (a daily dump kept 30 days is gone after 31), remove expired delete markers and abort unfinished
 * uploads. Spaces encrypts data at rest with keys DigitalOcean manages.
 *
 * What Spaces cannot do, and this class therefore refuses at synth time: object lock, customer
 * KMS keys, cold storage classes (Glacier and the like), replication to a second region.
 *
 * What a Spaces key cannot restrict, said plainly: a key's grant is per bucket, with the
 * permissions `read`, `readwrite` or `fullaccess`. There is no write-only permission and no
 * per-prefix scope, so the key `grantWrite` makes can also list, read and delete every object in
 * this Space, including old versions. Versioning keeps overwritten and deleted objects for
 * `noncurrentVersionExpirationDays` (1 day by default; raise it to have longer to notice an
 * accidental `rm`), but nothing stops a key holder who deletes versions on purpose. When backups must
 * survive a stolen writer key, use `S3BackupVault` (put-only writer, optional object lock).
 * `grantWrite` and `grantRestore` add a warning annotation saying so.
 *
 *   const vault = new SpacesBackupVault(stack, 'Backups', { region: DoRegion.FRA1, rootPrefix: 'erp' });
 *   app.backupTo(vault);
 */
export class SpacesBackupVault extends Construct implements IBackupVault {
  /** The Space (construct id `Resource`). */
  public readonly bucket: SpacesBucket;
  public readonly bucketName: string;
  /** The Space's URN, for DigitalOcean projects. */
  public readonly bucketUrn: string;
  /** The region slug (`fra1`). */
  public readonly region: string;
  public readonly prefixes: BackupPrefixes;
  /** `https://<region>.digitaloceanspaces.com`. */
  public readonly endpoint: string;
  /** The arguments `aws s3 cp` needs to talk to Spaces (`--endpoint-url <endpoint>`). */
  public readonly uploadArgs: string[];
  /** The keys made by `grantWrite`, `grantRead` and `grantRestore`, by construct id (`<id>WriterKey`, `<id>ReaderKey`, `<id>RestorerKey`). */
  public readonly keys: ReadonlyMap<string, SpacesKey>;

  private readonly grants = new Map<string, BackupJobEnvironment>();
  private readonly keyMap = new Map<string, SpacesKey>();

  constructor(scope: Construct, id: string, props: SpacesBackupVaultProps) {
    super(scope, id);
    requireProps(this, props, '{ region: DoRegion.FRA1 }');
    const p = new Problems();
    const plan: VaultPlan = planVault(p, props, ColdStorage.NONE);
    checkRegion(p, 'region', props.region, { required: true });
    checkBucketName(p, 'bucketName', props.bucketName, false);
    rejectUnsupported(p, props, [
      ['objectLock', 'Spaces has no object lock'],
      ['replication', 'Spaces has no replication to another region'],
      ['bucketPrefix', 'Spaces bucket names are exact; there is no generated name with a prefix'],
    ]);
    if (props.encryption !== undefined) {
      p.add('encryption', props.encryption,
        'Spaces has no customer-managed keys or encryption choice (it encrypts at rest with keys DigitalOcean manages)',
        'remove `encryption`, or use S3BackupVault');
    }
    for (const rule of plan.rules) {
      if (rule.cold.storageClass) {
        p.add(rule.coldProp, { storageClass: rule.cold.storageClass.apiName, afterDays: rule.cold.afterDays },
          'Spaces has a single storage class; objects cannot move to Glacier or another colder class',
          `remove \`${rule.coldProp}\` (or use ColdStorage.NONE), or use S3BackupVault`);
      }
    }
    p.throwIfAny(this);

    if (!plan.protectFromDestroy) {
      Annotations.of(this).addWarning('protectFromDestroy is false: `terraform destroy` can delete this backup vault.');
    }

    this.region = props.region.slug;
    this.endpoint = `https://${this.region}.digitaloceanspaces.com`;
    this.prefixes = plan.prefixes;
    this.uploadArgs = ['--endpoint-url', this.endpoint];
    this.keys = this.keyMap;

    this.bucket = new SpacesBucket(this, 'Resource', {
      name: props.bucketName ?? `erp-backups-${this.node.addr.slice(0, 16)}`,
      region: this.region,
      acl: 'private',
      forceDestroy: false,
      versioning: { enabled: true },
      lifecycleRule: spacesLifecycleRules(plan),
      lifecycle: plan.protectFromDestroy ? { preventDestroy: true } : undefined,
    });
    this.bucketName = this.bucket.name;
    this.bucketUrn = this.bucket.urn;
  }

  /**
   * Creates (once per id) a Spaces key with `readwrite` on this Space only, and returns what a
   * backup job needs. Spaces has no write-only keys: this key can also read and delete (see the class doc).
   */
  public grantWrite(id: string, options: BackupGrantOptions = {}): BackupJobEnvironment {
    return this.grant('Writer', id, SpacesPermission.READ_WRITE, options);
  }

  /** Creates (once per id) a Spaces key with `read` on this Space only: list and get every object. */
  public grantRead(id: string, options: BackupGrantOptions = {}): BackupJobEnvironment {
    return this.grant('Reader', id, SpacesPermission.READ, options);
  }

  /**
   * Creates (once per id) a Spaces key for a restore, with `readwrite` on this Space only: the
   * narrowest grant that lets it put the safety dump (`read` cannot write). Spaces has no per-prefix
   * scope and no restore-from-archive step (one storage class), so this key can list, get, put and
   * delete every object in this Space, like the writer's (see the class doc); a warning says so.
   */
  public grantRestore(id: string, options: BackupGrantOptions = {}): BackupJobEnvironment {
    return this.grant('Restorer', id, SpacesPermission.READ_WRITE, options);
  }

  private grant(kind: 'Writer' | 'Reader' | 'Restorer', id: string, permission: SpacesPermission, options: BackupGrantOptions): BackupJobEnvironment {
    const cacheKey = `${kind}/${id}`;
    const cached = this.grants.get(cacheKey);
    if (cached) return cached;
    const p = new Problems();
    p.check(options.principal === undefined, 'options.principal', options.principal?.identifier,
      'Spaces has no roles: access is only by key', 'remove `principal` to get a Spaces key');
    p.throwIfAny(this);
    const keyId = `${id}${kind}Key`;
    // The writer's and the reader's key names carry the permission, as they always have (renaming a
    // key replaces it); the restorer's says `restore`, so it never shares a name with a writer's.
    const role = kind === 'Restorer' ? 'restore' : permission;
    const key = new SpacesKey(this, keyId, {
      name: `erp-backup-${nameSafe(id).slice(0, 32)}-${role}-${this.node.addr.slice(0, 8)}`,
      grant: [{ bucket: this.bucket.name, permission }],
    });
    this.keyMap.set(keyId, key);
    if (kind === 'Writer') {
      Annotations.of(this).addWarning(
        `The Spaces key of grantWrite("${id}") can also list, read and delete every backup in this Space: ` +
        'Spaces keys have no write-only permission. Use S3BackupVault when backups must survive a leaked writer key.');
    } else if (kind === 'Restorer') {
      Annotations.of(this).addWarning(
        `The Spaces key of grantRestore("${id}") can write and delete every backup in this Space, not only put safety dumps: ` +
        'Spaces keys have no per-prefix or put-only permission. Use S3BackupVault when backups must survive a leaked restorer key.');
    }
    const env = jobEnvironment(this, {
      plain: { AWS_ENDPOINT_URL: this.endpoint },
      secret: { AWS_ACCESS_KEY_ID: key.accessKey, AWS_SECRET_ACCESS_KEY: key.secretKey },
    });
    this.grants.set(cacheKey, env);
    return env;
  }
}

/**
 * The same lifecycle as on S3: one expiry rule per kept prefix, and one bucket-wide rule that
 * removes a version `noncurrentVersionExpirationDays` after it stops being current, removes the
 * delete markers left with no version, and aborts unfinished uploads. DigitalOcean provider 2.71.0
 * documents both on `digitalocean_spaces_bucket.lifecycle_rule` (docs/resources/spaces_bucket.md):
 * `noncurrent_version_expiration { days }` "Specifies when non-current object versions expire", and
 * `expiration { expired_object_delete_marker }` "directs Spaces to delete expired object delete
 * markers" on a versioned bucket; the provider sends the marker flag only in an expiration without
 * days or date, hence its own expiration block in the bucket-wide rule.
 */
function spacesLifecycleRules(plan: VaultPlan): SpacesBucketLifecycleRule[] {
  return [
    ...plan.rules.map((rule) => ({
      id: `expire-${rule.name}`,
      enabled: true,
      prefix: rule.prefix,
      expiration: { days: rule.retentionDays },
    })),
    {
      id: 'clean-noncurrent-versions-and-uploads',
      enabled: true,
      noncurrentVersionExpiration: { days: plan.noncurrentVersionExpirationDays },
      expiration: { expiredObjectDeleteMarker: true },
      abortIncompleteMultipartUploadDays: plan.abortIncompleteUploadDays,
    },
  ];
}
