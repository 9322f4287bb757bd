import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DatabaseCluster, DatabaseClusterConfig } from '@cdktf/provider-digitalocean/lib/database-cluster';
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
import { DoRegion } from '../common/region';
import { Problems } from '../private/validate';
import {
  ConnectionPoolMode, DatabaseSize, MySqlAuthPlugin, MySqlSqlMode, ValkeyEvictionPolicy,
} from './engine';
import { MAX_FIREWALL_RULES, checkManagedDatabaseProps } from './private/check-managed-database';
import { buildConnection, idPart, toAccessSources } from './private/core';
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
    const initial = checkManagedDatabaseProps(this, props);
    this.props = props;
    this.engine = props.engine.family;
    const lifecycle = { preventDestroy: props.preventDestroy ?? true };

    const network = joinNetwork(this, props);
    this.privateNetwork = network.privateNetwork;
    this.vpc = network.vpc;
    this.vpcId = network.vpcId;
    this.network = { region: props.region, vpcId: this.vpcId };

    this.cluster = new DatabaseCluster(this, 'Resource', { ...clusterConfig(props, this.vpcId), lifecycle });
    this.firewall = new DatabaseFirewall(this, 'Firewall', { clusterId: this.cluster.id, rule: this.firewallRules(), lifecycle });
    this.firewalls.push(this.firewall);
    this.databases = this.createDatabases(lifecycle);
    this.users = this.createUsers();
    this.connectionPools = this.createPools();
    const replicas = this.createReplicas(lifecycle);
    this.replicas = replicas.replicas;
    this.replicaFirewalls = replicas.firewalls;
    if (this.engine === DatabaseEngineFamily.MYSQL) {
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

  private createDatabases(lifecycle: { preventDestroy: boolean }): Record<string, DatabaseDb> {
    const databases: Record<string, DatabaseDb> = {};
    for (const name of this.props.databases ?? []) {
      databases[name] = new DatabaseDb(this, `Database-${idPart(name)}`, { clusterId: this.cluster.id, name, lifecycle });
    }
    return databases;
  }

  private createUsers(): Record<string, DatabaseUser> {
    const users: Record<string, DatabaseUser> = {};
    for (const name of this.props.users ?? []) {
      users[name] = new DatabaseUser(this, `User-${idPart(name)}`, {
        clusterId: this.cluster.id,
        name,
        mysqlAuthPlugin: this.engine === DatabaseEngineFamily.MYSQL ? this.props.mysqlAuthPlugin : undefined,
      });
    }
    return users;
  }

  private createPools(): Record<string, DatabaseConnectionPool> {
    const pools: Record<string, DatabaseConnectionPool> = {};
    for (const pool of this.props.connectionPools ?? []) {
      pools[pool.name] = new DatabaseConnectionPool(this, `Pool-${idPart(pool.name)}`, {
        clusterId: this.cluster.id,
        name: pool.name,
        mode: pool.mode ?? ConnectionPoolMode.TRANSACTION,
        size: pool.size,
        dbName: this.databases[pool.database]?.name ?? pool.database,
        user: pool.user === undefined ? undefined : (this.users[pool.user]?.name ?? pool.user),
      });
    }
    return pools;
  }

  private createReplicas(lifecycle: { preventDestroy: boolean }): {
    replicas: Record<string, DatabaseReplica>; firewalls: Record<string, DatabaseFirewall>;
  } {
    const replicas: Record<string, DatabaseReplica> = {};
    const firewalls: Record<string, DatabaseFirewall> = {};
    const region = this.props.region.slug;
    for (const r of this.props.readReplicas ?? []) {
      const replicaRegion = r.region?.slug ?? region;
      const replica = new DatabaseReplica(this, `Replica-${idPart(r.name)}`, {
        clusterId: this.cluster.id,
        name: r.name,
        size: (r.size ?? this.props.size).slug,
        region: replicaRegion,
        // A VPC is regional: a replica elsewhere gets that region's default VPC.
        privateNetworkUuid: replicaRegion === region ? this.vpcId : undefined,
        tags: this.props.tags,
        lifecycle,
      });
      replicas[r.name] = replica;
      const fw = new DatabaseFirewall(this, `Replica-${idPart(r.name)}-Firewall`, { clusterId: replica.uuid, rule: this.firewallRules(), lifecycle });
      firewalls[r.name] = fw;
      this.firewalls.push(fw);
    }
    return { replicas, firewalls };
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
}

/** The network a cluster joins: a `PrivateNetwork` (the stack's shared one when no `vpc` was given), a `Vpc` or an id. */
function joinNetwork(scope: Construct, props: ManagedDatabaseProps): { privateNetwork?: PrivateNetwork; vpc?: Vpc; vpcId: string } {
  // a PrivateNetwork's own Vpc resource counts as the network (the cluster joins its members)
  const given = props.vpc instanceof Vpc && props.vpc.node.scope instanceof PrivateNetwork ? props.vpc.node.scope : props.vpc;
  if (given === undefined || given instanceof PrivateNetwork) {
    const privateNetwork = given ?? PrivateNetwork.of(scope, props.region);
    privateNetwork.addMember(props.name);
    return { privateNetwork, vpc: privateNetwork.vpc, vpcId: privateNetwork.vpcId };
  }
  return typeof given === 'string' ? { vpcId: given } : { vpc: given, vpcId: given.id };
}

/** The cluster's settings, from the props (checked). */
function clusterConfig(props: ManagedDatabaseProps, vpcId: string): DatabaseClusterConfig {
  const engine = props.engine;
  return {
    name: props.name,
    engine: engine.slug,
    version: engine.version,
    size: props.size.slug,
    nodeCount: props.nodeCount ?? 1,
    region: props.region.slug,
    privateNetworkUuid: vpcId,
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
  };
}

function key(s: DatabaseAccessSource): string {
  return `${s.type}:${s.value}`;
}
