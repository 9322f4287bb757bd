import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { execFileSync } from 'child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as YAML from 'yaml';
import {
  DockerRuntime, DropletRuntime, DropletSize, ErpAppService, KubernetesCluster, KubernetesRuntime, ProcessModel,
} from '../lib/app-service';
import { BACKUP_SCRATCH_PATH, BACKUP_SCRIPT_FILE, BACKUP_SCRIPT_PATH, MYSQL_CLIENT_IMAGE, POSTGRES_CLIENT_IMAGES, STORE_CLIENT_IMAGE, backupJobs } from '../lib/app-service/private/backup-job';
import { DatabaseConnection, DatabaseEngineFamily, IConnectableDatabase } from '../lib/common/contracts';
import { DoRegion } from '../lib/common/region';
import { DATABASE_CA_CERT_PATH, DatabaseEngine, DatabaseSize, ManagedDatabase } from '../lib/database';
import { FakeDatabase, FakeVault, SECRET, releaseStore } from './app-service-fakes';

type Json = Record<string, any>;

const MARIADB_DUMP = 'mysqldump  Ver 10.19 Distrib 10.11.8-MariaDB, for Linux (x86_64)';
const ORACLE_DUMP = 'mysqldump  Ver 8.0.40 for Linux on x86_64 (MySQL Community Server - GPL)';
const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIEQTCCAqmgAwIBAgIUFAKEFAKEFAKE\nZmFrZSBjYSBjZXJ0aWZpY2F0ZQ==\n-----END CERTIFICATE-----\n';
const OTHER_CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIEQTCCAqmgAwIBAgIUT1RIRVI=\n-----END CERTIFICATE-----\n';

/** A database double with the variables a managed database hands over, its CA certificate included when given. */
function fakeDb(engine: DatabaseEngineFamily, ca?: string): FakeDatabase {
  const port = engine === DatabaseEngineFamily.MYSQL ? '25060' : '25061';
  return new FakeDatabase(engine, {
    plain: {
      DB_HOST: 'db.internal', DB_PORT: port, DB_DATABASE: 'erp', DB_USERNAME: 'erp',
      ...(ca !== undefined ? { MYSQL_ATTR_SSL_CA: DATABASE_CA_CERT_PATH, DATABASE_CA_CERT: ca } : {}),
    },
    secret: { DB_PASSWORD: SECRET.dbPassword, DATABASE_URL: SECRET.dbUri },
  });
}

const SCRIPT = join(__dirname, '..', 'lib', 'backup', 'scripts', 'erp-backup.sh');

interface Run {
  /** Arguments of the dump command, one per element. */
  readonly dumpArgs: string[];
  /** The PGSSL* variables the dump command saw. */
  readonly pgEnv: Record<string, string>;
}

/**
 * Runs the dump stage of the shipped backup script with the variables of a job, and stand-ins for
 * mysqldump (it answers `--version` as the client given) and pg_dump that record how they were called.
 */
function runDump(env: { plain: Record<string, string>; secret: Record<string, string> }, mysqldumpVersion = MARIADB_DUMP): Run {
  const dir = mkdtempSync(join(tmpdir(), 'backup-job-'));
  try {
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const stub = (name: string, body: string) => {
      writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    };
    stub('mysqldump', `if [ "$1" = --version ]; then echo "$FAKE_MYSQLDUMP_VERSION"; exit 0; fi\nprintf '%s\\n' "$@" > "$CALLS/dump.args"\necho '-- dump'`);
    stub('pg_dump', `printf '%s\\n' "$@" > "$CALLS/dump.args"\nenv | grep '^PGSSL' | sort > "$CALLS/pg.env" || true\necho '-- dump'`);
    execFileSync('bash', [SCRIPT, 'dump'], {
      env: {
        PATH: `${bin}:${process.env.PATH}`, CALLS: dir, FAKE_MYSQLDUMP_VERSION: mysqldumpVersion, ...env.plain, ...env.secret,
        HOME: dir, BACKUP_SCRATCH: join(dir, 'scratch'), BACKUP_STAGED: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8').trim().split('\n').filter((l) => l !== '') : []);
    return {
      dumpArgs: read('dump.args'),
      pgEnv: Object.fromEntries(read('pg.env').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function job(connection: DatabaseConnection, requireTls: boolean, caFile?: string) {
  const vault = new FakeVault();
  return backupJobs({
    name: 'backup', connection, writer: vault.grantWrite('BackupWriter'), restorer: vault.grantRestore('BackupRestorer'), requireTls, caFile,
    timeZone: 'Etc/UTC', maxAgeSeconds: 30 * 3600, databaseImage: MYSQL_CLIENT_IMAGE, storeImage: STORE_CLIENT_IMAGE, scratchMib: 4096,
  }).backup;
}

const TLS_FLAGS = /^--ssl/;

describe('the backup job script', () => {
  const mysql = fakeDb(DatabaseEngineFamily.MYSQL, CA_PEM).connection;
  const postgres = fakeDb(DatabaseEngineFamily.POSTGRES).connection;

  test('verifies a MySQL server with the CA file, with the flags of MariaDB\'s mysqldump', () => {
    const run = runDump(job(mysql, true, DATABASE_CA_CERT_PATH));
    expect(run.dumpArgs.filter((a) => TLS_FLAGS.test(a))).toEqual(['--ssl', `--ssl-ca=${DATABASE_CA_CERT_PATH}`, '--ssl-verify-server-cert']);
    expect(run.dumpArgs).toEqual(expect.arrayContaining(['--single-transaction', '--no-tablespaces', '--add-drop-table', 'erp']));
  });

  test('verifies a MySQL server with the CA file, with the flags of Oracle\'s mysqldump (the MySQL image\'s), without GTID statements', () => {
    const run = runDump(job(mysql, true, DATABASE_CA_CERT_PATH), ORACLE_DUMP);
    expect(run.dumpArgs.filter((a) => TLS_FLAGS.test(a))).toEqual(['--ssl-mode=VERIFY_CA', `--ssl-ca=${DATABASE_CA_CERT_PATH}`]);
    expect(run.dumpArgs).toContain('--set-gtid-purged=OFF');
  });

  test('without a CA file requires TLS to MySQL without verifying, in each client\'s words', () => {
    const parts = job(mysql, true);
    expect(runDump(parts, MARIADB_DUMP).dumpArgs.filter((a) => TLS_FLAGS.test(a))).toEqual(['--ssl']);
    expect(runDump(parts, ORACLE_DUMP).dumpArgs.filter((a) => TLS_FLAGS.test(a))).toEqual(['--ssl-mode=REQUIRED']);
  });

  test('without TLS required passes no TLS flag to mysqldump, even with a CA file', () => {
    const parts = job(mysql, false, DATABASE_CA_CERT_PATH);
    expect(runDump(parts).dumpArgs.filter((a) => TLS_FLAGS.test(a))).toEqual([]);
  });

  test('verifies a PostgreSQL server with the CA file (verify-full), and requires TLS when there is none', () => {
    expect(runDump(job(postgres, true, DATABASE_CA_CERT_PATH)).pgEnv).toEqual({ PGSSLMODE: 'verify-full', PGSSLROOTCERT: DATABASE_CA_CERT_PATH });
    expect(runDump(job(postgres, true)).pgEnv).toEqual({ PGSSLMODE: 'require' });
    expect(runDump(job(postgres, false, DATABASE_CA_CERT_PATH)).pgEnv).toEqual({ PGSSLMODE: 'prefer' });
  });

  test('dumps PostgreSQL so that it restores over an existing database (--clean --if-exists), without owners or grants', () => {
    expect(runDump(job(postgres, true)).dumpArgs).toEqual(expect.arrayContaining(['--clean', '--if-exists', '--no-owner', '--no-privileges', '--dbname=erp']));
  });

  test('prints the weekly and monthly keys of each epoch, in the job\'s time zone', () => {
    const out = execFileSync('bash', [SCRIPT, 'keys'], { input: '1798761600\n1799366400', env: { PATH: process.env.PATH, BACKUP_TIME_ZONE: 'America/Lima' } }).toString();
    expect(out).toBe('1798761600 2027-01-01 2026-W53 2026-12\n1799366400 2027-01-08 2027-W01 2027-01\n');
  });
});

const LARAVEL: ProcessModel = {
  processes: {
    web: { image: 'ghcr.io/facturador/app:3.1.0', port: 8080, healthCheck: { path: '/up' } },
    workers: [{ name: 'queue', command: 'php artisan queue:work --tries=3 --timeout=90' }],
    scheduler: { everyMinute: ['php', 'artisan', 'schedule:run'] },
    release: { command: ['php', 'artisan', 'migrate', '--force'] },
  },
};

function onDroplet(connect: (app: ErpAppService, stack: TerraformStack) => void) {
  const stack = new TerraformStack(Testing.app(), 'dev');
  new DigitaloceanProvider(stack, 'digitalocean', {});
  const runtime = new DropletRuntime(stack, 'Runtime', {
    region: DoRegion.FRA1, size: DropletSize.S_2VCPU_4GB, sshKeys: ['41234567'], releaseStore: releaseStore(stack), adminCidrs: ['203.0.113.7/32'],
  });
  const app = new ErpAppService(stack, 'App', { name: 'facturador', runtime, ...LARAVEL });
  connect(app, stack);
  const synth: Json = JSON.parse(Testing.synth(stack));
  // the release objects of the droplet, as the store holds them
  const file = (key: string): string | undefined => {
    const o = Object.values<Json>(synth.resource.aws_s3_object).find((x) => x.key === `facturador-1/${key}`);
    return o ? String(o.content).replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{') : undefined;
  };
  const compose = YAML.parse(file('compose.yaml')!, { version: '1.1' });
  return { app, synth, file, compose, model: app.resolve() };
}

function managedDb(stack: TerraformStack, engine: DatabaseEngine): ManagedDatabase {
  return new ManagedDatabase(stack, 'Database', {
    name: 'facturador-db', engine, size: DatabaseSize.DB_S_1VCPU_2GB, region: DoRegion.FRA1, databases: ['facturador'], users: ['facturador'],
  });
}

const SCRIPT_MOUNT = `./files/${BACKUP_SCRIPT_FILE}.sh:${BACKUP_SCRIPT_PATH}:ro`;
const CA_MOUNT = `./files/database-ca.pem:${DATABASE_CA_CERT_PATH}:ro`;
const SCRATCH_MOUNT = `/mnt/data/scratch/backup:${BACKUP_SCRATCH_PATH}`;

describe('the backup job of an app', () => {
  test('on managed MySQL 8 mounts the database CA certificate into every stage and verifies the server with it', () => {
    const { compose, model } = onDroplet((app, stack) => {
      app.connectTo(managedDb(stack, DatabaseEngine.mysql(8)));
      app.backupTo(new FakeVault());
    });
    const backup = model.jobs.find((j) => j.name === 'backup')!;
    expect(backup.files).toEqual([BACKUP_SCRIPT_FILE, 'database-ca']);
    expect(backup.environment).toMatchObject({ DB_ENGINE: 'mysql', DB_REQUIRE_TLS: '1', DB_SSL_CA: DATABASE_CA_CERT_PATH });
    for (const service of ['backup.dump', 'backup']) {
      expect(compose.services[service].volumes).toEqual([CA_MOUNT, SCRIPT_MOUNT, SCRATCH_MOUNT]);
      expect(compose.services[service].environment.DB_SSL_CA).toBe(DATABASE_CA_CERT_PATH);
    }
    expect(model.files!.map((f) => f.name)).toEqual(['database-ca', BACKUP_SCRIPT_FILE]);
  });

  test('runs the dump in the engine\'s pinned image and the upload in the AWS CLI\'s, as uid 999 with a read-only root, nothing installed at run time', () => {
    const { compose } = onDroplet((app, stack) => {
      app.connectTo(managedDb(stack, DatabaseEngine.mysql(8)));
      app.backupTo(new FakeVault());
    });
    expect(compose.services['backup.dump']).toMatchObject({
      image: MYSQL_CLIENT_IMAGE, entrypoint: ['bash'], command: [BACKUP_SCRIPT_PATH, 'dump'], user: '999:999', read_only: true, profiles: ['jobs'],
    });
    expect(compose.services.backup).toMatchObject({
      image: STORE_CLIENT_IMAGE, entrypoint: ['bash'], command: [BACKUP_SCRIPT_PATH, 'upload'], user: '999:999', read_only: true,
    });
    const commands = Object.values<Json>(compose.services).map((x) => JSON.stringify(x.command ?? ''));
    expect(commands.filter((c) => /apk|apt-get|pip install/.test(c))).toEqual([]);
  });

  test('on managed PostgreSQL 16 dumps with the PostgreSQL 16 client and requires TLS without verifying (no CA certificate is handed over)', () => {
    const { compose, model } = onDroplet((app, stack) => {
      app.connectTo(managedDb(stack, DatabaseEngine.postgres(16)));
      app.backupTo(new FakeVault());
    });
    const backup = model.jobs.find((j) => j.name === 'backup')!;
    expect(backup.environment.PGSSLMODE).toBe('require');
    expect(backup.environment.PGSSLROOTCERT).toBeUndefined();
    expect(backup.files).toEqual([BACKUP_SCRIPT_FILE]);
    expect(backup.stages!.map((st) => [st.name, st.image])).toEqual([['dump', POSTGRES_CLIENT_IMAGES[16]]]);
    expect(compose.services.backup.volumes).toEqual([SCRIPT_MOUNT, SCRATCH_MOUNT]);
  });

  test('of a PostgreSQL database that hands over a CA certificate verifies the full server identity', () => {
    const { compose, model } = onDroplet((app) => {
      app.connectTo(fakeDb(DatabaseEngineFamily.POSTGRES, CA_PEM));
      app.backupTo(new FakeVault());
    });
    expect(compose.services.backup.environment).toMatchObject({ PGSSLMODE: 'verify-full', PGSSLROOTCERT: DATABASE_CA_CERT_PATH });
    expect(compose.services.backup.volumes).toEqual([CA_MOUNT, SCRIPT_MOUNT, SCRATCH_MOUNT]);
    expect(model.jobs.find((j) => j.name === 'backup')!.files).toEqual([BACKUP_SCRIPT_FILE, 'database-ca']);
  });

  test('of another database with a CA certificate of its own mounts that one in its backup, restore and drill, and the app containers keep the app\'s', () => {
    const ledger = fakeDb(DatabaseEngineFamily.MYSQL, OTHER_CA_PEM);
    const { file, compose, model } = onDroplet((app) => {
      app.connectTo(fakeDb(DatabaseEngineFamily.MYSQL, CA_PEM));
      app.backupTo(new FakeVault(), { database: ledger, name: 'backup-ledger', restoreDrillSchedule: '0 4 * * 0' });
    });
    expect(model.files!.filter((f) => f.name !== BACKUP_SCRIPT_FILE)).toEqual([
      { name: 'database-ca', path: DATABASE_CA_CERT_PATH, content: CA_PEM, variable: 'DATABASE_CA_CERT' },
      { name: 'backup-ledger-database-ca', path: DATABASE_CA_CERT_PATH, content: OTHER_CA_PEM },
    ]);
    for (const name of ['backup-ledger', 'backup-ledger-restore', 'backup-ledger-drill']) {
      expect(model.jobs.find((j) => j.name === name)!.files).toEqual([BACKUP_SCRIPT_FILE, 'backup-ledger-database-ca']);
    }
    expect(compose.services['backup-ledger'].volumes).toContain(`./files/backup-ledger-database-ca.pem:${DATABASE_CA_CERT_PATH}:ro`);
    expect(compose.services.web.volumes).toEqual([CA_MOUNT]);
    expect(file('files/database-ca.pem')).toBe(CA_PEM);
    expect(file('files/backup-ledger-database-ca.pem')).toBe(OTHER_CA_PEM);
  });

  test('of a database without a CA certificate mounts none, while the app containers mount theirs', () => {
    const { compose, model } = onDroplet((app) => {
      app.connectTo(fakeDb(DatabaseEngineFamily.MYSQL, CA_PEM));
      app.backupTo(new FakeVault(), { database: fakeDb(DatabaseEngineFamily.POSTGRES) as IConnectableDatabase });
    });
    expect(model.jobs.find((j) => j.name === 'backup')!.files).toEqual([BACKUP_SCRIPT_FILE]);
    expect(compose.services.backup.volumes).toEqual([SCRIPT_MOUNT, SCRATCH_MOUNT]);
    expect(compose.services.backup.environment.PGSSLMODE).toBe('require');
    expect(compose.services['schedule-run'].volumes).toEqual([CA_MOUNT]);
  });

  test('with requireTls: false neither mounts the CA certificate nor verifies', () => {
    const { compose } = onDroplet((app) => {
      app.connectTo(fakeDb(DatabaseEngineFamily.MYSQL, CA_PEM));
      app.backupTo(new FakeVault(), { requireTls: false });
    });
    expect(compose.services.backup.volumes).toEqual([SCRIPT_MOUNT, SCRATCH_MOUNT]);
    expect(compose.services.backup.environment.DB_SSL_CA).toBeUndefined();
    expect(compose.services.backup.environment.DB_REQUIRE_TLS).toBeUndefined();
  });

  test('on a droplet runs the stages through erp-agent run, not the restore, and names the jobs and the scratch folder in the manifest', () => {
    const { file } = onDroplet((app) => {
      app.connectTo(fakeDb(DatabaseEngineFamily.POSTGRES));
      app.backupTo(new FakeVault(), { heartbeatUrl: 'https://hc-ping.com/0f6c1f36-7d0e-4a4b-9d3b-4d2b5f0c9e11' });
    });
    const cron = file('cron')!;
    expect(cron).toContain('0 2 * * * root flock -n /run/lock/facturador-backup.lock /usr/local/sbin/erp-agent run backup 2>&1 | logger -t facturador-backup');
    expect(cron).not.toContain('restore');
    const manifest = file('manifest')!;
    expect(manifest).toContain('job backup backup.dump backup\n');
    expect(manifest).toContain('job backup-restore backup-restore.fetch backup-restore.safety-dump backup-restore.keep-safety backup-restore.load backup-restore\n');
    expect(manifest).toContain('scratch backup 999:999\n');
    // the ping URL is a credential: in the job's env file, not in the compose file
    expect(file('compose.yaml')).not.toContain('hc-ping.com');
    expect(file('env/backup-backup.env')).toContain("BACKUP_HEARTBEAT_URL='https://hc-ping.com/0f6c1f36-7d0e-4a4b-9d3b-4d2b5f0c9e11'");
  });

  test('ships the script unchanged to the droplet', () => {
    const { file } = onDroplet((app) => {
      app.connectTo(fakeDb(DatabaseEngineFamily.POSTGRES));
      app.backupTo(new FakeVault());
    });
    expect(file(`files/${BACKUP_SCRIPT_FILE}.sh`)).toBe(readFileSync(SCRIPT, 'utf8'));
  });

  test('in a time zone runs from a systemd timer that starts erp-agent run', () => {
    const { file } = onDroplet((app) => {
      app.connectTo(fakeDb(DatabaseEngineFamily.POSTGRES));
      app.backupTo(new FakeVault(), { timeZone: 'America/Lima' });
    });
    expect(file('timers/erp-job-facturador-backup.service')).toContain('ExecStart=/usr/local/sbin/erp-agent run backup\n');
    expect(file('timers/erp-job-facturador-backup.timer')).toContain('OnCalendar=*-*-* 02:00:00 America/Lima');
    expect(file('timers/erp-job-facturador-backup-restore.timer')).toBeUndefined();
  });

  test('on Kubernetes runs the stages as init containers sharing a sized emptyDir, and the restore as a suspended CronJob', () => {
    const stack = new TerraformStack(Testing.app(), 'ha');
    const cluster = KubernetesCluster.fromClusterName(stack, 'Cluster', { name: 'facturador-ha', region: DoRegion.FRA1 });
    const runtime = new KubernetesRuntime(stack, 'Runtime', { cluster });
    const app = new ErpAppService(stack, 'App', { name: 'facturador', runtime, ...LARAVEL });
    app.connectTo(fakeDb(DatabaseEngineFamily.MYSQL, CA_PEM));
    app.backupTo(new FakeVault(), { scratchSizeGib: 8 });
    const synth: Json = JSON.parse(Testing.synth(stack));
    const crons = Object.values<Json>(synth.resource.kubernetes_cron_job_v1);
    const backup = crons.find((c) => c.metadata.name === 'backup')!;
    const pod = backup.spec.job_template.spec.template.spec;
    expect(pod.init_container.map((c: Json) => [c.name, c.image, c.command, c.args])).toEqual([['dump', MYSQL_CLIENT_IMAGE, ['bash'], [BACKUP_SCRIPT_PATH, 'dump']]]);
    expect([pod.container[0].image, pod.container[0].command, pod.container[0].args]).toEqual([STORE_CLIENT_IMAGE, ['bash'], [BACKUP_SCRIPT_PATH, 'upload']]);
    for (const c of [...pod.init_container, ...pod.container]) {
      expect(c.security_context).toMatchObject({ run_as_user: '999', run_as_group: '999', run_as_non_root: true, read_only_root_filesystem: true, allow_privilege_escalation: false });
      expect(c.volume_mount).toContainEqual({ name: 'scratch', mount_path: BACKUP_SCRATCH_PATH });
    }
    expect(pod.volume).toContainEqual({ name: 'scratch', empty_dir: { size_limit: '8192Mi' } });
    expect(backup.spec.suspend).toBeUndefined();
    const restore = crons.find((c) => c.metadata.name === 'backup-restore')!;
    expect(restore.spec.suspend).toBe(true);
    expect(restore.spec.job_template.spec.template.spec.init_container.map((c: Json) => c.name)).toEqual(['fetch', 'safety-dump', 'keep-safety', 'load']);
    const script = Object.values<Json>(synth.resource.kubernetes_config_map_v1).find((c) => c.metadata.name === `facturador-${BACKUP_SCRIPT_FILE}`)!;
    // Terraform reads "${" as a template: the ConfigMap holds the script with it escaped, which Terraform turns back
    expect(String(script.data[`${BACKUP_SCRIPT_FILE}.sh`]).replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{')).toBe(readFileSync(SCRIPT, 'utf8'));
  });

  test('on Kubernetes reads the CA certificate of its own database from a ConfigMap of its own', () => {
    const stack = new TerraformStack(Testing.app(), 'ha');
    const cluster = KubernetesCluster.fromClusterName(stack, 'Cluster', { name: 'facturador-ha', region: DoRegion.FRA1 });
    const runtime = new KubernetesRuntime(stack, 'Runtime', { cluster });
    const app = new ErpAppService(stack, 'App', { name: 'facturador', runtime, ...LARAVEL });
    app.connectTo(fakeDb(DatabaseEngineFamily.MYSQL, CA_PEM));
    app.backupTo(new FakeVault(), { database: fakeDb(DatabaseEngineFamily.MYSQL, OTHER_CA_PEM), name: 'backup-ledger' });
    const synth: Json = JSON.parse(Testing.synth(stack));
    const configMaps = Object.entries<Json>(synth.resource.kubernetes_config_map_v1);
    const data = Object.fromEntries(configMaps.map(([, c]) => [c.metadata.name, c.data]));
    expect(data['facturador-database-ca']).toEqual({ 'database-ca.pem': CA_PEM });
    expect(data['facturador-backup-ledger-database-ca']).toEqual({ 'backup-ledger-database-ca.pem': OTHER_CA_PEM });
    const ledgerMapId = configMaps.find(([, c]) => c.metadata.name === 'facturador-backup-ledger-database-ca')![0];
    const cron = Object.values<Json>(synth.resource.kubernetes_cron_job_v1).find((c) => c.metadata.name === 'backup-ledger')!;
    const pod = cron.spec.job_template.spec.template.spec;
    expect(pod.volume.filter((v: Json) => v.config_map).map((v: Json) => v.config_map.name)).toContain(`\${kubernetes_config_map_v1.${ledgerMapId}.metadata[0].name}`);
    expect(pod.container[0].volume_mount).toContainEqual({
      name: 'file-backup-ledger-database-ca', mount_path: DATABASE_CA_CERT_PATH, sub_path: 'backup-ledger-database-ca.pem', read_only: true,
    });
    expect(pod.container[0].env).toContainEqual({ name: 'DB_SSL_CA', value: DATABASE_CA_CERT_PATH });
  });

  test('on a local Docker engine creates the stages\' containers unstarted, and one runner that starts them in order', () => {
    const stack = new TerraformStack(Testing.app(), 'local');
    const runtime = new DockerRuntime(stack, 'Runtime', {});
    const app = new ErpAppService(stack, 'App', { name: 'facturador', runtime, ...LARAVEL });
    app.connectTo(fakeDb(DatabaseEngineFamily.POSTGRES));
    app.backupTo(new FakeVault());
    const synth: Json = JSON.parse(Testing.synth(stack));
    const containers = Object.values<Json>(synth.resource.docker_container);
    const byName = (n: string) => containers.find((c) => c.name === n)!;
    for (const n of ['facturador-backup.dump', 'facturador-backup', 'facturador-backup-restore.fetch', 'facturador-backup-restore']) {
      expect(byName(n)).toMatchObject({ start: false, must_run: false, restart: 'no', user: '999:999' });
      expect(byName(n).volumes).toContainEqual(expect.objectContaining({ container_path: BACKUP_SCRATCH_PATH }));
    }
    const runner = byName('facturador-jobs');
    expect(runner.volumes).toContainEqual({ host_path: '/var/run/docker.sock', container_path: '/var/run/docker.sock' });
    const script = runner.upload.find((u: Json) => u.file === '/usr/local/bin/erp-run-job').content as string;
    expect(script).toContain("backup) containers='facturador-backup.dump facturador-backup'; owner='999:999' ;;");
    expect(script).toContain("backup-restore) containers='facturador-backup-restore.fetch facturador-backup-restore.safety-dump facturador-backup-restore.keep-safety facturador-backup-restore.load facturador-backup-restore'");
    expect(runner.command[2]).toContain('/usr/local/bin/erp-run-job backup');
    expect(runner.command[2]).not.toContain('erp-run-job backup-restore');
  });
});

describe('backupTo validation', () => {
  const attempt = (options: Parameters<ErpAppService['backupTo']>[1], db = fakeDb(DatabaseEngineFamily.POSTGRES) as IConnectableDatabase) => () =>
    onDroplet((app) => {
      app.connectTo(db);
      app.backupTo(new FakeVault(), options);
    });

  test('fails on a schedule that skips whole weeks while the vault keeps weekly dumps, naming the weeks and the fix', () => {
    expect(attempt({ schedule: '0 2 1 * *' })).toThrow(/backupTo\.options\.schedule: leaves whole ISO weeks without a run.*2027-W01.*\(got \"0 2 1 \* \*\"\)\. Fix: .*weeklyRetentionWeeks: 0/);
  });

  test('fails on a schedule that skips whole months while the vault keeps monthly dumps', () => {
    expect(attempt({ schedule: '0 2 * 1-6 *' })).toThrow(/backupTo\.options\.schedule.*months/);
  });

  test('fails on a PostgreSQL version with no pinned client image, asking for databaseImage', () => {
    const db = new FakeDatabase(DatabaseEngineFamily.POSTGRES);
    (db.connection as { engineVersion?: string }).engineVersion = '18';
    expect(attempt({}, db)).toThrow(/backupTo\.options\.databaseImage.*no client image is pinned for postgres 18/);
  });

  test('fails on a heartbeat URL that is not an http(s) URL, without echoing it', () => {
    expect(attempt({ heartbeatUrl: 'hc-ping.com/secret-uuid' })).toThrow(/backupTo\.options\.heartbeatUrl: is not an http\(s\) URL.*\(got \"<hidden>\"\)/);
    expect(attempt({ heartbeatUrl: 'hc-ping.com/secret-uuid' })).not.toThrow(/secret-uuid/);
  });

  test('fails on a scratch size that is not a whole number of GiB, and on a drill schedule that is not cron', () => {
    expect(attempt({ scratchSizeGib: 0.5 })).toThrow(/backupTo\.options\.scratchSizeGib/);
    expect(attempt({ restoreDrillSchedule: 'every sunday' })).toThrow(/backupTo\.options\.restoreDrillSchedule/);
  });

  test('fails when the restore job\'s name is taken by a process', () => {
    const stack = new TerraformStack(Testing.app(), 'dev');
    new DigitaloceanProvider(stack, 'digitalocean', {});
    const runtime = new DropletRuntime(stack, 'Runtime', {
      region: DoRegion.FRA1, size: DropletSize.S_2VCPU_4GB, sshKeys: ['41234567'], releaseStore: releaseStore(stack),
    });
    const app = new ErpAppService(stack, 'App', {
      name: 'facturador', runtime,
      processes: { ...LARAVEL.processes, workers: [{ name: 'backup-restore', command: 'php artisan queue:work' }] },
    });
    app.connectTo(fakeDb(DatabaseEngineFamily.POSTGRES));
    expect(() => app.backupTo(new FakeVault())).toThrow(/backupTo\.options\.name.*makes the job backup-restore, which is already the name/);
  });
});
