import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { Vpc } from '@cdktf/provider-digitalocean/lib/vpc';
import { DatabaseAccessSourceType, IDatabaseClient } from '../lib/common/contracts';
import { DoRegion } from '../lib/common/region';
import { ErpValidationError } from '../lib/errors';
import {
  ConnectionPoolMode, DatabaseAccess, DatabaseEngine, DatabaseSize, ManagedDatabase, ManagedDatabaseProps,
  MySqlAuthPlugin, MySqlSqlMode, NOBODY_FIREWALL_RULE, ValkeyEvictionPolicy,
} from '../lib/database';
import { Weekday } from '../lib/common/weekday';

type Json = Record<string, any>;

const BASE: ManagedDatabaseProps = {
  name: 'erp-db',
  engine: DatabaseEngine.postgres(16),
  size: DatabaseSize.DB_S_1VCPU_1GB,
  region: DoRegion.FRA1,
};

function newStack(): TerraformStack {
  return new TerraformStack(Testing.app(), 'test');
}

function build(props: Partial<ManagedDatabaseProps> = {}, after?: (db: ManagedDatabase, stack: TerraformStack) => void): Json {
  const stack = newStack();
  const db = new ManagedDatabase(stack, 'Database', { ...BASE, ...props });
  after?.(db, stack);
  return JSON.parse(Testing.synth(stack));
}

function only(json: Json, type: string): Json {
  const all = Object.values(json.resource?.[type] ?? {}) as Json[];
  expect(all).toHaveLength(1);
  return all[0];
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ErpValidationError) return err.problems.map((p) => p.prop);
    throw err;
  }
  throw new Error('expected an ErpValidationError');
}

function failing(props: Partial<ManagedDatabaseProps>): string[] {
  return problemsOf(() => new ManagedDatabase(newStack(), 'Database', { ...BASE, ...props }));
}

const PROD_LIKE: Partial<ManagedDatabaseProps> = {
  name: 'erp-prod-db',
  engine: DatabaseEngine.postgres(16),
  size: DatabaseSize.DB_S_2VCPU_4GB,
  nodeCount: 2,
  databases: ['erp'],
  users: ['erp_app'],
  connectionPools: [{ name: 'erp-pool', database: 'erp', user: 'erp_app', size: 40 }],
  readReplicas: [{ name: 'erp-prod-db-replica' }],
  allowFrom: [DatabaseAccess.tag('erp-web')],
};

describe('ManagedDatabase secure defaults', () => {
  test('the firewall always exists and admits nobody until allowFrom names a client', () => {
    const fw = only(build(), 'digitalocean_database_firewall');
    expect(fw.cluster_id).toMatch(/digitalocean_database_cluster\.[\w-]+\.id/);
    expect(fw.rule).toEqual([{ type: 'ip_addr', value: '192.0.2.1' }]);
    expect(NOBODY_FIREWALL_RULE.value).toBe('192.0.2.1');
  });

  test('sources added by allowFrom after construction replace the nobody rule in the synthesized firewall', () => {
    const client: IDatabaseClient = { databaseAccessSources: [{ type: DatabaseAccessSourceType.DROPLET, value: '4242' }] };
    const json = build({}, (db) => {
      db.allowFrom(DatabaseAccess.tag('erp-web'));
      db.allowFrom(client, DatabaseAccess.cidr('203.0.113.0/24'), DatabaseAccess.tag('erp-web'));
    });
    expect(only(json, 'digitalocean_database_firewall').rule).toEqual([
      { type: 'tag', value: 'erp-web' },
      { type: 'droplet', value: '4242' },
      { type: 'ip_addr', value: '203.0.113.0/24' },
    ]);
  });

  test('the cluster joins the stack\'s shared private network of its region when no vpc is given', () => {
    const json = build();
    const vpc = only(json, 'digitalocean_vpc');
    expect(vpc).toMatchObject({ name: 'test-erp-db-fra1', region: 'fra1' });
    expect(only(json, 'digitalocean_database_cluster').private_network_uuid).toMatch(/^\$\{digitalocean_vpc\.[\w-]+\.id\}$/);
  });

  test('a given vpc, as a resource or an id, is used and no other network is created', () => {
    const stack = newStack();
    const vpc = new Vpc(stack, 'AppVpc', { name: 'app', region: 'fra1' });
    new ManagedDatabase(stack, 'Database', { ...BASE, vpc });
    const json = JSON.parse(Testing.synth(stack));
    expect(Object.keys(json.resource.digitalocean_vpc)).toHaveLength(1);
    expect(only(json, 'digitalocean_database_cluster').private_network_uuid).toBe('${digitalocean_vpc.AppVpc.id}');

    const byId = build({ vpc: '0a1b2c3d-0000-4000-8000-000000000001' });
    expect(byId.resource.digitalocean_vpc).toBeUndefined();
    expect(only(byId, 'digitalocean_database_cluster').private_network_uuid).toBe('0a1b2c3d-0000-4000-8000-000000000001');
  });

  test('the cluster, its databases, replicas and firewalls are protected from destroy by default', () => {
    const json = build(PROD_LIKE);
    for (const type of ['digitalocean_database_cluster', 'digitalocean_database_db', 'digitalocean_database_replica', 'digitalocean_database_firewall']) {
      for (const r of Object.values(json.resource[type]) as Json[]) expect(r.lifecycle).toEqual({ prevent_destroy: true });
    }
  });

  test('preventDestroy false opts out of the protection', () => {
    const json = build({ preventDestroy: false });
    expect(only(json, 'digitalocean_database_cluster').lifecycle).toEqual({ prevent_destroy: false });
  });

  test('the PostgreSQL connection uses the private host and requires TLS in the URI and the app variables', () => {
    const json = build({ databases: ['erp'], users: ['erp_app'] }, (db, stack) => {
      new TerraformOutput(stack, 'uri', { value: db.connection.uri, sensitive: true });
      new TerraformOutput(stack, 'plain', { value: db.connection.environment.plain });
      new TerraformOutput(stack, 'secret', { value: db.connection.environment.secret, sensitive: true });
    });
    expect(json.output.uri.value).toMatch(/^postgresql:\/\/\$\{urlencode\(digitalocean_database_user\.[\w-]+\.name\)\}:\$\{urlencode\(digitalocean_database_user\.[\w-]+\.password\)\}@\$\{digitalocean_database_cluster\.[\w-]+\.private_host\}:\$\{digitalocean_database_cluster\.[\w-]+\.port\}\/\$\{digitalocean_database_db\.[\w-]+\.name\}\?sslmode=require$/);
    const plain = json.output.plain.value;
    expect(plain).toMatchObject({ DB_CONNECTION: 'pgsql', DB_SSLMODE: 'require', PGSSLMODE: 'require' });
    expect(plain.DB_HOST).toMatch(/private_host/);
    expect(plain.DB_PASSWORD).toBeUndefined();
    const secret = json.output.secret.value;
    expect(secret.DATABASE_URL).toContain('?sslmode=require');
    expect(secret.DB_PASSWORD).toMatch(/digitalocean_database_user\.[\w-]+\.password/);
  });

  test('the MySQL connection requires TLS and hands apps the CA that signs the server', () => {
    const json = build({ engine: DatabaseEngine.mysql(), sqlModes: [MySqlSqlMode.STRICT_TRANS_TABLES, MySqlSqlMode.NO_ZERO_DATE] }, (db, stack) => {
      new TerraformOutput(stack, 'plain', { value: db.connection.environment.plain });
      new TerraformOutput(stack, 'secret', { value: db.connection.environment.secret, sensitive: true });
    });
    expect(json.output.secret.value.DATABASE_URL).toMatch(/^mysql:\/\/.*\?ssl-mode=REQUIRED$/);
    expect(json.output.plain.value).toMatchObject({ DB_CONNECTION: 'mysql', MYSQL_ATTR_SSL_CA: '/etc/ssl/certs/database-ca.pem' });
    expect(json.output.plain.value.DATABASE_CA_CERT).toMatch(/data\.digitalocean_database_ca\.[\w-]+\.certificate/);
    expect(only(json, 'digitalocean_database_cluster').sql_mode).toBe('STRICT_TRANS_TABLES,NO_ZERO_DATE');
  });

  test('the Valkey connection uses rediss and a tls scheme, and evicts nothing by default', () => {
    const json = build({ engine: DatabaseEngine.valkey() }, (db, stack) => {
      new TerraformOutput(stack, 'plain', { value: db.connection.environment.plain });
      new TerraformOutput(stack, 'secret', { value: db.connection.environment.secret, sensitive: true });
    });
    expect(json.output.secret.value.REDIS_URL).toMatch(/^rediss:\/\/.*private_host/);
    expect(json.output.plain.value).toMatchObject({ REDIS_SCHEME: 'tls' });
    expect(json.output.secret.value.REDIS_PASSWORD).toMatch(/\.password\}$/);
    const cluster = only(json, 'digitalocean_database_cluster');
    expect(cluster).toMatchObject({ engine: 'valkey', version: '8', eviction_policy: 'noeviction' });
    expect(build({ engine: DatabaseEngine.valkey(), evictionPolicy: ValkeyEvictionPolicy.ALLKEYS_LRU })
      .resource.digitalocean_database_cluster.Database_B269D8BB.eviction_policy).toBe('allkeys_lru');
  });

  test('a connection pool exposes its URIs and a TLS connection through its private host', () => {
    const json = build(PROD_LIKE, (db, stack) => {
      new TerraformOutput(stack, 'pool', { value: db.poolPrivateUri('erp-pool'), sensitive: true });
      new TerraformOutput(stack, 'poolurl', { value: db.poolConnection('erp-pool').uri, sensitive: true });
    });
    expect(only(json, 'digitalocean_database_connection_pool')).toMatchObject({ name: 'erp-pool', mode: 'transaction', size: 40 });
    expect(json.output.pool.value).toMatch(/digitalocean_database_connection_pool\.[\w-]+\.private_uri/);
    expect(json.output.poolurl.value).toMatch(/connection_pool\.[\w-]+\.private_host.*\/\$\{digitalocean_database_connection_pool\.[\w-]+\.name\}\?sslmode=require$/);
  });

  test('a replica in the cluster region joins its private network and gets a firewall with the same sources', () => {
    const json = build(PROD_LIKE);
    const replica = only(json, 'digitalocean_database_replica');
    expect(replica).toMatchObject({ name: 'erp-prod-db-replica', size: 'db-s-2vcpu-4gb', region: 'fra1' });
    expect(replica.private_network_uuid).toMatch(/digitalocean_vpc/);
    const firewalls = Object.values(json.resource.digitalocean_database_firewall) as Json[];
    expect(firewalls.map((f) => f.rule)).toEqual([[{ type: 'tag', value: 'erp-web' }], [{ type: 'tag', value: 'erp-web' }]]);
    expect(firewalls.some((f) => /database_replica\.[\w-]+\.uuid/.test(f.cluster_id))).toBe(true);
  });

  test('a replica in another region is left out of the cluster region private network', () => {
    const json = build({ ...PROD_LIKE, readReplicas: [{ name: 'erp-replica-ams', region: DoRegion.AMS3, size: DatabaseSize.DB_S_1VCPU_2GB }] });
    const replica = only(json, 'digitalocean_database_replica');
    expect(replica).toMatchObject({ region: 'ams3', size: 'db-s-1vcpu-2gb' });
    expect(replica.private_network_uuid).toBeUndefined();
  });

  test('maintenance window, tags, project and a restore from backup reach the cluster', () => {
    const cluster = only(build({
      maintenanceWindow: { day: Weekday.SUNDAY, hourUtc: 3 },
      tags: ['erp', 'prod'],
      projectId: '0a1b2c3d-0000-4000-8000-000000000002',
      backupRestore: { sourceClusterName: 'erp-old-db', backupCreatedAt: '2026-03-01T12:00:00Z' },
    }), 'digitalocean_database_cluster');
    expect(cluster).toMatchObject({
      maintenance_window: [{ day: 'sunday', hour: '03:00' }],
      tags: ['erp', 'prod'],
      project_id: '0a1b2c3d-0000-4000-8000-000000000002',
      backup_restore: { database_name: 'erp-old-db', backup_created_at: '2026-03-01T12:00:00Z' },
    });
  });

  test('MySQL users get the chosen authentication plugin', () => {
    const user = only(build({ engine: DatabaseEngine.mysql(), users: ['invoicing'], mysqlAuthPlugin: MySqlAuthPlugin.MYSQL_NATIVE_PASSWORD }),
      'digitalocean_database_user');
    expect(user).toMatchObject({ name: 'invoicing', mysql_auth_plugin: 'mysql_native_password' });
  });

  test('a size slug the catalogue does not know keeps its vCPU and memory when the slug shows them', () => {
    expect(DatabaseSize.of('db-s-2vcpu-4gb')).toBe(DatabaseSize.DB_S_2VCPU_4GB);
    expect(DatabaseSize.of('so1_5-4vcpu-32gb')).toMatchObject({ known: false, vcpus: 4, memoryGib: 32, poolConnectionLimit: 797 });
    expect(DatabaseSize.of('mystery').poolConnectionLimit).toBeUndefined();
  });

  test('the whole internet is admitted only with the explicit escape', () => {
    const json = build({ allowPublicInternet: true, allowFrom: [DatabaseAccess.cidr('0.0.0.0/0')] });
    expect(only(json, 'digitalocean_database_firewall').rule).toEqual([{ type: 'ip_addr', value: '0.0.0.0/0' }]);
  });

  test('a prod-like PostgreSQL database synthesizes the cluster and its companions', () => {
    const json = build(PROD_LIKE);
    const list = Object.entries(json.resource).flatMap(([type, rs]) => Object.keys(rs as Json).map((n) => `${type}.${n}`)).sort();
    expect(list).toEqual([
      'digitalocean_database_cluster.Database_B269D8BB',
      'digitalocean_database_connection_pool.Database_Pool-erp-pool_AC9A59DF',
      'digitalocean_database_db.Database_Database-erp_98B47EB7',
      'digitalocean_database_firewall.Database_Firewall_5F7DF4FF',
      'digitalocean_database_firewall.Database_Replica-erp-prod-db-replica-Firewall_2D1FE547',
      'digitalocean_database_replica.Database_Replica-erp-prod-db-replica_48DE6836',
      'digitalocean_database_user.Database_User-erp_app_E9934322',
      'digitalocean_vpc.PrivateNetwork-fra1_6E0119FB',
    ]);
    expect(only(json, 'digitalocean_database_cluster')).toMatchObject({ engine: 'pg', version: '16', size: 'db-s-2vcpu-4gb', node_count: 2 });
  });
});

describe('ManagedDatabase validation', () => {
  test('fails on a PostgreSQL version outside 13 to 17, naming engine', () => {
    expect(failing({ engine: DatabaseEngine.postgres(12) })).toEqual(['engine']);
    expect(failing({ engine: DatabaseEngine.mysql(5) })).toEqual(['engine']);
  });

  test('fails on a node count outside 1 to 3, naming nodeCount', () => {
    expect(failing({ size: DatabaseSize.DB_S_2VCPU_4GB, nodeCount: 4 })).toEqual(['nodeCount']);
  });

  test('fails when the smallest size is given a standby node, naming nodeCount', () => {
    expect(failing({ size: DatabaseSize.DB_S_1VCPU_1GB, nodeCount: 2 })).toEqual(['nodeCount']);
  });

  test('fails on a malformed name and region, gathering both problems in one error', () => {
    expect(failing({ name: 'Erp_DB', region: DoRegion.of('frankfurt') })).toEqual(['name', 'region']);
  });

  test('fails when the pools need more backend connections than the size offers, naming connectionPools', () => {
    // db-s-1vcpu-1gb: 25 per GiB minus 3 reserved = 22.
    expect(failing({ databases: ['erp'], connectionPools: [{ name: 'a', database: 'erp', size: 12 }, { name: 'b', database: 'erp', size: 11 }] }))
      .toEqual(['connectionPools']);
    expect(() => build({ databases: ['erp'], connectionPools: [{ name: 'a', database: 'erp', size: 22, mode: ConnectionPoolMode.SESSION }] })).not.toThrow();
  });

  test('fails when a pool names a database or user the cluster does not have', () => {
    expect(failing({ connectionPools: [{ name: 'p', database: 'nope', user: 'ghost', size: 5 }] }))
      .toEqual(['connectionPools[0].database', 'connectionPools[0].user']);
  });

  test('fails on connection pools for MySQL, naming connectionPools', () => {
    expect(failing({ engine: DatabaseEngine.mysql(), connectionPools: [{ name: 'p', database: 'defaultdb', size: 5 }] })).toEqual(['connectionPools']);
  });

  test('fails on engine settings for another engine, naming each prop', () => {
    expect(failing({ evictionPolicy: ValkeyEvictionPolicy.ALLKEYS_LRU, sqlModes: [MySqlSqlMode.ANSI], mysqlAuthPlugin: MySqlAuthPlugin.MYSQL_NATIVE_PASSWORD }))
      .toEqual(['evictionPolicy', 'sqlModes', 'mysqlAuthPlugin']);
  });

  test('fails on databases, users and replicas for Valkey', () => {
    expect(failing({ engine: DatabaseEngine.valkey(), databases: ['x'], users: ['y'], readReplicas: [{ name: 'erp-cache-r' }] }))
      .toEqual(['databases', 'users', 'readReplicas']);
  });

  test('fails on a replica named like the cluster, naming readReplicas[0].name', () => {
    expect(failing({ readReplicas: [{ name: 'erp-db' }] })).toEqual(['readReplicas[0].name']);
  });

  test('fails on duplicate or malformed database and user names', () => {
    expect(failing({ databases: ['erp', 'erp'], users: ['1bad'] })).toEqual(['databases[1]', 'users[0]']);
  });

  test('fails on a malformed CIDR, an IPv6 address and the whole internet, naming each allowFrom entry', () => {
    expect(failing({ allowFrom: [DatabaseAccess.cidr('10.0.0.300/24'), DatabaseAccess.cidr('2001:db8::/32'), DatabaseAccess.cidr('0.0.0.0/0')] }))
      .toEqual(['allowFrom[0].value', 'allowFrom[1].value', 'allowFrom[2].value']);
  });

  test('fails on malformed droplet, Kubernetes and app ids given to allowFrom after construction', () => {
    const db = new ManagedDatabase(newStack(), 'Database', BASE);
    expect(problemsOf(() => db.allowFrom(DatabaseAccess.droplet('web-1'), DatabaseAccess.kubernetes('k8s-1'), DatabaseAccess.app('x'))))
      .toEqual(['allowFrom[0].value', 'allowFrom[1].value', 'allowFrom[2].value']);
    expect(db.accessSources).toEqual([]);
  });

  test('fails when allowFrom would pass DigitalOcean\'s limit of 100 trusted sources', () => {
    const db = new ManagedDatabase(newStack(), 'Database', BASE);
    db.allowFrom(...Array.from({ length: 100 }, (_, i) => DatabaseAccess.cidr(`10.0.${i}.0/24`)));
    expect(problemsOf(() => db.allowFrom(DatabaseAccess.tag('one-more')))).toEqual(['allowFrom']);
    expect(db.accessSources).toHaveLength(100);
  });

  test('fails on a malformed restore time, maintenance hour, vpc id and project id', () => {
    expect(failing({
      backupRestore: { sourceClusterName: 'erp-old-db', backupCreatedAt: 'yesterday' },
      maintenanceWindow: { day: Weekday.MONDAY, hourUtc: 24 },
      vpc: 'my-vpc',
      projectId: 'prod',
    })).toEqual(['maintenanceWindow.hourUtc', 'vpc', 'projectId', 'backupRestore.backupCreatedAt']);
  });

  test('fails on an unknown pool name asked of poolUri, naming poolName', () => {
    const db = new ManagedDatabase(newStack(), 'Database', BASE);
    expect(problemsOf(() => db.poolUri('missing'))).toEqual(['poolName']);
  });

  test('the error names the construct path, the value received and the fix', () => {
    expect(() => new ManagedDatabase(newStack(), 'Database', { ...BASE, nodeCount: 9 }))
      .toThrow(/Invalid input at test\/Database[\s\S]*nodeCount: must be a whole number from 1 to 3 \(got 9\)\. Fix:/);
  });

  test('unresolved tokens are not judged at synth', () => {
    const stack = newStack();
    const vpc = new Vpc(stack, 'AppVpc', { name: 'app', region: 'fra1' });
    const db = new ManagedDatabase(stack, 'Database', { ...BASE, vpc: vpc.id });
    expect(() => db.allowFrom(DatabaseAccess.droplet(vpc.urn))).not.toThrow();
  });
});

describe('ManagedDatabase props of the wrong shape', () => {
  // Props as plain JavaScript or a parsed config file may hand them over, past the type checker.
  const loose = (props: Record<string, unknown>) => failing(props as Partial<ManagedDatabaseProps>);

  test('fails on lists given as a string, an object or a number, naming each prop, in one error', () => {
    expect(loose({ users: 'erp_app', allowFrom: 'erp-web', connectionPools: 'pool', readReplicas: { name: 'ro' }, tags: 1.68e304 }))
      .toEqual(['users', 'tags', 'connectionPools', 'readReplicas', 'allowFrom']);
  });

  test('fails on a missing region, saying it is required', () => {
    const { region: _, ...withoutRegion } = BASE;
    try {
      new ManagedDatabase(newStack(), 'Database', withoutRegion as ManagedDatabaseProps);
      throw new Error('expected an ErpValidationError');
    } catch (err) {
      expect(err).toBeInstanceOf(ErpValidationError);
      expect((err as ErpValidationError).problems).toEqual([expect.objectContaining({ prop: 'region', problem: 'is required' })]);
    }
  });

  test('fails on list entries of the wrong type, naming the entry', () => {
    expect(loose({ databases: [42], tags: [Symbol.for('erp')], connectionPools: [null], readReplicas: ['ro'] }))
      .toEqual(['databases[0]', 'tags[0]', 'connectionPools[0]', 'readReplicas[0]']);
  });

  test('fails on a maintenance window, restore or switch of the wrong shape', () => {
    expect(loose({ maintenanceWindow: 'sunday', backupRestore: [], preventDestroy: 'no', allowPublicInternet: 1 }))
      .toEqual(['maintenanceWindow', 'allowPublicInternet', 'preventDestroy', 'backupRestore']);
  });

  test('fails when props are left out altogether, naming props', () => {
    expect(problemsOf(() => new ManagedDatabase(newStack(), 'Database', undefined as unknown as ManagedDatabaseProps))).toEqual(['props']);
  });
});
