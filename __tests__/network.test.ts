import { TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { Vpc } from '@cdktf/provider-digitalocean/lib/vpc';
import { DropletRuntime, DropletRuntimeProps } from '../lib/app-service/runtimes/droplet/droplet-runtime';
import { ErpAppService } from '../lib/app-service/app-service';
import { DockerRuntime } from '../lib/app-service/runtimes/docker/docker-runtime';
import { KubernetesCluster, KubernetesClusterProps } from '../lib/app-service/runtimes/kubernetes/kubernetes-cluster';
import { KubernetesRuntime } from '../lib/app-service/runtimes/kubernetes/kubernetes-runtime';
import { IAppRuntime } from '../lib/app-service/runtime';
import { IConnectableDatabase } from '../lib/common/contracts';
import { FakeDatabase, releaseStore } from './app-service-fakes';
import { PrivateNetwork } from '../lib/common/network';
import { DoRegion } from '../lib/common/region';
import { DatabaseEngine, DatabaseSize, ManagedDatabase, ManagedDatabaseProps, RdsDatabase } from '../lib/database';
import { ErpValidationError } from '../lib/errors';

type Json = Record<string, any>;

const VPC_A = '0a1b2c3d-0000-4000-8000-00000000000a';
const VPC_B = '0a1b2c3d-0000-4000-8000-00000000000b';

function newStack(id = 'dev'): TerraformStack {
  return new TerraformStack(Testing.app(), id);
}

function database(scope: Construct, props: Partial<ManagedDatabaseProps> = {}, id = 'Database'): ManagedDatabase {
  return new ManagedDatabase(scope, id, {
    name: 'erp-dev-db', engine: DatabaseEngine.postgres(16), size: DatabaseSize.DB_S_1VCPU_1GB, region: DoRegion.FRA1,
    databases: ['erp'], users: ['erp_app'], ...props,
  });
}

function dropletRuntime(scope: Construct, props: Partial<DropletRuntimeProps> = {}, id = 'Runtime'): DropletRuntime {
  return new DropletRuntime(scope, id, {
    region: DoRegion.FRA1, sshKeys: ['41234567'], releaseStore: releaseStore(scope), adminCidrs: ['203.0.113.7/32'], ...props,
  });
}

function cluster(scope: Construct, props: Partial<KubernetesClusterProps> = {}): KubernetesCluster {
  return new KubernetesCluster(scope, 'Cluster', { name: 'erp-ha', region: DoRegion.FRA1, ...props });
}

function app(scope: Construct, runtime: IAppRuntime, id = 'App', name = 'erp'): ErpAppService {
  return new ErpAppService(scope, id, { name, runtime, processes: { web: { image: 'ghcr.io/acme/erp:1.0.0', port: 8080 } } });
}

function synth(stack: TerraformStack): Json {
  return JSON.parse(Testing.synth(stack));
}

function vpcs(json: Json): Record<string, Json> {
  return json.resource?.digitalocean_vpc ?? {};
}

function only(json: Json, type: string): Json {
  const all = Object.values(json.resource?.[type] ?? {}) as Json[];
  expect(all).toHaveLength(1);
  return all[0];
}

function validationError(fn: () => unknown): ErpValidationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ErpValidationError) return err;
    throw err;
  }
  throw new Error('expected an ErpValidationError');
}

describe('one private network by default', () => {
  test('a database and a droplet app given no VPC share one VPC', () => {
    const stack = newStack();
    const db = database(stack);
    app(stack, dropletRuntime(stack)).connectTo(db);
    const json = synth(stack);
    const names = Object.keys(vpcs(json));
    expect(names).toHaveLength(1);
    const ref = `\${digitalocean_vpc.${names[0]}.id}`;
    expect(only(json, 'digitalocean_droplet').vpc_uuid).toBe(ref);
    expect(only(json, 'digitalocean_database_cluster').private_network_uuid).toBe(ref);
    expect(vpcs(json)[names[0]]).toMatchObject({ region: 'fra1' });
  });

  test('a database and a Kubernetes cluster given no VPC share one VPC', () => {
    const stack = newStack('ha');
    const k8s = cluster(stack);
    const db = database(stack);
    db.allowFrom(k8s);
    const json = synth(stack);
    const names = Object.keys(vpcs(json));
    expect(names).toHaveLength(1);
    const ref = `\${digitalocean_vpc.${names[0]}.id}`;
    expect(only(json, 'digitalocean_kubernetes_cluster').vpc_uuid).toBe(ref);
    expect(only(json, 'digitalocean_database_cluster').private_network_uuid).toBe(ref);
    expect(k8s.vpc).toBe(db.vpc);
  });

  test('the shared network is created once at the stack root, with the id PrivateNetwork-<region>', () => {
    const stack = newStack();
    const db = database(stack);
    const runtime = dropletRuntime(stack);
    expect(db.privateNetwork).toBe(runtime.privateNetwork);
    expect(db.privateNetwork!.node.path).toBe('dev/PrivateNetwork-fra1');
    expect(db.vpc!.node.path).toBe('dev/PrivateNetwork-fra1/Resource');
    expect(PrivateNetwork.of(stack, DoRegion.FRA1)).toBe(db.privateNetwork);
  });

  test('the default network keeps its address when another construct is added before it', () => {
    const alone = newStack();
    app(alone, dropletRuntime(alone)).connectTo(database(alone));
    const before = Object.keys(vpcs(synth(alone)));

    const grown = newStack();
    const cache = database(grown, { name: 'erp-dev-cache', engine: DatabaseEngine.valkey(8), databases: undefined, users: undefined }, 'Cache');
    const k8s = cluster(grown, { name: 'erp-other' });
    const runtime = dropletRuntime(grown);
    const db = database(grown);
    const erp = app(grown, runtime);
    erp.connectTo(db);
    erp.connectTo(cache);
    const after = Object.keys(vpcs(synth(grown)));
    expect(k8s.vpcId).toBe(db.vpcId);
    expect(after).toEqual(before);
  });

  test('two regions get two networks', () => {
    const stack = newStack();
    const fra = database(stack);
    const nyc = database(stack, { name: 'erp-us-db', region: DoRegion.NYC3 }, 'UsDatabase');
    const json = synth(stack);
    expect(Object.values(vpcs(json)).map((v) => v.region).sort()).toEqual(['fra1', 'nyc3']);
    expect(fra.vpcId).not.toBe(nyc.vpcId);
    expect(nyc.privateNetwork!.node.id).toBe('PrivateNetwork-nyc3');
  });

  test('the default name holds the stack id, the names of the members and the region', () => {
    const stack = newStack();
    app(stack, dropletRuntime(stack)).connectTo(database(stack));
    expect(Object.values(vpcs(synth(stack)))[0].name).toBe('dev-erp-erp-dev-db-fra1');

    const prod = newStack('prod');
    app(prod, dropletRuntime(prod)).connectTo(database(prod, { name: 'erp-prod-db' }));
    expect(Object.values(vpcs(synth(prod)))[0].name).toBe('prod-erp-erp-prod-db-fra1');
  });

  test('a long default name is cut to 63 characters, with a hash of the whole', () => {
    const stack = newStack('a-rather-long-stack-name-for-the-production-environment');
    database(stack, { name: 'a-database-cluster-with-a-long-name' });
    const name = Object.values(vpcs(synth(stack)))[0].name as string;
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^a-rather-long-stack-name-.*-[0-9a-f]{8}$/);
  });

  test('a name given to the shared network is used, whoever asks first', () => {
    const stack = newStack();
    const db = database(stack);
    app(stack, dropletRuntime(stack)).connectTo(db);
    PrivateNetwork.of(stack, DoRegion.FRA1, { name: 'acme-erp-dev' });
    expect(db.privateNetwork).toBeDefined();
    expect(Object.values(vpcs(synth(stack)))[0].name).toBe('acme-erp-dev');
  });

  test('an IP range given by the runtime is set on the shared network', () => {
    const stack = newStack();
    const db = database(stack);
    app(stack, dropletRuntime(stack, { vpcIpRange: '10.20.0.0/20' })).connectTo(db);
    expect(only(synth(stack), 'digitalocean_vpc')).toMatchObject({ ip_range: '10.20.0.0/20' });
  });

  test('a network of your own, passed as a PrivateNetwork, is joined', () => {
    const stack = newStack();
    const network = new PrivateNetwork(stack, 'Network', { region: DoRegion.FRA1, name: 'acme-erp' });
    const db = database(stack, { vpc: network });
    app(stack, dropletRuntime(stack, { vpcId: network.vpcId })).connectTo(db);
    const json = synth(stack);
    expect(Object.keys(vpcs(json))).toHaveLength(1);
    expect(only(json, 'digitalocean_vpc')).toMatchObject({ name: 'acme-erp', region: 'fra1' });
  });

  test('fails when two constructs give the shared network different IP ranges', () => {
    const stack = newStack();
    dropletRuntime(stack, { vpcIpRange: '10.20.0.0/20' });
    const err = validationError(() => cluster(stack, { vpcIpRange: '10.30.0.0/20' }));
    expect(err.problems.map((p) => p.prop)).toEqual(['ipRange']);
    expect(err.message).toContain('10.30.0.0/20');
  });

  test('fails when the shared network is named twice with different names', () => {
    const stack = newStack();
    PrivateNetwork.of(stack, DoRegion.FRA1, { name: 'acme-one' });
    const err = validationError(() => PrivateNetwork.of(stack, DoRegion.FRA1, { name: 'acme-two' }));
    expect(err.problems.map((p) => p.prop)).toEqual(['name']);
  });

  test('fails on a VPC name with characters DigitalOcean does not allow', () => {
    const err = validationError(() => PrivateNetwork.of(newStack(), DoRegion.FRA1, { name: 'acme erp' }));
    expect(err.message).toContain('name: is not a VPC name (got "acme erp")');
  });

  test('fails when a PrivateNetwork of another region is given to a database', () => {
    const stack = newStack();
    const err = validationError(() => database(stack, { vpc: PrivateNetwork.of(stack, DoRegion.NYC3) }));
    expect(err.problems.map((p) => `${p.prop} ${String(p.value)}`)).toEqual(['vpc nyc3']);
  });

  test('a VPC passed explicitly keeps the tier stacks\' addresses: no shared network is created', () => {
    const stack = newStack();
    const vpc = new Vpc(stack, 'Vpc', { name: 'erp-dev-vpc', region: 'fra1' });
    const db = database(stack, { vpc });
    app(stack, dropletRuntime(stack, { vpcId: vpc.id })).connectTo(db);
    const json = synth(stack);
    expect(Object.keys(vpcs(json))).toEqual(['Vpc']);
    expect(stack.node.tryFindChild('PrivateNetwork-fra1')).toBeUndefined();
  });
});

describe('connectTo fails when the app and the database cannot share a network', () => {
  test('fails when the app and the database are in different regions, naming the prop, the value and the fix', () => {
    const stack = newStack();
    const db = database(stack, { region: DoRegion.NYC3 });
    const erp = app(stack, dropletRuntime(stack));
    const err = validationError(() => erp.connectTo(db));
    expect(err.where).toBe('dev/App');
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]).toMatchObject({ prop: 'connectTo(db).network.region', value: 'nyc3' });
    expect(err.message).toContain('is not the region of the app\'s compute (fra1)');
    expect(err.problems[0].fix).toContain("DoRegion.of('fra1')");
  });

  test('fails when a Kubernetes app and the database are in different regions', () => {
    const stack = newStack('ha');
    const db = database(stack, { region: DoRegion.AMS3 });
    const erp = app(stack, new KubernetesRuntime(stack, 'Runtime', {
      cluster: KubernetesCluster.fromClusterName(stack, 'Cluster', { name: 'erp-ha', region: DoRegion.FRA1 }),
    }));
    expect(validationError(() => erp.connectTo(db)).problems.map((p) => p.prop)).toEqual(['connectTo(db).network.region']);
  });

  test('fails with two different explicit VPC ids', () => {
    const stack = newStack();
    const db = database(stack, { vpc: VPC_A });
    const erp = app(stack, dropletRuntime(stack, { vpcId: VPC_B }));
    const err = validationError(() => erp.connectTo(db));
    expect(err.problems[0]).toMatchObject({ prop: 'connectTo(db).network.vpcId', value: VPC_A });
    expect(err.message).toContain(`is not the VPC of the app's compute (${VPC_B})`);
    expect(err.problems[0].fix).toContain('vpcId: db.vpcId');
  });

  test('fails at synthesis with two different VPC resources of the stack', () => {
    const stack = newStack();
    const vpcA = new Vpc(stack, 'VpcA', { name: 'erp-a', region: 'fra1' });
    const vpcB = new Vpc(stack, 'VpcB', { name: 'erp-b', region: 'fra1' });
    const db = database(stack, { vpc: vpcA });
    app(stack, dropletRuntime(stack, { vpcId: vpcB.id })).connectTo(db);
    const err = validationError(() => synth(stack));
    expect(err.where).toBe('dev/App');
    expect(err.problems[0]).toMatchObject({ prop: 'connectTo(db).network.vpcId', value: '${digitalocean_vpc.VpcA.id}' });
    expect(err.message).toContain('${digitalocean_vpc.VpcB.id}');
  });

  test('fails at synthesis when the database is given its own network and the app joins the shared one', () => {
    const stack = newStack();
    const own = new PrivateNetwork(stack, 'DbNetwork', { region: DoRegion.FRA1, name: 'erp-db-only' });
    const db = database(stack, { vpc: own });
    app(stack, dropletRuntime(stack)).connectTo(db);
    expect(validationError(() => synth(stack)).problems.map((p) => p.prop)).toEqual(['connectTo(db).network.vpcId']);
  });

  test('fails when the backup job is given a database in another VPC', () => {
    const stack = newStack();
    const db = database(stack, { vpc: VPC_A });
    const erp = app(stack, dropletRuntime(stack, { vpcId: VPC_B }));
    const vault = { grantWrite: () => { throw new Error('not reached'); }, grantRestore: () => { throw new Error('not reached'); } };
    expect(validationError(() => erp.backupTo(vault, { database: db })).problems.map((p) => p.prop))
      .toEqual(['backupTo.options.database.network.vpcId']);
  });

  test('passes with the same explicit VPC passed as a resource and as its id', () => {
    const stack = newStack();
    const vpc = new Vpc(stack, 'Vpc', { name: 'erp-dev', region: 'fra1' });
    const db = database(stack, { vpc });
    app(stack, dropletRuntime(stack, { vpcId: vpc.id })).connectTo(db);
    const json = synth(stack);
    expect(only(json, 'digitalocean_droplet').vpc_uuid).toBe('${digitalocean_vpc.Vpc.id}');
    expect(only(json, 'digitalocean_database_cluster').private_network_uuid).toBe('${digitalocean_vpc.Vpc.id}');
  });

  test('passes with the database\'s vpcId handed to the runtime, as the Next.js example does', () => {
    const stack = newStack();
    const db = database(stack);
    app(stack, dropletRuntime(stack, { vpcId: db.vpcId })).connectTo(db);
    expect(Object.keys(vpcs(synth(stack)))).toHaveLength(1);
  });

  test('passes with the same literal VPC id in different letter case', () => {
    const stack = newStack();
    const db = database(stack, { vpc: VPC_A });
    app(stack, dropletRuntime(stack, { vpcId: VPC_A.toUpperCase() })).connectTo(db);
    expect(() => synth(stack)).not.toThrow();
  });

  test('skips what cannot be decided: a literal VPC id against a reference, or a variable', () => {
    const stack = newStack();
    const vpc = new Vpc(stack, 'Vpc', { name: 'erp-dev', region: 'fra1' });
    app(stack, dropletRuntime(stack, { vpcId: VPC_A })).connectTo(database(stack, { vpc }));
    expect(() => synth(stack)).not.toThrow();

    const other = newStack();
    const vpcVar = new TerraformVariable(other, 'vpc_id', { type: 'string' }).stringValue;
    const own = new Vpc(other, 'Vpc', { name: 'erp-dev', region: 'fra1' });
    app(other, dropletRuntime(other, { vpcId: vpcVar })).connectTo(database(other, { vpc: own }));
    expect(() => synth(other)).not.toThrow();
  });

  test('an app on a local Docker engine, or connected to a database outside DigitalOcean (RDS), is not checked', () => {
    const stack = newStack();
    const local = app(stack, new DockerRuntime(stack, 'Local', { hostPort: 8080 }), 'LocalApp', 'erp-local');
    local.connectTo(database(stack, { region: DoRegion.NYC3 }));
    const rds = new RdsDatabase(stack, 'Rds', {
      name: 'erp-rds', engine: DatabaseEngine.postgres(16), size: DatabaseSize.DB_S_2VCPU_4GB, databases: ['erp'],
      vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0aaa', 'subnet-0bbb'],
    });
    // RDS is in no DigitalOcean VPC: an app reaches it over the internet with TLS, so it has no network to compare
    expect((rds as IConnectableDatabase).network).toBeUndefined();
    const outside = new FakeDatabase();
    app(stack, dropletRuntime(stack)).connectTo(outside);
    expect(outside.admitted).toHaveLength(1);
    expect(() => synth(stack)).not.toThrow();
  });
});
