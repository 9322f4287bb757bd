/**
 * The app description: one typed, JSON-friendly description of an ERP or
 * invoicing web app, from which the tier stacks (`dev`, `prod`, `ha`,
 * `local`) are built. A team writes it once (as JSON or YAML) and points the
 * app at it with `ERP_APP_DESCRIPTION=path` or the cdktf.json context key
 * `appDescription`.
 */
import type { DatabaseEngineFamily } from '../../lib/common/contracts';

/** The tiers a description can override. */
export type TierName = 'dev' | 'prod' | 'ha' | 'local';

/** Every tier, in the order the app builds them. */
export const TIER_NAMES: readonly TierName[] = ['dev', 'prod', 'ha', 'local'];

/** A health check of an HTTP process. */
export interface DescriptionHealthCheck {
  /** The HTTP path probed on the process's port (`/health`). */
  readonly path: string;
  /** @default 30 */
  readonly intervalSeconds?: number;
  /** @default 10 */
  readonly timeoutSeconds?: number;
  /** @default 3 */
  readonly retries?: number;
  /** @default 40 */
  readonly startPeriodSeconds?: number;
}

/**
 * How a process's container runs, on every tier: its user, a read-only root filesystem, and
 * directories that get an empty, writable scratch volume (a tmpfs on droplets and locally, an
 * emptyDir of at most 256 MiB on Kubernetes), wiped when the container restarts.
 */
export interface DescriptionContainer {
  /**
   * Numeric user, `"uid"` or `"uid:gid"` (`"1001:1001"`); `"0"` is root (the HA tier's namespace then enforces Pod Security `baseline`).
   * @default - the image's user on droplets and locally; 10001 on the HA tier
   */
  readonly user?: string;
  /**
   * Read-only root filesystem.
   * @default - false on droplets and locally; true on the HA tier
   */
  readonly readOnlyRootFilesystem?: boolean;
  /**
   * Absolute directories the process writes scratch files to (`/var/run/apache2`, `/sessions`); not system directories such as `/etc` or `/var`.
   * @default - none (the HA tier gives every container a writable `/tmp`)
   */
  readonly writablePaths?: string[];
}

/** The web process: the one that serves HTTP. */
export interface DescriptionWebProcess {
  /** Container image reference with a tag (`ghcr.io/acme/erp:1.4.2`). */
  readonly image: string;
  /** Command to run. @default - the image's own entrypoint and command */
  readonly command?: string[];
  /** The port the process listens on inside its container. */
  readonly port: number;
  /** @default - no health check */
  readonly healthCheck?: DescriptionHealthCheck;
  /** @default 1 */
  readonly replicas?: number;
  /**
   * The path prefix routed to the web process (`/api`) when another service takes `/`.
   * @default '/'
   */
  readonly path?: string;
  /** User, read-only root filesystem and scratch directories of its container. @default - the tier's defaults */
  readonly container?: DescriptionContainer;
}

/** A background worker (queue consumer, Celery worker). */
export interface DescriptionWorker {
  /** A DNS label naming the worker (`queue`). */
  readonly name: string;
  /** @default - the web image */
  readonly image?: string;
  readonly command: string[];
  /** @default 1 */
  readonly replicas?: number;
  /** User, read-only root filesystem and scratch directories of its container. @default - the tier's defaults */
  readonly container?: DescriptionContainer;
}

/** A scheduled command. */
export interface DescriptionCronJob {
  /** A DNS label naming the job (`cleanup`). */
  readonly name: string;
  /** A five-field cron line (`0 4 * * *`), in `timeZone`. */
  readonly schedule: string;
  readonly command: string[];
  /** IANA time zone of the schedule (`America/Caracas`). @default - the description's `timeZone` */
  readonly timeZone?: string;
}

/** The scheduler: the framework's every-minute runner and/or cron jobs. */
export interface DescriptionScheduler {
  /** A command the framework runs every minute (`php artisan schedule:run`). @default - none */
  readonly everyMinute?: string[];
  /** @default - none */
  readonly jobs?: DescriptionCronJob[];
  /** User, read-only root filesystem and scratch directories of its container. @default - the tier's defaults */
  readonly container?: DescriptionContainer;
}

/** A WebSocket server. */
export interface DescriptionWebSocket {
  /** @default - the web image */
  readonly image?: string;
  readonly command: string[];
  readonly port: number;
  /** The public path routed to it (`/ws`). @default '/ws' */
  readonly path?: string;
  /** User, read-only root filesystem and scratch directories of its container. @default - the tier's defaults */
  readonly container?: DescriptionContainer;
}

/** The app's processes. */
export interface DescriptionProcesses {
  readonly web: DescriptionWebProcess;
  /** @default - none */
  readonly workers?: DescriptionWorker[];
  /** @default - none */
  readonly scheduler?: DescriptionScheduler;
  /** @default - none */
  readonly websocket?: DescriptionWebSocket;
  /** A command that runs before the web process starts on every deploy (migrations). @default - none */
  readonly release?: string[];
  /** Other HTTP processes routed by path (a frontend, a monitor UI). @default - none */
  readonly services?: DescriptionService[];
}

/** Another HTTP process, routed by path on the app's domain. */
export interface DescriptionService {
  /** A DNS label (`frontend`). */
  readonly name: string;
  readonly image: string;
  /** @default - the image's own command */
  readonly command?: string[];
  readonly port: number;
  /** The path prefix routed to it (`/beholder`); `/` for the root. */
  readonly path: string;
  /** Put Cloudflare Access in front of it. @default false */
  readonly admin?: boolean;
  /** @default - no health check */
  readonly healthCheck?: DescriptionHealthCheck;
  /** Its own plain environment. @default - none */
  readonly environment?: Record<string, string>;
  /** It runs app code and reads the app's environment and secrets (a static frontend does not). @default false */
  readonly appEnvironment?: boolean;
  /** User, read-only root filesystem and scratch directories of its container. @default - the tier's defaults */
  readonly container?: DescriptionContainer;
  /** Files mounted read-only into the service (an nginx snippet). @default - none */
  readonly files?: DescriptionFile[];
}

/** Database engines a description may ask for: the SQL members of `DatabaseEngineFamily`, as text. */
export type DescriptionDatabaseEngine = `${DatabaseEngineFamily.POSTGRES}` | `${DatabaseEngineFamily.MYSQL}`;

/** The app's database. */
export interface DescriptionDatabase {
  /** `postgres` or `mysql`. */
  readonly engine: DescriptionDatabaseEngine;
  /** Major version: PostgreSQL 13 to 17, MySQL 8. */
  readonly version: number;
  /** The database to create. @default - the app name */
  readonly name?: string;
  /** The app's user. @default - the app name */
  readonly user?: string;
  /** A connection pool in front of PostgreSQL (PgBouncer-style), sized in connections. @default - none on dev, 20 on prod and ha */
  readonly poolSize?: number;
  /**
   * Query parameters added to the app's database URIs (`DATABASE_URL`), e.g. `{ pgbouncer: 'true' }` for
   * Prisma behind the pool. The release command's and the dumps' direct connection do not get them.
   * @default - none
   */
  readonly uriParameters?: Record<string, string>;
  /** More names for the connection's variables: `{ DATABASE_URL: 'PRISMA_DATABASE_URL' }`. @default - none */
  readonly aliases?: Record<string, string>;
}

/** The cache (Redis-compatible). */
export interface DescriptionCache {
  /** `valkey` (managed on prod and ha, a container on dev and local). */
  readonly engine: 'valkey';
  /** More names for the cache's variables: `{ REDIS_URL: 'CELERY_BROKER_URL' }` for Celery. Managed caches (prod, ha) only: the dev and local container gives `REDIS_URL` as is. @default - none */
  readonly aliases?: Record<string, string>;
}

/** Backup schedule and retention. */
export interface DescriptionBackups {
  /**
   * Five-field cron line of the dump job, in the description's `timeZone`. The first dump of each ISO
   * week and of each month also goes to weekly/ and monthly/: a schedule that skips whole weeks (or
   * months) while those are kept is refused. @default '0 2 * * *'
   */
  readonly schedule?: string;
  /** Days a daily dump is kept, counted from the dump (a day more before S3 removes it for good). @default 30 */
  readonly dailyRetentionDays?: number;
  /** Weeks a weekly dump is kept; 0 keeps none. @default 12 */
  readonly weeklyRetentionWeeks?: number;
  /** Months a monthly dump is kept; 0 keeps none. @default 12 */
  readonly monthlyRetentionMonths?: number;
  /**
   * The ping URL of a dead-man's-switch check (Healthchecks.io, Cronitor), from a sensitive variable:
   * pinged after every successful backup, restore and drill, and `<url>/fail` after a failed one.
   * @default - no ping
   */
  readonly heartbeat?: { readonly variable: string };
  /**
   * Restore the newest dump into a scratch database on this schedule, check it and drop it
   * (the database user needs the right to create databases). @default - no drill
   */
  readonly restoreDrillSchedule?: string;
  /** GiB of scratch space the dump passes through: at least the compressed dump. @default 4 */
  readonly scratchSizeGib?: number;
}

/**
 * A file mounted read-only into a process at `path`: public configuration (never a secret: it
 * is written into the synthesized JSON), at most 256 KiB. Give exactly one of `content` and `source`.
 */
export interface DescriptionFile {
  /** Absolute path inside the container (`/etc/phpmyadmin/config.user.inc.php`). */
  readonly path: string;
  /** The file's text. @default - none; give `source` instead */
  readonly content?: string;
  /** A file to read at synth, relative to the description file's folder (`config/pma.inc.php`). @default - none; give `content` instead */
  readonly source?: string;
}

/** An admin tool (phpMyAdmin, Flower) published behind Cloudflare Access. */
export interface DescriptionAdminTool {
  /** A DNS label naming the tool, also its subdomain (`pma` -> pma.<domain>). */
  readonly name: string;
  readonly image: string;
  readonly port: number;
  /** Emails allowed through Access. @default - none */
  readonly allowEmails?: string[];
  /** Email domains allowed through Access (`example.com`). @default - none */
  readonly allowEmailDomains?: string[];
  /** Its own plain environment. @default - none */
  readonly environment?: Record<string, string>;
  /**
   * Variables taken from the app's plain environment under another name,
   * e.g. `{ "PMA_HOST": "DB_HOST", "PMA_PORT": "DB_PORT" }` for phpMyAdmin.
   * @default - none
   */
  readonly environmentFrom?: Record<string, string>;
  /** @default - no health check */
  readonly healthCheck?: DescriptionHealthCheck;
  /** User, read-only root filesystem and scratch directories of its container. @default - the tier's defaults */
  readonly container?: DescriptionContainer;
  /** Files mounted read-only into the tool (phpMyAdmin's `config.user.inc.php`). @default - none */
  readonly files?: DescriptionFile[];
}

/** Cloudflare account and zone. */
export interface DescriptionCloudflare {
  /** 32 hex characters. */
  readonly accountId: string;
  /** 32 hex characters. */
  readonly zoneId: string;
  /** The zone's domain (`example.com`); the app's domain must be inside it. */
  readonly zoneName: string;
  /**
   * The zone subscribes to Advanced Certificate Manager: each tier's stack orders an advanced
   * certificate pack (Let's Encrypt, 90 days, TXT validation) for its hostnames two levels or more
   * under the zone (`pma.fact.example.com`, `*.fact.example.com`), which the free Universal
   * certificate does not cover; its estimate counts the subscription ($10 a month per zone).
   * @default false - no pack is ordered, and such hostnames raise a warning at synth
   */
  readonly advancedCertificate?: boolean;
  /**
   * The one stack that creates the zone-level settings (the security-header ruleset, of which
   * Cloudflare keeps one per zone): `dev`, `prod` or `ha`; its ruleset covers the hostnames of
   * every tier. `none` when another app's description in the same zone owns them.
   * @default 'prod'
   */
  readonly zoneSettingsStack?: ZoneSettingsStack;
}

/** The stack that owns a zone's zone-level settings, or `none`. */
export type ZoneSettingsStack = 'dev' | 'prod' | 'ha' | 'none';

/** What a tier may override. */
export interface TierOverrides {
  /** Droplet size slug (`s-4vcpu-8gb`). @default - the tier's default */
  readonly dropletSize?: string;
  /** @default - the tier's default */
  readonly dropletCount?: number;
  /** Database size slug (`db-s-2vcpu-4gb`). @default - the tier's default */
  readonly databaseSize?: string;
  /** @default - the tier's default */
  readonly databaseNodeCount?: number;
  /** Cache size slug. @default - the tier's default */
  readonly cacheSize?: string;
  /** Kubernetes node size slug. @default - the tier's default */
  readonly nodeSize?: string;
  /** @default - the tier's default */
  readonly minNodes?: number;
  /** @default - the tier's default */
  readonly maxNodes?: number;
  /** @default - the tier's default */
  readonly webReplicas?: number;
  /** Local tier only: the localhost port the web process is published on. @default 8080 */
  readonly localPort?: number;
  /**
   * The tier's public domain, inside the Cloudflare zone; its admin tools and tenant wildcard sit
   * under it (`pma.<domain>`, `*.<domain>`). Not for `local`, which serves localhost.
   * @default - prod: the description's `domain`; dev and ha: `<tier>-<first label of domain>.<rest>` (`dev-fact.example.com`), or `<tier>.<zone>` when `domain` is the zone apex
   */
  readonly domain?: string;
}

/** Where Terraform keeps state. */
export interface DescriptionBackend {
  /** `local` (the default), `cloud` (Terraform Cloud / HCP Terraform) or `s3`. */
  readonly type: 'local' | 'cloud' | 's3';
  /** Terraform Cloud organization (type `cloud`). */
  readonly organization?: string;
  /** @default 'app.terraform.io' */
  readonly hostname?: string;
  /** S3 backend bucket (type `s3`). */
  readonly bucket?: string;
  /** S3 backend region (type `s3`). @default - the description's awsRegion */
  readonly region?: string;
}

/** The app's uploads bucket. */
export interface DescriptionUploads {
  /** Prefix of the variables the app gets. @default 'UPLOADS_' */
  readonly envPrefix?: string;
  /** Browsers upload straight to the bucket (presigned URLs): CORS for the tier's own URL. @default false */
  readonly browserUploads?: boolean;
}

/** A private registry: DigitalOcean's (by registry name), or any other with a user and a token. */
export interface DescriptionRegistry {
  /** Name of a DigitalOcean Container Registry (`registry.digitalocean.com/<name>`). @default - none; give server instead */
  readonly digitalOcean?: string;
  /** Registry host, e.g. `ghcr.io`. @default - none; give digitalOcean instead */
  readonly server?: string;
  /** User the token belongs to (with server). @default - none */
  readonly username?: string;
  /** The token, from a sensitive variable (with server): `{ variable: ghcr_token }`. @default - none */
  readonly password?: { readonly variable: string };
}

/** How a secret of the app gets its value (exactly one of the two). */
export interface DescriptionSecret {
  /**
   * Name of the sensitive Terraform variable that holds it (lowercase, digits, "_"); set it with
   * `TF_VAR_<variable>` where Terraform runs, or as a sensitive workspace variable in Terraform Cloud.
   * @default - none; give `generate` instead
   */
  readonly variable?: string;
  /**
   * Generate it: random bytes written in base64 or hex, or alphanumeric characters, with a prefix.
   * Each stack gets its own value, generated once and kept in the state.
   * @default - none; give `variable` instead
   */
  readonly generate?: DescriptionGeneratedSecret;
}

/** A generated secret. */
export interface DescriptionGeneratedSecret {
  /** Random bytes, for base64 and hex (16 to 1024). @default 32 */
  readonly bytes?: number;
  /** Characters, for alphanumeric (16 to 1024). @default 40 */
  readonly length?: number;
  /** How the value is written. @default 'base64' */
  readonly encoding?: 'base64' | 'hex' | 'alphanumeric';
  /** Text before the value (`base64:` for Laravel's APP_KEY). @default '' */
  readonly prefix?: string;
}

/** The whole description of an app. */
export interface AppDescription {
  /** A DNS label (lowercase letters, digits, hyphens; at most 32). */
  readonly name: string;
  /**
   * The public domain (`fact.example.com`), inside the Cloudflare zone: prod's. The other tiers
   * serve their own (`dev-fact.example.com`, `ha-fact.example.com`; `tiers.<tier>.domain`).
   */
  readonly domain: string;
  /** Serve `*.domain` too (a tenant per subdomain). @default false */
  readonly tenantSubdomains?: boolean;
  /** DigitalOcean region slug. @default 'fra1' */
  readonly region?: string;
  /** AWS region of the backup vault. @default 'eu-central-1' */
  readonly awsRegion?: string;
  /** AWS region the HA tier replicates backups to. @default 'eu-west-1' */
  readonly awsReplicaRegion?: string;
  /**
   * IANA time zone the schedules are read in (`America/Lima`): the scheduler's jobs (unless a job
   * sets its own) and `backups.schedule`, daylight saving changes included, on every tier.
   * @default 'Etc/UTC'
   */
  readonly timeZone?: string;
  readonly processes: DescriptionProcesses;
  readonly database: DescriptionDatabase;
  /** @default - no cache */
  readonly cache?: DescriptionCache;
  /** @default - daily at 02:00, 30 days / 12 weeks / 12 months */
  readonly backups?: DescriptionBackups;
  /** @default - none */
  readonly adminTools?: DescriptionAdminTool[];
  /** Plain environment of every process. @default - none */
  readonly environment?: Record<string, string>;
  /**
   * Secret variables of every app process, by name. The description holds no secret value: each
   * comes from a sensitive Terraform variable (`{ variable: 'mail_password' }`, set with
   * `TF_VAR_mail_password` or in the Terraform Cloud workspace) or is generated once per stack
   * (`{ generate: { bytes: 32, encoding: 'base64', prefix: 'base64:' } }`, kept in the state).
   * @default - none (database, cache, vault and tunnel credentials are wired in by the stacks)
   */
  readonly secrets?: Record<string, DescriptionSecret>;
  /**
   * Private registries the images come from: `{ digitalOcean: acme }` (DigitalOcean Container
   * Registry: Terraform creates read-only credentials), or `{ server: ghcr.io, username: acme-deploy,
   * password: { variable: ghcr_token } }` (a read-only token in a sensitive variable).
   * @default - public images only
   */
  readonly registries?: DescriptionRegistry[];
  /**
   * Directories of the app's code that outlive releases and servers, a name (a DNS label) for each absolute
   * path in the containers (`{ storage: /var/www/html/storage }`): mounted by the app's code, its release
   * and its scheduled jobs (`ErpAppServiceProps.persistentPaths`). dev and prod keep them on the droplet's
   * data volume, local on Docker volumes, ha on a DigitalOcean NFS share that `ha-platform` creates.
   * @default - none
   */
  readonly persistentPaths?: Record<string, string>;
  /**
   * An S3 bucket for the app's own files (uploads, generated documents) on the cloud tiers: private,
   * versioned, encrypted, kept on destroy; the app gets `<envPrefix>BUCKET`, `REGION`, `ENDPOINT`
   * and a read/write key as secrets. Not on `local` (use the filesystem or a local S3 there).
   * @default - none
   */
  readonly uploads?: DescriptionUploads;
  readonly cloudflare: DescriptionCloudflare;
  /** SSH key ids or fingerprints known to DigitalOcean; droplets require at least one. */
  readonly sshKeys: string[];
  /** CIDRs allowed to reach SSH on droplets, for operators (`erp-agent logs`, `exec`, `rollback`); no deploy needs it. @default - none (no inbound port open) */
  readonly adminCidrs?: string[];
  /** Where alerts go (uptime, CPU, memory, disk). @default - no alerts */
  readonly alertEmail?: string;
  /** @default - local state */
  readonly backend?: DescriptionBackend;
  /** Per-tier overrides. @default - the tier defaults */
  readonly tiers?: Partial<Record<TierName, TierOverrides>>;
}
