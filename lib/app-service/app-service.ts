import { Annotations, DefaultTokenResolver, StringConcat, TerraformStack, Token, Tokenization } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import {
  AppEnvironment, DatabaseConnection, DatabaseEngineFamily, IAppFileStore, IBackupDestination, IConnectableDatabase, ITunnelIngress,
  PrivateNetworkPlacement,
} from '../common/contracts';
import { DATABASE_CA_CERT_PATH } from '../database/private/core';
import { ErpValidationError } from '../errors';
import { atSynthesis } from '../private/at-synthesis';
import { Problems, checkInt, isUnresolved } from '../private/validate';
import { readMountedFiles, resolveMountedFiles } from './private/app-files';
import { BACKUP_SCRIPT_FILE, BackupJobParts, DEFAULT_SCRATCH_GIB, STORE_CLIENT_IMAGE, backupJobs, backupScriptFile, databaseClientImage } from './private/backup-job';
import { checkBackupSchedule } from './private/backup-schedule';
import { cacheProcess, cacheProcessEnvironment } from './private/cache-process';
import { withCache } from './private/render-common';
import { DNS_LABEL_RE, RESERVED_NAMES, checkImage, checkSchedule, checkTimeZone, validateProcessModel } from './private/validate-model';
import { UTC_ZONE } from '../private/time-zone';
import { ContainerSettings, HEALTH_CHECK_DEFAULTS, HealthCheck, HttpService, ProcessCommand, ProcessModel, SecretValue } from './process-model';
import { isAppSecret } from './secret';
import { ImageRegistry, ResolvedRegistry } from './registry';
import {
  AppBinding, IAppRuntime, ProcessRole, ResolvedApp, ResolvedFile, ResolvedHealthCheck, ResolvedJob, ResolvedProcess,
  ResolvedRelease,
} from './runtime';

/** Props of `ErpAppService`: the process model, a name and where it runs. */
export interface ErpAppServiceProps extends ProcessModel {
  /** App name, a DNS label; names the compose project, containers and folders (`/opt/<name>`). */
  readonly name: string;
  /** Where the processes run: a runtime (`IAppRuntime`), bound to this app alone. */
  readonly runtime: IAppRuntime;
  /**
   * Private registries the images are pulled from, with read credentials (`ImageRegistry.digitalOcean('acme')`,
   * `ImageRegistry.withCredentials('ghcr.io', user, token)`).
   * @default - public images only
   */
  readonly registries?: readonly ImageRegistry[];
}

/** A valid cron line that never fires (30 February): the schedule of jobs started by hand. */
const NEVER = '0 0 30 2 *';

/** Options of `ErpAppService.backupTo`. */
export interface BackupOptions {
  /**
   * When the job runs: a 5-field cron expression or macro, read in `timeZone`.
   * @default '0 2 * * *'
   */
  readonly schedule?: string;
  /**
   * IANA time zone the schedule is read in (`America/Lima`).
   * @default - the app's `timeZone` ('Etc/UTC' when it has none)
   */
  readonly timeZone?: string;
  /**
   * Database to dump (PostgreSQL or MySQL).
   * @default - the first SQL database given to `connectTo`
   */
  readonly database?: IConnectableDatabase;
  /**
   * Job name, a DNS label; also the file name prefix of the dumps.
   * @default 'backup'
   */
  readonly name?: string;
  /**
   * Image of the stages that run the database client (dump, safety dump, load): it must hold
   * `bash`, `gzip`, coreutils and the client (`pg_dump` and `psql`, or `mysqldump` and `mysql`) of the
   * server's major version, and let uid 999 run them.
   * @default - the engine's official image at the server's major, pinned: `postgres:17.6-bookworm` (and 13 to 16 likewise), `mysql:8.4.6`
   */
  readonly databaseImage?: string;
  /**
   * Image of the stages that talk to the vault (upload, fetch, report): the AWS CLI v2 with `bash` and `curl`.
   * @default 'amazon/aws-cli:2.27.9'
   */
  readonly storeImage?: string;
  /**
   * URL pinged (an HTTP POST with a one-line summary) after every successful backup, restore and
   * drill: the check of a dead-man's-switch service (Healthchecks.io, Cronitor, Better Stack), which
   * alerts when a ping is late. Kept with the job's secrets: such a URL is a credential.
   * @default - no ping
   */
  readonly heartbeatUrl?: string;
  /**
   * URL pinged after a failed run, with the reason.
   * @default - `<heartbeatUrl>/fail` (the Healthchecks.io convention) when `heartbeatUrl` is given
   */
  readonly heartbeatFailureUrl?: string;
  /**
   * Size of the scratch directory the dump passes through, in GiB: at least the compressed dump
   * (a restore holds the dump and a safety dump at once). An emptyDir with this limit on Kubernetes.
   * @default 4
   */
  readonly scratchSizeGib?: number;
  /**
   * Restore the newest daily dump into a scratch database on this schedule (read in `timeZone`),
   * check that every table came back, drop the scratch database and report through the heartbeat.
   * The database user needs the right to create and drop databases (PostgreSQL `CREATEDB`).
   * @default - no drill; the restore job still exists, started by hand
   */
  readonly restoreDrillSchedule?: string;
  /**
   * Require TLS to the database. When the database hands over its CA
   * certificate (`DATABASE_CA_CERT`, managed MySQL), the job also verifies the
   * server with it, from a read-only file at `DATABASE_CA_CERT_PATH`.
   * @default true (false for an `IPlainTextDatabase`, such as `LocalDatabase`)
   */
  readonly requireTls?: boolean;
}

/** Implemented by databases that run without TLS on a private container network (a local Docker engine). */
export interface IPlainTextDatabase {
  /** True: the database speaks without TLS. */
  readonly plainTextOnly: boolean;
}

/** True when the database says it speaks without TLS (an `IPlainTextDatabase` whose `plainTextOnly` is true). */
export function isPlainTextDatabase(db: IConnectableDatabase): db is IConnectableDatabase & IPlainTextDatabase {
  return 'plainTextOnly' in db && db.plainTextOnly === true;
}

/** Options of `ErpAppService.connectTo`. */
export interface ConnectOptions {
  /**
   * The connection the app processes use instead of the database's own, e.g.
   * a connection pool: `{ connection: db.poolConnection('erp-pool') }`.
   * The release command (migrations) and backups still use the database's
   * direct connection, since they need a session a transaction pool does not keep.
   * @default - `db.connection`
   */
  readonly connection?: DatabaseConnection;
  /**
   * A prefix for every variable of this connection (`LEDGER_` gives `LEDGER_DATABASE_URL`), so that
   * an app can connect to two databases of one engine. Uppercase letters, digits and "_", ending in "_".
   * @default - none
   */
  readonly envPrefix?: string;
  /**
   * More names for variables of this connection, by the variable's name (after the prefix):
   * `{ REDIS_URL: 'CELERY_BROKER_URL' }` for Celery, `{ DATABASE_URL: 'PRISMA_DATABASE_URL' }`.
   * @default - none
   */
  readonly aliases?: Readonly<Record<string, string>>;
  /**
   * Query parameters added to the connection's URIs (the variables whose names end in `_URL` or
   * `_URI`): `{ pgbouncer: 'true' }` for Prisma behind a transaction pool, `{ connection_limit: '5' }`.
   * @default - none
   */
  readonly uriParameters?: Readonly<Record<string, string>>;
}

interface AddedJob {
  readonly job: ResolvedJob;
  readonly group: string;
  readonly secrets: Record<string, string>;
  /** The CA certificate of the dumped database, which the job verifies the server with. */
  readonly caCertificate?: string;
  /** The name of that certificate's file when it is not the app's: one per backup (its restore and drill share it). */
  readonly caFileName: string;
}

/** Options of {@link ErpAppService.storeFilesIn}. */
export interface StoreFilesOptions {
  /**
   * Prefix of the variables: `<prefix>BUCKET`, `<prefix>REGION`, `<prefix>ENDPOINT` (plain) and
   * `<prefix>ACCESS_KEY_ID`, `<prefix>SECRET_ACCESS_KEY` (secrets). Uppercase, ending in `_`.
   * @default 'FILES_'
   */
  readonly envPrefix?: string;
  /**
   * Id of the credential in the store (one IAM user per id).
   * @default - the app name
   */
  readonly id?: string;
}

/** Options of {@link ErpAppService.serveThrough}. */
export interface ServeThroughOptions {
  /**
   * Connector processes that serve the tunnel (each runtime may raise it: Kubernetes runs at least two).
   * @default 1
   */
  readonly connectors?: number;
}

/** Registries: each valid, one per host. */
function checkRegistries(p: Problems, registries: readonly ImageRegistry[] | undefined): void {
  if (registries === undefined) return;
  if (!Array.isArray(registries)) {
    p.add('registries', registries, 'is not a list', 'give [ImageRegistry.digitalOcean(...), ...]');
    return;
  }
  const seen = new Set<string>();
  registries.forEach((r, i) => {
    if (!(r instanceof ImageRegistry)) {
      p.add(`registries[${i}]`, r, 'is not an ImageRegistry', 'use ImageRegistry.digitalOcean(name) or ImageRegistry.withCredentials(server, user, token)');
      return;
    }
    r.check(p, `registries[${i}]`);
    if (seen.has(r.server)) p.add(`registries[${i}].server`, r.server, 'is given twice', 'give one set of credentials per registry host');
    seen.add(r.server);
  });
}

/** A connection's variables with the options of `connectTo` applied: prefix, URI parameters, aliases. */
function shapeEnvironment(p: Problems, env: AppEnvironment, o: ConnectOptions): AppEnvironment {
  const prefix = o.envPrefix ?? '';
  if (o.envPrefix !== undefined) {
    p.check(typeof o.envPrefix === 'string' && /^[A-Z][A-Z0-9_]*_$/.test(o.envPrefix), 'connectTo.options.envPrefix', o.envPrefix,
      'is not a variable prefix: uppercase letters, digits and "_", ending in "_"', "use e.g. 'LEDGER_'");
  }
  const params = Object.entries(o.uriParameters ?? {});
  for (const [k, v] of params) {
    p.check(/^[A-Za-z0-9_.-]+$/.test(k) && typeof v === 'string', `connectTo.options.uriParameters.${k}`, v, 'is not a query parameter', "use e.g. { pgbouncer: 'true' }");
  }
  const query = params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  const shape = (vars: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(vars).map(([k, v]) => {
    const isUri = /_(URL|URI)$/.test(k) && /^[a-z][a-z0-9+.-]*:\/\//.test(v);
    return [`${prefix}${k}`, isUri && query ? `${v}${v.includes('?') ? '&' : '?'}${query}` : v];
  }));
  const plain = shape(env.plain);
  const secret = shape(env.secret);
  for (const [from, to] of Object.entries(o.aliases ?? {})) {
    const prop = `connectTo.options.aliases.${from}`;
    if (typeof to !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(to)) {
      p.add(prop, to, 'is not a variable name', 'use letters, digits and "_" (CELERY_BROKER_URL)');
      continue;
    }
    if (from in secret) secret[to] = secret[from];
    else if (from in plain) plain[to] = plain[from];
    else p.add(prop, from, 'is not a variable of this connection', `use one of ${[...Object.keys(plain), ...Object.keys(secret)].sort().join(', ')}`);
  }
  return { plain, secret };
}

/** Secrets after construction: every value is a string (a reference, or plain text given as such). */
function strings(secrets: Readonly<Record<string, SecretValue>> | undefined): Record<string, string> {
  return { ...(secrets ?? {}) } as Record<string, string>;
}

/** The connector process name. */
export const CONNECTOR_PROCESS = 'cloudflared';

/** The plain variable in which a database connection carries its CA certificate (PEM). */
export const DATABASE_CA_CERT_VARIABLE = 'DATABASE_CA_CERT';

/** The name of the CA certificate in `ResolvedApp.files`. */
export const DATABASE_CA_FILE = 'database-ca';

/**
 * An ERP or invoicing web app: its processes (web, workers, scheduler,
 * WebSocket, other HTTP services, release command), their images, commands,
 * health checks, environment and secrets, run by a runtime (an `IAppRuntime`:
 * droplets with Docker Compose, Kubernetes, a local Docker engine). When no
 * managed cache is connected, the app runs a cache process (Valkey) and its
 * app code reads `REDIS_URL`, `REDIS_HOST` and `REDIS_PORT`.
 *
 * Intents wire it to the other constructs: `connectTo(db)` admits the app
 * through the database firewall and hands it the connection environment,
 * `backupTo(vault)` adds the nightly dump-and-upload job, `serveThrough(tunnel)`
 * adds the tunnel connector. They may be called after construction; the
 * runtime reads the final model at synthesis.
 *
 * When a connected database hands over its CA certificate (`DATABASE_CA_CERT`,
 * managed MySQL), every container of the app but the tunnel connector finds
 * it read-only at `DATABASE_CA_CERT_PATH`, where `MYSQL_ATTR_SSL_CA` points.
 * A backup job finds there the CA certificate of the database it dumps, when
 * that one hands one over, and verifies the server with it.
 *
 * ```ts
 * const app = new ErpAppService(stack, 'App', {
 *   name: 'erp', runtime,
 *   processes: { web: { image: 'ghcr.io/acme/erp:1.4.2', port: 8080, healthCheck: { path: '/health' } } },
 * });
 * app.connectTo(db);
 * app.backupTo(vault);
 * app.serveThrough(tunnel);
 * ```
 */
export class ErpAppService extends Construct {
  /** App name. */
  public readonly name: string;
  /** The runtime the processes run on. */
  public readonly runtime: IAppRuntime;
  /** The process model as given. */
  public readonly model: ProcessModel;
  /** The registries' Docker config entries, in the order given. */
  private readonly registries: ResolvedRegistry[];

  private readonly connections: DatabaseConnection[] = [];
  private readonly connected = new Set<IConnectableDatabase>();
  private readonly admitted = new Set<IConnectableDatabase>();
  private readonly extraPlain: Record<string, string> = {};
  private readonly extraSecret: Record<string, string> = {};
  /** The direct connection variables of databases connected through another connection (a pool): the release command uses them. */
  private readonly directPlain: Record<string, string> = {};
  private readonly directSecret: Record<string, string> = {};
  private readonly jobs: AddedJob[] = [];
  private connector?: { image: string; token: string; replicas: number };

  constructor(scope: Construct, id: string, props: ErpAppServiceProps) {
    super(scope, id);
    const p = new Problems();
    if (!isUnresolved(props.name)) {
      p.check(typeof props.name === 'string' && DNS_LABEL_RE.test(props.name), 'name', props.name, 'is not a DNS label',
        'use lowercase letters, digits and "-", starting with a letter, at most 63 characters (erp, facturador)');
    }
    p.check(props.runtime !== undefined && typeof props.runtime?.bind === 'function', 'runtime', props.runtime, 'is not an app runtime',
      'pass a runtime construct (an IAppRuntime, with bind and internalUrl)');
    validateProcessModel(p, props, (m) => Annotations.of(this).addWarning(m));
    checkRegistries(p, props.registries);
    p.throwIfAny(this);

    this.name = props.name;
    this.runtime = props.runtime;
    // secrets become strings here: references, and the random resources of generated ones (`Secret-<NAME>`)
    const services = props.processes.services?.map((svc) => (svc.secrets ? { ...svc, secrets: this.secretStrings(svc.secrets, `Secret-${svc.name}-`) } : svc));
    this.registries = (props.registries ?? []).map((r, i) => r.resolve(this, i === 0 ? 'Registry' : `Registry${i + 1}`));
    // mounted files: their text read now (AppFile.fromPath), so the model holds strings
    this.model = readMountedFiles({
      processes: services ? { ...props.processes, services } : props.processes,
      environment: props.environment,
      secrets: props.secrets ? this.secretStrings(props.secrets, 'Secret-') : undefined,
      persistentPaths: props.persistentPaths,
      timeZone: props.timeZone,
    });
    const binding: AppBinding = { scope: this, name: this.name, resolve: () => this.resolve() };
    this.runtime.bind(binding);
  }

  /**
   * Admits this app through the database's firewall and adds the connection
   * environment: plain variables to the environment, passwords and URIs to the secrets.
   *
   * Fails when the database's private host is out of the app's reach: the
   * runtime's compute and the database (both with a DigitalOcean `network`)
   * are in different regions, or in two different VPCs. VPC ids that are
   * references are compared at synthesis, by what they resolve to in the
   * stack; a comparison that cannot be decided there (a literal id against a
   * reference, a variable) is skipped. A database without a `network` (AWS RDS,
   * reached over the internet with TLS; a local container) is not checked.
   */
  public connectTo(db: IConnectableDatabase, options: ConnectOptions = {}): void {
    if (this.connected.has(db)) return;
    const p = new Problems();
    const connection = options.connection ?? db.connection;
    const env = shapeEnvironment(p, connection.environment, options);
    for (const key of [...Object.keys(env.plain), ...Object.keys(env.secret)]) {
      const clash = this.model.environment?.[key] !== undefined || this.model.secrets?.[key] !== undefined
        || this.extraPlain[key] !== undefined || this.extraSecret[key] !== undefined;
      p.check(!clash, `connectTo(db).environment.${key}`, key, 'is already set by the app or an earlier connection',
        `remove ${key} from the app environment, or give this connection its own names (connectTo(db, { envPrefix: 'LEDGER_' }))`);
    }
    p.throwIfAny(this);
    this.admit(db, 'connectTo(db)');
    this.connected.add(db);
    this.connections.push(connection);
    Object.assign(this.extraPlain, env.plain);
    Object.assign(this.extraSecret, env.secret);
    if (options.connection !== undefined && options.connection !== db.connection) {
      // migrations need a session (advisory locks, DDL): the release command connects directly
      const direct = shapeEnvironment(new Problems(), db.connection.environment, { ...options, uriParameters: undefined });
      Object.assign(this.directPlain, direct.plain);
      Object.assign(this.directSecret, direct.secret);
    }
  }

  /**
   * Grants this app write access to the vault and adds three jobs, each a few containers in a row
   * that share a scratch directory (`scratchSizeGib`) and run as uid 999 with a read-only root
   * filesystem, from pinned images that bring their tools (nothing is installed at run time):
   *
   * - `<name>` on `schedule`: dump (the database's client image), then upload (the AWS CLI's) to the
   *   daily prefix; the first dump of each ISO week and of each month (in `timeZone`) also goes to the
   *   weekly and monthly prefixes, when the vault keeps them. It then checks that the newest daily dump
   *   is the one just written, and reports through `heartbeatUrl`. A schedule that skips whole weeks
   *   or months while the vault keeps weekly or monthly dumps fails here, with the week it skips.
   * - `<name>-restore`, started by hand (see docs/operations.md): fetch a dump (the newest, or the newest
   *   at or before a date; a Glacier object gets a retrieval request first), take a safety dump of the
   *   current database and keep it under the vault's safety prefix, restore (PostgreSQL in one
   *   transaction; MySQL put back from the safety dump when the restore fails), check the tables, report.
   * - `<name>-drill` on `restoreDrillSchedule`, when given: restore the newest dump into a scratch
   *   database, check it, drop it, report.
   *
   * The restore and the drill use a second identity of the vault (`grantRestore`), which may read
   * dumps; the backup's writer may not.
   */
  public backupTo(vault: IBackupDestination, options: BackupOptions = {}): void {
    const p = new Problems();
    const jobName = options.name ?? 'backup';
    const schedule = options.schedule ?? '0 2 * * *';
    const timeZone = options.timeZone ?? this.model.timeZone ?? UTC_ZONE;
    p.check(typeof jobName === 'string' && DNS_LABEL_RE.test(jobName) && jobName.length <= 55, 'backupTo.options.name', jobName,
      'is not a DNS label of at most 55 characters (the restore job is <name>-restore)', "use lowercase letters, digits and '-' (backup, backup-ledger)");
    const taken = this.allProcessNames();
    if (taken.includes(jobName)) {
      p.add('backupTo.options.name', jobName, 'is already the name of a process or job', 'give each backup job its own name');
    } else {
      for (const name of [`${jobName}-restore`, `${jobName}-drill`]) {
        p.check(!taken.includes(name), 'backupTo.options.name', jobName, `makes the job ${name}, which is already the name of a process or job`, 'give each backup job its own name');
      }
    }
    checkSchedule(p, 'backupTo.options.schedule', schedule);
    checkTimeZone(p, 'backupTo.options.timeZone', options.timeZone);
    if (options.restoreDrillSchedule !== undefined) checkSchedule(p, 'backupTo.options.restoreDrillSchedule', options.restoreDrillSchedule);
    const warn = (m: string) => Annotations.of(this).addWarning(m);
    if (options.databaseImage !== undefined) checkImage(p, 'backupTo.options.databaseImage', options.databaseImage, true, warn);
    if (options.storeImage !== undefined) checkImage(p, 'backupTo.options.storeImage', options.storeImage, true, warn);
    for (const [field, url] of [['heartbeatUrl', options.heartbeatUrl], ['heartbeatFailureUrl', options.heartbeatFailureUrl]] as const) {
      if (url === undefined || isUnresolved(url)) continue;
      p.check(typeof url === 'string' && /^https?:\/\/[^\s'"]+$/.test(url), `backupTo.options.${field}`, '<hidden>',
        'is not an http(s) URL without spaces or quotes', 'give the ping URL of the check (https://hc-ping.com/<uuid>)');
    }
    const scratchGib = options.scratchSizeGib ?? DEFAULT_SCRATCH_GIB;
    checkInt(p, 'backupTo.options.scratchSizeGib', scratchGib, 1, 1024, 'give the size in whole GiB, at least the compressed dump');
    const db = options.database ?? [...this.connected].find((d) => d.connection.engine !== DatabaseEngineFamily.VALKEY);
    if (db === undefined) {
      p.add('backupTo.options.database', undefined, 'is not given and the app is connected to no SQL database', 'call connectTo(db) first, or pass options.database');
    } else if (!isUnresolved(db.connection.engine)) {
      p.check(db.connection.engine !== DatabaseEngineFamily.VALKEY, 'backupTo.options.database', db.connection.engine,
        'is a cache, which has nothing to dump', 'pass a PostgreSQL or MySQL database');
    }
    const databaseImage = options.databaseImage
      ?? (db && db.connection.engine !== DatabaseEngineFamily.VALKEY ? databaseClientImage(db.connection.engine, db.connection.engineVersion) : undefined);
    if (db && db.connection.engine !== DatabaseEngineFamily.VALKEY && databaseImage === undefined) {
      p.add('backupTo.options.databaseImage', undefined, `is not given, and no client image is pinned for ${db.connection.engine} ${db.connection.engineVersion}`,
        `pass an image with that major's client (postgres:${db.connection.engineVersion}-bookworm, pinned to a minor release)`);
    }
    p.throwIfAny(this);
    this.admit(db!, 'backupTo.options.database');
    const writer = vault.grantWrite(jobName === 'backup' ? 'BackupWriter' : `BackupWriter-${jobName}`);
    const restorer = vault.grantRestore(jobName === 'backup' ? 'BackupRestorer' : `BackupRestorer-${jobName}`);
    // the schedule must fill the tiers the vault keeps; the job reports a dump older than the longest gap
    const coverage = checkBackupSchedule(schedule, timeZone, { weekly: writer.weeklyPrefix !== '', monthly: writer.monthlyPrefix !== '' });
    coverage.problems.forEach((problem) => p.add('backupTo.options.schedule', schedule, problem.reason, problem.fix));
    p.throwIfAny(this);
    const requireTls = options.requireTls ?? !isPlainTextDatabase(db!);
    const caCertificate = requireTls ? db!.connection.environment.plain[DATABASE_CA_CERT_VARIABLE] : undefined;
    // the job's containers find the CA certificate of its database where every container finds the app's
    const parts = backupJobs({
      name: jobName, connection: db!.connection, writer, restorer, requireTls,
      caFile: caCertificate !== undefined ? DATABASE_CA_CERT_PATH : undefined,
      timeZone, maxAgeSeconds: coverage.maxAgeSeconds, heartbeatUrl: options.heartbeatUrl, heartbeatFailureUrl: options.heartbeatFailureUrl,
      databaseImage: databaseImage!, storeImage: options.storeImage ?? STORE_CLIENT_IMAGE, scratchMib: scratchGib * 1024,
    });
    const add = (name: string, group: string, part: BackupJobParts, jobSchedule: string, onDemand: boolean) => this.jobs.push({
      group,
      secrets: part.secret,
      caCertificate,
      caFileName: `${jobName}-${DATABASE_CA_FILE}`.slice(0, 63).replace(/-+$/, ''),
      job: {
        name, schedule: jobSchedule, timeZone, image: part.final.image, entrypoint: part.final.entrypoint, command: part.final.command,
        container: part.final.container, stages: part.stages, scratch: part.scratch, environment: part.plain, secretGroups: [group],
        isAppCode: false, ...(onDemand ? { onDemand } : {}),
      },
    });
    add(jobName, `backup-${jobName}`, parts.backup, schedule, false);
    // started by hand: `onDemand`, and a schedule that never comes (30 February), should a runtime not know the flag
    add(`${jobName}-restore`, `restore-${jobName}`, parts.restore, NEVER, true);
    if (options.restoreDrillSchedule !== undefined) add(`${jobName}-drill`, `restore-${jobName}`, parts.drill, options.restoreDrillSchedule, false);
  }

  /**
   * Keeps the app's own files (uploads) in a file store such as `AppFilesBucket`: the store makes a
   * credential that may only read, write, delete and list its objects, and the app code (web,
   * workers, WebSocket, the release, scheduled commands and services with `receivesAppEnvironment`)
   * gets the bucket name, region and endpoint as plain variables and the access key as secrets;
   * third-party services and the tunnel connector get none of them.
   */
  public storeFilesIn(store: IAppFileStore, options: StoreFilesOptions = {}): void {
    const p = new Problems();
    const prefix = options.envPrefix ?? 'FILES_';
    p.check(typeof prefix === 'string' && /^[A-Z][A-Z0-9_]*_$/.test(prefix), 'storeFilesIn.options.envPrefix', prefix,
      'is not a variable prefix: uppercase letters, digits and "_", ending in "_"', "use e.g. 'UPLOADS_'");
    p.throwIfAny(this);
    const granted = store.grantReadWrite(options.id ?? this.name);
    const env = {
      plain: Object.fromEntries(Object.entries(granted.plain).map(([k, v]) => [`${prefix}${k}`, v])),
      secret: Object.fromEntries(Object.entries(granted.secret).map(([k, v]) => [`${prefix}${k}`, v])),
    };
    for (const key of [...Object.keys(env.plain), ...Object.keys(env.secret)]) {
      const clash = this.model.environment?.[key] !== undefined || this.model.secrets?.[key] !== undefined
        || this.extraPlain[key] !== undefined || this.extraSecret[key] !== undefined;
      p.check(!clash, `storeFilesIn(store).environment.${key}`, key, 'is already set by the app, a connection or another store',
        `remove ${key} from the app environment, or give this store its own names (storeFilesIn(store, { envPrefix: 'UPLOADS_' }))`);
    }
    p.throwIfAny(this);
    Object.assign(this.extraPlain, env.plain);
    Object.assign(this.extraSecret, env.secret);
  }

  /**
   * Adds the tunnel connector process (`cloudflared tunnel --no-autoupdate run`), its token kept as a secret.
   * With `connectors` above 1, several connectors serve the tunnel, so one can restart or fail while the others carry traffic.
   */
  public serveThrough(tunnel: ITunnelIngress, options: ServeThroughOptions = {}): void {
    const p = new Problems();
    p.check(this.connector === undefined, 'serveThrough(tunnel)', 'a second tunnel', 'the app already serves through a tunnel',
      'route every hostname through one TunnelIngress');
    checkInt(p, 'serveThrough.options.connectors', options.connectors, 1, 10);
    p.throwIfAny(this);
    this.connector = { image: tunnel.connector.image, token: tunnel.connector.token, replicas: options.connectors ?? 1 };
  }

  /** The URL a tunnel route points at to reach web, the WebSocket server or a service (`http://web:8080` in Compose). */
  public internalUrl(processName: string = 'web'): string {
    const procs = this.model.processes;
    const served: Array<[string, number]> = [['web', procs.web.port]];
    if (procs.websocket) served.push([procs.websocket.name ?? 'websocket', procs.websocket.port]);
    for (const svc of procs.services ?? []) served.push([svc.name, svc.port]);
    const port = served.find(([name]) => name === processName)?.[1];
    if (port === undefined) {
      throw new ErpValidationError(this.node.path, [{
        prop: 'internalUrl(process)', value: processName, problem: 'is not a process that serves a port',
        fix: `use one of ${served.map(([name]) => `'${name}'`).join(', ')}`,
      }]);
    }
    return this.runtime.internalUrl(processName, port);
  }

  /** The secrets as the runtimes write them: references, generated ones created in this construct. */
  private secretStrings(secrets: Readonly<Record<string, SecretValue>>, idPrefix: string): Record<string, string> {
    return Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, isAppSecret(v) ? v.resolve(this, `${idPrefix}${k}`) : v]));
  }

  /** The final model the runtime renders: defaults applied, intents included. */
  public resolve(): ResolvedApp {
    const procs = this.model.processes;
    const appEnv = { ...(this.model.environment ?? {}), ...this.extraPlain };
    const appSecrets = { ...strings(this.model.secrets), ...this.extraSecret };
    const secretGroups: Record<string, Record<string, string>> = { app: appSecrets };
    const processes = this.resolveProcesses(appEnv, appSecrets, secretGroups);
    const direct = Object.keys(this.directPlain).length + Object.keys(this.directSecret).length > 0;
    if (direct && procs.release) secretGroups.release = { ...appSecrets, ...this.directSecret };
    // public files every container but the connector and the cache mounts (the database CA certificate)
    const files: ResolvedFile[] = [];
    const ca = appEnv[DATABASE_CA_CERT_VARIABLE] ?? this.directPlain[DATABASE_CA_CERT_VARIABLE];
    if (ca !== undefined) {
      files.push({ name: DATABASE_CA_FILE, path: DATABASE_CA_CERT_PATH, content: ca, variable: DATABASE_CA_CERT_VARIABLE });
    }
    const mounts = files.map((f) => f.name);
    // files the user mounts into single processes (process name, `release`, `scheduler`), after the CA certificate
    const own = resolveMountedFiles(this.model, [DATABASE_CA_FILE, BACKUP_SCRIPT_FILE, ...this.jobs.map((j) => j.caFileName)]);
    files.push(...own.files);
    const withFiles = <T extends { files?: readonly string[] }>(x: T, owner?: string): T => {
      const names = [...mounts, ...(owner !== undefined ? own.byOwner[owner] ?? [] : [])];
      return names.length > 0 ? { ...x, files: names } : x;
    };
    // directories of the app's code that outlive releases: mounted by app code, the release and the app's own jobs
    const persistentPaths = Object.entries(this.model.persistentPaths ?? {}).map(([name, path]) => ({ name, path }));
    const kept = persistentPaths.length > 0 ? persistentPaths.map((x) => x.name) : undefined;
    const withPaths = <T extends { persistentPaths?: readonly string[] }>(x: T): T => (kept ? { ...x, persistentPaths: kept } : x);
    const jobs = [...this.resolveAppJobs(appEnv).map((j) => withPaths(withFiles(j, 'scheduler'))), ...this.resolveBackupJobs(secretGroups, files, ca)];
    const release: ResolvedRelease | undefined = procs.release
      ? withPaths(withFiles<ResolvedRelease>({
        image: procs.release.image ?? procs.web.image,
        command: execForm(procs.release.command)!,
        environment: direct ? { ...appEnv, ...this.directPlain } : appEnv,
        secretGroups: direct ? ['release'] : ['app'],
        ...containerOf(procs.release.container),
      }, 'release'))
      : undefined;
    const hasManagedCache = this.connections.some((c) => c.engine === DatabaseEngineFamily.VALKEY);
    return withCacheProcess({
      name: this.name,
      processes: processes.map((proc) => {
        if (proc.role === ProcessRole.CONNECTOR) return proc;
        return proc.isAppCode ? withPaths(withFiles(proc, proc.name)) : withFiles(proc, proc.name);
      }),
      jobs,
      release,
      secretGroups,
      databases: [...this.connections],
      hasManagedCache,
      files: files.length > 0 ? files : undefined,
      persistentPaths: persistentPaths.length > 0 ? persistentPaths : undefined,
      registries: this.registries.length > 0 ? this.registries : undefined,
    });
  }

  /** Web, workers, WebSocket, services and the tunnel connector, in that order; adds the services' and the connector's secret groups. */
  private resolveProcesses(
    appEnv: Record<string, string>, appSecrets: Record<string, string>, secretGroups: Record<string, Record<string, string>>,
  ): ResolvedProcess[] {
    const procs = this.model.processes;
    const webImage = procs.web.image;
    const processes: ResolvedProcess[] = [{
      name: 'web', role: ProcessRole.WEB, image: webImage, command: execForm(procs.web.command), port: procs.web.port,
      healthCheck: health(procs.web.healthCheck, procs.web.port), replicas: procs.web.replicas ?? 1,
      resources: procs.web.resources, environment: { ...appEnv, PORT: String(procs.web.port) }, secretGroups: ['app'], isAppCode: true,
      ...containerOf(procs.web.container),
    }];
    for (const w of procs.workers ?? []) {
      processes.push({
        name: w.name, role: ProcessRole.WORKER, image: w.image ?? webImage, command: execForm(w.command),
        healthCheck: health(w.healthCheck, undefined), replicas: w.replicas ?? 1, resources: w.resources,
        environment: appEnv, secretGroups: ['app'], isAppCode: true, ...containerOf(w.container),
      });
    }
    if (procs.websocket) {
      const ws = procs.websocket;
      processes.push({
        name: ws.name ?? 'websocket', role: ProcessRole.WEBSOCKET, image: ws.image ?? webImage, command: execForm(ws.command),
        port: ws.port, healthCheck: health(ws.healthCheck, ws.port), replicas: 1, resources: ws.resources,
        environment: { ...appEnv, PORT: String(ws.port) }, secretGroups: ['app'], isAppCode: true, ...containerOf(ws.container),
      });
    }
    processes.push(...this.resolveServices(appEnv, appSecrets, secretGroups));
    if (this.connector) {
      secretGroups.tunnel = { TUNNEL_TOKEN: this.connector.token };
      processes.push({
        name: CONNECTOR_PROCESS, role: ProcessRole.CONNECTOR, image: this.connector.image,
        command: ['tunnel', '--no-autoupdate', '--metrics', '0.0.0.0:20241', 'run'], replicas: this.connector.replicas,
        environment: {}, secretGroups: ['tunnel'], isAppCode: false,
      });
    }
    return processes;
  }

  /** The other HTTP services; a service with secrets of its own reads them from the group `service-<name>`. */
  private resolveServices(
    appEnv: Record<string, string>, appSecrets: Record<string, string>, secretGroups: Record<string, Record<string, string>>,
  ): ResolvedProcess[] {
    const problems = new Problems();
    const services = (this.model.processes.services ?? []).map((svc, i): ResolvedProcess => {
      const group = `service-${svc.name}`;
      const own = strings(svc.secrets);
      if (Object.keys(own).length > 0) secretGroups[group] = { ...own };
      return {
        name: svc.name, role: ProcessRole.SERVICE, image: svc.image, command: execForm(svc.command), port: svc.port,
        healthCheck: health(svc.healthCheck, svc.port), replicas: svc.replicas ?? 1, resources: svc.resources,
        environment: serviceEnvironment(problems, `processes.services[${i}]`, svc, appEnv, appSecrets),
        secretGroups: [...(svc.receivesAppEnvironment ? ['app'] : []), ...(Object.keys(own).length > 0 ? [group] : [])],
        isAppCode: svc.receivesAppEnvironment === true,
        ...containerOf(svc.container),
      };
    });
    problems.throwIfAny(this);
    return services;
  }

  /** The scheduler's every-minute runner and cron entries. */
  private resolveAppJobs(appEnv: Record<string, string>): ResolvedJob[] {
    const procs = this.model.processes;
    const sch = procs.scheduler;
    if (!sch) return [];
    const image = sch.image ?? procs.web.image;
    const zone = this.model.timeZone ?? UTC_ZONE;
    const job = (name: string, schedule: string, timeZone: string, command: ProcessCommand): ResolvedJob => ({
      name, schedule, timeZone, image, command: execForm(command)!, environment: appEnv, secretGroups: ['app'], resources: sch.resources, isAppCode: true,
      ...containerOf(sch.container),
    });
    return [
      ...(sch.everyMinute !== undefined ? [job('schedule-run', '* * * * *', zone, sch.everyMinute)] : []),
      ...(sch.entries ?? []).map((e) => job(e.name, e.schedule, e.timeZone ?? zone, e.command)),
    ];
  }

  /**
   * The backup jobs, each with its secret group. A job mounts the CA certificate of the database it dumps
   * (the app's, or one of its own added to `files`), and nothing else.
   */
  private resolveBackupJobs(secretGroups: Record<string, Record<string, string>>, files: ResolvedFile[], ca: string | undefined): ResolvedJob[] {
    const jobs: ResolvedJob[] = [];
    // every stage of every backup job runs the same script, one public file of the app
    if (this.jobs.length > 0) files.push(backupScriptFile());
    for (const j of this.jobs) {
      secretGroups[j.group] = j.secrets;
      if (j.caCertificate === undefined) {
        jobs.push({ ...j.job, files: [BACKUP_SCRIPT_FILE] });
      } else if (j.caCertificate === ca) {
        jobs.push({ ...j.job, files: [BACKUP_SCRIPT_FILE, DATABASE_CA_FILE] });
      } else {
        const name = j.caFileName;
        if (!files.some((f) => f.name === name)) files.push({ name, path: DATABASE_CA_CERT_PATH, content: j.caCertificate });
        jobs.push({ ...j.job, files: [BACKUP_SCRIPT_FILE, name] });
      }
    }
    return jobs;
  }

  private admit(db: IConnectableDatabase, prop: string): void {
    if (this.admitted.has(db)) return;
    this.checkSameNetwork(db, prop);
    this.admitted.add(db);
    db.allowFrom(this.runtime.databaseClient);
  }

  /**
   * Fails when the app's compute and the database are in different regions or
   * different VPCs: now for what is known now (regions, literal VPC ids), at
   * synthesis for references, when each resolves to its final address.
   */
  private checkSameNetwork(db: IConnectableDatabase, prop: string): void {
    const app = this.runtime.databaseClient?.network;
    const database = db.network;
    if (app === undefined || database === undefined) return;
    const p = new Problems();
    compareNetworks(p, prop, app, database);
    p.throwIfAny(this);
    if (!Token.isUnresolved(app.vpcId) && !Token.isUnresolved(database.vpcId)) return;
    // Resolved in the app's stack only when both sides are in it: resolving another stack's reference would add a cross-stack output.
    const stack = TerraformStack.of(this);
    const inStack = (x: unknown) => !isConstruct(x) || TerraformStack.of(x) === stack;
    if (!inStack(db) || !inStack(this.runtime)) return;
    atSynthesis(this, { everyTime: true }, () => {
      const late = new Problems();
      const resolver = new DefaultTokenResolver(new StringConcat());
      compareNetworks(late, prop, app, database, (v) => Tokenization.resolve(v, { scope: stack, resolver, preparing: false }));
      late.throwIfAny(this);
    });
  }

  private allProcessNames(): string[] {
    const procs = this.model.processes;
    return [
      'web', ...RESERVED_NAMES.filter((n) => n !== 'backup'),
      ...(procs.workers ?? []).map((w) => w.name),
      ...(procs.scheduler?.entries ?? []).map((e) => e.name),
      ...(procs.websocket ? [procs.websocket.name ?? 'websocket'] : []),
      ...(procs.services ?? []).map((svc) => svc.name),
      ...(procs.scheduler?.everyMinute !== undefined ? ['schedule-run'] : []),
      ...this.jobs.map((j) => j.job.name),
    ];
  }
}

/**
 * Without a managed cache, the app runs the cache process (last of the processes), and app code
 * (app processes, jobs, the release) gets its variables under its own.
 */
function withCacheProcess(app: ResolvedApp): ResolvedApp {
  if (app.hasManagedCache) return app;
  const cache = cacheProcessEnvironment();
  const appCode = <T extends { readonly environment: Readonly<Record<string, string>>; readonly isAppCode?: boolean }>(x: T): T =>
    (x.isAppCode === false ? x : { ...x, environment: withCache(x.environment, cache) });
  return {
    ...app,
    processes: [...app.processes.map(appCode), cacheProcess()],
    jobs: app.jobs.map(appCode),
    release: app.release ? appCode(app.release) : undefined,
  };
}

/** `{ container }` when the model gives container settings, else nothing (the runtime's defaults, output unchanged). */
function containerOf(container: ContainerSettings | undefined): { container?: ContainerSettings } {
  return container !== undefined ? { container } : {};
}

/** A shell line becomes `/bin/sh -c <line>`; an exec list is kept. */
export function execForm(command: ProcessCommand | undefined): string[] | undefined {
  if (command === undefined) return undefined;
  if (typeof command === 'string') return ['/bin/sh', '-c', command];
  return [...command];
}

/**
 * The plain variables of a service: the app's (when it receives them), then
 * `PORT`, then the picked app variables, then its own.
 */
function serviceEnvironment(
  p: Problems, base: string, svc: HttpService, appEnv: Readonly<Record<string, string>>, appSecrets: Readonly<Record<string, string>>,
): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [key, source] of Object.entries(svc.environmentFrom ?? {})) {
    if (source === DATABASE_CA_CERT_VARIABLE) {
      p.add(`${base}.environmentFrom.${key}`, source, 'is the database CA certificate, which every container finds as a file',
        `drop it and point the service at ${DATABASE_CA_CERT_PATH} (for example ${key}_FILE or the tool's CA path setting)`);
    } else if (Object.prototype.hasOwnProperty.call(appEnv, source)) {
      picked[key] = appEnv[source];
    } else if (Object.prototype.hasOwnProperty.call(appSecrets, source)) {
      p.add(`${base}.environmentFrom.${key}`, source, 'is a secret of the app; environmentFrom copies plain variables only',
        `give the value in ${base}.secrets instead`);
    } else {
      const known = Object.keys(appEnv).sort();
      p.add(`${base}.environmentFrom.${key}`, source, 'is not a plain variable of the app (its environment and what connectTo added)',
        known.length > 0 ? `use one of ${known.join(', ')}` : 'set it in the app environment, or call connectTo(db) first');
    }
  }
  return {
    ...(svc.receivesAppEnvironment ? appEnv : {}),
    PORT: String(svc.port),
    ...picked,
    ...(svc.environment ?? {}),
  };
}

function health(h: HealthCheck | undefined, port: number | undefined): ResolvedHealthCheck | undefined {
  if (h === undefined) return undefined;
  return {
    httpPath: h.path,
    port: h.path !== undefined ? port : undefined,
    command: h.command !== undefined ? execForm(h.command) : undefined,
    intervalSeconds: h.intervalSeconds ?? HEALTH_CHECK_DEFAULTS.intervalSeconds,
    timeoutSeconds: h.timeoutSeconds ?? HEALTH_CHECK_DEFAULTS.timeoutSeconds,
    retries: h.retries ?? HEALTH_CHECK_DEFAULTS.retries,
    startPeriodSeconds: h.startPeriodSeconds ?? HEALTH_CHECK_DEFAULTS.startPeriodSeconds,
  };
}

const VPC_REFERENCE_RE = /^\$\{digitalocean_vpc\.[^.}]+\.id\}$/;

/**
 * Records a problem when the app's compute and the database cannot share a
 * private network. Regions are compared when both are literal. VPC ids: two
 * literals by value; with `resolve`, two references by what they resolve to,
 * different only when both name a `digitalocean_vpc` resource of the stack
 * (a variable or a data source may hold the same VPC); anything else is skipped.
 */
function compareNetworks(
  p: Problems, prop: string, app: PrivateNetworkPlacement, db: PrivateNetworkPlacement, resolve?: (v: string) => unknown,
): void {
  const appRegion = app.region?.slug;
  const dbRegion = db.region?.slug;
  if (typeof appRegion === 'string' && typeof dbRegion === 'string' && !Token.isUnresolved(appRegion) && !Token.isUnresolved(dbRegion)) {
    if (appRegion !== dbRegion) {
      p.add(`${prop}.network.region`, dbRegion,
        `is not the region of the app's compute (${appRegion}): the app could not reach the database's private host, a VPC is regional`,
        `put the database and the app's runtime in one region (DoRegion.of('${appRegion}') for both); left without vpc / vpcId, both then join the stack's shared network of that region`);
      return;
    }
  }
  const same = sameVpc(app.vpcId, db.vpcId, resolve);
  if (same.same === false) {
    p.add(`${prop}.network.vpcId`, same.db,
      `is not the VPC of the app's compute (${same.app}): the app could not reach the database's private host`,
      'give both one VPC: pass the database\'s VPC to the runtime (vpcId: db.vpcId), or leave out vpc and vpcId on both to share the stack\'s network of the region');
  }
}

/** Whether two VPC ids name one VPC (undefined: cannot be decided), with the values to show. */
function sameVpc(app: string, db: string, resolve?: (v: string) => unknown): { same?: boolean; app: unknown; db: unknown } {
  const appToken = Token.isUnresolved(app);
  const dbToken = Token.isUnresolved(db);
  if (app === db) return { same: true, app, db };
  if (!appToken && !dbToken) return { same: app.toLowerCase() === db.toLowerCase(), app, db };
  if (appToken !== dbToken || resolve === undefined) return { app, db };
  const a = resolve(app);
  const d = resolve(db);
  if (typeof a !== 'string' || typeof d !== 'string') return { app: a, db: d };
  if (a === d) return { same: true, app: a, db: d };
  return { same: VPC_REFERENCE_RE.test(a) && VPC_REFERENCE_RE.test(d) ? false : undefined, app: a, db: d };
}

function isConstruct(x: unknown): x is IConstruct {
  return typeof x === 'object' && x !== null && Construct.isConstruct(x);
}
