import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { execFileSync } from 'child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as YAML from 'yaml';
import {
  DropletRuntime, DropletSize, ErpAppService, KubernetesCluster, KubernetesRuntime, ProcessModel,
} from '../lib/app-service';
import { backupJob } from '../lib/app-service/private/backup-job';
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

interface Run {
  /** Arguments of the dump command, one per element. */
  readonly dumpArgs: string[];
  /** The PGSSL* variables the dump command saw. */
  readonly pgEnv: Record<string, string>;
  /** The `aws` command lines, one per upload. */
  readonly uploads: string[];
}

/**
 * Runs a backup job script in a POSIX shell, with stand-ins for mysqldump (it
 * answers `--version` as the client given), pg_dump and aws that record how
 * they were called. `apk` fails: the stand-ins are already on the PATH.
 */
function runScript(parts: { plain: Record<string, string>; secret: Record<string, string>; script: string }, mysqldumpVersion = MARIADB_DUMP): Run {
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
    stub('aws', `echo "$*" >> "$CALLS/aws.calls"`);
    stub('apk', 'echo "apk must not run" >&2; exit 1');
    // bash as a POSIX shell with pipefail (what Alpine's ash offers), reading no startup file
    execFileSync('bash', ['--norc', '--noprofile', '--posix', '-c', parts.script], {
      env: {
        PATH: `${bin}:${process.env.PATH}`, HOME: dir, CALLS: dir, FAKE_MYSQLDUMP_VERSION: mysqldumpVersion, ...parts.plain, ...parts.secret,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8').trim().split('\n').filter((l) => l !== '') : []);
    return {
      dumpArgs: read('dump.args'),
      pgEnv: Object.fromEntries(read('pg.env').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])),
      uploads: read('aws.calls'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function job(connection: DatabaseConnection, requireTls: boolean, caFile?: string) {
  return backupJob('backup', connection, new FakeVault().grantWrite('BackupWriter'), requireTls, caFile);
}

const TLS_FLAGS = /^--ssl/;

describe('the backup job script', () => {
  const mysql = fakeDb(DatabaseEngineFamily.MYSQL, CA_PEM).connection;
  const postgres = fakeDb(DatabaseEngineFamily.POSTGRES).connection;

  test('verifies a MySQL server with the CA file, with the flags of MariaDB\'s mysqldump (what the job installs on Alpine)', () => {
    const parts = job(mysql, true, DATABASE_CA_CERT_PATH);
    expect(parts.plain.DB_SSL_CA).toBe(DATABASE_CA_CERT_PATH);
    const run = runScript(parts, MARIADB_DUMP);
    expect(run.dumpArgs.filter((a) => TLS_FLAGS.test(a))).toEqual(['--ssl', `--ssl-ca=${DATABASE_CA_CERT_PATH}`, '--ssl-verify-server-cert']);
    expect(run.dumpArgs.slice(-1)).toEqual(['erp']);
    expect(run.uploads[0]).toMatch(/^s3 cp \/tmp\/backup-\d{8}T\d{6}Z\.sql\.gz s3:\/\/erp-backups-vault\/daily\/backup-/);
  });

  test('verifies a MySQL server with the CA file, with the flags of Oracle\'s mysqldump when the image brings that one', () => {
    const run = runScript(job(mysql, true, DATABASE_CA_CERT_PATH), ORACLE_DUMP);
    expect(run.dumpArgs.filter((a) => TLS_FLAGS.test(a))).toEqual(['--ssl-mode=VERIFY_CA', `--ssl-ca=${DATABASE_CA_CERT_PATH}`]);
  });

  test('without a CA file requires TLS to MySQL without verifying, in each client\'s words', () => {
    const parts = job(mysql, true);
    expect(parts.plain.DB_SSL_CA).toBeUndefined();
    expect(runScript(parts, MARIADB_DUMP).dumpArgs.filter((a) => TLS_FLAGS.test(a))).toEqual(['--ssl']);
    expect(runScript(parts, ORACLE_DUMP).dumpArgs.filter((a) => TLS_FLAGS.test(a))).toEqual(['--ssl-mode=REQUIRED']);
  });

  test('without TLS required passes no TLS flag to mysqldump, even with a CA file', () => {
    const parts = job(mysql, false, DATABASE_CA_CERT_PATH);
    expect(parts.plain.DB_SSL_CA).toBeUndefined();
    expect(runScript(parts).dumpArgs.filter((a) => TLS_FLAGS.test(a))).toEqual([]);
  });

  test('verifies a PostgreSQL server with the CA file (verify-full), and requires TLS when there is none', () => {
    expect(runScript(job(postgres, true, DATABASE_CA_CERT_PATH)).pgEnv).toEqual({ PGSSLMODE: 'verify-full', PGSSLROOTCERT: DATABASE_CA_CERT_PATH });
    expect(runScript(job(postgres, true)).pgEnv).toEqual({ PGSSLMODE: 'require' });
    expect(runScript(job(postgres, false, DATABASE_CA_CERT_PATH)).pgEnv).toEqual({ PGSSLMODE: 'prefer' });
  });

  test('keeps clear of "${" so that it passes through Terraform strings untouched', () => {
    for (const parts of [job(mysql, true, DATABASE_CA_CERT_PATH), job(mysql, true), job(postgres, true, DATABASE_CA_CERT_PATH)]) {
      expect(parts.script).not.toContain('${');
    }
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

describe('the backup job of an app', () => {
  test('on managed MySQL 8 mounts the database CA certificate into the job container and verifies the server with it', () => {
    const { compose, model } = onDroplet((app, stack) => {
      app.connectTo(managedDb(stack, DatabaseEngine.mysql(8)));
      app.backupTo(new FakeVault());
    });
    const backup = model.jobs.find((j) => j.name === 'backup')!;
    expect(backup.files).toEqual(['database-ca']);
    expect(backup.environment.DB_SSL_CA).toBe(DATABASE_CA_CERT_PATH);
    expect(backup.command[2]).toContain('--ssl-verify-server-cert');
    expect(backup.command[2]).toContain('--ssl-mode=VERIFY_CA');
    expect(compose.services.backup.volumes).toEqual([`./files/database-ca.pem:${DATABASE_CA_CERT_PATH}:ro`]);
    expect(compose.services.backup.environment.DB_SSL_CA).toBe(DATABASE_CA_CERT_PATH);
    expect(model.files!.map((f) => f.name)).toEqual(['database-ca']);
  });

  test('on managed PostgreSQL requires TLS without verifying: the DigitalOcean PostgreSQL connection hands over no CA certificate', () => {
    const { compose, model } = onDroplet((app, stack) => {
      app.connectTo(managedDb(stack, DatabaseEngine.postgres(16)));
      app.backupTo(new FakeVault());
    });
    const backup = model.jobs.find((j) => j.name === 'backup')!;
    expect(backup.environment.PGSSLMODE).toBe('require');
    expect(backup.environment.PGSSLROOTCERT).toBeUndefined();
    expect(backup.files).toBeUndefined();
    expect(compose.services.backup.volumes).toBeUndefined();
  });

  test('of a PostgreSQL database that hands over a CA certificate verifies the full server identity', () => {
    const { compose, model } = onDroplet((app) => {
      app.connectTo(fakeDb(DatabaseEngineFamily.POSTGRES, CA_PEM));
      app.backupTo(new FakeVault());
    });
    expect(compose.services.backup.environment).toMatchObject({ PGSSLMODE: 'verify-full', PGSSLROOTCERT: DATABASE_CA_CERT_PATH });
    expect(compose.services.backup.volumes).toEqual([`./files/database-ca.pem:${DATABASE_CA_CERT_PATH}:ro`]);
    expect(model.jobs.find((j) => j.name === 'backup')!.files).toEqual(['database-ca']);
  });

  test('of another database with a CA certificate of its own mounts that one, and the app containers keep the app\'s', () => {
    const ledger = fakeDb(DatabaseEngineFamily.MYSQL, OTHER_CA_PEM);
    const { file, compose, model } = onDroplet((app) => {
      app.connectTo(fakeDb(DatabaseEngineFamily.MYSQL, CA_PEM));
      app.backupTo(new FakeVault(), { database: ledger, name: 'backup-ledger' });
    });
    expect(model.files).toEqual([
      { name: 'database-ca', path: DATABASE_CA_CERT_PATH, content: CA_PEM, variable: 'DATABASE_CA_CERT' },
      { name: 'backup-ledger-database-ca', path: DATABASE_CA_CERT_PATH, content: OTHER_CA_PEM },
    ]);
    expect(model.jobs.find((j) => j.name === 'backup-ledger')!.files).toEqual(['backup-ledger-database-ca']);
    expect(compose.services['backup-ledger'].volumes).toEqual([`./files/backup-ledger-database-ca.pem:${DATABASE_CA_CERT_PATH}:ro`]);
    expect(compose.services.web.volumes).toEqual([`./files/database-ca.pem:${DATABASE_CA_CERT_PATH}:ro`]);
    expect(file('files/database-ca.pem')).toBe(CA_PEM);
    expect(file('files/backup-ledger-database-ca.pem')).toBe(OTHER_CA_PEM);
  });

  test('of a database without a CA certificate mounts none, while the app containers mount theirs', () => {
    const { compose, model } = onDroplet((app) => {
      app.connectTo(fakeDb(DatabaseEngineFamily.MYSQL, CA_PEM));
      app.backupTo(new FakeVault(), { database: fakeDb(DatabaseEngineFamily.POSTGRES) as IConnectableDatabase });
    });
    expect(model.jobs.find((j) => j.name === 'backup')!.files).toBeUndefined();
    expect(compose.services.backup.volumes).toBeUndefined();
    expect(compose.services.backup.environment.PGSSLMODE).toBe('require');
    expect(compose.services['schedule-run'].volumes).toEqual([`./files/database-ca.pem:${DATABASE_CA_CERT_PATH}:ro`]);
  });

  test('with requireTls: false neither mounts the CA certificate nor verifies', () => {
    const { compose } = onDroplet((app) => {
      app.connectTo(fakeDb(DatabaseEngineFamily.MYSQL, CA_PEM));
      app.backupTo(new FakeVault(), { requireTls: false });
    });
    expect(compose.services.backup.volumes).toBeUndefined();
    expect(compose.services.backup.environment.DB_SSL_CA).toBeUndefined();
    expect(compose.services.backup.command[2]).not.toContain('--ssl');
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
    expect(Object.fromEntries(configMaps.map(([, c]) => [c.metadata.name, c.data]))).toEqual({
      'facturador-database-ca': { 'database-ca.pem': CA_PEM },
      'facturador-backup-ledger-database-ca': { 'backup-ledger-database-ca.pem': OTHER_CA_PEM },
    });
    const ledgerMapId = configMaps.find(([, c]) => c.metadata.name === 'facturador-backup-ledger-database-ca')![0];
    const cron = Object.values<Json>(synth.resource.kubernetes_cron_job_v1).find((c) => c.metadata.name === 'backup-ledger')!;
    const pod = cron.spec.job_template.spec.template.spec;
    expect(pod.volume.filter((v: Json) => v.config_map).map((v: Json) => v.config_map.name)).toEqual([`\${kubernetes_config_map_v1.${ledgerMapId}.metadata[0].name}`]);
    expect(pod.container[0].volume_mount).toContainEqual({
      name: 'file-backup-ledger-database-ca', mount_path: DATABASE_CA_CERT_PATH, sub_path: 'backup-ledger-database-ca.pem', read_only: true,
    });
    expect(pod.container[0].env).toContainEqual({ name: 'DB_SSL_CA', value: DATABASE_CA_CERT_PATH });
  });
});
