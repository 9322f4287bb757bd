/**
 * The limits the providers and their APIs put on names and values, each written once with its
 * source, so that what `terraform validate`, `plan` or `apply` would refuse is refused at synth
 * instead, with the field the user wrote. Each function returns why a value breaks the limit
 * (a problem and a fix), or undefined when it fits. The constructs' check modules and the app
 * description's validation call them.
 */
import { createHash } from 'crypto';
import { DatabaseEngineFamily } from '../common/contracts';
import { DO_TAG, parseIpv4Cidr } from './patterns';
import { Problems, checkArray, isUnresolved } from './validate';

/** Why a value breaks a limit, and how to fix it. */
export interface LimitProblem {
  readonly problem: string;
  readonly fix: string;
}

// ---------------------------------------------------------------------------------------------
// S3 bucket names
// ---------------------------------------------------------------------------------------------

/**
 * "Bucket names must be between 3 (min) and 63 (max) characters long" (Amazon S3 User Guide,
 * "General purpose bucket naming rules"); hashicorp/aws 5.100.0 validates `bucket` with
 * `StringLenBetween(0, 63)` (internal/service/s3/bucket.go).
 */
export const S3_BUCKET_NAME_MAX = 63;

/**
 * `bucket_prefix` of `aws_s3_bucket` (hashicorp/aws 5.100.0, internal/service/s3/bucket.go):
 * `StringLenBetween(0, 63-id.UniqueIDSuffixLength)`, the generated suffix being 26 characters.
 */
export const S3_BUCKET_PREFIX_MAX = 37;

/**
 * Prefixes S3 reserves ("Bucket names must not start with the prefix xn--", "... sthree-",
 * "... amzn-s3-demo-": Amazon S3 User Guide, "General purpose bucket naming rules").
 */
export const S3_RESERVED_PREFIXES: readonly string[] = ['xn--', 'sthree-', 'amzn-s3-demo-'];

/**
 * Suffixes S3 reserves for access point aliases (`-s3alias`), Object Lambda access point aliases
 * (`--ol-s3`), Multi-Region Access Points (`.mrap`), directory buckets (`--x-s3`) and table
 * buckets (`--table-s3`) (Amazon S3 User Guide, "General purpose bucket naming rules").
 */
export const S3_RESERVED_SUFFIXES: readonly string[] = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/**
 * Why `name` cannot be an S3 bucket's name, or undefined. `awsReserved: false` leaves out the
 * prefixes and suffixes only AWS reserves (for a DigitalOcean Space, which follows the rest).
 */
export function s3BucketNameProblem(name: string, awsReserved = true): LimitProblem | undefined {
  const fix = 'use 3 to 63 lowercase letters, digits, dots and dashes, starting and ending with a letter or digit';
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) || name.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(name)) {
    return { problem: 'is not a valid bucket name', fix };
  }
  return awsReserved ? reservedBucketAffix(name, true) : undefined;
}

/** Why `prefix` cannot start the name S3 generates for a bucket (`bucket_prefix`), or undefined. */
export function s3BucketPrefixProblem(prefix: string): LimitProblem | undefined {
  if (!/^[a-z0-9][a-z0-9.-]*$/.test(prefix) || prefix.includes('..')) {
    return {
      problem: 'is not a valid bucket name prefix',
      fix: `use at most ${S3_BUCKET_PREFIX_MAX} lowercase letters, digits, dots and dashes, starting with a letter or digit`,
    };
  }
  if (prefix.length > S3_BUCKET_PREFIX_MAX) {
    return {
      problem: `is ${prefix.length} characters long: S3 adds 26 characters to a bucket prefix, and a bucket name has at most ${S3_BUCKET_NAME_MAX}`,
      fix: `use at most ${S3_BUCKET_PREFIX_MAX} lowercase letters, digits, dots and dashes, starting with a letter or digit`,
    };
  }
  // the generated rest of the name is digits, so only the reserved prefixes matter here
  return reservedBucketAffix(prefix, false);
}

function reservedBucketAffix(name: string, whole: boolean): LimitProblem | undefined {
  const prefix = S3_RESERVED_PREFIXES.find((x) => name.startsWith(x));
  if (prefix !== undefined) {
    return { problem: `starts with "${prefix}", which S3 reserves`, fix: `start it with something else than ${S3_RESERVED_PREFIXES.join(', ')}` };
  }
  const suffix = whole ? S3_RESERVED_SUFFIXES.find((x) => name.endsWith(x)) : undefined;
  if (suffix !== undefined) {
    return { problem: `ends with "${suffix}", which S3 reserves for access points and special buckets`, fix: `end it with something else than ${S3_RESERVED_SUFFIXES.join(', ')}` };
  }
  return undefined;
}

/**
 * A bucket prefix made from a construct's name (`<name>-releases-`), cut to S3's 37 characters
 * when it is longer: the first characters, a hash of the whole prefix and a dash. A prefix that
 * fits is returned as it is (so no bucket of a deployed stack is renamed); one that did not fit
 * never passed `terraform validate`.
 */
export function fitBucketPrefix(prefix: string): string {
  if (prefix.length <= S3_BUCKET_PREFIX_MAX) return prefix;
  const hash = createHash('sha256').update(prefix).digest('hex').slice(0, 8);
  const head = prefix.slice(0, S3_BUCKET_PREFIX_MAX - hash.length - 2).replace(/[-.]+$/, '');
  return `${head}-${hash}-`;
}

// ---------------------------------------------------------------------------------------------
// IAM
// ---------------------------------------------------------------------------------------------

/**
 * IAM user names: 1 to 64 characters of letters, digits and `+=,.@_-` (IAM API reference, CreateUser,
 * `UserName`: "Maximum length of 64", pattern `[\w+=,.@-]+`); hashicorp/aws 5.100.0 refuses a longer
 * `name` of `aws_iam_user` at `terraform validate`.
 */
export const IAM_USER_NAME_MAX = 64;

/**
 * IAM role names: 1 to 64 characters (IAM API reference, CreateRole, `RoleName`); a `name_prefix`
 * leaves 26 characters to the suffix Terraform generates, so at most 38 (hashicorp/aws 5.100.0, `aws_iam_role`).
 */
export const IAM_ROLE_NAME_MAX = 64;
export const IAM_ROLE_NAME_PREFIX_MAX = 38;

/** Why `name` cannot be an IAM user's (or role's, with `max` 64) name, or undefined. */
export function iamNameProblem(name: string, max: number = IAM_USER_NAME_MAX): LimitProblem | undefined {
  if (!/^[A-Za-z0-9+=,.@_-]+$/.test(name)) {
    return { problem: 'is not an IAM name', fix: 'use letters, digits and +=,.@_- only' };
  }
  if (name.length > max) {
    return { problem: `is ${name.length} characters long, more than the ${max} IAM allows`, fix: `shorten it to ${max} characters` };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// RDS
// ---------------------------------------------------------------------------------------------

/**
 * An RDS instance identifier, and the names derived from it (parameter group, final snapshot):
 * lowercase letters, digits and hyphens, a letter first, no two consecutive hyphens, no hyphen
 * last (hashicorp/aws 5.100.0, internal/service/rds/validate.go: `validIdentifier`,
 * `validParamGroupName`, which `terraform validate` applies: "cannot contain two consecutive
 * hyphens", "cannot end with a hyphen"); an instance identifier has 1 to 63 characters
 * (RDS API reference, CreateDBInstance, DBInstanceIdentifier), a parameter group name up to 255.
 */
export function rdsIdentifierProblem(value: string, max = 63): LimitProblem | undefined {
  const fix = `use 1 to ${max} lowercase letters, digits and single hyphens, starting with a letter and ending with a letter or digit (erp-prod-db)`;
  if (!/^[a-z][a-z0-9-]*$/.test(value)) return { problem: 'is not an RDS identifier: lowercase letters, digits and hyphens, a letter first', fix };
  if (value.includes('--')) return { problem: 'contains two consecutive hyphens, which RDS refuses', fix };
  if (value.endsWith('-')) return { problem: 'ends with a hyphen, which RDS refuses', fix };
  if (value.length > max) return { problem: `is ${value.length} characters long, more than the ${max} RDS allows`, fix };
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// SQL databases and users
// ---------------------------------------------------------------------------------------------

/**
 * MySQL user names: "MySQL user names are up to 32 characters long" (MySQL 8.0 Reference Manual,
 * 8.2.1 "Account User Names and Passwords").
 */
export const MYSQL_USER_MAX = 32;
/** MySQL database names: 64 characters (MySQL 8.0 Reference Manual, 11.2.1 "Identifier Length Limits"). */
export const MYSQL_DATABASE_MAX = 64;
/**
 * PostgreSQL identifiers (role and database names) are cut at NAMEDATALEN-1 = 63 bytes
 * (PostgreSQL documentation, 4.1.1 "Identifiers and Key Words").
 */
export const POSTGRES_IDENTIFIER_MAX_BYTES = 63;

/**
 * Users a DigitalOcean cluster already has or keeps for itself: `doadmin`, the admin user every
 * cluster is created with (`digitalocean_database_cluster.user`, provider v2.71.0), and the
 * engines' own superusers (`postgres`; MySQL's `root` and its `mysql.*` accounts).
 */
const RESERVED_USERS: Readonly<Record<string, readonly string[]>> = {
  [DatabaseEngineFamily.POSTGRES]: ['doadmin', 'postgres'],
  [DatabaseEngineFamily.MYSQL]: ['doadmin', 'root'],
};

/**
 * Databases a cluster already has: `defaultdb`, which DigitalOcean creates in every cluster
 * ("a default database with name defaultdb will be created", digitalocean_database_db docs,
 * provider v2.71.0), and the engines' own (PostgreSQL's `postgres`, `template0`, `template1`;
 * MySQL's system schemas).
 */
const RESERVED_DATABASES: Readonly<Record<string, readonly string[]>> = {
  [DatabaseEngineFamily.POSTGRES]: ['defaultdb', 'postgres', 'template0', 'template1'],
  [DatabaseEngineFamily.MYSQL]: ['defaultdb', 'mysql', 'sys', 'information_schema', 'performance_schema'],
};

/** Where a SQL database runs: its platform reserves names of its own (DigitalOcean's `doadmin`, `defaultdb`). */
export type SqlPlatform = 'digitalocean' | 'aws';

/** Why `name` cannot be an app user of an `engine` cluster, or undefined. */
export function sqlUserProblem(engine: DatabaseEngineFamily, name: string, platform: SqlPlatform = 'digitalocean'): LimitProblem | undefined {
  const reserved = (RESERVED_USERS[engine] ?? []).filter((x) => platform === 'digitalocean' || x !== 'doadmin');
  if (reserved.includes(name)) {
    return {
      problem: name === 'doadmin'
        ? 'is the admin user DigitalOcean creates in every cluster: the app would run as the cluster admin, and creating it again fails'
        : `is a user the ${engine} cluster keeps for itself`,
      fix: 'give the app a user of its own, such as the app name (facturador)',
    };
  }
  if (engine === DatabaseEngineFamily.POSTGRES && name.startsWith('pg_')) {
    return { problem: 'starts with "pg_", which PostgreSQL reserves for its own roles', fix: 'give the app a user of its own, such as the app name (facturador)' };
  }
  if (engine === DatabaseEngineFamily.MYSQL && name.length > MYSQL_USER_MAX) {
    return { problem: `is ${name.length} characters long, more than the ${MYSQL_USER_MAX} MySQL allows for a user name`, fix: `shorten it to ${MYSQL_USER_MAX} characters` };
  }
  if (engine === DatabaseEngineFamily.POSTGRES && Buffer.byteLength(name, 'utf8') > POSTGRES_IDENTIFIER_MAX_BYTES) {
    return { problem: `is longer than the ${POSTGRES_IDENTIFIER_MAX_BYTES} bytes of a PostgreSQL name`, fix: `shorten it to ${POSTGRES_IDENTIFIER_MAX_BYTES} characters` };
  }
  return undefined;
}

/** Why `name` cannot be an app database of an `engine` cluster, or undefined. */
export function sqlDatabaseProblem(engine: DatabaseEngineFamily, name: string, platform: SqlPlatform = 'digitalocean'): LimitProblem | undefined {
  const reserved = (RESERVED_DATABASES[engine] ?? []).filter((x) => platform === 'digitalocean' || x !== 'defaultdb');
  if (reserved.includes(name)) {
    return {
      problem: name === 'defaultdb'
        ? 'is the database DigitalOcean creates in every cluster: creating it again fails'
        : `is a database the ${engine} server keeps for itself`,
      fix: 'give the app a database of its own, such as the app name (facturador)',
    };
  }
  if (engine === DatabaseEngineFamily.MYSQL && name.length > MYSQL_DATABASE_MAX) {
    return { problem: `is ${name.length} characters long, more than the ${MYSQL_DATABASE_MAX} MySQL allows`, fix: `shorten it to ${MYSQL_DATABASE_MAX} characters` };
  }
  if (engine === DatabaseEngineFamily.POSTGRES && Buffer.byteLength(name, 'utf8') > POSTGRES_IDENTIFIER_MAX_BYTES) {
    return { problem: `is longer than the ${POSTGRES_IDENTIFIER_MAX_BYTES} bytes of a PostgreSQL name`, fix: `shorten it to ${POSTGRES_IDENTIFIER_MAX_BYTES} characters` };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// DigitalOcean
// ---------------------------------------------------------------------------------------------

/**
 * Droplet user data: "It must be plain text and may not exceed 64 KiB in size" (DigitalOcean API,
 * Droplets, create: `user_data`; digitalocean/openapi specification/resources/droplets/models/droplet_create.yml).
 */
export const DROPLET_USER_DATA_MAX_BYTES = 64 * 1024;

/**
 * Block storage volume names: "Must be lowercase and be composed only of numbers, letters and '-',
 * up to a limit of 64 characters. The name must begin with a letter." (DigitalOcean API, Block
 * Storage, create a volume: `name`).
 */
export const DO_VOLUME_NAME_MAX = 64;

/**
 * Droplet names become the droplet's hostname ("The name set during creation will also determine
 * the hostname for the Droplet", DigitalOcean API, Droplets, create: `name`): one DNS label of at
 * most 63 characters (RFC 1123), which Linux also takes as a host name (64 at most).
 */
export const DROPLET_NAME_MAX = 63;

// ---------------------------------------------------------------------------------------------
// Times
// ---------------------------------------------------------------------------------------------

/**
 * Why `text` is not a real time in UTC written `YYYY-MM-DDTHH:MM:SS[.fff]Z`, or undefined.
 * `Date.parse` rolls `2026-02-30` over to 2 March; this reads every field and checks the calendar.
 */
export function utcTimeProblem(text: string): LimitProblem | undefined {
  const fix = 'use a time like 2026-03-01T12:00:00Z (a real date, in UTC)';
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?Z$/.exec(text);
  if (!m) return { problem: 'is not an ISO 8601 time in UTC', fix };
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(ms);
  const same = back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day
    && back.getUTCHours() === hour && back.getUTCMinutes() === minute && back.getUTCSeconds() === second;
  if (!same) return { problem: `is not a date of the calendar (${m[1]}-${m[2]}-${m[3]} ${m[4]}:${m[5]}:${m[6]} does not exist)`, fix };
  return undefined;
}

/**
 * Records a problem for each DigitalOcean tag that the provider would refuse (`DO_TAG`: letters,
 * digits, `:`, `-`, `_`, at most 255; `erp.prod` is refused). Tokens are skipped.
 */
export function checkDoTags(p: Problems, prop: string, tags: unknown): void {
  checkArray<unknown>(p, prop, tags, { fix: `give ${prop} as a list of strings, e.g. ['erp'], or leave it out` }).forEach((t, i) => {
    if (isUnresolved(t)) return;
    p.check(typeof t === 'string' && DO_TAG.test(t), `${prop}[${i}]`, t, 'is not a DigitalOcean tag name',
      'use letters, digits, ":", "-" and "_", at most 255 characters (no dots: the provider refuses them)');
  });
}

/**
 * A VPC's range: "The range of IP addresses for the VPC in CIDR notation. Network ranges cannot overlap
 * with other networks in the same account and must be in range of private addresses as defined in
 * RFC1918. It may not be larger than `/16` or smaller than `/24`." (terraform-provider-digitalocean
 * v2.71.0, docs/resources/vpc.md, `ip_range`; the DigitalOcean API says the same.) Records a problem
 * on `prop` when `range` is a literal outside that.
 */
export function checkDoVpcRange(p: Problems, prop: string, range: unknown, example: string): void {
  if (range === undefined || isUnresolved(range)) return;
  const c = typeof range === 'string' ? parseIpv4Cidr(range) : undefined;
  const fix = `use a private range (10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16) from /16 to /24, e.g. ${example}`;
  if (!c || c.prefix === undefined) {
    p.add(prop, range, 'is not an IPv4 range (address/prefix)', fix);
    return;
  }
  const [a, b] = c.octets;
  const rfc1918 = (a === 10 && c.prefix >= 8) || (a === 172 && b >= 16 && b <= 31 && c.prefix >= 12) || (a === 192 && b === 168 && c.prefix >= 16);
  if (!rfc1918) p.add(prop, range, 'is not a private range (RFC 1918), which a DigitalOcean VPC must be', fix);
  else if (c.prefix < 16 || c.prefix > 24) p.add(prop, range, `is a /${c.prefix}: a DigitalOcean VPC is /16 to /24`, fix);
}
