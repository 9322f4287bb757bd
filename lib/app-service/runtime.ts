import { IConstruct } from 'constructs';
import { DatabaseConnection, IDatabaseClient } from '../common/contracts';
import { ContainerSettings, ResourceLimits } from './process-model';
import type { ResolvedRegistry } from './registry';

/**
 * The final, normalized process model a runtime turns into resources: every
 * default applied, commands in exec form, the processes and jobs the intents
 * added (tunnel connector, backup jobs) included, secrets grouped by who may
 * read them. Runtimes read it once, at synthesis, so that intents called after
 * construction end up in the output.
 */
export interface ResolvedApp {
  /** App name, a DNS label. */
  readonly name: string;
  /** Long-running processes, web first. */
  readonly processes: readonly ResolvedProcess[];
  /** Scheduled commands (cron entries, the every-minute runner, backup jobs). */
  readonly jobs: readonly ResolvedJob[];
  /** The command that must succeed before web starts, if any. */
  readonly release?: ResolvedRelease;
  /**
   * Secret variables by group. `app` is read by every app process, the
   * release and the scheduler; other groups (`tunnel`, `backup-<job>`) only by
   * the process or job that names them.
   */
  readonly secretGroups: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Connections the app was given with `connectTo`, in call order. */
  readonly databases: readonly DatabaseConnection[];
  /**
   * True when one of the connected databases is a managed cache (Valkey/Redis); otherwise `processes`
   * holds a cache process (role `CACHE`) and app code gets its variables (`REDIS_URL`, `REDIS_HOST`, `REDIS_PORT`).
   */
  readonly hasManagedCache: boolean;
  /**
   * Public files (the database CA certificate) that runtimes place read-only
   * at `path` in every container whose `files` names them.
   * @default - none
   */
  readonly files?: readonly ResolvedFile[];
  /**
   * Directories of the app's code that outlive a release and the server, by name; the processes
   * that mount them list the names in their `persistentPaths`.
   * @default - none
   */
  readonly persistentPaths?: readonly ResolvedPersistentPath[];
  /**
   * Private registries the images are pulled from, with the `auth` of their Docker config entries.
   * @default - none
   */
  readonly registries?: readonly ResolvedRegistry[];
}

/** A directory of the app's code kept across releases and servers. */
export interface ResolvedPersistentPath {
  /** Name, a DNS label unique in the app; the same name is the same data in every process. */
  readonly name: string;
  /** Absolute path inside the containers. */
  readonly path: string;
}

/**
 * A public, read-only file the containers of an app need, such as the CA
 * certificate a MySQL client verifies the managed database with. Never a secret.
 */
export interface ResolvedFile {
  /** File name, a DNS label unique in the app (`database-ca`); names the copy on the host or the ConfigMap key. */
  readonly name: string;
  /** Absolute path of the file inside the containers (`/etc/ssl/certs/database-ca.pem`). */
  readonly path: string;
  /** The file contents, text (may be a token, possibly of several lines). */
  readonly content: string;
  /**
   * The plain environment variable that also carries `content`, when there is
   * one (`DATABASE_CA_CERT`); runtimes that cannot carry a multi-line value in
   * their environment (Compose inside cloud-init) leave that variable out, as
   * the file replaces it.
   */
  readonly variable?: string;
}

/** What a process is for; runtimes use it to pick ordering and exposure. */
export enum ProcessRole {
  WEB = 'web',
  WORKER = 'worker',
  WEBSOCKET = 'websocket',
  /** The tunnel connector (`cloudflared`). */
  CONNECTOR = 'connector',
  /** Another HTTP server beside web (frontend, monitoring UI, phpMyAdmin), reached on the internal network only. */
  SERVICE = 'service',
  /**
   * The cache (Valkey) run when the app has no managed cache. App code and the release wait for it;
   * runtimes keep its data directory on a volume.
   */
  CACHE = 'cache',
}

/** A health check with every default applied. */
export interface ResolvedHealthCheck {
  /** HTTP path probed on `port`, when the check is an HTTP probe. */
  readonly httpPath?: string;
  /** Port of the HTTP probe. */
  readonly port?: number;
  /** Exec-form command, when the check is a command. */
  readonly command?: readonly string[];
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
  readonly retries: number;
  readonly startPeriodSeconds: number;
}

/** One long-running process. */
export interface ResolvedProcess {
  /** Name, a DNS label, unique in the app. */
  readonly name: string;
  readonly role: ProcessRole;
  readonly image: string;
  /** Exec-form command; undefined = the image's default. */
  readonly command?: readonly string[];
  /** Port the process listens on, when it serves one. */
  readonly port?: number;
  readonly healthCheck?: ResolvedHealthCheck;
  readonly replicas: number;
  readonly resources?: ResourceLimits;
  /** Plain variables of this process. */
  readonly environment: Readonly<Record<string, string>>;
  /** Secret groups this process reads (keys of `ResolvedApp.secretGroups`). */
  readonly secretGroups: readonly string[];
  /** True for app code (reads the app environment); false for infrastructure processes (connector) and third-party services. */
  readonly isAppCode: boolean;
  /**
   * Names of the `ResolvedApp.files` mounted read-only into this process.
   * @default - none
   */
  readonly files?: readonly string[];
  /**
   * Names of the `ResolvedApp.persistentPaths` this mounts read-write.
   * @default - none
   */
  readonly persistentPaths?: readonly string[];
  /**
   * The container settings the model gave (user, read-only root filesystem, writable paths).
   * @default - none: the runtime's defaults
   */
  readonly container?: ContainerSettings;
}

/**
 * One container of a job that runs in several, one after the other (a backup: the dump in the
 * database engine's image, the upload in the AWS CLI's). It reads the job's environment, secret
 * groups and files, and shares the job's `scratch` directory.
 */
export interface ResolvedJobStage {
  /** Stage name, a DNS label unique in the job (`dump`). */
  readonly name: string;
  readonly image: string;
  /**
   * Exec-form entrypoint, replacing the image's.
   * @default - the image's
   */
  readonly entrypoint?: readonly string[];
  /** Exec-form command (the entrypoint's arguments). */
  readonly command: readonly string[];
  /**
   * The stage's container settings.
   * @default - the job's
   */
  readonly container?: ContainerSettings;
}

/** A directory every stage of a job writes to, sized for what passes through it (a dump). */
export interface ResolvedScratch {
  /** Absolute path inside the containers. */
  readonly path: string;
  /** The most it may hold, in MiB (an emptyDir's limit on Kubernetes). */
  readonly sizeMib: number;
  /** Numeric user and group that own it (`'999:999'`). */
  readonly owner: string;
}

/** One scheduled command. */
export interface ResolvedJob {
  /** Name, a DNS label, unique in the app. */
  readonly name: string;
  /** 5-field cron expression or macro, read in `timeZone`. */
  readonly schedule: string;
  /**
   * IANA time zone of the schedule: the job's own, else the app's, else `'Etc/UTC'`
   * (`'UTC'` and `'Etc/UTC'` both mean UTC, which runtimes render as they always did).
   */
  readonly timeZone: string;
  readonly image: string;
  /**
   * Exec-form entrypoint, replacing the image's.
   * @default - the image's
   */
  readonly entrypoint?: readonly string[];
  /** Exec-form command. */
  readonly command: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly secretGroups: readonly string[];
  readonly resources?: ResourceLimits;
  /** True for app code (reads the app environment and the cache variables). */
  readonly isAppCode: boolean;
  /**
   * Containers that run before the job's own (`image`, `command`), in order, each to completion.
   * Every stage runs even when one before it failed (a stage that finds the failure skips its work),
   * so that the job's own container, the last, always runs and reports.
   * @default - none: the job is one container
   */
  readonly stages?: readonly ResolvedJobStage[];
  /**
   * A working directory the stages and the job's container share.
   * @default - none
   */
  readonly scratch?: ResolvedScratch;
  /**
   * Runs only when an operator starts it (a restore), never on `schedule`.
   * @default false
   */
  readonly onDemand?: boolean;
  /**
   * Names of the `ResolvedApp.files` mounted read-only into each run.
   * @default - none
   */
  readonly files?: readonly string[];
  /**
   * Names of the `ResolvedApp.persistentPaths` this mounts read-write.
   * @default - none
   */
  readonly persistentPaths?: readonly string[];
  /**
   * The container settings the model gave (user, read-only root filesystem, writable paths).
   * @default - none: the runtime's defaults
   */
  readonly container?: ContainerSettings;
}

/** The release command. */
export interface ResolvedRelease {
  readonly image: string;
  readonly command: readonly string[];
  readonly environment: Readonly<Record<string, string>>;
  readonly secretGroups: readonly string[];
  /**
   * Names of the `ResolvedApp.files` mounted read-only into the release container.
   * @default - none
   */
  readonly files?: readonly string[];
  /**
   * Names of the `ResolvedApp.persistentPaths` this mounts read-write.
   * @default - none
   */
  readonly persistentPaths?: readonly string[];
  /**
   * The container settings the model gave (user, read-only root filesystem, writable paths).
   * @default - none: the runtime's defaults
   */
  readonly container?: ContainerSettings;
}

/** What an app hands its runtime when it binds. */
export interface AppBinding {
  /** The app construct. */
  readonly scope: IConstruct;
  /** App name, a DNS label. */
  readonly name: string;
  /** The final model; call it at synthesis (inside a `Lazy` producer or a late hook), not at bind time. */
  resolve(): ResolvedApp;
}

/**
 * Where an app's processes run: an adapter from the process model to
 * resources. A runtime is bound to exactly one app.
 */
export interface IAppRuntime {
  /** The firewall entries a database needs to admit this runtime's compute. */
  readonly databaseClient: IDatabaseClient;
  /** Called once by `ErpAppService` in its constructor. */
  bind(app: AppBinding): void;
  /** The URL other components inside the runtime (the tunnel connector) use to reach a process on a port. */
  internalUrl(processName: string, port: number): string;
}
