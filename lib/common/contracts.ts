/**
 * The small interfaces through which the constructs meet. `ErpAppService`
 * depends on these, not on the concrete database, vault and tunnel classes,
 * so that any implementation (DigitalOcean, AWS RDS, S3, Spaces) can be wired in.
 */

import type { DoRegion } from './region';

/**
 * Where a database, or the compute of a client, sits on DigitalOcean's
 * private network. Two sides can talk over the private host only when they
 * are in the same region and the same VPC.
 */
export interface PrivateNetworkPlacement {
  /** The region. */
  readonly region: DoRegion;
  /** The id of the VPC (often a token: `${digitalocean_vpc.x.id}`). */
  readonly vpcId: string;
}

/** What a database firewall rule may admit, as DigitalOcean names the rule types. */
export enum DatabaseAccessSourceType {
  /** A droplet, by id. */
  DROPLET = 'droplet',
  /** Every droplet with a tag. */
  TAG = 'tag',
  /** A DigitalOcean Kubernetes cluster, by id. */
  KUBERNETES = 'k8s',
  /** An IPv4 address or CIDR block. */
  IP_ADDRESS = 'ip_addr',
  /** An App Platform app, by id. */
  APP = 'app',
}

/** One entry a database firewall admits. */
export interface DatabaseAccessSource {
  /** The kind of source. */
  readonly type: DatabaseAccessSourceType;
  /** The droplet id, tag name, cluster id, CIDR or app id. */
  readonly value: string;
}

/** Something that runs on compute a database can admit (an app runtime, a droplet group, a cluster). */
export interface IDatabaseClient {
  /** The firewall entries that admit this client. */
  readonly databaseAccessSources: DatabaseAccessSource[];
  /**
   * Where the client's compute sits on DigitalOcean's private network; `ErpAppService.connectTo`
   * fails when it and the database's `network` are in different regions or different VPCs.
   * @default - not in a DigitalOcean VPC (a local Docker engine): nothing to compare
   */
  readonly network?: PrivateNetworkPlacement;
}

/** The engine family of a database, as an app's backup and driver needs it. */
export enum DatabaseEngineFamily {
  POSTGRES = 'postgres',
  MYSQL = 'mysql',
  VALKEY = 'valkey',
}

/** How an app connects to a database. Every value may be a token; `password` and `uri` are sensitive. */
export interface DatabaseConnection {
  readonly engine: DatabaseEngineFamily;
  /**
   * The server's major version (`'17'`, `'8'`), when known: a backup job dumps and restores with a
   * client of the same major (PostgreSQL's `pg_dump` writes settings an older server refuses).
   * @default - unknown: the newest client the backup job has
   */
  readonly engineVersion?: string;
  /** Host to use from inside the private network (the VPC). */
  readonly host: string;
  readonly port: string;
  readonly user: string;
  /** Sensitive. */
  readonly password: string;
  /** The default database name (empty for Valkey). */
  readonly database: string;
  /** Full connection URI with TLS required. Sensitive. */
  readonly uri: string;
  /**
   * Environment variables an app reads, split by sensitivity.
   * `plain` holds host, port, names; `secret` holds passwords and URIs.
   */
  readonly environment: AppEnvironment;
}

/** Environment variables for an app process, split so that secrets can be kept out of plain text. */
export interface AppEnvironment {
  readonly plain: Record<string, string>;
  readonly secret: Record<string, string>;
}

/** A database an app can connect to. */
export interface IConnectableDatabase {
  /** How to connect. */
  readonly connection: DatabaseConnection;
  /** Admits the given clients or sources through the database's firewall. */
  allowFrom(...sources: Array<IDatabaseClient | DatabaseAccessSource>): void;
  /**
   * Where the database sits on DigitalOcean's private network, whose private host `connection` names;
   * `ErpAppService.connectTo` fails when the app's compute is in another region or another VPC.
   * @default - not in a DigitalOcean VPC (an AWS RDS instance reached over TLS, a local container): nothing to compare
   */
  readonly network?: PrivateNetworkPlacement;
}

/**
 * Credentials and settings a backup job or a restore needs to reach a vault. Every prefix is a key
 * prefix in `bucket`, ending in `/`.
 */
export interface BackupJobEnvironment {
  /** The S3-compatible endpoint URL. */
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  /** Where every dump goes (`<root>daily/`). */
  readonly dailyPrefix: string;
  /**
   * Where the first dump of each ISO week goes (`<root>weekly/`). An empty string means this vault
   * keeps no weekly dumps: the job skips the weekly copy, and its identity has no permission there.
   */
  readonly weeklyPrefix: string;
  /**
   * Where the first dump of each month goes (`<root>monthly/`). An empty string means this vault
   * keeps no monthly dumps: the job skips the monthly copy, and its identity has no permission there.
   */
  readonly monthlyPrefix: string;
  /**
   * Where a restore puts its safety dump of the database it is about to replace (`<root>safety/`),
   * kept as long as daily dumps. Never empty.
   */
  readonly safetyPrefix: string;
  /** Extra arguments the uploader needs (for example `--sse aws:kms --sse-kms-key-id <arn>`), as a list. */
  readonly uploadArgs: string[];
  /** The variables, split by sensitivity (access key id and secret are in `secret`). */
  readonly environment: AppEnvironment;
}

/** A place backups can be written to and restored from. */
export interface IBackupDestination {
  /**
   * Creates (once per id) a writer identity that may put objects under the vault's dump prefixes
   * and list those prefixes (to find whether this week's or month's copy exists, and how fresh the
   * newest dump is), but not get, delete or read them; returns what a backup job needs. An
   * implementation whose store cannot express that (a Spaces key cannot) says so in its documentation.
   */
  grantWrite(id: string): BackupJobEnvironment;
  /**
   * Creates (once per id) a restorer identity that may list and get every dump prefix (daily,
   * weekly, monthly, safety), bring archived dumps back from a cold class (`s3:RestoreObject`),
   * put the safety dump under `safetyPrefix`, and use the vault's key to decrypt (and to encrypt
   * the safety dump); returns what a restore needs. What an implementation cannot narrow (a
   * Spaces key has no per-prefix scope) it says in its own documentation.
   */
  grantRestore(id: string): BackupJobEnvironment;
}

/** Object storage for the app's own files (uploads), which an app is given with `ErpAppService.storeFilesIn`. */
export interface IAppFileStore {
  /**
   * Creates (once per id) a credential that may read, write and delete the store's objects and
   * list it, and returns the variables an app needs: plain (`BUCKET`, `REGION`, `ENDPOINT`) and
   * secret (`ACCESS_KEY_ID`, `SECRET_ACCESS_KEY`), both without prefix.
   */
  grantReadWrite(id: string): AppEnvironment;
}

/** What a connector (`cloudflared`) needs to serve a tunnel. */
export interface TunnelConnector {
  readonly tunnelId: string;
  /** The connector token. Sensitive. */
  readonly token: string;
  /** The container image of the connector, pinned. */
  readonly image: string;
}

/** An ingress an app can serve through. */
export interface ITunnelIngress {
  readonly connector: TunnelConnector;
}
