import { Weekday } from '../common/weekday';
import { DatabaseEngineFamily } from '../common/contracts';

/**
 * A database engine and its major version.
 *
 *   DatabaseEngine.postgres(16)
 *   DatabaseEngine.mysql()        // MySQL 8
 *   DatabaseEngine.valkey()       // Valkey 8
 *
 * The construct that receives the engine checks the version against
 * `supportedVersions` and names the prop when it is outside the range.
 */
export class DatabaseEngine {
  /** The PostgreSQL major versions DigitalOcean offers (13 to 17). */
  public static readonly POSTGRES_VERSIONS: readonly string[] = ['13', '14', '15', '16', '17'];
  /** The MySQL major versions DigitalOcean offers. */
  public static readonly MYSQL_VERSIONS: readonly string[] = ['8'];
  /** The Valkey major versions DigitalOcean offers. */
  public static readonly VALKEY_VERSIONS: readonly string[] = ['8'];

  /** PostgreSQL, versions 13 to 17. */
  public static postgres(version: number = 17): DatabaseEngine {
    return new DatabaseEngine(DatabaseEngineFamily.POSTGRES, 'pg', String(version), DatabaseEngine.POSTGRES_VERSIONS);
  }

  /** MySQL 8. */
  public static mysql(version: number = 8): DatabaseEngine {
    return new DatabaseEngine(DatabaseEngineFamily.MYSQL, 'mysql', String(version), DatabaseEngine.MYSQL_VERSIONS);
  }

  /** Valkey 8 (DigitalOcean's successor to its managed Redis). */
  public static valkey(version: number = 8): DatabaseEngine {
    return new DatabaseEngine(DatabaseEngineFamily.VALKEY, 'valkey', String(version), DatabaseEngine.VALKEY_VERSIONS);
  }

  private constructor(
    /** The engine family, as apps and backup jobs see it. */
    public readonly family: DatabaseEngineFamily,
    /** The engine slug of the DigitalOcean API (`pg`, `mysql`, `valkey`). */
    public readonly slug: string,
    /** The major version (`16`). */
    public readonly version: string,
    /** The versions this engine accepts. */
    public readonly supportedVersions: readonly string[],
  ) {}

  /** True when `version` is one DigitalOcean offers for this engine. */
  public get versionSupported(): boolean {
    return this.supportedVersions.includes(this.version);
  }

  /** True for PostgreSQL and MySQL, which hold databases, users and (PostgreSQL) pools. */
  public get isSql(): boolean {
    return this.family !== DatabaseEngineFamily.VALKEY;
  }

  public toString(): string {
    return `${this.slug} ${this.version}`;
  }
}

/**
 * A database node size. Use a static member; `DatabaseSize.of('slug')` is the
 * escape for a slug this catalogue does not know yet (vCPU and memory are read
 * from a slug of the usual `<n>vcpu-<m>gb` shape, otherwise unknown).
 */
export class DatabaseSize {
  /** 1 vCPU, 1 GiB: the smallest size; it cannot have standby nodes. */
  public static readonly DB_S_1VCPU_1GB = new DatabaseSize('db-s-1vcpu-1gb', 1, 1, true);
  public static readonly DB_S_1VCPU_2GB = new DatabaseSize('db-s-1vcpu-2gb', 1, 2, true);
  public static readonly DB_S_2VCPU_4GB = new DatabaseSize('db-s-2vcpu-4gb', 2, 4, true);
  public static readonly DB_S_4VCPU_8GB = new DatabaseSize('db-s-4vcpu-8gb', 4, 8, true);
  public static readonly DB_S_6VCPU_16GB = new DatabaseSize('db-s-6vcpu-16gb', 6, 16, true);
  public static readonly DB_S_8VCPU_32GB = new DatabaseSize('db-s-8vcpu-32gb', 8, 32, true);
  public static readonly DB_S_16VCPU_64GB = new DatabaseSize('db-s-16vcpu-64gb', 16, 64, true);
  /** General purpose (dedicated vCPU) sizes. */
  public static readonly GD_2VCPU_8GB = new DatabaseSize('gd-2vcpu-8gb', 2, 8, true);
  public static readonly GD_4VCPU_16GB = new DatabaseSize('gd-4vcpu-16gb', 4, 16, true);
  public static readonly GD_8VCPU_32GB = new DatabaseSize('gd-8vcpu-32gb', 8, 32, true);
  public static readonly GD_16VCPU_64GB = new DatabaseSize('gd-16vcpu-64gb', 16, 64, true);
  public static readonly GD_32VCPU_128GB = new DatabaseSize('gd-32vcpu-128gb', 32, 128, true);

  /** Every size this catalogue knows. */
  public static readonly ALL: readonly DatabaseSize[] = [
    DatabaseSize.DB_S_1VCPU_1GB, DatabaseSize.DB_S_1VCPU_2GB, DatabaseSize.DB_S_2VCPU_4GB,
    DatabaseSize.DB_S_4VCPU_8GB, DatabaseSize.DB_S_6VCPU_16GB, DatabaseSize.DB_S_8VCPU_32GB,
    DatabaseSize.DB_S_16VCPU_64GB, DatabaseSize.GD_2VCPU_8GB, DatabaseSize.GD_4VCPU_16GB,
    DatabaseSize.GD_8VCPU_32GB, DatabaseSize.GD_16VCPU_64GB, DatabaseSize.GD_32VCPU_128GB,
  ];

  /** The smallest size, which DigitalOcean runs as a single node only. */
  public static readonly SMALLEST = DatabaseSize.DB_S_1VCPU_1GB;

  /** A known size by slug, or a slug the catalogue does not know yet. */
  public static of(slug: string): DatabaseSize {
    const known = DatabaseSize.ALL.find((s) => s.slug === slug);
    if (known) return known;
    const m = /(\d+)vcpu-(\d+)gb/.exec(slug);
    return new DatabaseSize(slug, m ? Number(m[1]) : undefined, m ? Number(m[2]) : undefined, false);
  }

  private constructor(
    /** The size slug, as the DigitalOcean API names it. */
    public readonly slug: string,
    /** vCPUs per node, when known. */
    public readonly vcpus: number | undefined,
    /** Memory per node in GiB, when known. */
    public readonly memoryGib: number | undefined,
    /** True when the slug is in this catalogue. */
    public readonly known: boolean,
  ) {}

  /**
   * The backend connections a PostgreSQL cluster of this size offers to its
   * connection pools, or undefined when the memory is unknown.
   *
   * DigitalOcean: "Clusters provide 25 connections per 1 GB of RAM. Three
   * connections per cluster are reserved for maintenance." (How to Manage
   * Connection Pools for PostgreSQL Database Clusters,
   * https://docs.digitalocean.com/products/databases/postgresql/how-to/manage-connection-pools/),
   * so the 1 GiB size offers 22.
   */
  public get poolConnectionLimit(): number | undefined {
    return this.memoryGib === undefined ? undefined : 25 * this.memoryGib - 3;
  }

  public toString(): string {
    return this.slug;
  }
}

/** The weekly hour-long window in which the provider may patch and restart the database. */
export interface MaintenanceWindow {
  /** The day, in UTC. */
  readonly day: Weekday;
  /** The starting hour, 0 to 23, in UTC. */
  readonly hourUtc: number;
}

/** How a PostgreSQL connection pool (PgBouncer) hands out backend connections. */
export enum ConnectionPoolMode {
  /** A backend connection per transaction: the usual choice for web apps. */
  TRANSACTION = 'transaction',
  /** A backend connection per client session: needed for session features (LISTEN, advisory locks, prepared statements on old drivers). */
  SESSION = 'session',
  /** A backend connection per statement: no multi-statement transactions. */
  STATEMENT = 'statement',
}

/** What Valkey evicts when memory is full. */
export enum ValkeyEvictionPolicy {
  /** Refuse writes when memory is full (safe for queues and sessions). */
  NO_EVICTION = 'noeviction',
  ALLKEYS_LRU = 'allkeys_lru',
  ALLKEYS_RANDOM = 'allkeys_random',
  VOLATILE_LRU = 'volatile_lru',
  VOLATILE_RANDOM = 'volatile_random',
  VOLATILE_TTL = 'volatile_ttl',
}

/** A MySQL SQL mode flag. */
export enum MySqlSqlMode {
  ALLOW_INVALID_DATES = 'ALLOW_INVALID_DATES',
  ANSI = 'ANSI',
  ANSI_QUOTES = 'ANSI_QUOTES',
  ERROR_FOR_DIVISION_BY_ZERO = 'ERROR_FOR_DIVISION_BY_ZERO',
  HIGH_NOT_PRECEDENCE = 'HIGH_NOT_PRECEDENCE',
  IGNORE_SPACE = 'IGNORE_SPACE',
  NO_AUTO_VALUE_ON_ZERO = 'NO_AUTO_VALUE_ON_ZERO',
  NO_DIR_IN_CREATE = 'NO_DIR_IN_CREATE',
  NO_ENGINE_SUBSTITUTION = 'NO_ENGINE_SUBSTITUTION',
  NO_UNSIGNED_SUBTRACTION = 'NO_UNSIGNED_SUBTRACTION',
  NO_ZERO_DATE = 'NO_ZERO_DATE',
  NO_ZERO_IN_DATE = 'NO_ZERO_IN_DATE',
  ONLY_FULL_GROUP_BY = 'ONLY_FULL_GROUP_BY',
  PAD_CHAR_TO_FULL_LENGTH = 'PAD_CHAR_TO_FULL_LENGTH',
  PIPES_AS_CONCAT = 'PIPES_AS_CONCAT',
  REAL_AS_FLOAT = 'REAL_AS_FLOAT',
  STRICT_ALL_TABLES = 'STRICT_ALL_TABLES',
  STRICT_TRANS_TABLES = 'STRICT_TRANS_TABLES',
  TRADITIONAL = 'TRADITIONAL',
}

/** How MySQL users authenticate. */
export enum MySqlAuthPlugin {
  /** The MySQL 8 default. */
  CACHING_SHA2_PASSWORD = 'caching_sha2_password',
  /** For old clients (PHP before 7.4, some ORMs) that cannot speak caching_sha2_password. */
  MYSQL_NATIVE_PASSWORD = 'mysql_native_password',
}
