import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { Fn, TerraformProvider, Token } from 'cdktf';
import { Construct } from 'constructs';
import { createHash } from 'crypto';
import { buildSecureBucket } from '../../../backup/private/secure-bucket';
import { policyJson } from '../../../backup/private/policy';
import { BackupEncryption } from '../../../backup/props';
import { ErpChecks } from '../../../checks/erp-checks';
import { Problems, isUnresolved, requireProps } from '../../../private/validate';
import { escapeTerraformTemplate } from '../../private/render-common';
import { accessKeyUser } from '../../../private/iam';
import { CONTENTS_TAG, RELEASE_STATE_CONTENTS } from '../../../private/contents-tag';
import { fitBucketPrefix, s3BucketPrefixProblem } from '../../../private/limits';
import { checkAwsProviderRegion } from '../../../common/region';

/** Where a droplet's agent reads its desired state, and the credential it reads it with. */
export interface ReleaseStoreReader {
  /** HTTPS URL of the droplet's prefix in the store (no trailing slash); the agent reads `<url>/<key>`. */
  readonly url: string;
  /** Region the agent signs its requests for (AWS Signature Version 4). */
  readonly signingRegion: string;
  /** Access key id of the droplet's credential. */
  readonly accessKeyId: string;
  /** Secret access key of the droplet's credential (a reference Terraform fills in, never a value in the JSON). */
  readonly secretAccessKey: string;
}

/** One object of a droplet's desired state in a release store. */
export interface ReleaseObject {
  /** Key of the object, relative to the droplet's prefix. */
  readonly key: string;
  /**
   * Sets the object's text, exactly as given (it may hold references that Terraform fills in), and
   * returns its SHA-256 in hex: computed here for literal text, by Terraform for text with references.
   */
  write(content: string): string;
}

/**
 * A store that Terraform writes a droplet app's desired state to and that the
 * droplets' agent reads, with no connection to the droplets. `DropletRuntime`
 * publishes each droplet's release under its own prefix and gives each droplet
 * a credential that reads that prefix only.
 */
export interface IReleaseStore {
  /**
   * Creates the object `<prefix>/<key>` in `scope`, with construct id `id`; its text is set with
   * `ReleaseObject.write` (at every synthesis, so that the last word of the app's model counts).
   */
  putObject(scope: Construct, id: string, prefix: string, key: string): ReleaseObject;
  /**
   * Creates, in `scope`, the credential of one droplet, named `name`: it may read objects under
   * `<prefix>/` and write `<prefix>/status.json` (where the agent reports), nothing else.
   */
  createReader(scope: Construct, prefix: string, name: string): ReleaseStoreReader;
}

/** Props of `S3ReleaseStore`. */
export interface S3ReleaseStoreProps {
  /**
   * Name of the environment the store serves (`erp-prod`): the bucket's name starts with
   * `<name>-releases-` (cut to S3's 37 characters, ending in a hash of the whole, when longer).
   * Lowercase letters, digits and "-", at most 40 characters, not starting with a prefix S3 reserves (`xn--`, `sthree-`).
   */
  readonly name: string;
  /**
   * Days an old version of a release object is kept (the store is versioned: the previous releases stay readable).
   * @default 30
   */
  readonly noncurrentVersionDays?: number;
  /**
   * The AWS provider of the bucket's region.
   * @default - the stack's default AWS provider
   */
  readonly provider?: TerraformProvider;
}

const NAME = /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/;

/**
 * An S3 bucket that holds the desired state of droplet apps (a release store).
 *
 * Why a bucket the droplets poll, rather than SSH from Terraform: a Terraform
 * Cloud remote run has no address anyone can allow in a firewall, and
 * provisioners over SSH make the apply depend on reaching each droplet. With
 * the store, `terraform apply` only writes objects; each droplet's agent
 * reads them over HTTPS every 30 seconds and converges, so a deploy works from
 * a laptop, CI or Terraform Cloud alike, the droplets open no inbound port,
 * and no secret travels through user data, a compose file or the synthesized
 * JSON (the objects' text holds references that Terraform fills in).
 *
 * The bucket is private (public access blocked, ownership enforced), encrypted
 * with S3-managed keys (the policy refuses any other encryption and every
 * request without TLS), and versioned, old versions expiring after
 * `noncurrentVersionDays`. Each droplet reads with an IAM user of its own that
 * may get objects under the droplet's prefix and put its `status.json`, and
 * nothing else: it cannot list the bucket, read another droplet's state or
 * write a release. The bucket is protected from destroy: the droplets' bootstrap
 * names it, so a new bucket would mean new droplets.
 *
 * ```ts
 * const store = new S3ReleaseStore(stack, 'Releases', { name: 'erp-prod' });
 * new DropletRuntime(stack, 'Runtime', { region: DoRegion.FRA1, releaseStore: store, sshKeys: ['12345678'] });
 * ```
 */
export class S3ReleaseStore extends Construct implements IReleaseStore {
  /** The bucket. */
  public readonly bucket: S3Bucket;
  /** The bucket name. */
  public readonly bucketName: string;

  private readonly props: S3ReleaseStoreProps;

  constructor(scope: Construct, id: string, props: S3ReleaseStoreProps) {
    super(scope, id);
    requireProps(this, props, "{ name: 'erp-prod' }");
    const p = new Problems();
    if (!isUnresolved(props.name)) {
      p.check(typeof props.name === 'string' && NAME.test(props.name), 'name', props.name,
        'is not a store name: lowercase letters, digits and "-", at most 40 characters', "use the app and environment, e.g. 'erp-prod'");
      const why = typeof props.name === 'string' && NAME.test(props.name) ? s3BucketPrefixProblem(fitBucketPrefix(`${props.name}-releases-`)) : undefined;
      if (why) p.add('name', props.name, `makes the bucket prefix ${props.name}-releases-, which ${why.problem}`, why.fix);
    }
    checkAwsProviderRegion(p, 'provider', props.provider);
    const days = props.noncurrentVersionDays ?? 30;
    p.check(Number.isInteger(days) && days >= 1 && days <= 3650, 'noncurrentVersionDays', props.noncurrentVersionDays, 'is not a whole number of days from 1 to 3650', 'use e.g. 30');
    p.throwIfAny(this);
    this.props = props;
    const secure = buildSecureBucket(this, {
      plan: {
        prefixes: { root: '', daily: '', weekly: '', monthly: '' },
        rules: [],
        noncurrentVersionExpirationDays: days,
        abortIncompleteUploadDays: 1,
        protectFromDestroy: true,
      },
      encryption: BackupEncryption.S3_MANAGED,
      bucketPrefix: fitBucketPrefix(`${props.name}-releases-`),
      description: `the desired state of ${props.name}`,
      tags: { [CONTENTS_TAG]: RELEASE_STATE_CONTENTS },
      provider: props.provider,
    });
    this.bucket = secure.bucket;
    this.bucketName = secure.bucket.bucket;
    ErpChecks.suppress(this, 'ERP-S3-4', 'S3-managed keys: the droplets\' credentials read without a key grant, and every object is written again at each apply');
    ErpChecks.suppress(this, 'ERP-S3-7', 'holds the desired state Terraform writes again at every apply, not backups');
  }

  public putObject(scope: Construct, id: string, prefix: string, key: string): ReleaseObject {
    const object = new S3Object(scope, id, {
      provider: this.props.provider,
      bucket: this.bucket.id,
      key: `${prefix}/${key}`,
      content: '',
      contentType: 'text/plain; charset=utf-8',
      serverSideEncryption: 'AES256',
    });
    return {
      key,
      write: (content: string) => {
        // Terraform reads `${` and `%{` as template syntax: escaped, the object holds the text as given
        object.content = escapeTerraformTemplate(content);
        return Token.isUnresolved(content) ? Fn.sha256(object.content) : createHash('sha256').update(content, 'utf8').digest('hex');
      },
    };
  }

  public createReader(scope: Construct, prefix: string, name: string): ReleaseStoreReader {
    const { key } = accessKeyUser(scope, {
      name,
      path: '/erp-agent/',
      provider: this.props.provider,
      ids: { user: 'AgentUser', policy: 'AgentPolicy', key: 'AgentKey' },
      policy: policyJson([
        { Sid: 'ReadOwnDesiredState', Effect: 'Allow', Action: ['s3:GetObject'], Resource: [`${this.bucket.arn}/${prefix}/*`] },
        { Sid: 'ReportOwnStatus', Effect: 'Allow', Action: ['s3:PutObject'], Resource: [`${this.bucket.arn}/${prefix}/status.json`] },
      ]),
    });
    return {
      url: `https://${this.bucket.bucketRegionalDomainName}/${prefix}`,
      signingRegion: this.bucket.region,
      accessKeyId: key.id,
      secretAccessKey: key.secret,
    };
  }
}
