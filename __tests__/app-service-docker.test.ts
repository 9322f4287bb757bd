import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Testing, TerraformStack } from 'cdktf';
import { execFileSync } from 'child_process';
import { DockerRuntime, ErpAppService } from '../lib/app-service';
import { LocalDatabase } from '../lib/database/local-database';
import { DatabaseEngineFamily } from '../lib/common/contracts';
import { ErpValidationError } from '../lib/errors';
import { FakeTunnel, FakeVault } from './app-service-fakes';
import { AppSecret } from '../lib/app-service/secret';

type Json = Record<string, any>;

function build(engine = DatabaseEngineFamily.POSTGRES) {
  const stack = new TerraformStack(Testing.app(), 'local');
  new DockerProvider(stack, 'docker', {});
  const runtime = new DockerRuntime(stack, 'Runtime', { hostPort: 8081 });
  const app = new ErpAppService(stack, 'App', {
    name: 'facturador',
    runtime,
    processes: {
      web: { image: 'ghcr.io/acme/facturador:2.3.0', port: 8080, healthCheck: { path: '/health' }, resources: { cpus: 1, memoryMib: 512 } },
      workers: [{ name: 'queue', command: 'php artisan queue:work --tries=3', replicas: 2 }],
      scheduler: { everyMinute: ['php', 'artisan', 'schedule:run'], entries: [{ name: 'reports', schedule: '30 6 1,15 * *', command: 'php artisan reports:send' }] },
      release: { command: ['php', 'artisan', 'migrate', '--force'] },
    },
    environment: { APP_ENV: 'local' },
    secrets: { APP_KEY: AppSecret.unsafePlainText('base64:local-dev-key') },
  });
  const db = new LocalDatabase(stack, 'Database', { runtime, engine });
  app.connectTo(db);
  app.backupTo(new FakeVault());
  app.serveThrough(new FakeTunnel());
  const synth: Json = JSON.parse(Testing.synth(stack));
  const containers: Record<string, Json> = {};
  for (const c of Object.values<Json>(synth.resource.docker_container)) containers[c.name] = c;
  return { stack, app, runtime, synth, containers };
}

const env = (c: Json) => Object.fromEntries((c.env as string[]).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));

describe('ErpAppService on DockerRuntime', () => {
  const { synth, containers, app } = build();

  test('a network named after the app joins every container', () => {
    expect(Object.values<Json>(synth.resource.docker_network)).toEqual([{ name: 'facturador' }]);
    for (const c of Object.values(containers)) {
      // but the jobs runner, which only starts containers through the engine's socket
      if (c.name === 'facturador-jobs') expect(c.networks_advanced).toBeUndefined();
      else expect(c.networks_advanced[0].name).toBe('${docker_network.Runtime_Network_ED039CCD.name}');
    }
  });

  test('every process is a container with its command, health check and restart policy', () => {
    const web = containers['facturador-web'];
    expect(web.healthcheck).toEqual({
      test: ['CMD-SHELL', expect.stringContaining('http://127.0.0.1:8080/health')],
      interval: '30s', timeout: '10s', retries: 3, start_period: '40s',
    });
    expect(web.restart).toBe('unless-stopped');
    expect(web.cpus).toBe('1');
    expect(web.memory).toBe(512);
    expect(containers['facturador-queue'].command).toEqual(['/bin/sh', '-c', 'php artisan queue:work --tries=3']);
    expect(containers['facturador-queue-2'].networks_advanced[0].aliases).toEqual(['queue']);
    expect(containers['facturador-cloudflared'].command).toEqual(expect.arrayContaining(['tunnel', '--no-autoupdate', 'run']));
    expect(env(containers['facturador-cloudflared'])).toEqual({ TUNNEL_TOKEN: expect.any(String) });
  });

  test('the web process is published on localhost only', () => {
    expect(containers['facturador-web'].ports).toEqual([{ internal: 8080, external: 8081, ip: '127.0.0.1' }]);
    const published = Object.values(containers).filter((c) => c.ports);
    expect(published).toHaveLength(1);
  });

  test('the release command runs once, to completion, before web starts', () => {
    const release = containers['facturador-release'];
    expect(release).toMatchObject({ must_run: false, restart: 'no', attach: true, command: ['php', 'artisan', 'migrate', '--force'] });
    expect(containers['facturador-web'].depends_on).toContain('docker_container.Runtime_Container-release_59CE6F6A');
    expect(release.depends_on).toEqual(expect.arrayContaining(['docker_container.Database_B269D8BB', 'docker_container.Runtime_Container-redis_17DD800A']));
  });

  test('a database container with a volume and a Valkey container with append-only persistence run beside the app', () => {
    const db = containers['facturador-db'];
    expect(db.volumes).toEqual([{ volume_name: '${docker_volume.Database_Volume_87A4C9C8.name}', container_path: '/var/lib/postgresql/data' }]);
    expect(db.ports).toBeUndefined();
    expect(db.networks_advanced[0].aliases).toEqual(['db']);
    const redis = containers['facturador-redis'];
    expect(redis.command).toEqual(['valkey-server', '--appendonly', 'yes', '--appendfsync', 'everysec']);
    expect(redis.volumes[0].container_path).toBe('/data');
    expect(env(containers['facturador-web'])).toMatchObject({ DB_HOST: 'db', DB_SSLMODE: 'disable', REDIS_URL: 'redis://redis:6379/0', APP_KEY: 'base64:local-dev-key' });
  });

  test('scheduled jobs run in a loop container that fires on the cron schedule', () => {
    const reports = containers['facturador-cron-reports'];
    const script: string = reports.command[2];
    expect(reports.labels).toEqual([{ label: 'erp.schedule', value: '30 6 1,15 * *' }]);
    expect(script).toContain("min_set=' 30 '");
    expect(script).toContain("hour_set=' 6 '");
    expect(script).toContain("dom_set=' 1 15 '");
    expect(script).toContain("( /bin/sh -c 'php artisan reports:send' ) &");
    expect(script).not.toContain('${');
    // the backup's stages are containers the jobs runner starts in order
    expect(containers['facturador-jobs'].command[2]).toContain("( /usr/local/bin/erp-run-job backup ) &");
    const dump = containers['facturador-backup.dump'];
    expect(dump).toMatchObject({ image: expect.stringContaining('postgres'), entrypoint: ['bash'], command: ['/opt/erp-backup/erp-backup.sh', 'dump'], start: false });
    expect(env(dump)).toMatchObject({ PGSSLMODE: 'prefer', AWS_ACCESS_KEY_ID: expect.any(String) });
    expect(containers['facturador-cron-schedule-run'].command[2]).toContain('( php artisan schedule:run ) &');
  });

  test('the scheduler loop fires exactly on the minutes its cron expression names', () => {
    const script: string = containers['facturador-cron-reports'].command[2];
    // run the loop body once per given time with a fake `date`, and record whether it fired
    const fired = (stamp: string) => {
      const body = script
        .replace('while :; do', '')
        .replace(/\n\s*sleep [^\n]*\ndone$/, '')
        .replace("( /bin/sh -c 'php artisan reports:send' ) &", 'echo FIRED');
      const fakeDate = `date() { echo '${stamp}'; }`;
      return execFileSync('/bin/sh', ['-c', `${fakeDate}\n${body}`]).toString().includes('FIRED');
    };
    expect(fired('30 06 01 03 5')).toBe(true);
    expect(fired('30 06 15 12 0')).toBe(true);
    expect(fired('31 06 15 12 0')).toBe(false);
    expect(fired('30 07 01 03 5')).toBe(false);
    expect(fired('30 06 02 03 5')).toBe(false);
  });

  test('internalUrl uses the container alias', () => {
    expect(app.internalUrl()).toBe('http://web:8080');
  });

  test('a MySQL local database uses the mysql image and mysqldump without TLS', () => {
    const my = build(DatabaseEngineFamily.MYSQL);
    expect(my.containers['facturador-db'].volumes[0].container_path).toBe('/var/lib/mysql');
    const dump = my.containers['facturador-backup.dump'];
    expect(dump.image).toContain('mysql');
    expect(env(dump)).toMatchObject({ DB_ENGINE: 'mysql' });
    expect(env(dump).DB_REQUIRE_TLS).toBeUndefined();
    expect(Object.values<Json>(my.synth.resource.docker_image).map((i) => i.name)).toContain('mysql:8.4');
  });

  test('images are pulled once per reference and kept on destroy', () => {
    const images = Object.values<Json>(synth.resource.docker_image);
    const names = images.map((i) => i.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining([
      'ghcr.io/acme/facturador:2.3.0', 'postgres:17-alpine', 'valkey/valkey:8.1-alpine', 'postgres:17.6-bookworm', 'amazon/aws-cli:2.27.9', 'docker:27.5.1-cli',
    ]));
    expect(images.every((i) => i.keep_locally === true)).toBe(true);
  });

  test('the local stack matches its snapshot', () => {
    expect(synth).toMatchSnapshot();
  });

  test('fails when hostPort is out of range', () => {
    const stack = new TerraformStack(Testing.app(), 'bad');
    expect(() => new DockerRuntime(stack, 'Runtime', { hostPort: 70000 })).toThrow(/hostPort/);
    expect(() => new DockerRuntime(stack, 'Runtime2', { hostPort: 70000 })).toThrow(ErpValidationError);
  });

  test('fails when a local database is given a cache engine or a bad version', () => {
    const stack = new TerraformStack(Testing.app(), 'bad');
    const runtime = new DockerRuntime(stack, 'Runtime');
    expect(() => new LocalDatabase(stack, 'Db', { runtime, engine: DatabaseEngineFamily.VALKEY, version: 'latest' }))
      .toThrow(/engine: is not a SQL engine[\s\S]*version: is not a major version/);
  });
});
