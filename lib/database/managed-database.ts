import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DatabaseCluster } from '@cdktf/provider-digitalocean/lib/database-cluster';
import { DatabaseConnectionPool } from '@cdktf/provider-digitalocean/lib/database-connection-pool';
import { DatabaseDb } from '@cdktf/provider-digitalocean/lib/database-db';
import { DatabaseFirewall, DatabaseFirewallRule } from '@cdktf/provider-digitalocean/lib/database-firewall';
import { DatabaseReplica } from '@cdktf/provider-digitalocean/lib/database-replica';
import { DatabaseUser } from '@cdktf/provider-digitalocean/lib/database-user';
import { DataDigitaloceanDatabaseCa } from '@cdktf/provider-digitalocean/lib/data-digitalocean-database-ca';
import { Vpc } from '@cdktf/provider-digitalocean/lib/vpc';
import {
  DatabaseAccessSource, DatabaseAccessSourceType, DatabaseConnection, DatabaseEngineFamily, IConnectableDatabase,
  PrivateNetworkPlacement,
} from '../common/contracts';
import { PrivateNetwork } from '../common/network';
import { DoRegion, checkRegion } from '../common/region';
import {
  Problems, checkArray, checkInt, checkObject, checkString, isUnresolved, requireProps,
} from '../private/validate';
import {
  ConnectionPoolMode, DatabaseSize, MySqlAuthPlugin, MySqlSqlMode, ValkeyEvictionPolicy,
} from './engine';
import { UUID } from '../private/patterns';
import { buildConnection, checkCoreProps, idPart, toAccessSources } from './private/core';
import { DatabaseAccessEntry, DatabaseCoreProps } from './props';

/** A PostgreSQL connection pool (PgBouncer) in front of one database. */
export interface ConnectionPoolOptions {
  /** The pool name (apps connect to it as if it were a database). */
  readonly name: string;
  /** Backend connections the pool holds; all pools together must fit the size's limit. */
  readonly size: number;
  /** The database the pool serves: one of `databases`, or `defaultdb`. */
  readonly database: string;
  /**
   * How backend connections are handed out.
   * @default ConnectionPoolMode.TRANSACTION
   */
  readonly mode?: ConnectionPoolMode;
  /**
   * The user the pool connects as: one of `users`, or `doadmin`.
   * @default - the pool passes through the credentials each client presents
   */
  readonly user?: string;
}

/** A read-only node that serves queries, possibly in another region. */
export interface ReadReplicaOptions {
  /** The replica name (3 to 63 lowercase letters, digits and hyphens). */
  readonly name: string;
  /**
   * The replica size.
   * @default - the cluster's size
   */
  readonly size?: DatabaseSize;
  /**
   * The replica region. In the cluster's region the replica joins the cluster's VPC.
   * @default - the cluster's region
   */
  readonly region?: DoRegion;
}

/** Creates the cluster from a backup of another cluster, at a point in time. */
export interface BackupRestoreOptions {
  /** The name of the cluster whose backup to restore. */
  readonly sourceClusterName: string;
  /**
   * The point in time to restore, ISO 8601 in UTC (`2026-03-01T12:00:00Z`); DigitalOcean keeps the last 7 days.
   * @default - the most recent backup
   */
  readonly backupCreatedAt?: string;
}

/** Props of a DigitalOcean managed database. */
export interface ManagedDatabaseProps extends DatabaseCoreProps {
  /** The region of the cluster. */
  readonly region: DoRegion;
  /**
   * The VPC the cluster joins: a `PrivateNetwork`, a `Vpc` or its id. Apps in the same VPC reach it on the
   * private host. It is fixed once the cluster exists: a change replaces the cluster (`private_network_uuid`).
   * @default - the stack's shared network of the region, `PrivateNetwork.of(stack, region)`, which the runtimes
   *   of apps in that region also join when given no VPC
   */
  readonly vpc?: PrivateNetwork | Vpc | string;
  /**
   * The project the cluster belongs to.
   * @default - the account's default project
   */
  readonly projectId?: string;
  /**
   * PostgreSQL connection pools.
   * @default - none
   */
  readonly connectionPools?: ConnectionPoolOptions[];
  /**
   * Read-only replicas (PostgreSQL and MySQL).
   * @default - none
   */
  readonly readReplicas?: ReadReplicaOptions[];
  /**
   * What Valkey evicts when memory is full (Valkey only).
   * @default ValkeyEvictionPolicy.NO_EVICTION for Valkey (queues and sessions are never dropped silently)
   */
  readonly evictionPolicy?: ValkeyEvictionPolicy;
  /**
   * The MySQL SQL mode flags (MySQL only).
   * @default - DigitalOcean's default SQL mode
   */
  readonly sqlModes?: MySqlSqlMode[];
  /**
   * How the created MySQL users authenticate (MySQL only).
   * @default MySqlAuthPlugin.CACHING_SHA2_PASSWORD
   */
  readonly mysqlAuthPlugin?: MySqlAuthPlugin;
  /**
   * Create the cluster from a backup of another cluster.
   * @default - an empty cluster
   */
  readonly backupRestore?: BackupRestoreOptions;
}

/**
 * The rule the firewall holds while nobody is admitted.
 *
 * DigitalOcean treats a cluster without trusted sources as open to any
 * source ("By default, database clusters are accessible from any source",
 * DigitalOcean database firewall reference), and the Terraform resource
 * needs at least one rule. So an "empty" firewall holds this single entry:
 * 192.0.2.1 is in TEST-NET-1 (RFC 5737), reserved for documentation, never
 * routed on the internet and outside the private ranges DigitalOcean VPCs
 * use, so no client can connect from it. The first real source replaces it.
 */
export const NOBODY_FIREWALL_RULE: DatabaseAccessSource = Object.freeze({
  type: DatabaseAccessSourceType.IP_ADDRESS,
  value: '192.0.2.1',
});

/** DigitalOcean's limit of rules (trusted sources) per database firewall. */
export const MAX_FIREWALL_RULES = 100;

const ISO_UTC_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const NAME_RE = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * A DigitalOcean managed database cluster (PostgreSQL, MySQL or Valkey), safe by default:
 * in a private network, behind a firewall that admits nobody until `allowFrom` names a
 * client, protected from destroy, TLS required in every URI and app variable.
 *
 *   const db = new ManagedDatabase(stack, 'Database', {
 *     name: 'erp-prod-db', engine: DatabaseEngine.postgres(16), size: DatabaseSize.DB_S_2VCPU_4GB,
 *     nodeCount: 2, region: DoRegion.FRA1, databases: ['erp'], users: ['erp_app'],
 *     connectionPools: [{ name: 'erp-pool', database: 'erp', user: 'erp_app', size: 40 }],
 *   });
 *   db.allowFrom(DatabaseAccess.tag('erp-web'));
 */
export class ManagedDatabase extends Construct implements IConnectableDatabase {
  /** The cluster resource. */
  public readonly cluster: DatabaseCluster;
  /** The firewall (trusted sources) of the cluster. */
  public readonly firewall: DatabaseFirewall;
  /** The VPC the cluster is in, when it is a resource of this app (the shared network's, or the one given). */
  public readonly vpc?: Vpc;
  /** The private network the cluster is in, when it is a `PrivateNetwork` (the stack's shared one when no `vpc` was given). */
  public readonly privateNetwork?: PrivateNetwork;
  /** The id of the VPC the cluster is in. */
  public readonly vpcId: string;
  /** The region and VPC of the cluster, which `ErpAppService.connectTo` compares with the app's. */
  public readonly network: PrivateNetworkPlacement;
  /** The created databases, by name. */
  public readonly databases: Readonly<Record<string, DatabaseDb>>;
  /** The created users, by name. */
  public readonly users: Readonly<Record<string, DatabaseUser>>;
  /** The connection pools, by name. */
  public readonly connectionPools: Readonly<Record<string, DatabaseConnectionPool>>;
  /** The read replicas, by name. */
  public readonly replicas: Readonly<Record<string, DatabaseReplica>>;
  /** The firewalls of the read replicas, by replica name (they admit the same sources as the cluster). */
  public readonly replicaFirewalls: Readonly<Record<string, DatabaseFirewall>>;
  /** The engine family. */
  public readonly engine: DatabaseEngineFamily;

  /** The public host name. */
  public readonly host: string;
  /** The host name inside the VPC. */
  public readonly privateHost: string;
  /** The port. */
  public readonly port: string;
  /** The admin user. */
  public readonly user: string;
  /** The admin password. Sensitive. */
  public readonly password: string;
  /** The admin URI on the public host, TLS required. Sensitive. */
  public readonly uri: string;
  /** The admin URI on the private host, TLS required. Sensitive. */
  public readonly privateUri: string;
  /** The CA certificate (PEM) that signs the server certificate (MySQL clients verify with it), when the engine is MySQL. */
  public readonly caCertificate?: string;

  private readonly props: ManagedDatabaseProps;
  private readonly sources: DatabaseAccessSource[] = [];
  private readonly firewalls: DatabaseFirewall[] = [];
  private connectionCache?: DatabaseConnection;

  constructor(scope: Construct, id: string, props: ManagedDatabaseProps) {
    super(scope, id);
    requireProps(this, props, '{ name, engine, size, region }');
    this.props = props;
    const p = new Problems();
    checkCoreProps(p, props);
    checkRegion(p, 'region', props.region, { required: true });
    this.checkPlatformProps(p, props);
    const initial = toAccessSources(p, 'allowFrom', props.allowFrom ?? [], props.allowPublicInternet ?? false);
    p.check(initial.length <= MAX_FIREWALL_RULES, 'allowFrom', initial.length,
      `names more than DigitalOcean's ${MAX_FIREWALL_RULES} trusted sources`, 'admit a tag shared by the clients instead of each one');
    p.throwIfAny(this);

    const engine = props.engine;
    this.engine = engine.family;
    const lifecycle = { preventDestroy: props.preventDestroy ?? true };
    const region = props.region.slug;

    // a PrivateNetwork's own Vpc resource counts as the network (the cluster joins its members)
    const given = props.vpc instanceof Vpc && props.vpc.node.scope instanceof PrivateNetwork ? props.vpc.node.scope : props.vpc;
    if (given === undefined || given instanceof PrivateNetwork) {
      this.privateNetwork = given ?? PrivateNetwork.of(this, props.region);
      this.privateNetwork.addMember(props.name);
      this.vpc = this.privateNetwork.vpc;
      this.vpcId = this.privateNetwork.vpcId;
    } else if (typeof given === 'string') {
      this.vpcId = given;
    } else {
      this.vpc = given;
      this.vpcId = given.id;
    }
    this.network = { region: props.region, vpcId: this.vpcId };

    this.cluster = new DatabaseCluster(this, 'Resource', {
      name: props.name,
      engine: engine.slug,
      version: engine.version,
      size: props.size.slug,
      nodeCount: props.nodeCount ?? 1,
      region,
      privateNetworkUuid: this.vpcId,
      projectId: props.projectId,
      tags: props.tags,
      evictionPolicy: engine.family === DatabaseEngineFamily.VALKEY ? (props.evictionPolicy ?? ValkeyEvictionPolicy.NO_EVICTION) : undefined,
      sqlMode: props.sqlModes && props.sqlModes.length > 0 ? props.sqlModes.join(',') : undefined,
      maintenanceWindow: props.maintenanceWindow
        ? [{ day: props.maintenanceWindow.day, hour: `${String(props.maintenanceWindow.hourUtc).padStart(2, '0')}:00` }]
        : undefined,
      backupRestore: props.backupRestore
        ? { databaseName: props.backupRestore.sourceClusterName, backupCreatedAt: props.backupRestore.backupCreatedAt }
        : undefined,
      lifecycle,
    });

    this.firewall = new DatabaseFirewall(this, 'Firewall', { clusterId: this.cluster.id, rule: this.firewallRules(), lifecycle });
    this.firewalls.push(this.firewall);

    const databases: Record<string, DatabaseDb> = {};
    for (const name of props.databases ?? []) {
      databases[name] = new DatabaseDb(this, `Database-${idPart(name)}`, { clusterId: this.cluster.id, name, lifecycle });
    }
    this.databases = databases;

    const users: Record<string, DatabaseUser> = {};
    for (const name of props.users ?? []) {
      users[name] = new DatabaseUser(this, `User-${idPart(name)}`, {
        clusterId: this.cluster.id,
        name,
        mysqlAuthPlugin: engine.family === DatabaseEngineFamily.MYSQL ? props.mysqlAuthPlugin : undefined,
      });
    }
    this.users = users;

    const pools: Record<string, DatabaseConnectionPool> = {};
    for (const pool of props.connectionPools ?? []) {
      pools[pool.name] = new DatabaseConnectionPool(this, `Pool-${idPart(pool.name)}`, {
        clusterId: this.cluster.id,
        name: pool.name,
        mode: pool.mode ?? ConnectionPoolMode.TRANSACTION,
        size: pool.size,
        dbName: databases[pool.database]?.name ?? pool.database,
        user: pool.user === undefined ? undefined : (users[pool.user]?.name ?? pool.user),
      });
    }
    this.connectionPools = pools;

    const replicas: Record<string, DatabaseReplica> = {};
    const replicaFirewalls: Record<string, DatabaseFirewall> = {};
    for (const r of props.readReplicas ?? []) {
      const replicaRegion = r.region?.slug ?? region;
      const replica = new DatabaseReplica(this, `Replica-${idPart(r.name)}`, {
        clusterId: this.cluster.id,
        name: r.name,
        size: (r.size ?? props.size).slug,
        region: replicaRegion,
        // A VPC is regional: a replica elsewhere gets that region's default VPC.
        privateNetworkUuid: replicaRegion === region ? this.vpcId : undefined,
        tags: props.tags,
        lifecycle,
      });
      replicas[r.name] = replica;
      const fw = new DatabaseFirewall(this, `Replica-${idPart(r.name)}-Firewall`, { clusterId: replica.uuid, rule: this.firewallRules(), lifecycle });
      replicaFirewalls[r.name] = fw;
      this.firewalls.push(fw);
    }
    this.replicas = replicas;
    this.replicaFirewalls = replicaFirewalls;

    if (engine.family === DatabaseEngineFamily.MYSQL) {
      this.caCertificate = new DataDigitaloceanDatabaseCa(this, 'Ca', { clusterId: this.cluster.id }).certificate;
    }

    this.host = this.cluster.host;
    this.privateHost = this.cluster.privateHost;
    this.port = Token.asString(this.cluster.port);
    this.user = this.cluster.user;
    this.password = this.cluster.password;
    this.uri = this.cluster.uri;
    this.privateUri = this.cluster.privateUri;

    if (initial.length > 0) this.addSources(initial);
  }

  /**
   * How an app in the VPC connects: the private host, the first created user and
   * database (else the admin user and default database), TLS required.
   */
  public get connection(): DatabaseConnection {
    if (!this.connectionCache) {
      const firstUser = this.props.users?.[0];
      const firstDb = this.props.databases?.[0];
      const user = firstUser !== undefined ? this.users[firstUser] : undefined;
      const isValkey = this.engine === DatabaseEngineFamily.VALKEY;
      this.connectionCache = buildConnection({
        engine: this.props.engine,
        host: this.privateHost,
        port: this.port,
        user: user ? user.name : this.cluster.user,
        password: user ? user.password : this.cluster.password,
        database: isValkey ? '' : (firstDb !== undefined ? this.databases[firstDb].name : this.cluster.database),
        caCertificate: this.caCertificate,
      });
    }
    return this.connectionCache;
  }

  /** How an app in the VPC connects through a connection pool (PgBouncer), TLS required. */
  public poolConnection(poolName: string): DatabaseConnection {
    const pool = this.requirePool(poolName);
    const spec = (this.props.connectionPools ?? []).find((x) => x.name === poolName)!;
    const user = spec.user !== undefined ? this.users[spec.user] : undefined;
    const firstUser = this.props.users?.[0];
    const fallback = firstUser !== undefined ? this.users[firstUser] : undefined;
    const who = user ?? fallback;
    return buildConnection({
      engine: this.props.engine,
      host: pool.privateHost,
      port: Token.asString(pool.port),
      user: who ? who.name : (spec.user ?? this.cluster.user),
      password: who ? who.password : this.cluster.password,
      database: pool.name,
    });
  }

  /** The URI of a connection pool on the public host (TLS required). Sensitive. */
  public poolUri(poolName: string): string {
    return this.requirePool(poolName).uri;
  }

  /** The URI of a connection pool on the private host (TLS required). Sensitive. */
  public poolPrivateUri(poolName: string): string {
    return this.requirePool(poolName).privateUri;
  }

  /** The firewall entries admitted so far (empty: nobody can connect). */
  public get accessSources(): readonly DatabaseAccessSource[] {
    return [...this.sources];
  }

  /**
   * Admits clients or sources through the firewall of the cluster and of every replica.
   * Entries are validated; the whole internet (`0.0.0.0/0`) needs `allowPublicInternet`.
   */
  public allowFrom(...sources: DatabaseAccessEntry[]): void {
    const p = new Problems();
    const added = toAccessSources(p, 'allowFrom', sources, this.props.allowPublicInternet ?? false);
    const total = new Set([...this.sources, ...added].map(key)).size;
    p.check(total <= MAX_FIREWALL_RULES, 'allowFrom', total,
      `would make ${total} trusted sources, more than DigitalOcean's limit of ${MAX_FIREWALL_RULES}`,
      'admit a tag shared by the clients instead of each one');
    p.throwIfAny(this);
    this.addSources(added);
  }

  private addSources(added: DatabaseAccessSource[]): void {
    for (const s of added) {
      if (!this.sources.some((x) => key(x) === key(s))) this.sources.push(s);
    }
    for (const fw of this.firewalls) fw.putRule(this.firewallRules());
  }

  private firewallRules(): DatabaseFirewallRule[] {
    const list = this.sources.length > 0 ? this.sources : [NOBODY_FIREWALL_RULE];
    return list.map((s) => ({ type: s.type, value: s.value }));
  }

  private requirePool(poolName: string): DatabaseConnectionPool {
    const pool = this.connectionPools[poolName];
    if (!pool) {
      const p = new Problems();
      p.add('poolName', poolName, 'is not a connection pool of this database',
        `use one of: ${Object.keys(this.connectionPools).join(', ') || '(none; add connectionPools)'}`);
      p.throwIfAny(this);
    }
    return pool;
  }

  private checkPlatformProps(p: Problems, props: ManagedDatabaseProps): void {
    const family = props.engine?.family;
    if (props.vpc !== undefined && !(props.vpc instanceof Vpc) && !(props.vpc instanceof PrivateNetwork) && typeof props.vpc !== 'string') {
      p.add('vpc', props.vpc, 'is not a VPC', 'pass a PrivateNetwork, the Vpc resource or its id (a UUID), or leave it out');
    }
    if (props.vpc instanceof PrivateNetwork && props.region instanceof DoRegion && !isUnresolved(props.region.slug)) {
      p.check(props.vpc.region.slug === props.region.slug, 'vpc', props.vpc.region.slug, `is a network of another region than the cluster (${props.region.slug})`,
        `pass the network of ${props.region.slug}, PrivateNetwork.of(stack, DoRegion.of('${props.region.slug}')), or leave vpc out`);
    }
    const vpcRegion = props.vpc instanceof Vpc ? props.vpc.regionInput : undefined;
    if (vpcRegion !== undefined && props.region instanceof DoRegion && !isUnresolved(props.region.slug) && !isUnresolved(vpcRegion)) {
      p.check(vpcRegion === props.region.slug, 'vpc', vpcRegion, `is a VPC of another region than the cluster (${props.region.slug})`,
        `pass a VPC in ${props.region.slug}, or leave vpc out`);
    }
    if (typeof props.vpc === 'string' && !isUnresolved(props.vpc)) {
      p.check(UUID.test(props.vpc), 'vpc', props.vpc, 'is not a VPC id', 'pass the Vpc resource, or its id (a UUID)');
    }
    if (checkString(p, 'projectId', props.projectId, { fix: 'use the project id (a UUID), for example project.id, or leave it out' })
      && !isUnresolved(props.projectId)) {
      p.check(UUID.test(props.projectId), 'projectId', props.projectId, 'is not a project id', 'use the project id (a UUID), for example project.id');
    }
    if (props.evictionPolicy !== undefined) {
      p.check(family === DatabaseEngineFamily.VALKEY, 'evictionPolicy', props.evictionPolicy, 'applies to Valkey only', 'remove evictionPolicy');
      p.check(Object.values(ValkeyEvictionPolicy).includes(props.evictionPolicy), 'evictionPolicy', props.evictionPolicy,
        'is not an eviction policy', 'use a ValkeyEvictionPolicy member');
    }
    const sqlModes = checkArray<unknown>(p, 'sqlModes', props.sqlModes, { fix: 'give a list of MySqlSqlMode members, or leave it out' });
    if (sqlModes.length > 0) {
      p.check(family === DatabaseEngineFamily.MYSQL, 'sqlModes', sqlModes, 'applies to MySQL only', 'remove sqlModes');
      sqlModes.forEach((m, i) => p.check(Object.values(MySqlSqlMode).includes(m as MySqlSqlMode), `sqlModes[${i}]`, m,
        'is not a MySQL SQL mode', 'use MySqlSqlMode members'));
    }
    if (props.mysqlAuthPlugin !== undefined) {
      p.check(family === DatabaseEngineFamily.MYSQL, 'mysqlAuthPlugin', props.mysqlAuthPlugin, 'applies to MySQL only', 'remove mysqlAuthPlugin');
      p.check(Object.values(MySqlAuthPlugin).includes(props.mysqlAuthPlugin), 'mysqlAuthPlugin', props.mysqlAuthPlugin,
        'is not a MySQL authentication plugin', 'use a MySqlAuthPlugin member');
    }
    const b = props.backupRestore;
    if (checkObject(p, 'backupRestore', b, { fix: "give { sourceClusterName: 'erp-prod-db' }, or leave it out" })) {
      p.check(typeof b.sourceClusterName === 'string' && NAME_RE.test(b.sourceClusterName), 'backupRestore.sourceClusterName',
        b.sourceClusterName, 'is not a cluster name', 'use the name of the cluster whose backup to restore');
      if (b.backupCreatedAt !== undefined) {
        p.check(typeof b.backupCreatedAt === 'string' && ISO_UTC_RE.test(b.backupCreatedAt) && !Number.isNaN(Date.parse(b.backupCreatedAt)),
          'backupRestore.backupCreatedAt', b.backupCreatedAt, 'is not an ISO 8601 time in UTC', 'use a time like 2026-03-01T12:00:00Z');
      }
    }
    this.checkPools(p, props);
    this.checkReplicas(p, props);
  }

  private checkPools(p: Problems, props: ManagedDatabaseProps): void {
    const pools = checkArray<ConnectionPoolOptions>(p, 'connectionPools', props.connectionPools,
      { fix: "give a list such as [{ name: 'erp-pool', database: 'erp', size: 20 }], or leave it out" });
    if (pools.length === 0) return;
    if (props.engine?.family !== DatabaseEngineFamily.POSTGRES) {
      p.add('connectionPools', pools.map((x) => (isRecord(x) ? x.name : x)), 'are only available for PostgreSQL',
        'remove connectionPools, or use DatabaseEngine.postgres()');
      return;
    }
    const dbs = new Set<unknown>(['defaultdb', ...stringsOf(props.databases)]);
    const users = new Set<unknown>(['doadmin', ...stringsOf(props.users)]);
    const names = new Set<unknown>();
    let total = 0;
    pools.forEach((pool, i) => {
      const at = `connectionPools[${i}]`;
      if (!isRecord(pool)) {
        p.add(at, pool, 'is not a connection pool', "give { name: 'erp-pool', database: 'erp', size: 20 }");
        return;
      }
      p.check(typeof pool.name === 'string' && /^[A-Za-z0-9_-]{1,60}$/.test(pool.name), `${at}.name`, pool.name,
        'is not a valid pool name', 'use up to 60 letters, digits, `_` and `-`');
      p.check(!names.has(pool.name), `${at}.name`, pool.name, 'is listed twice', 'give each pool its own name');
      names.add(pool.name);
      p.check(pool.size !== undefined, `${at}.size`, pool.size, 'is required', 'give the number of backend connections the pool holds');
      checkInt(p, `${at}.size`, pool.size, 1, 10000);
      if (typeof pool.size === 'number') total += pool.size;
      p.check(dbs.has(pool.database), `${at}.database`, pool.database, 'is not a database of this cluster',
        `use one of ${[...dbs].join(', ')} (add it to databases)`);
      if (pool.user !== undefined) {
        p.check(users.has(pool.user), `${at}.user`, pool.user, 'is not a user of this cluster', `use one of ${[...users].join(', ')} (add it to users)`);
      }
      if (pool.mode !== undefined) {
        p.check(Object.values(ConnectionPoolMode).includes(pool.mode), `${at}.mode`, pool.mode, 'is not a pool mode', 'use a ConnectionPoolMode member');
      }
    });
    const limit = props.size instanceof DatabaseSize ? props.size.poolConnectionLimit : undefined;
    if (limit !== undefined && total > limit) {
      p.add('connectionPools', total, `the pool sizes add up to more than the ${limit} backend connections of ${props.size.slug}`,
        `shrink the pools to ${limit} connections in all, or choose a larger size`);
    }
  }

  private checkReplicas(p: Problems, props: ManagedDatabaseProps): void {
    const replicas = checkArray<ReadReplicaOptions>(p, 'readReplicas', props.readReplicas,
      { fix: "give a list such as [{ name: 'erp-db-ro' }], or leave it out" });
    if (replicas.length === 0) return;
    if (props.engine?.family === DatabaseEngineFamily.VALKEY) {
      p.add('readReplicas', replicas.map((r) => (isRecord(r) ? r.name : r)), 'are only available for PostgreSQL and MySQL',
        'remove readReplicas for Valkey');
      return;
    }
    const names = new Set<unknown>([props.name]);
    replicas.forEach((r, i) => {
      const at = `readReplicas[${i}]`;
      if (!isRecord(r)) {
        p.add(at, r, 'is not a read replica', "give { name: 'erp-db-ro' }, with an optional size and region");
        return;
      }
      p.check(typeof r.name === 'string' && NAME_RE.test(r.name), `${at}.name`, r.name, 'is not a valid replica name',
        'use 3 to 63 lowercase letters, digits and hyphens, starting with a letter');
      p.check(!names.has(r.name), `${at}.name`, r.name, 'is already the name of the cluster or of another replica', 'give each replica its own name');
      names.add(r.name);
      checkRegion(p, `${at}.region`, r.region);
      if (r.size !== undefined && !(r.size instanceof DatabaseSize)) {
        p.add(`${at}.size`, r.size, 'is not a DatabaseSize', 'use a DatabaseSize member or DatabaseSize.of(slug)');
      }
    });
  }
}

/** True for an object that is not a list (the shape of every options object). */
function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The strings of a list, or nothing when the value is not one (its problems are recorded by checkCoreProps). */
function stringsOf(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

function key(s: DatabaseAccessSource): string {
  return `${s.type}:${s.value}`;
}
