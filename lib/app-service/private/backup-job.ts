import { readFileSync } from 'fs';
import { join } from 'path';
import { BackupJobEnvironment, DatabaseConnection, DatabaseEngineFamily } from '../../common/contracts';
import { ResolvedFile, ResolvedJobStage, ResolvedScratch } from '../runtime';
import { isUtcZone } from '../../private/time-zone';

/** Quotes one word for a POSIX shell (single quotes; tokens stay inside the quotes). */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_./:=@+-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Where every stage finds the backup script (read-only). */
export const BACKUP_SCRIPT_PATH = '/opt/erp-backup/erp-backup.sh';

/** The name of the script among the app's files. */
export const BACKUP_SCRIPT_FILE = 'erp-backup-script';

/** The directory the stages share (the dump passes through it). */
export const BACKUP_SCRATCH_PATH = '/var/lib/erp-backup';

/**
 * The user every stage runs as: uid and gid 999 are the service users of the engines' official
 * images (`postgres`, `mysql`); the AWS CLI's image runs as any user.
 */
export const BACKUP_USER = '999:999';

/**
 * The image of the stages that need the database client, per PostgreSQL major: the official image
 * (Debian bookworm) at a pinned minor release, whose `pg_dump` and `psql` are of the server's major.
 * A plain dump from a newer `pg_dump` may hold settings an older server refuses
 * (`SET transaction_timeout` from 17), so the client major is the server's, not only at least it.
 */
export const POSTGRES_CLIENT_IMAGES: Readonly<Record<string, string>> = {
  13: 'postgres:13.22-bookworm',
  14: 'postgres:14.19-bookworm',
  15: 'postgres:15.14-bookworm',
  16: 'postgres:16.10-bookworm',
  17: 'postgres:17.6-bookworm',
};

/**
 * The image of the MySQL stages: Oracle's MySQL 8.4 LTS, whose `mysqldump` speaks
 * `caching_sha2_password` (the default plugin of DigitalOcean's MySQL users) and dumps 8.0 and 8.4
 * servers, with `gzip` (the image's entrypoint reads `.sql.gz` files) and `bash`.
 */
export const MYSQL_CLIENT_IMAGE = 'mysql:8.4.6';

/** The image of the stages that talk to the vault: the AWS CLI v2, with `bash`, `curl` and coreutils (Amazon Linux 2). */
export const STORE_CLIENT_IMAGE = 'amazon/aws-cli:2.27.9';

/** The default size of the scratch directory, in GiB. */
export const DEFAULT_SCRATCH_GIB = 4;

let scriptText: string | undefined;

/** The backup script (`lib/backup/scripts/erp-backup.sh`), read once; shipped beside the compiled code. */
export function backupScript(): string {
  scriptText ??= readFileSync(join(__dirname, '..', '..', 'backup', 'scripts', 'erp-backup.sh'), 'utf8');
  return scriptText;
}

/** The script as a public file of the app, mounted read-only into every stage. */
export function backupScriptFile(): ResolvedFile {
  return { name: BACKUP_SCRIPT_FILE, path: BACKUP_SCRIPT_PATH, content: backupScript() };
}

/**
 * The database client image for an engine and major version; undefined when none is pinned for
 * that version (the caller asks for `databaseImage`). An unknown version gets the newest client.
 */
export function databaseClientImage(engine: DatabaseEngineFamily, version: string | undefined): string | undefined {
  if (engine === DatabaseEngineFamily.MYSQL) return MYSQL_CLIENT_IMAGE;
  if (engine !== DatabaseEngineFamily.POSTGRES) return undefined;
  if (version === undefined) return POSTGRES_CLIENT_IMAGES[17];
  return POSTGRES_CLIENT_IMAGES[version.split('.')[0]];
}

/** What the three jobs of a database's backups are made of. */
export interface BackupJobSpec {
  /** The job name, also the file name prefix of the dumps. */
  readonly name: string;
  readonly connection: DatabaseConnection;
  /** The writer's environment (the backup job). */
  readonly writer: BackupJobEnvironment;
  /** The restorer's environment (restore and drill). */
  readonly restorer: BackupJobEnvironment;
  readonly requireTls: boolean;
  /** Where the containers find the database's CA certificate, when the job verifies the server. */
  readonly caFile?: string;
  /** The zone weeks and months begin in. */
  readonly timeZone: string;
  /** The longest gap between two runs the schedule allows. */
  readonly maxAgeSeconds: number;
  readonly heartbeatUrl?: string;
  readonly heartbeatFailureUrl?: string;
  readonly databaseImage: string;
  readonly storeImage: string;
  readonly scratchMib: number;
}

/** One job's variables and containers. */
export interface BackupJobParts {
  readonly plain: Record<string, string>;
  readonly secret: Record<string, string>;
  /** The stages before the last container. */
  readonly stages: ResolvedJobStage[];
  /** The last container, which reports. */
  readonly final: ResolvedJobStage;
  readonly scratch: ResolvedScratch;
}

/** The backup (dump, upload), the restore (fetch, safety dump, keep it, load, report) and the drill (fetch, load into a scratch database and drop it, report). */
export function backupJobs(spec: BackupJobSpec): { backup: BackupJobParts; restore: BackupJobParts; drill: BackupJobParts } {
  const stage = (name: string, image: string): ResolvedJobStage => ({
    name, image, entrypoint: ['bash'], command: [BACKUP_SCRIPT_PATH, name], container: { user: BACKUP_USER, readOnlyRootFilesystem: true },
  });
  const db = (name: string) => stage(name, spec.databaseImage);
  const store = (name: string) => stage(name, spec.storeImage);
  const scratch: ResolvedScratch = { path: BACKUP_SCRATCH_PATH, sizeMib: spec.scratchMib, owner: BACKUP_USER };
  const writer = backupEnvironment(spec, spec.writer);
  const restorer = backupEnvironment(spec, spec.restorer);
  return {
    backup: { ...writer, stages: [db('dump')], final: store('upload'), scratch },
    restore: { ...restorer, stages: [store('fetch'), db('safety-dump'), store('keep-safety'), db('load')], final: store('report'), scratch },
    drill: { ...restorer, stages: [store('fetch'), db('drill-load')], final: store('report'), scratch },
  };
}

/** The variables the script reads (see its header), split by sensitivity. */
function backupEnvironment(spec: BackupJobSpec, vault: BackupJobEnvironment): { plain: Record<string, string>; secret: Record<string, string> } {
  const db = spec.connection;
  const plain: Record<string, string> = {
    ...vault.environment.plain,
    DB_ENGINE: db.engine === DatabaseEngineFamily.MYSQL ? 'mysql' : 'postgres',
    DB_HOST: db.host,
    DB_PORT: db.port,
    DB_USER: db.user,
    DB_NAME: db.database,
    BACKUP_NAME: spec.name,
    BACKUP_BUCKET: vault.bucket,
    BACKUP_ENDPOINT: vault.endpoint,
    BACKUP_DAILY_PREFIX: vault.dailyPrefix,
    BACKUP_WEEKLY_PREFIX: vault.weeklyPrefix,
    BACKUP_MONTHLY_PREFIX: vault.monthlyPrefix,
    BACKUP_SAFETY_PREFIX: vault.safetyPrefix,
    BACKUP_UPLOAD_ARGS: vault.uploadArgs.join(' '),
    // 'UTC' and 'Etc/UTC' are one zone: one value, so that writing either changes nothing
    BACKUP_TIME_ZONE: isUtcZone(spec.timeZone) ? 'UTC' : spec.timeZone,
    BACKUP_MAX_AGE_SECONDS: String(spec.maxAgeSeconds),
    BACKUP_SCRATCH: BACKUP_SCRATCH_PATH,
    BACKUP_STAGED: '1',
    // bash writes here-documents to files in TMPDIR before 5.1 (the AWS CLI image has 4.2); the root filesystem is read-only
    TMPDIR: BACKUP_SCRATCH_PATH,
    AWS_DEFAULT_REGION: vault.region,
    // the AWS CLI writes nothing it needs to keep; its home is the scratch directory (the root filesystem is read-only)
    HOME: BACKUP_SCRATCH_PATH,
    // checksums only where the API requires them: S3-compatible stores (Spaces) refuse the CLI's newer default ones;
    // every dump carries its own SHA-256, which a restore checks
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
  };
  const secret: Record<string, string> = { ...vault.environment.secret };
  if (db.engine === DatabaseEngineFamily.MYSQL) {
    secret.MYSQL_PWD = db.password;
    if (spec.requireTls) {
      plain.DB_REQUIRE_TLS = '1';
      if (spec.caFile !== undefined) plain.DB_SSL_CA = spec.caFile;
    }
  } else {
    secret.PGPASSWORD = db.password;
    const verify = spec.requireTls && spec.caFile !== undefined;
    plain.PGSSLMODE = verify ? 'verify-full' : spec.requireTls ? 'require' : 'prefer';
    if (verify) plain.PGSSLROOTCERT = spec.caFile!;
  }
  // a ping URL carries the check's secret token
  if (spec.heartbeatUrl !== undefined) secret.BACKUP_HEARTBEAT_URL = spec.heartbeatUrl;
  if (spec.heartbeatFailureUrl !== undefined) secret.BACKUP_HEARTBEAT_FAIL_URL = spec.heartbeatFailureUrl;
  return { plain, secret };
}
