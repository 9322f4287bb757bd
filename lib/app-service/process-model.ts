/**
 * The process model of an ERP web app: what runs, from which image, with which
 * command, port, health check and environment. Plain readonly data (JSON
 * friendly), so an app description file can hold it; every runtime (Compose on
 * droplets, the local Docker engine, Kubernetes) is an adapter from this model.
 */
import type { AppFile } from './app-file';
import type { AppSecret } from './secret';

/**
 * A command, in exec form (`['php', 'artisan', 'queue:work']`) or as one shell
 * line (`'php artisan queue:work --tries=3'`), which runs through `/bin/sh -c`.
 */
export type ProcessCommand = string | readonly string[];

/** A secret's value: an `AppSecret`, or a string that is a Terraform reference (`variable.stringValue`). */
export type SecretValue = string | AppSecret;

/**
 * A file mounted read-only into a process (phpMyAdmin's `config.user.inc.php`, an nginx
 * snippet, Prometheus' configuration). Public configuration, never a secret: its text is
 * written into the synthesized JSON, droplet releases, ConfigMaps and Docker uploads, and a
 * PEM private key is refused. At most 256 KiB; one file per path in a process.
 */
export interface MountedFile {
  /** Absolute path of the file inside the container (`/etc/phpmyadmin/config.user.inc.php`). */
  readonly path: string;
  /** The text: `AppFile.fromText(...)`, `AppFile.fromPath('config/pma.inc.php')` (read at synthesis), or a string. */
  readonly content: string | AppFile;
}

/** CPU and memory ceilings of one process (per replica). */
export interface ResourceLimits {
  /** CPU cores, fractions allowed (`0.5`). */
  readonly cpus: number;
  /** Memory ceiling in MiB. */
  readonly memoryMib: number;
}

/**
 * How a runtime decides a process is healthy. Give `path` (an HTTP GET on the
 * process port that must answer 2xx/3xx; the image needs curl or wget) or
 * `command` (exit 0 = healthy), not both.
 */
export interface HealthCheck {
  /**
   * HTTP path probed on the process port (`/health`).
   * @default - none; give `command` instead
   */
  readonly path?: string;
  /**
   * Command that exits 0 when the process is healthy.
   * @default - none; give `path` instead
   */
  readonly command?: ProcessCommand;
  /**
   * Seconds between two checks.
   * @default 30
   */
  readonly intervalSeconds?: number;
  /**
   * Seconds one check may take.
   * @default 10
   */
  readonly timeoutSeconds?: number;
  /**
   * Consecutive failures before the process counts as unhealthy.
   * @default 3
   */
  readonly retries?: number;
  /**
   * Seconds after start during which failures do not count.
   * @default 40
   */
  readonly startPeriodSeconds?: number;
}

/**
 * How one process's container runs: the user it runs as and where it may write. Every runtime
 * honours it (Compose on droplets: `user`, `read_only`, `tmpfs`; the local Docker engine: the
 * container's `user`, `read_only`, `tmpfs`; Kubernetes: the security context and one emptyDir per
 * writable path). Leave it out and the runtime's defaults apply.
 */
export interface ContainerSettings {
  /**
   * Numeric user the process runs as: `'uid'` or `'uid:gid'` (`'1001:1001'`). `'0'` is root, for
   * images that start as root and drop to a service user themselves (Apache in phpMyAdmin): on
   * Kubernetes such a process needs Pod Security `baseline` (see `KubernetesRuntimeProps.podSecurity`).
   * @default - the runtime's default: Kubernetes its `runAsUser` (10001, group the same); Compose and Docker the image's own user
   */
  readonly user?: string;
  /**
   * Run with a read-only root filesystem (the process writes only to `writablePaths`, its
   * persistent paths and, on Kubernetes, `/tmp`).
   * @default - the runtime's default: Kubernetes true (its `readOnlyRootFilesystem` and `writableRootFilesystem`); Compose and Docker false
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Absolute directories that get an empty, writable scratch volume, wiped when the container
   * restarts (`/var/run/apache2`, `/sessions`, Laravel's `storage/framework/views`): a tmpfs on
   * Compose and Docker, an emptyDir of at most 256 MiB on Kubernetes. Not a system directory
   * (`/`, `/etc`, `/usr`, `/var`, ...), nor a persistent path; keep data that must last in `persistentPaths`.
   * @default - none (Kubernetes still gives every container a writable `/tmp`)
   */
  readonly writablePaths?: readonly string[];
}

/** The process that serves HTTP. Every app has exactly one. */
export interface WebProcess {
  /** Image reference (`registry/repo:tag` or `...@sha256:digest`). */
  readonly image: string;
  /**
   * Command that starts the server.
   * @default - the image's default command
   */
  readonly command?: ProcessCommand;
  /** Port the server listens on inside its container (runtimes also pass it as `PORT`). */
  readonly port: number;
  /**
   * Health check of the server.
   * @default - none (a warning is emitted)
   */
  readonly healthCheck?: HealthCheck;
  /**
   * Copies of the server.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * CPU and memory ceilings per replica.
   * @default - no limits
   */
  readonly resources?: ResourceLimits;
  /**
   * User, read-only root filesystem and scratch directories of its container.
   * @default - the runtime's defaults
   */
  readonly container?: ContainerSettings;
  /**
   * Files mounted read-only into the web process.
   * @default - none
   */
  readonly files?: readonly MountedFile[];
}

/** A background process (queue worker, Celery worker). */
export interface WorkerProcess {
  /** Process name, a DNS label (`queue`, `celery-default`). */
  readonly name: string;
  /**
   * Image reference.
   * @default - the web process image
   */
  readonly image?: string;
  /** Command that starts the worker. */
  readonly command: ProcessCommand;
  /**
   * Copies of the worker.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * CPU and memory ceilings per replica.
   * @default - no limits
   */
  readonly resources?: ResourceLimits;
  /**
   * Health check of the worker.
   * @default - none
   */
  readonly healthCheck?: HealthCheck;
  /**
   * User, read-only root filesystem and scratch directories of its container.
   * @default - the runtime's defaults
   */
  readonly container?: ContainerSettings;
  /**
   * Files mounted read-only into the worker.
   * @default - none
   */
  readonly files?: readonly MountedFile[];
}

/** One scheduled command. */
export interface CronEntry {
  /** Entry name, a DNS label (`backup-rates`). */
  readonly name: string;
  /**
   * When to run: a 5-field cron expression (minute hour day-of-month month
   * day-of-week; ranges, steps, lists and month/day names allowed) or a macro
   * (`@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`), read in `timeZone`.
   */
  readonly schedule: string;
  /** Command to run, in the scheduler's image. */
  readonly command: ProcessCommand;
  /**
   * IANA time zone the schedule is read in (`America/Lima`), daylight saving changes included.
   * @default - the app's `timeZone`
   */
  readonly timeZone?: string;
}

/**
 * Scheduled work: explicit cron entries, and/or the framework's every-minute
 * runner (`php artisan schedule:run`), which is then run once a minute.
 */
export interface SchedulerProcess {
  /**
   * Image the scheduled commands run in.
   * @default - the web process image
   */
  readonly image?: string;
  /**
   * Cron entries.
   * @default - none
   */
  readonly entries?: readonly CronEntry[];
  /**
   * The framework's scheduler command, run every minute (`php artisan schedule:run`).
   * @default - none
   */
  readonly everyMinute?: ProcessCommand;
  /**
   * CPU and memory ceilings of each run.
   * @default - no limits
   */
  readonly resources?: ResourceLimits;
  /**
   * User, read-only root filesystem and scratch directories of its container.
   * @default - the runtime's defaults
   */
  readonly container?: ContainerSettings;
  /**
   * Files mounted read-only into each scheduled run.
   * @default - none
   */
  readonly files?: readonly MountedFile[];
}

/** A WebSocket server beside the web process. */
export interface WebSocketProcess {
  /**
   * Process name, a DNS label.
   * @default 'websocket'
   */
  readonly name?: string;
  /**
   * Image reference.
   * @default - the web process image
   */
  readonly image?: string;
  /** Command that starts the server. */
  readonly command: ProcessCommand;
  /** Port the server listens on inside its container. */
  readonly port: number;
  /**
   * Health check of the server.
   * @default - none
   */
  readonly healthCheck?: HealthCheck;
  /**
   * CPU and memory ceilings.
   * @default - no limits
   */
  readonly resources?: ResourceLimits;
  /**
   * User, read-only root filesystem and scratch directories of its container.
   * @default - the runtime's defaults
   */
  readonly container?: ContainerSettings;
  /**
   * Files mounted read-only into the WebSocket server.
   * @default - none
   */
  readonly files?: readonly MountedFile[];
}

/** A one-off command (database migrations) that must succeed before web starts, on each deploy. */
export interface ReleaseCommand {
  /**
   * Image reference.
   * @default - the web process image
   */
  readonly image?: string;
  /** The command (`php artisan migrate --force`, `alembic upgrade head`, `npx prisma migrate deploy`). */
  readonly command: ProcessCommand;
  /**
   * User, read-only root filesystem and scratch directories of its container.
   * @default - the runtime's defaults
   */
  readonly container?: ContainerSettings;
  /**
   * Files mounted read-only into the release command.
   * @default - none
   */
  readonly files?: readonly MountedFile[];
}

/**
 * Another HTTP server of the app beside `web`: a static frontend (nginx), a
 * monitoring UI, an admin tool (phpMyAdmin). It runs in its own container,
 * reachable by the other processes and the tunnel connector at its name and
 * port (`app.internalUrl('frontend')`), never published on a host port.
 *
 * By default a service gets none of the app's environment and secrets (an
 * admin tool or a static frontend has no use for the app's keys): give it its
 * own `environment` and `secrets`, pick single plain variables of the app with
 * `environmentFrom`, or set `receivesAppEnvironment` for app code.
 */
export interface HttpService {
  /** Service name, a DNS label, unique among all processes (`frontend`, `monitor`, `phpmyadmin`). */
  readonly name: string;
  /** Image reference (`nginx:1.27-alpine`, `phpmyadmin:5.2.1`, `ghcr.io/acme/frontend:2.0.0`). */
  readonly image: string;
  /**
   * Command that starts the server.
   * @default - the image's default command
   */
  readonly command?: ProcessCommand;
  /** Port the server listens on inside its container (runtimes also pass it as `PORT`). */
  readonly port: number;
  /**
   * Health check of the server (`path` is probed on `port`).
   * @default - none
   */
  readonly healthCheck?: HealthCheck;
  /**
   * Copies of the server.
   * @default 1
   */
  readonly replicas?: number;
  /**
   * CPU and memory ceilings per replica.
   * @default - no limits
   */
  readonly resources?: ResourceLimits;
  /**
   * Plain environment variables of this service; they win over the app's and
   * over `environmentFrom` when `receivesAppEnvironment` is set.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Plain variables of the app (its own `environment` and what `connectTo`
   * added) copied into this service under another name, as
   * `{ SERVICE_NAME: 'APP_NAME' }`: `{ PMA_HOST: 'DB_HOST', PMA_PORT: 'DB_PORT' }`.
   * Only plain variables; a secret must be given in `secrets`.
   * @default - none
   */
  readonly environmentFrom?: Readonly<Record<string, string>>;
  /**
   * Give this service the whole app environment and the app secrets, as web
   * and the workers get them (for app code, not for third-party tools).
   * @default false
   */
  readonly receivesAppEnvironment?: boolean;
  /**
   * Secret environment variables of this service only, kept out of user data
   * and compose files like the app secrets (an `AppSecret`, or a Terraform reference).
   * @default - none
   */
  readonly secrets?: Readonly<Record<string, SecretValue>>;
  /**
   * User, read-only root filesystem and scratch directories of its container.
   * @default - the runtime's defaults
   */
  readonly container?: ContainerSettings;
  /**
   * Files mounted read-only into the service.
   * @default - none
   */
  readonly files?: readonly MountedFile[];
}

/** Every process of an app. */
export interface AppProcesses {
  /** The HTTP server (exactly one). */
  readonly web: WebProcess;
  /**
   * Background workers.
   * @default - none
   */
  readonly workers?: readonly WorkerProcess[];
  /**
   * Scheduled work.
   * @default - none
   */
  readonly scheduler?: SchedulerProcess;
  /**
   * A WebSocket server.
   * @default - none
   */
  readonly websocket?: WebSocketProcess;
  /**
   * Command run before web starts on each deploy.
   * @default - none
   */
  readonly release?: ReleaseCommand;
  /**
   * Other HTTP servers beside web (frontend, monitoring UI, phpMyAdmin), each
   * on the internal network only.
   * @default - none
   */
  readonly services?: readonly HttpService[];
}

/** The process model: processes plus the environment they share. */
export interface ProcessModel {
  /** The processes. */
  readonly processes: AppProcesses;
  /**
   * Plain environment variables for every app process.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Secret environment variables for every app process; kept out of user data,
   * compose files, ConfigMaps and the synthesized JSON: an `AppSecret` (from a
   * sensitive variable, generated, a reference), or a Terraform reference
   * (`variable.stringValue`). A literal string is refused: it would be written
   * into the synthesized JSON (`AppSecret.unsafePlainText` says that is intended).
   * @default - none
   */
  readonly secrets?: Readonly<Record<string, SecretValue>>;
  /**
   * Directories the app's code writes and that must outlive a release and the server (Laravel's
   * `storage/` with its generated PDFs, Next.js's `.next/cache`): a name (a DNS label) for each
   * absolute path inside the containers. Every app-code process, the release command and the
   * scheduled commands mount them; the same name is the same data in each. On droplets they live
   * on the droplet's data volume, locally on a Docker volume; on Kubernetes on the runtime's
   * `sharedStorage` (a DigitalOcean NFS share, ReadWriteMany), and refused without it (block storage
   * attaches to one node, so replicas cannot share it).
   * @default - none
   */
  readonly persistentPaths?: Readonly<Record<string, string>>;
  /**
   * IANA time zone the app's schedules are read in (`America/Lima`, `America/Mexico_City`): the
   * scheduler's entries, its every-minute runner and the backup jobs, unless one sets its own.
   * Runtimes follow the zone's daylight saving changes (Kubernetes CronJob `timeZone`, systemd
   * timers on droplets, the zone's rule in local job containers).
   * @default 'Etc/UTC'
   */
  readonly timeZone?: string;
}

/** Health check defaults, as the reference deployments use them. */
export const HEALTH_CHECK_DEFAULTS = {
  intervalSeconds: 30,
  timeoutSeconds: 10,
  retries: 3,
  startPeriodSeconds: 40,
} as const;
