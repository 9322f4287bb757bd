/**
 * Backups that restore, end to end: real PostgreSQL and MariaDB servers from Debian's packages,
 * the real AWS CLI (Debian's awscli) against a local S3-compatible server (s3rver), and the
 * backup script the runtimes ship, run stage by stage exactly as the app model tells every
 * runtime to run it (the stages, their commands, environment and secrets); the only change is
 * where the script and the scratch directory are (the runtimes mount them at fixed paths).
 */
import { App, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { gzipSync } from 'zlib';
import { ErpAppService } from '../lib/app-service/app-service';
import { BACKUP_SCRATCH_PATH, BACKUP_SCRIPT_PATH } from '../lib/app-service/private/backup-job';
import { ResolvedApp, ResolvedJob } from '../lib/app-service/runtime';
import { AppRuntimeBase } from '../lib/app-service/runtimes/base';
import {
  BackupJobEnvironment, DatabaseAccessSource, DatabaseConnection, DatabaseEngineFamily, IBackupDestination, IConnectableDatabase, IDatabaseClient,
} from '../lib/common/contracts';
import {
  CommandResult, DbServer, HeartbeatServer, S3Server, describeE2E, destroyAll, heartbeatServer, runCommand, startMariadb, startPostgres, startS3, toolEnv,
} from './backup/servers';

const SCRIPT = join(__dirname, '..', 'lib', 'backup', 'scripts', 'erp-backup.sh');
const BUCKET = 'erp-backups-e2e';

/** A runtime that keeps the model it is given: what every runtime renders. */
class ModelRuntime extends AppRuntimeBase {
  public readonly databaseClient: IDatabaseClient = { databaseAccessSources: [] };
  public captured?: ResolvedApp;
  constructor(scope: Construct, id: string) {
    super(scope, id, {});
    this.renderAtSynthesis((app) => { this.captured = app; });
  }
  public internalUrl(name: string, port: number): string {
    return `http://${name}:${port}`;
  }
}

/** The database under test, as a construct would hand it to the app. */
class ServerDatabase implements IConnectableDatabase {
  public readonly connection: DatabaseConnection;
  constructor(engine: DatabaseEngineFamily, server: DbServer, version: string) {
    this.connection = {
      engine, engineVersion: version, host: server.host, port: String(server.port), user: server.user, password: server.password,
      database: server.database, uri: '', environment: { plain: {}, secret: {} },
    };
  }
  allowFrom(..._sources: Array<IDatabaseClient | DatabaseAccessSource>): void { /* loopback */ }
}

/** The vault on s3rver: one folder per engine, writer and restorer with s3rver's key. */
class ServerVault implements IBackupDestination {
  constructor(private readonly s3: S3Server, private readonly root: string) {}
  grantWrite(): BackupJobEnvironment { return this.env(); }
  grantRestore(): BackupJobEnvironment { return this.env(); }
  private env(): BackupJobEnvironment {
    return {
      endpoint: this.s3.endpoint, bucket: BUCKET, region: 'us-east-1',
      dailyPrefix: `${this.root}/daily/`, weeklyPrefix: `${this.root}/weekly/`, monthlyPrefix: `${this.root}/monthly/`, safetyPrefix: `${this.root}/safety/`,
      uploadArgs: ['--sse', 'AES256'],
      environment: { plain: {}, secret: { AWS_ACCESS_KEY_ID: this.s3.accessKeyId, AWS_SECRET_ACCESS_KEY: this.s3.secretAccessKey } },
    };
  }
}

/** The app model with a backup of `db` to `vault`, as every runtime receives it. */
function modelFor(db: IConnectableDatabase, vault: IBackupDestination, heartbeatUrl: string): ResolvedApp {
  const stack = new TerraformStack(new App(), 'e2e');
  const runtime = new ModelRuntime(stack, 'Runtime');
  const app = new ErpAppService(stack, 'App', { name: 'erp', runtime, processes: { web: { image: 'ghcr.io/acme/erp:1.0.0', port: 8080 } } });
  app.connectTo(db);
  app.backupTo(vault, { requireTls: false, heartbeatUrl, timeZone: 'America/Lima', restoreDrillSchedule: '0 5 * * 0' });
  Testing.synth(stack);
  return runtime.captured!;
}

interface JobRun {
  readonly code: number | null;
  readonly output: string;
  readonly stages: readonly CommandResult[];
}

/**
 * Runs a job as the runtimes do: each stage, then the job's own container, in order, with the job's
 * plain variables and its secret groups; the script's mount point and the scratch volume are here.
 */
async function runJob(model: ResolvedApp, name: string, scratch: string, extra: Record<string, string> = {}): Promise<JobRun> {
  const job: ResolvedJob = model.jobs.find((j) => j.name === name)!;
  const script = model.files!.find((f) => f.path === BACKUP_SCRIPT_PATH)!;
  expect(job.files).toContain(script.name);
  expect(script.content).toBe(readFileSync(SCRIPT, 'utf8'));
  const secrets = Object.assign({}, ...job.secretGroups.map((g) => model.secretGroups[g]));
  const env = toolEnv({ ...job.environment, ...secrets, ...extra });
  for (const [k, v] of Object.entries(env)) if (v === BACKUP_SCRATCH_PATH) env[k] = scratch;
  const stages: CommandResult[] = [];
  for (const run of [...(job.stages ?? []), job]) {
    const argv = [...(run.entrypoint ?? []), ...run.command].map((a) => (a === BACKUP_SCRIPT_PATH ? SCRIPT : a));
    stages.push(await runCommand(argv[0], argv.slice(1), { env }));
  }
  return { code: stages[stages.length - 1].code, output: stages.map((s) => s.stdout + s.stderr).join(''), stages };
}

/** What a test compares: each table's row count and a checksum of its rows. */
type Fingerprint = Record<string, { rows: number; md5: string }>;

interface Engine {
  readonly title: string;
  readonly family: DatabaseEngineFamily;
  start(): Promise<DbServer>;
  version(server: DbServer): string;
  seed(server: DbServer, customers: number): Promise<void>;
  addRows(server: DbServer, n: number): Promise<void>;
  fingerprint(server: DbServer): Promise<Fingerprint>;
  /** Drops the database and creates it again, empty, owned by (or granted to) the app's user. */
  recreate(server: DbServer): Promise<void>;
  grantDrill(server: DbServer): Promise<void>;
  databases(server: DbServer): Promise<string[]>;
}

const TABLES = ['customers', 'invoices'];

const POSTGRES: Engine = {
  title: 'PostgreSQL',
  family: DatabaseEngineFamily.POSTGRES,
  start: () => startPostgres(),
  version: (s) => s.version.split('.')[0],
  async seed(s, n) {
    await s.appQuery(`
      CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, tax_id text UNIQUE);
      CREATE TABLE invoices (id serial PRIMARY KEY, customer_id int NOT NULL REFERENCES customers(id), total numeric(12,2) NOT NULL, issued date NOT NULL, note text);
      INSERT INTO customers (name, tax_id) SELECT 'Cliente ' || i || ' – ñandú', 'RUC' || (20100000000 + i) FROM generate_series(1, ${n}) i;
      INSERT INTO invoices (customer_id, total, issued, note)
        SELECT 1 + (i % ${n}), round((i * 37.13)::numeric % 10000, 2), date '2026-01-01' + (i % 300), CASE WHEN i % 7 = 0 THEN E'línea 1\\nlínea ''2''' END
        FROM generate_series(1, ${n * 4}) i;`);
  },
  async addRows(s, n) {
    await s.appQuery(`INSERT INTO invoices (customer_id, total, issued) SELECT 1, i, date '2026-12-01' FROM generate_series(1, ${n}) i;`);
  },
  async fingerprint(s) {
    const out: Fingerprint = {};
    for (const t of TABLES) {
      const row = await s.appQuery(`SELECT count(*) || ' ' || coalesce(md5(string_agg(x::text, '|' ORDER BY x.id)), '-') FROM ${t} x`);
      const [rows, md5] = row.trim().split(' ');
      out[t] = { rows: Number(rows), md5 };
    }
    return out;
  },
  async recreate(s) {
    await s.adminQuery(`DROP DATABASE ${s.database} WITH (FORCE)`, 'postgres');
    await s.adminQuery(`CREATE DATABASE ${s.database} OWNER ${s.user}`, 'postgres');
  },
  async grantDrill(s) {
    await s.adminQuery(`ALTER ROLE ${s.user} CREATEDB`, 'postgres');
  },
  async databases(s) {
    return (await s.adminQuery('SELECT datname FROM pg_database ORDER BY 1', 'postgres')).split('\n').map((x) => x.trim()).filter(Boolean);
  },
};

const MARIADB: Engine = {
  title: 'MariaDB (MySQL)',
  family: DatabaseEngineFamily.MYSQL,
  start: () => startMariadb(),
  version: () => '8',
  async seed(s, n) {
    await s.appQuery(`
      CREATE TABLE customers (id int AUTO_INCREMENT PRIMARY KEY, name varchar(200) NOT NULL, tax_id varchar(20) UNIQUE) DEFAULT CHARSET=utf8mb4;
      CREATE TABLE invoices (id int AUTO_INCREMENT PRIMARY KEY, customer_id int NOT NULL, total decimal(12,2) NOT NULL, issued date NOT NULL, note text,
        FOREIGN KEY (customer_id) REFERENCES customers(id)) DEFAULT CHARSET=utf8mb4;
      INSERT INTO customers (name, tax_id) SELECT CONCAT('Cliente ', seq, ' – ñandú'), CONCAT('RUC', 20100000000 + seq) FROM seq_1_to_${n};
      INSERT INTO invoices (customer_id, total, issued, note)
        SELECT 1 + (seq % ${n}), ROUND((seq * 37.13) % 10000, 2), DATE_ADD('2026-01-01', INTERVAL (seq % 300) DAY), IF(seq % 7 = 0, 'línea 1\\nlínea ''2''', NULL)
        FROM seq_1_to_${n * 4};`);
  },
  async addRows(s, n) {
    await s.appQuery(`INSERT INTO invoices (customer_id, total, issued) SELECT 1, seq, '2026-12-01' FROM seq_1_to_${n};`);
  },
  async fingerprint(s) {
    const out: Fingerprint = {};
    for (const t of TABLES) {
      const cols = t === 'customers' ? "id, name, IFNULL(tax_id, '')" : "id, customer_id, total, issued, IFNULL(note, '\\\\N')";
      const row = await s.appQuery(`SET SESSION group_concat_max_len = 67108864; SELECT CONCAT(COUNT(*), ' ', IFNULL(MD5(GROUP_CONCAT(CONCAT_WS(',', ${cols}) ORDER BY id SEPARATOR '|')), '-')) FROM ${t}`);
      const [rows, md5] = row.trim().split(' ');
      out[t] = { rows: Number(rows), md5 };
    }
    return out;
  },
  async recreate(s) {
    await s.adminQuery(`DROP DATABASE ${s.database}; CREATE DATABASE ${s.database}`);
  },
  async grantDrill(s) {
    await s.adminQuery(`GRANT ALL ON \`${s.database}_restore_drill\`.* TO '${s.user}'@'%'; GRANT ALL ON \`${s.database}_restore_drill\`.* TO '${s.user}'@'127.0.0.1'`);
  },
  async databases(s) {
    return (await s.adminQuery('SHOW DATABASES')).split('\n').map((x) => x.trim()).filter(Boolean);
  },
};

afterAll(async () => {
  await destroyAll();
});

for (const engine of [POSTGRES, MARIADB]) {
  describeE2E(`backup and restore of ${engine.title}, against real servers`, () => {
    let db: DbServer;
    let s3: S3Server;
    let beat: HeartbeatServer;
    let model: ResolvedApp;
    let scratch: string;
    const root = engine.family;
    const keys = (tier: string) => s3.listKeys(BUCKET, `${root}/${tier}/`);
    const hits = () => beat.hits.slice();

    beforeAll(async () => {
      [db, s3, beat] = await Promise.all([engine.start(), startS3(), heartbeatServer()]);
      await s3.createBucket(BUCKET).catch(() => undefined);
      model = modelFor(new ServerDatabase(engine.family, db, engine.version(db)), new ServerVault(s3, root), beat.url);
      scratch = mkdtempSync(join(tmpdir(), 'erp-e2e-scratch-'));
      await engine.seed(db, 250);
    }, 120_000);

    afterAll(() => {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
    });

    test('a backup dumps the seeded database and files it under daily/, weekly/ and monthly/, then pings the heartbeat', async () => {
      const before = hits().length;
      const run = await runJob(model, 'backup', scratch);
      expect(run.output).toContain('uploaded');
      expect(run.code).toBe(0);
      const daily = await keys('daily');
      expect(daily).toHaveLength(1);
      expect(daily[0]).toMatch(new RegExp(`^${root}/daily/backup-\\d{8}T\\d{6}Z\\.sql\\.gz$`));
      expect(await keys('weekly')).toEqual([expect.stringMatching(new RegExp(`^${root}/weekly/backup-\\d{4}-W\\d{2}\\.sql\\.gz$`))]);
      expect(await keys('monthly')).toEqual([expect.stringMatching(new RegExp(`^${root}/monthly/backup-\\d{4}-\\d{2}\\.sql\\.gz$`))]);
      const head = await s3.headObject(BUCKET, daily[0]);
      expect(head!.metadata.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(hits().slice(before)).toEqual(['/ping']);
    }, 120_000);

    test('a second backup in the same week and month adds a daily dump only', async () => {
      await new Promise((r) => setTimeout(r, 1100)); // a new second: a new daily key
      const run = await runJob(model, 'backup', scratch);
      expect(run.code).toBe(0);
      expect(await keys('daily')).toHaveLength(2);
      expect(await keys('weekly')).toHaveLength(1);
      expect(await keys('monthly')).toHaveLength(1);
    }, 120_000);

    test('after the database is dropped, the restore brings back every row, and keeps a safety dump of what it replaced', async () => {
      const seeded = await engine.fingerprint(db);
      expect(seeded.customers.rows).toBe(250);
      expect(seeded.invoices.rows).toBe(1000);
      await engine.recreate(db);
      expect(await engine.fingerprint(db).catch(() => 'no tables')).toBe('no tables');
      const before = hits().length;
      const run = await runJob(model, 'backup-restore', scratch);
      expect(run.output).toContain('restored');
      expect(run.code).toBe(0);
      expect(await engine.fingerprint(db)).toEqual(seeded);
      expect(await keys('safety')).toHaveLength(1);
      expect(hits().slice(before)).toEqual(['/ping']);
    }, 180_000);

    test('a restore of an older dump by its key brings back that day\'s rows, not the newest', async () => {
      const old = await engine.fingerprint(db);
      const oldKey = (await keys('daily')).sort().pop()!;
      await engine.addRows(db, 40);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await runJob(model, 'backup', scratch)).code).toBe(0);
      const newer = await engine.fingerprint(db);
      expect(newer.invoices.rows).toBe(old.invoices.rows + 40);
      const run = await runJob(model, 'backup-restore', scratch, { RESTORE_KEY: oldKey });
      expect(run.code).toBe(0);
      expect(await engine.fingerprint(db)).toEqual(old);
      // and the newest, by default
      expect((await runJob(model, 'backup-restore', scratch)).code).toBe(0);
      expect(await engine.fingerprint(db)).toEqual(newer);
    }, 240_000);

    test('the drill restores the newest dump into a scratch database, checks it, drops it and pings the heartbeat', async () => {
      await engine.grantDrill(db);
      const before = hits().length;
      const run = await runJob(model, 'backup-drill', scratch);
      expect(run.output).toContain(`${db.database}_restore_drill`);
      if (run.code !== 0) console.log(run.output);
      expect(run.code).toBe(0);
      expect(await engine.databases(db)).not.toContain(`${db.database}_restore_drill`);
      expect(hits().slice(before)).toEqual(['/ping']);
    }, 180_000);

    test('fails when the database is down: the backup exits non-zero, pings the failure heartbeat and uploads nothing', async () => {
      const daily = await keys('daily');
      await db.stop();
      try {
        const before = hits().length;
        const run = await runJob(model, 'backup', scratch);
        expect(run.code).not.toBe(0);
        expect(run.output).toMatch(/could not dump/);
        expect(hits().slice(before)).toEqual(['/ping/fail']);
        expect(beat.requests[beat.requests.length - 1].body).toMatch(/could not dump/);
        expect(await keys('daily')).toEqual(daily);
      } finally {
        await db.start();
      }
    }, 180_000);

    test('fails when the bucket is unreachable: backup and restore exit non-zero, ping the failure heartbeat, and the database is untouched', async () => {
      const data = await engine.fingerprint(db);
      await s3.stop();
      try {
        const before = hits().length;
        const backup = await runJob(model, 'backup', scratch);
        expect(backup.code).not.toBe(0);
        const restore = await runJob(model, 'backup-restore', scratch);
        expect(restore.code).not.toBe(0);
        expect(restore.output).toMatch(/cannot list/);
        expect(hits().slice(before)).toEqual(['/ping/fail', '/ping/fail']);
      } finally {
        await s3.start();
      }
      expect(await engine.fingerprint(db)).toEqual(data);
    }, 240_000);

    test('fails on a corrupt dump: a truncated file is refused before anything changes', async () => {
      const data = await engine.fingerprint(db);
      const good = (await keys('daily')).filter((k) => !k.includes('2999')).sort().pop()!;
      const bytes = await s3.getObject(BUCKET, good);
      const key = `${root}/daily/backup-29991231T000000Z.sql.gz`;
      await putObject(s3, key, bytes.subarray(0, Math.floor(bytes.length / 2)));
      const safety = await keys('safety');
      const before = hits().length;
      const run = await runJob(model, 'backup-restore', scratch, { RESTORE_KEY: key });
      expect(run.code).not.toBe(0);
      expect(run.output).toMatch(/corrupt; nothing was changed/);
      expect(hits().slice(before)).toEqual(['/ping/fail']);
      expect(await keys('safety')).toEqual(safety);
      expect(await engine.fingerprint(db)).toEqual(data);
    }, 180_000);

    test('fails on a dump that breaks halfway: the database is as it was and the safety dump is kept', async () => {
      const data = await engine.fingerprint(db);
      const good = (await keys('daily')).filter((k) => !k.includes('2999')).sort().pop()!;
      const sql = (await gunzipObject(s3, good)).split('\n');
      // a dump whose SQL stops in the middle of the invoices' rows, then has a statement the server refuses
      const cut = sql.findIndex((l) => /invoices/.test(l) && /^(COPY|INSERT)/.test(l));
      const broken = [...sql.slice(0, cut + 2), 'THIS IS NOT SQL;', ''].join('\n');
      const key = `${root}/daily/backup-29991231T000001Z.sql.gz`;
      await putObject(s3, key, gzipSync(broken));
      const safety = await keys('safety');
      const before = hits().length;
      const run = await runJob(model, 'backup-restore', scratch, { RESTORE_KEY: key });
      expect(run.code).not.toBe(0);
      expect(run.output).toMatch(engine.family === DatabaseEngineFamily.POSTGRES ? /is as it was/ : /put back from the safety dump/);
      expect(hits().slice(before)).toEqual(['/ping/fail']);
      expect(await keys('safety')).toHaveLength(safety.length + 1);
      expect(await engine.fingerprint(db)).toEqual(data);
    }, 180_000);
  });
}

/** Puts an object with the real AWS CLI (no checksum metadata: what an old or foreign dump looks like). */
async function putObject(s3: S3Server, key: string, body: Buffer): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'erp-e2e-put-'));
  try {
    const file = join(dir, 'object');
    require('fs').writeFileSync(file, body);
    const r = await runCommand('aws', ['--endpoint-url', s3.endpoint, 's3', 'cp', file, `s3://${BUCKET}/${key}`, '--only-show-errors'], { env: toolEnv() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function gunzipObject(s3: S3Server, key: string): Promise<string> {
  return require('zlib').gunzipSync(await s3.getObject(BUCKET, key)).toString('utf8');
}
