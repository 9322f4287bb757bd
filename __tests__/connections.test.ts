/**
 * What the app's processes connect to on each tier: the PostgreSQL pool when the tier has one,
 * the cluster itself for migrations and dumps.
 */
import { App, TerraformStack, Testing } from 'cdktf';
import { ErpAppService } from '../lib/app-service/app-service';
import { DockerRuntime } from '../lib/app-service/runtimes/docker/docker-runtime';
import { DatabaseEngineFamily } from '../lib/common/contracts';
import { AppDescription, LARAVEL_INVOICING_EXAMPLE, buildStacks, validateAppDescription } from '../stacks';
import { FakeDatabase, releaseObjects } from './app-service-fakes';

type Json = Record<string, any>;

const POSTGRES: AppDescription = {
  ...LARAVEL_INVOICING_EXAMPLE,
  database: { engine: 'postgres', version: 17, name: 'facturador', user: 'facturador' },
};

function synth(tier: string): Json {
  const stack = buildStacks(Testing.app() as App, POSTGRES, {}).find((s) => s.node.id === tier)!;
  return JSON.parse(Testing.synth(stack));
}

describe('connections on the tiers', () => {
  test('on prod the app processes connect through the PostgreSQL pool; the release command and the dump connect to the cluster', () => {
    const prod = synth('prod');
    expect(Object.keys(prod.resource.digitalocean_database_connection_pool)).toHaveLength(1);
    const release = releaseObjects(prod, 'facturador-prod-1');
    expect(release['env/app.env']).toMatch(/DATABASE_URL='postgresql:\/\/.*@\$\{digitalocean_database_connection_pool\.[^.]+\.private_host\}:/);
    expect(release['compose.yaml']).toMatch(/DB_HOST: \$\{digitalocean_database_connection_pool\.[^.]+\.private_host\}/);
    expect(release['env/release.env']).toMatch(/DATABASE_URL='postgresql:\/\/.*@\$\{digitalocean_database_cluster\.[^.]+\.private_host\}:/);
  });

  test('on ha the app Secret holds a URI to the pool', () => {
    const ha = synth('ha');
    const secret = Object.values<Json>(ha.resource.kubernetes_secret_v1).find((s) => s.metadata.name === 'facturador-app')!;
    expect(secret.data.DATABASE_URL).toMatch(/^postgresql:\/\/.*@\$\{digitalocean_database_connection_pool\.[^.]+\.private_host\}:/);
  });

  test('on dev, which has no pool, the app connects to the cluster', () => {
    const dev = synth('dev');
    expect(dev.resource.digitalocean_database_connection_pool).toBeUndefined();
    expect(releaseObjects(dev, 'facturador-dev-1')['env/app.env']).toMatch(/DATABASE_URL='postgresql:\/\/.*@\$\{digitalocean_database_cluster\.[^.]+\.private_host\}:/);
  });
});

describe('connectTo options', () => {
  function app(): ErpAppService {
    const stack = new TerraformStack(Testing.app(), 'local');
    const runtime = new DockerRuntime(stack, 'Runtime', { hostPort: 8081 });
    return new ErpAppService(stack, 'App', { name: 'lender', runtime, processes: { web: { image: 'ghcr.io/acme/lender:3.2.0', port: 3000 } } });
  }

  test('a prefix, URI parameters and aliases shape the variables: Prisma behind PgBouncer, a Celery broker, a second database', () => {
    const a = app();
    a.connectTo(new FakeDatabase(DatabaseEngineFamily.POSTGRES), { uriParameters: { pgbouncer: 'true', connection_limit: '5' }, aliases: { DATABASE_URL: 'PRISMA_URL' } });
    a.connectTo(new FakeDatabase(DatabaseEngineFamily.POSTGRES), { envPrefix: 'LEDGER_' });
    a.connectTo(new FakeDatabase(DatabaseEngineFamily.VALKEY), { aliases: { REDIS_URL: 'CELERY_BROKER_URL' } });
    const model = a.resolve();
    const secrets = model.secretGroups.app;
    expect(secrets.DATABASE_URL).toBe('postgresql://erp:FAKE-DB-PASSWORD-q7Zt9@db.internal:25060/erp?sslmode=require&pgbouncer=true&connection_limit=5');
    expect(secrets.PRISMA_URL).toBe(secrets.DATABASE_URL);
    expect(secrets.LEDGER_DATABASE_URL).toBe('postgresql://erp:FAKE-DB-PASSWORD-q7Zt9@db.internal:25060/erp?sslmode=require');
    expect(model.processes[0].environment.LEDGER_DB_HOST).toBe('db.internal');
    expect(secrets.CELERY_BROKER_URL).toBe(secrets.REDIS_URL);
  });

  test('fails on a bad prefix, an alias of a variable the connection does not have, and two connections with the same names', () => {
    const a = app();
    expect(() => a.connectTo(new FakeDatabase(DatabaseEngineFamily.POSTGRES), { envPrefix: 'ledger' })).toThrow(/connectTo\.options\.envPrefix: is not a variable prefix/);
    expect(() => a.connectTo(new FakeDatabase(DatabaseEngineFamily.POSTGRES), { aliases: { NOPE_URL: 'X' } })).toThrow(/connectTo\.options\.aliases\.NOPE_URL: is not a variable of this connection/);
    a.connectTo(new FakeDatabase(DatabaseEngineFamily.POSTGRES));
    expect(() => a.connectTo(new FakeDatabase(DatabaseEngineFamily.POSTGRES))).toThrow(/DATABASE_URL: is already set.*envPrefix/);
  });
});

describe('connection settings in the description', () => {
  test('uriParameters and aliases reach the app on every tier; the release command keeps the plain direct URI', () => {
    const d: AppDescription = {
      ...POSTGRES,
      database: { ...POSTGRES.database, uriParameters: { pgbouncer: 'true' }, aliases: { DATABASE_URL: 'PRISMA_DATABASE_URL' } },
      cache: { engine: 'valkey', aliases: { REDIS_URL: 'CELERY_BROKER_URL' } },
    };
    const prod = JSON.parse(Testing.synth(buildStacks(Testing.app() as App, d, {}).find((s) => s.node.id === 'prod')!));
    const release = releaseObjects(prod, 'facturador-prod-1');
    expect(release['env/app.env']).toMatch(/DATABASE_URL='postgresql:.*connection_pool.*\?sslmode=require&pgbouncer=true'/);
    expect(release['env/app.env']).toMatch(/PRISMA_DATABASE_URL='postgresql:.*&pgbouncer=true'/);
    expect(release['env/app.env']).toMatch(/CELERY_BROKER_URL='rediss:/);
    expect(release['env/release.env']).not.toContain('pgbouncer');
  });

  test('fails on a query parameter without a string value and an alias that is not a variable name', () => {
    expect(() => validateAppDescription({ ...POSTGRES, database: { ...POSTGRES.database, uriParameters: { pgbouncer: true }, aliases: { DATABASE_URL: 'prisma url' } } }))
      .toThrow(/database\.uriParameters\.pgbouncer: is not a query parameter[\s\S]*database\.aliases\.DATABASE_URL: is not a variable name/);
  });
});

describe('the read replica', () => {
  test('on ha the app is told where the read replica is (DATABASE_READ_HOST, DATABASE_READ_PORT on the private network)', () => {
    const ha = JSON.parse(Testing.synth(buildStacks(Testing.app() as App, POSTGRES, {}).find((s) => s.node.id === 'ha')!));
    const web = Object.values<Json>(ha.resource.kubernetes_deployment_v1).find((d) => d.metadata.name === 'web')!;
    const env = Object.fromEntries(web.spec.template.spec.container[0].env.map((e: Json) => [e.name, e.value]));
    expect(env.DATABASE_READ_HOST).toMatch(/^\$\{digitalocean_database_replica\.[^.]+\.private_host\}$/);
    expect(env.DATABASE_READ_PORT).toMatch(/^\$\{digitalocean_database_replica\.[^.]+\.port\}$/);
  });

  test('on prod, which buys no replica, there is no read host', () => {
    const prod = JSON.parse(Testing.synth(buildStacks(Testing.app() as App, POSTGRES, {}).find((s) => s.node.id === 'prod')!));
    expect(releaseObjects(prod, 'facturador-prod-1')['compose.yaml']).not.toContain('DATABASE_READ_HOST');
  });
});
