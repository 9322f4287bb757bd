import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Testing, TerraformStack } from 'cdktf';
import * as YAML from 'yaml';
import {
  DockerRuntime, DropletRuntime, DropletSize, ErpAppService, ProcessModel, ProcessRole,
} from '../lib/app-service';
import { DatabaseEngineFamily } from '../lib/common/contracts';
import { DoRegion } from '../lib/common/region';
import { DATABASE_CA_CERT_PATH } from '../lib/database';
import { ErpValidationError } from '../lib/errors';
import { FakeDatabase, FakeTunnel, FakeVault, SECRET, releaseObjects, releaseStore } from './app-service-fakes';
import { AppSecret } from '../lib/app-service/secret';

type Json = Record<string, any>;

const MONITOR_KEY = 'FAKE-BEHOLDER-API-KEY-m0n1t0r';

/**
 * The FastAPI ISP manager: FastAPI backend (web, served at /api), the React
 * frontend on nginx (served at /), the monitor UI (/beholder), Celery workers
 * and Celery beat, Alembic migrations.
 */
export const FASTAPI_ISP: ProcessModel = {
  processes: {
    web: {
      image: 'ghcr.io/emerald/isp-backend:3.2.0',
      command: ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '8000'],
      port: 8000,
      healthCheck: { path: '/health' },
      resources: { cpus: 1, memoryMib: 1024 },
    },
    workers: [
      { name: 'celery-worker', command: 'celery -A app worker --loglevel=info', replicas: 2, resources: { cpus: 1, memoryMib: 768 } },
      { name: 'celery-beat', command: ['celery', '-A', 'app', 'beat', '--loglevel=info'] },
    ],
    services: [
      {
        name: 'frontend', image: 'ghcr.io/emerald/isp-frontend:3.2.0-nginx1.27', port: 80,
        healthCheck: { path: '/', intervalSeconds: 15 }, resources: { cpus: 0.25, memoryMib: 64 },
      },
      {
        name: 'monitor', image: 'ghcr.io/emerald/beholder:1.4.0', port: 3001, healthCheck: { path: '/beholder/' },
        environment: { BEHOLDER_API_URL: '/api' }, secrets: { BEHOLDER_API_KEY: AppSecret.unsafePlainText(MONITOR_KEY) },
      },
    ],
    release: { command: 'alembic upgrade head' },
  },
  environment: { APP_ENV: 'production', CELERY_BROKER_URL: 'redis://redis:6379/0' },
  secrets: { SECRET_KEY: AppSecret.unsafePlainText(SECRET.appKey) },
};

function dropletApp(model: ProcessModel, name: string, db = new FakeDatabase(DatabaseEngineFamily.POSTGRES), count = 1) {
  const stack = new TerraformStack(Testing.app(), 'dev');
  new DigitaloceanProvider(stack, 'digitalocean', {});
  const runtime = new DropletRuntime(stack, 'Runtime', {
    region: DoRegion.NYC3, size: DropletSize.S_2VCPU_4GB, sshKeys: ['41234567'], releaseStore: releaseStore(stack),
    adminCidrs: ['203.0.113.7/32'], count,
  });
  const app = new ErpAppService(stack, 'App', { name, runtime, ...model });
  app.connectTo(db);
  app.backupTo(new FakeVault());
  app.serveThrough(new FakeTunnel());
  const synth: Json = JSON.parse(Testing.synth(stack));
  const droplets = Object.values<Json>(synth.resource.digitalocean_droplet);
  const configs = droplets.map((d) => YAML.parse(d.user_data, { version: '1.1' }));
  const releases = droplets.map((_, i) => releaseObjects(synth, `${name}-${i + 1}`));
  const composes = releases.map((r) => YAML.parse(r['compose.yaml'], { version: '1.1' }));
  const envFiles: Record<string, string> = Object.fromEntries(Object.entries(releases[0]).filter(([k]) => k.startsWith('env/')));
  return { stack, app, runtime, synth, droplets, config: configs[0], compose: composes[0], composes, envFiles, release: releases[0] };
}

describe('the FastAPI ISP manager on DropletRuntime', () => {
  const built = dropletApp(FASTAPI_ISP, 'emerald');
  const { compose, envFiles } = built;

  test('the backend, both Celery processes, the frontend and the monitor run as compose services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(
      ['backup', 'backup-restore', 'backup-restore.fetch', 'backup-restore.keep-safety', 'backup-restore.load', 'backup-restore.safety-dump',
        'backup.dump', 'celery-beat', 'celery-worker', 'cloudflared', 'frontend', 'monitor', 'redis', 'release', 'web']);
    expect(compose.services.web.healthcheck.test[1]).toContain('http://127.0.0.1:8000/health');
    expect(compose.services['celery-worker'].deploy.replicas).toBe(2);
    expect(compose.services['celery-worker'].command).toEqual(['/bin/sh', '-c', 'celery -A app worker --loglevel=info']);
    expect(compose.services['celery-beat'].command).toEqual(['celery', '-A', 'app', 'beat', '--loglevel=info']);
    expect(compose.services['celery-beat'].image).toBe('ghcr.io/emerald/isp-backend:3.2.0');
    expect(compose.services.release.command).toEqual(['/bin/sh', '-c', 'alembic upgrade head']);
  });

  test('each service has its image, its port as PORT, its health check on that port, restart and limits', () => {
    const fe = compose.services.frontend;
    expect(fe.image).toBe('ghcr.io/emerald/isp-frontend:3.2.0-nginx1.27');
    expect(fe.command).toBeUndefined();
    expect(fe.restart).toBe('unless-stopped');
    expect(fe.environment).toEqual({ PORT: '80' });
    expect(fe.healthcheck).toEqual({
      test: ['CMD-SHELL', expect.stringContaining('http://127.0.0.1:80/')], interval: '15s', timeout: '10s', retries: 3, start_period: '40s',
    });
    expect(fe.deploy).toEqual({ replicas: 1, resources: { limits: { cpus: '0.25', memory: '64M' } } });
    const mon = compose.services.monitor;
    expect(mon.image).toBe('ghcr.io/emerald/beholder:1.4.0');
    expect(mon.environment).toEqual({ PORT: '3001', BEHOLDER_API_URL: '/api' });
    expect(mon.healthcheck.test[1]).toContain('http://127.0.0.1:3001/beholder/');
  });

  test('no service publishes a port on the host: the connector reaches them by name', () => {
    for (const [name, svc] of Object.entries<Json>(compose.services)) {
      expect([name, svc.ports, svc.network_mode]).toEqual([name, undefined, undefined]);
    }
    expect(built.app.internalUrl()).toBe('http://web:8000');
    expect(built.app.internalUrl('frontend')).toBe('http://frontend:80');
    expect(built.app.internalUrl('monitor')).toBe('http://monitor:3001');
    const fw = Object.values<Json>(built.synth.resource.digitalocean_firewall)[0];
    expect(fw.inbound_rule.map((r: Json) => r.port_range)).toEqual(['22']);
  });

  test('the frontend gets neither the app environment nor the app secrets env file', () => {
    const fe = compose.services.frontend;
    expect(fe.env_file).toBeUndefined();
    for (const key of ['APP_ENV', 'CELERY_BROKER_URL', 'DB_HOST', 'REDIS_URL']) expect([key, fe.environment[key]]).toEqual([key, undefined]);
    expect(compose.services.web.env_file).toEqual(['env/app.env']);
    expect(compose.services.web.environment).toMatchObject({ APP_ENV: 'production', DB_HOST: 'db.internal' });
  });

  test('a service secret is read from its own env file, never from user data', () => {
    expect(compose.services.monitor.env_file).toEqual(['env/service-monitor.env']);
    expect(envFiles['env/service-monitor.env']).toContain(`BEHOLDER_API_KEY='${MONITOR_KEY}'`);
    expect(envFiles['env/service-monitor.env']).not.toContain(SECRET.appKey);
    expect(envFiles['env/app.env']).not.toContain(MONITOR_KEY);
    for (const d of built.droplets) expect(d.user_data).not.toContain(MONITOR_KEY);
    expect(built.release['compose.yaml']).not.toContain(MONITOR_KEY);
  });

  test('services run on every droplet, like web', () => {
    const two = dropletApp(FASTAPI_ISP, 'emerald', undefined, 2);
    expect(Object.keys(two.composes[1].services).sort()).toEqual(['celery-beat', 'celery-worker', 'cloudflared', 'frontend', 'monitor', 'redis', 'web']);
  });

  test('the resolved model marks services with the service role; only one that receives the app environment counts as app code', () => {
    const model = built.app.resolve();
    const fe = model.processes.find((p) => p.name === 'frontend')!;
    expect(fe).toMatchObject({ role: ProcessRole.SERVICE, port: 80, isAppCode: false, secretGroups: [], replicas: 1 });
    expect(model.processes.find((p) => p.name === 'monitor')!.secretGroups).toEqual(['service-monitor']);
    expect(model.secretGroups['service-monitor']).toEqual({ BEHOLDER_API_KEY: MONITOR_KEY });
    // the one public file is the backup script
    expect(model.files!.map((f) => f.name)).toEqual(['erp-backup-script']);
  });
});

test('a service that receives the app environment gets the app variables, the cache, the app secrets and its own on top', () => {
  const model: ProcessModel = {
    ...FASTAPI_ISP,
    processes: {
      ...FASTAPI_ISP.processes,
      services: [{
        name: 'admin-api', image: 'ghcr.io/emerald/isp-backend:3.2.0', command: 'uvicorn app.admin:app --port 8100', port: 8100,
        receivesAppEnvironment: true, environment: { APP_ENV: 'admin' }, secrets: { ADMIN_TOKEN: AppSecret.unsafePlainText('FAKE-ADMIN-TOKEN-a9') },
      }],
    },
  };
  const { compose, app } = dropletApp(model, 'emerald');
  const svc = compose.services['admin-api'];
  expect(svc.env_file).toEqual(['env/app.env', 'env/service-admin-api.env']);
  expect(svc.environment).toMatchObject({ APP_ENV: 'admin', CELERY_BROKER_URL: 'redis://redis:6379/0', DB_HOST: 'db.internal', PORT: '8100', REDIS_URL: 'redis://redis:6379/0' });
  expect(svc.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
  expect(app.resolve().processes.find((p) => p.name === 'admin-api')).toMatchObject({ role: ProcessRole.SERVICE, isAppCode: true });
});

const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIEQTCCAqmgAwIBAgIUFAKEFAKEFAKE\nZmFrZSBjYSBjZXJ0aWZpY2F0ZQ==\n-----END CERTIFICATE-----\n';

/** A managed MySQL double: the variables ManagedDatabase hands a MySQL app, CA certificate included. */
function fakeMysql(): FakeDatabase {
  return new FakeDatabase(DatabaseEngineFamily.MYSQL, {
    plain: {
      DB_CONNECTION: 'mysql', DB_HOST: 'private-facturador-db.internal', DB_PORT: '25060', DB_DATABASE: 'facturador', DB_USERNAME: 'facturador',
      MYSQL_ATTR_SSL_CA: DATABASE_CA_CERT_PATH, DATABASE_CA_CERT: CA_PEM,
    },
    secret: { DB_PASSWORD: SECRET.dbPassword, DATABASE_URL: SECRET.dbUri },
  });
}

/** phpMyAdmin's own settings for TLS with the managed database's CA (read by the image from PMA_USER_CONFIG_BASE64). */
const PMA_TLS_CONFIG = [
  '<?php',
  "$cfg['Servers'][1]['ssl'] = true;",
  "$cfg['Servers'][1]['ssl_verify'] = true;",
  `$cfg['Servers'][1]['ssl_ca'] = '${DATABASE_CA_CERT_PATH}';`,
  '',
].join('\n');

/** The Laravel invoicing app, with phpMyAdmin beside it for the admins. */
export const FACTURADOR: ProcessModel = {
  processes: {
    web: { image: 'ghcr.io/facturador/app:3.1.0', port: 8080, healthCheck: { path: '/up' } },
    workers: [{ name: 'queue', command: 'php artisan queue:work --tries=3 --timeout=90', replicas: 2 }],
    scheduler: { everyMinute: ['php', 'artisan', 'schedule:run'] },
    release: { command: ['php', 'artisan', 'migrate', '--force'] },
    services: [{
      name: 'phpmyadmin',
      image: 'phpmyadmin:5.2.1',
      port: 80,
      healthCheck: { path: '/' },
      environmentFrom: { PMA_HOST: 'DB_HOST', PMA_PORT: 'DB_PORT' },
      environment: {
        PMA_SSL: '1',
        PMA_ABSOLUTE_URI: 'https://pma.facturador.example/',
        UPLOAD_LIMIT: '128M',
        PMA_USER_CONFIG_BASE64: Buffer.from(PMA_TLS_CONFIG).toString('base64'),
      },
    }],
  },
  environment: { APP_ENV: 'production' },
  secrets: { APP_KEY: AppSecret.unsafePlainText(SECRET.appKey) },
};

describe('the Laravel invoicing app with phpMyAdmin on managed MySQL, on DropletRuntime', () => {
  const built = dropletApp(FACTURADOR, 'facturador', fakeMysql());
  const { compose, release } = built;
  const mount = `./files/database-ca.pem:${DATABASE_CA_CERT_PATH}:ro`;

  test('phpMyAdmin runs from its pinned image on port 80 with the database host and port taken from the connection', () => {
    const pma = compose.services.phpmyadmin;
    expect(pma.image).toBe('phpmyadmin:5.2.1');
    expect(pma.environment).toMatchObject({ PMA_HOST: 'private-facturador-db.internal', PMA_PORT: '25060', PMA_SSL: '1', PORT: '80' });
    expect(pma.healthcheck.test[1]).toContain('http://127.0.0.1:80/');
    expect(pma.ports).toBeUndefined();
    expect(built.app.internalUrl('phpmyadmin')).toBe('http://phpmyadmin:80');
  });

  test('phpMyAdmin gets neither the app secrets nor the app environment: admins log in with their own database users', () => {
    const pma = compose.services.phpmyadmin;
    expect(pma.env_file).toBeUndefined();
    expect(Object.keys(pma.environment).sort()).toEqual(['PMA_ABSOLUTE_URI', 'PMA_HOST', 'PMA_PORT', 'PMA_SSL', 'PMA_USER_CONFIG_BASE64', 'PORT', 'UPLOAD_LIMIT']);
  });

  test('phpMyAdmin verifies the server with the mounted CA certificate', () => {
    const pma = compose.services.phpmyadmin;
    expect(Buffer.from(pma.environment.PMA_USER_CONFIG_BASE64, 'base64').toString()).toContain(`['ssl_ca'] = '${DATABASE_CA_CERT_PATH}'`);
    expect(pma.volumes).toEqual([mount]);
  });

  test('the release carries the CA certificate as a file beside the compose project', () => {
    expect(release['files/database-ca.pem']).toBe(CA_PEM);
    expect(release.manifest).toMatch(/^file files\/database-ca\.pem [0-9a-f]{64}$/m);
  });

  test('every app container mounts the CA certificate read-only where MYSQL_ATTR_SSL_CA points; the connector and the cache do not', () => {
    for (const name of ['web', 'queue', 'schedule-run', 'release', 'phpmyadmin']) {
      expect([name, compose.services[name].volumes]).toEqual([name, [mount]]);
    }
    // the backup's stages also mount the script and their scratch folder
    for (const name of ['backup.dump', 'backup']) expect(compose.services[name].volumes[0]).toEqual(mount);
    expect(compose.services.cloudflared.volumes).toBeUndefined();
    expect(compose.services.redis.volumes).toEqual(['/mnt/data/cache:/data']);
    expect(compose.services.web.environment.MYSQL_ATTR_SSL_CA).toBe(DATABASE_CA_CERT_PATH);
  });

  test('the certificate is not also pasted into the compose environment', () => {
    for (const [name, svc] of Object.entries<Json>(compose.services)) {
      expect([name, svc.environment?.DATABASE_CA_CERT]).toEqual([name, undefined]);
    }
    expect(release['compose.yaml']).not.toContain('BEGIN CERTIFICATE');
  });

  test('the resolved model lists the file and which processes mount it', () => {
    const model = built.app.resolve();
    expect(model.files![0]).toEqual({ name: 'database-ca', path: DATABASE_CA_CERT_PATH, content: CA_PEM, variable: 'DATABASE_CA_CERT' });
    expect(model.files!.slice(1).map((f) => f.name)).toEqual(['erp-backup-script']);
    const mountsNone = [ProcessRole.CONNECTOR, ProcessRole.CACHE];
    for (const p of model.processes) expect([p.name, p.files]).toEqual([p.name, mountsNone.includes(p.role) ? undefined : ['database-ca']]);
    expect(model.release!.files).toEqual(['database-ca']);
    for (const j of model.jobs) expect([j.name, j.files]).toEqual([j.name, j.name.startsWith('backup') ? ['erp-backup-script', 'database-ca'] : ['database-ca']]);
  });
});

test('the phpMyAdmin compose service, as synthesized', () => {
  const text = dropletApp(FACTURADOR, 'facturador', fakeMysql()).release['compose.yaml'];
  const doc = YAML.parseDocument(text, { version: '1.1' });
  expect(YAML.stringify({ phpmyadmin: doc.getIn(['services', 'phpmyadmin']) }, { lineWidth: 0 })).toMatchSnapshot();
});

test('the FastAPI frontend and monitor compose services, as synthesized', () => {
  const text = dropletApp(FASTAPI_ISP, 'emerald').release['compose.yaml'];
  const doc = YAML.parseDocument(text, { version: '1.1' });
  expect(YAML.stringify({ frontend: doc.getIn(['services', 'frontend']), monitor: doc.getIn(['services', 'monitor']) }, { lineWidth: 0 })).toMatchSnapshot();
});

describe('services on DockerRuntime', () => {
  const stack = new TerraformStack(Testing.app(), 'local');
  new DockerProvider(stack, 'docker', {});
  const runtime = new DockerRuntime(stack, 'Runtime', { hostPort: 8081 });
  const app = new ErpAppService(stack, 'App', { name: 'facturador', runtime, ...FACTURADOR });
  app.connectTo(fakeMysql());
  const synth: Json = JSON.parse(Testing.synth(stack));
  const containers: Record<string, Json> = {};
  for (const c of Object.values<Json>(synth.resource.docker_container)) containers[c.name] = c;
  const env = (c: Json) => Object.fromEntries((c.env as string[]).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));

  test('a service is a container on the app network under its name, not published on the host', () => {
    const pma = containers['facturador-phpmyadmin'];
    expect(pma.networks_advanced).toEqual([{ name: '${docker_network.Runtime_Network_ED039CCD.name}', aliases: ['phpmyadmin'] }]);
    expect(pma.ports).toBeUndefined();
    expect(containers['facturador-web'].ports).toEqual([{ internal: 8080, external: 8081, ip: '127.0.0.1' }]);
    expect(env(pma)).toMatchObject({ PMA_HOST: 'private-facturador-db.internal', PMA_PORT: '25060' });
    expect(env(pma).APP_KEY).toBeUndefined();
    expect(env(containers['facturador-web']).APP_KEY).toBe(SECRET.appKey);
  });

  test('a literal "${" in a service variable is escaped for Terraform', () => {
    const s2 = new TerraformStack(Testing.app(), 'local');
    new DockerProvider(s2, 'docker', {});
    const model: ProcessModel = {
      ...FACTURADOR,
      processes: { ...FACTURADOR.processes, services: [{ ...FACTURADOR.processes.services![0], environment: { PMA_NOTE: 'costs ${amount}' } }] },
    };
    const a2 = new ErpAppService(s2, 'App', { name: 'facturador', runtime: new DockerRuntime(s2, 'Runtime'), ...model });
    a2.connectTo(fakeMysql());
    const pma = Object.values<Json>(JSON.parse(Testing.synth(s2)).resource.docker_container).find((c) => c.name === 'facturador-phpmyadmin')!;
    expect(pma.env).toContain('PMA_NOTE=costs $${amount}');
  });

  test('the database CA certificate is copied into the app containers, not into the connector', () => {
    for (const name of ['facturador-web', 'facturador-queue', 'facturador-release', 'facturador-cron-schedule-run', 'facturador-phpmyadmin']) {
      expect([name, containers[name].upload]).toEqual([name, [{ file: DATABASE_CA_CERT_PATH, content: CA_PEM, permissions: '0444' }]]);
    }
  });
});

describe('service validation', () => {
  function fails(model: ProcessModel): ErpValidationError {
    const stack = new TerraformStack(Testing.app(), 'dev');
    const runtime = new DockerRuntime(stack, 'Runtime');
    try {
      new ErpAppService(stack, 'App', { name: 'emerald', runtime, ...model });
    } catch (e) {
      expect(e).toBeInstanceOf(ErpValidationError);
      return e as ErpValidationError;
    }
    throw new Error('expected a validation error');
  }
  const withServices = (services: unknown, extra: Partial<ProcessModel> = {}): ProcessModel => ({
    ...FASTAPI_ISP, ...extra, processes: { ...FASTAPI_ISP.processes, services: services as never },
  });
  const props = (e: ErpValidationError) => e.problems.map((p) => p.prop);

  test('fails when a service takes the name of a worker, of web or of another service', () => {
    const e = fails(withServices([
      { name: 'celery-worker', image: 'nginx:1.27-alpine', port: 80 },
      { name: 'web', image: 'nginx:1.27-alpine', port: 80 },
      { name: 'frontend', image: 'nginx:1.27-alpine', port: 80 },
      { name: 'frontend', image: 'nginx:1.27-alpine', port: 81 },
    ]));
    expect(props(e)).toEqual(['processes.services[0].name', 'processes.services[1].name', 'processes.services[3].name']);
    expect(e.message).toContain('is already the name of processes.workers[0].name');
  });

  test('fails when a service name is not a DNS label or is one the runtimes use', () => {
    const e = fails(withServices([
      { name: 'Front_End', image: 'nginx:1.27-alpine', port: 80 },
      { name: 'cloudflared', image: 'nginx:1.27-alpine', port: 80 },
      { image: 'nginx:1.27-alpine', port: 80 },
    ]));
    expect(props(e)).toEqual(['processes.services[0].name', 'processes.services[1].name', 'processes.services[2].name']);
  });

  test('fails when a service has no image, a malformed image, no port or a port out of range', () => {
    const e = fails(withServices([
      { name: 'a', port: 80 },
      { name: 'b', image: 'Nginx:1.27', port: 80 },
      { name: 'c', image: 'nginx:1.27-alpine' },
      { name: 'd', image: 'nginx:1.27-alpine', port: 70000 },
    ]));
    expect(props(e)).toEqual(['processes.services[0].image', 'processes.services[1].image', 'processes.services[2].port', 'processes.services[3].port']);
  });

  test('fails when a service health check has both a path and a command, or a relative path', () => {
    const e = fails(withServices([
      { name: 'a', image: 'nginx:1.27-alpine', port: 80, healthCheck: { path: '/', command: 'true' } },
      { name: 'b', image: 'nginx:1.27-alpine', port: 80, healthCheck: { path: 'health' } },
    ]));
    expect(props(e)).toEqual(['processes.services[0].healthCheck', 'processes.services[1].healthCheck.path']);
  });

  test('fails when replicas, resources or receivesAppEnvironment are out of range or of the wrong type', () => {
    const e = fails(withServices([
      { name: 'a', image: 'nginx:1.27-alpine', port: 80, replicas: 0, resources: { cpus: 0, memoryMib: 64 }, receivesAppEnvironment: 'yes' },
    ]));
    expect(props(e)).toEqual(['processes.services[0].replicas', 'processes.services[0].resources.cpus', 'processes.services[0].receivesAppEnvironment']);
  });

  test('fails when services is not a list or an entry is not an object', () => {
    expect(props(fails(withServices({ name: 'frontend' })))).toEqual(['processes.services']);
    expect(props(fails(withServices(['frontend'])))).toEqual(['processes.services[0]']);
  });

  test('fails when a service variable is set twice, or a secret value cannot go in an env file', () => {
    const e = fails(withServices([{
      name: 'a', image: 'nginx:1.27-alpine', port: 80,
      environment: { TOKEN: 'x', PMA_HOST: 'db', 'BAD-NAME': 'x' },
      secrets: { TOKEN: AppSecret.unsafePlainText('y'), QUOTED: AppSecret.unsafePlainText("it's") },
      environmentFrom: { PMA_HOST: 'DB_HOST' },
    }]));
    expect(props(e)).toEqual([
      'processes.services[0].environment.BAD-NAME', 'processes.services[0].secrets.QUOTED', 'processes.services[0].secrets.TOKEN',
      'processes.services[0].environmentFrom.PMA_HOST',
    ]);
    expect(JSON.stringify(e.problems)).not.toContain("it's");
  });

  test('fails when environmentFrom names an app secret, or is not a map of variable names', () => {
    const e = fails(withServices([
      { name: 'a', image: 'nginx:1.27-alpine', port: 80, environmentFrom: { KEY: 'SECRET_KEY' } },
      { name: 'b', image: 'nginx:1.27-alpine', port: 80, environmentFrom: ['DB_HOST'] },
      { name: 'c', image: 'nginx:1.27-alpine', port: 80, environmentFrom: { HOST: 'db host' } },
    ]));
    expect(props(e)).toEqual(['processes.services[0].environmentFrom.KEY', 'processes.services[1].environmentFrom', 'processes.services[2].environmentFrom.HOST']);
    expect(e.problems[0].problem).toContain('is a secret of the app');
  });

  test('fails at synthesis when environmentFrom names a variable neither the app nor a connected database sets', () => {
    const stack = new TerraformStack(Testing.app(), 'dev');
    const app = new ErpAppService(stack, 'App', { name: 'facturador', runtime: new DockerRuntime(stack, 'Runtime'), ...FACTURADOR });
    app.connectTo(new FakeDatabase(DatabaseEngineFamily.POSTGRES, { plain: { PGHOST: 'db.internal' }, secret: { DB_PORT: '5432' } }));
    let error: unknown;
    try {
      app.resolve();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ErpValidationError);
    const problems = (error as ErpValidationError).problems;
    expect(problems.map((p) => p.prop)).toEqual(['processes.services[0].environmentFrom.PMA_HOST', 'processes.services[0].environmentFrom.PMA_PORT']);
    expect(problems[0].fix).toContain('PGHOST');
    expect(problems[1].problem).toContain('is a secret of the app');
    expect(() => Testing.synth(stack)).toThrow(/environmentFrom\.PMA_HOST/);
  });

  test('fails at synthesis when environmentFrom copies the database CA certificate instead of using its file', () => {
    const stack = new TerraformStack(Testing.app(), 'dev');
    const model: ProcessModel = {
      ...FACTURADOR,
      processes: { ...FACTURADOR.processes, services: [{ name: 'phpmyadmin', image: 'phpmyadmin:5.2.1', port: 80, environmentFrom: { PMA_SSL_CA: 'DATABASE_CA_CERT' } }] },
    };
    const app = new ErpAppService(stack, 'App', { name: 'facturador', runtime: new DockerRuntime(stack, 'Runtime'), ...model });
    app.connectTo(fakeMysql());
    expect(() => app.resolve()).toThrow(/environmentFrom\.PMA_SSL_CA.*is the database CA certificate/s);
  });

  test('fails when a backup job takes the name of a service', () => {
    const stack = new TerraformStack(Testing.app(), 'dev');
    const app = new ErpAppService(stack, 'App', { name: 'emerald', runtime: new DockerRuntime(stack, 'Runtime'), ...FASTAPI_ISP });
    app.connectTo(new FakeDatabase());
    expect(() => app.backupTo(new FakeVault(), { name: 'monitor' })).toThrow(/backupTo\.options\.name/);
  });

  test('fails to give the internal URL of a process that serves no port, naming those that do', () => {
    const stack = new TerraformStack(Testing.app(), 'dev');
    const app = new ErpAppService(stack, 'App', { name: 'emerald', runtime: new DockerRuntime(stack, 'Runtime'), ...FASTAPI_ISP });
    expect(() => app.internalUrl('celery-worker')).toThrow(/internalUrl\(process\).*use one of 'web', 'frontend', 'monitor'/s);
  });
});
