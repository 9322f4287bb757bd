import { createHash } from 'crypto';
import { Construct } from 'constructs';
import { TerraformProvider, Token } from 'cdktf';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { DataAwsRegion } from '@cdktf/provider-aws/lib/data-aws-region';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketCorsConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-cors-configuration';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { BackupEncryption } from '../backup/props';
import { buildSecureBucket } from '../backup/private/secure-bucket';
import { policyJson } from '../backup/private/policy';
import { ErpChecks } from '../checks/erp-checks';
import { AppEnvironment, IAppFileStore } from '../common/contracts';
import { APP_FILES_CONTENTS, CONTENTS_TAG } from '../private/contents-tag';
import { Problems, checkInt, isUnresolved, requireProps } from '../private/validate';
import { accessKeyUser } from '../private/iam';
import { fitBucketPrefix, s3BucketPrefixProblem } from '../private/limits';
import { checkAwsProviderRegion } from '../common/region';

/** HTTP methods a browser may use on the bucket directly (presigned uploads and downloads). */
export enum CorsMethod {
  GET = 'GET',
  PUT = 'PUT',
  POST = 'POST',
  DELETE = 'DELETE',
  HEAD = 'HEAD',
}

/** Which web pages may call the bucket from a browser (presigned URLs). */
export interface AppFilesCors {
  /** Origins allowed (`https://app.example.com`): scheme, host and optional port, no path. */
  readonly allowedOrigins: readonly string[];
  /**
   * Methods allowed.
   * @default [CorsMethod.GET, CorsMethod.PUT, CorsMethod.HEAD]
   */
  readonly allowedMethods?: readonly CorsMethod[];
  /**
   * Request headers allowed.
   * @default ['*']
   */
  readonly allowedHeaders?: readonly string[];
  /**
   * Seconds a browser may cache the preflight answer.
   * @default 3000
   */
  readonly maxAgeSeconds?: number;
}

/** Props of `AppFilesBucket`. */
export interface AppFilesBucketProps {
  /**
   * The app and environment (`lender-prod`): lowercase letters, digits and "-", at most 40 characters.
   * Names the bucket (`<name>-files-<random>`; the prefix cut to S3's 37 characters, ending in a hash
   * of the whole, when longer) and the IAM users of `grantReadWrite`
   * (`<name>-files-<id>`), which are unique in the whole AWS account.
   */
  readonly name: string;
  /**
   * Browser access to the bucket (presigned uploads from the app's pages).
   * @default - none: only the app's servers reach the bucket
   */
  readonly cors?: AppFilesCors;
  /**
   * Days a replaced or deleted file's old version is kept before it expires.
   * @default 30
   */
  readonly noncurrentVersionExpirationDays?: number;
  /**
   * Protect the bucket from `terraform destroy` (`prevent_destroy`).
   * @default true
   */
  readonly protectFromDestroy?: boolean;
  /**
   * The AWS provider of the bucket's region.
   * @default - the stack's default AWS provider
   */
  readonly provider?: TerraformProvider;
}

const NAME = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/;
const ORIGIN = /^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$|^https?:\/\/\*\.[a-z0-9.-]+$/;

/**
 * A private S3 bucket for the app's own files (the uploads a Next.js or Laravel app keeps in object
 * storage), not for backups: the bucket (id `Resource`) is protected from `terraform destroy`, never
 * force-destroyed, versioned (old versions expire after `noncurrentVersionExpirationDays`), owner-enforced,
 * blocks every kind of public access, is encrypted (SSE-S3, so the app's SDK needs no key grant) and
 * its policy denies requests without TLS. Optional CORS rules let the app's pages use presigned URLs.
 * It is tagged `erp:contents = app-files`, so the checks do not ask it for backup object lock and the
 * estimate prices its storage by the `s3StorageGibPerBucket` assumption.
 *
 * ```ts
 * const files = new AppFilesBucket(stack, 'Uploads', { name: 'lender-prod' });
 * app.storeFilesIn(files, { envPrefix: 'UPLOADS_' });
 * ```
 */
export class AppFilesBucket extends Construct implements IAppFileStore {
  /** The bucket. */
  public readonly bucket: S3Bucket;
  /** The bucket name. */
  public readonly bucketName: string;
  /** The bucket's region. */
  public readonly region: string;
  /** The S3 endpoint of the region (`https://s3.<region>.amazonaws.com`). */
  public readonly endpoint: string;
  /** Versioning of the bucket. */
  public readonly versioning: S3BucketVersioningA;
  /** The public access block. */
  public readonly publicAccessBlock: S3BucketPublicAccessBlock;
  /** The TLS-only bucket policy. */
  public readonly policy: S3BucketPolicy;
  /** The CORS rules, when `cors` is given. */
  public readonly cors?: S3BucketCorsConfiguration;

  private readonly props: AppFilesBucketProps;
  private readonly grants = new Map<string, AppEnvironment>();

  constructor(scope: Construct, id: string, props: AppFilesBucketProps) {
    super(scope, id);
    requireProps(this, props, "{ name: 'lender-prod' }");
    checkAppFilesBucketProps(this, props);
    this.props = props;
    const days = props.noncurrentVersionExpirationDays ?? 30;
    const secure = buildSecureBucket(this, {
      plan: {
        prefixes: { root: '', daily: '', weekly: '', monthly: '' },
        rules: [],
        noncurrentVersionExpirationDays: days,
        abortIncompleteUploadDays: 7,
        protectFromDestroy: props.protectFromDestroy ?? true,
      },
      encryption: BackupEncryption.S3_MANAGED,
      bucketPrefix: fitBucketPrefix(`${props.name}-files-`),
      description: `the files of ${props.name}`,
      tags: { [CONTENTS_TAG]: APP_FILES_CONTENTS },
      provider: props.provider,
    });
    this.bucket = secure.bucket;
    this.bucketName = secure.bucket.bucket;
    this.versioning = secure.versioning;
    this.publicAccessBlock = secure.publicAccessBlock;
    this.policy = secure.policy;
    const partition = new DataAwsPartition(this, 'Partition', { provider: props.provider });
    this.region = new DataAwsRegion(this, 'Region', { provider: props.provider }).name;
    this.endpoint = `https://s3.${this.region}.${partition.dnsSuffix}`;
    if (props.cors) {
      this.cors = new S3BucketCorsConfiguration(this, 'Cors', {
        provider: props.provider,
        bucket: this.bucket.id,
        corsRule: [{
          allowedOrigins: [...props.cors.allowedOrigins],
          allowedMethods: [...(props.cors.allowedMethods ?? [CorsMethod.GET, CorsMethod.PUT, CorsMethod.HEAD])],
          allowedHeaders: [...(props.cors.allowedHeaders ?? ['*'])],
          exposeHeaders: ['ETag'],
          maxAgeSeconds: props.cors.maxAgeSeconds ?? 3000,
        }],
      });
    }
    ErpChecks.suppress(this, 'ERP-S3-4', 'S3-managed keys: the app reads and writes with an access key and needs no KMS grant; files are still encrypted at rest');
  }

  /**
   * Creates (once per id) an IAM user `<name>-files-<id>` that may get, put and delete the bucket's
   * objects and list the bucket, nothing else, and its access key. Returns the bucket name, region
   * and endpoint as plain variables (`BUCKET`, `REGION`, `ENDPOINT`) and the key as secrets
   * (`ACCESS_KEY_ID`, `SECRET_ACCESS_KEY`). Prefer `app.storeFilesIn(bucket)`, which calls this.
   */
  public grantReadWrite(id: string): AppEnvironment {
    const known = this.grants.get(id);
    if (known) return known;
    const scope = new Construct(this, `Grant-${id}`);
    const { key } = accessKeyUser(scope, {
      name: this.userName(id),
      path: '/erp-app/',
      provider: this.props.provider,
      ids: { key: 'Key' },
      policy: policyJson([
        { Sid: 'ListBucket', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: [this.bucket.arn] },
        { Sid: 'ReadWriteObjects', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], Resource: [`${this.bucket.arn}/*`] },
      ]),
    });
    const env: AppEnvironment = {
      plain: { BUCKET: this.bucketName, REGION: this.region, ENDPOINT: this.endpoint },
      secret: { ACCESS_KEY_ID: key.id, SECRET_ACCESS_KEY: key.secret },
    };
    this.grants.set(id, env);
    return env;
  }

  /** `<name>-files-<id>`, at most 64 characters; a long id is cut and ends in a hash of the whole id. */
  private userName(id: string): string {
    const head = `${this.props.name}-files-`;
    const tail = id.toLowerCase().replace(/[^a-z0-9+=,.@_-]+/g, '-');
    if (head.length + tail.length <= 64) return head + tail;
    const hash = createHash('sha256').update(id).digest('hex').slice(0, 8);
    return `${head}${tail.slice(0, 64 - head.length - 9)}-${hash}`;
  }
}

/** Every problem of the props, in one error. */
function checkAppFilesBucketProps(scope: Construct, props: AppFilesBucketProps): void {
  const p = new Problems();
  if (!isUnresolved(props.name)) {
    p.check(typeof props.name === 'string' && NAME.test(props.name), 'name', props.name,
      'is not a name: lowercase letters, digits and "-", 2 to 40 characters', "use the app and environment, e.g. 'lender-prod'");
    const why = typeof props.name === 'string' && NAME.test(props.name) ? s3BucketPrefixProblem(fitBucketPrefix(`${props.name}-files-`)) : undefined;
    if (why) p.add('name', props.name, `makes the bucket prefix ${props.name}-files-, which ${why.problem}`, why.fix);
  }
  checkAwsProviderRegion(p, 'provider', props.provider);
  checkInt(p, 'noncurrentVersionExpirationDays', props.noncurrentVersionExpirationDays, 1, 3650);
  const cors = props.cors;
  if (cors !== undefined) {
    const origins = Array.isArray(cors.allowedOrigins) ? cors.allowedOrigins : [];
    p.check(origins.length > 0, 'cors.allowedOrigins', cors.allowedOrigins, 'is empty', "give the app's origins, e.g. ['https://app.example.com']");
    origins.forEach((o, i) => {
      if (Token.isUnresolved(o)) return;
      p.check(typeof o === 'string' && ORIGIN.test(o), `cors.allowedOrigins[${i}]`, o,
        'is not an origin (scheme and host, no path; "*" is refused: any site could then use the bucket from a visitor\'s browser)',
        "give e.g. 'https://app.example.com'");
    });
    const methods = cors.allowedMethods ?? [];
    methods.forEach((m, i) => p.check(Object.values(CorsMethod).includes(m), `cors.allowedMethods[${i}]`, m, 'is not a CORS method', 'use CorsMethod.GET, PUT, POST, DELETE or HEAD'));
    checkInt(p, 'cors.maxAgeSeconds', cors.maxAgeSeconds, 0, 86400);
  }
  p.throwIfAny(scope);
}
