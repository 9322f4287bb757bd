/**
 * Bad input, property-based: every construct and the app description get thousands of random
 * and malformed values (wrong types, null, huge numbers, NaN, negatives, unicode, empty strings,
 * arrays for objects, missing fields, extra fields). Each case must either synthesize or throw
 * the library's own ErpValidationError naming the field, never a TypeError or an error from
 * deep inside cdktf or a provider.
 *
 * Inputs are a valid base with one to three fields replaced, removed or added, drawn by
 * fast-check with a fixed seed (ERP_PROPERTY_SEED overrides it; ERP_PROPERTY_RUNS scales the
 * runs). Every distinct failure is collected, so one run lists them all.
 */
import { Testing } from 'cdktf';
import { Construct } from 'constructs';
import fc from 'fast-check';
import {
  DockerRuntime, DropletRuntime, DropletSize, ErpAppService, KubernetesCluster, KubernetesRuntime,
} from '../lib/app-service';
import { BackupEncryption, ColdStorage, ObjectLockMode, S3BackupVault, SpacesBackupVault } from '../lib/backup';
import { DoRegion } from '../lib/common/region';
import { validateAppDescription } from '../stacks/description/validate';
import { LARAVEL_INVOICING_EXAMPLE } from '../stacks/description/laravel-example';
import {
  ConnectionPoolMode, DatabaseAccess, DatabaseEngine, DatabaseSize, ManagedDatabase, RdsDatabase,
} from '../lib/database';
import { ErpValidationError } from '../lib/errors';
import { AppMonitoring, UptimeRegion } from '../lib/monitoring';
import { AccessPolicy, TunnelIngress } from '../lib/tunnel';
import { releaseStore } from './app-service-fakes';
import { AppSecret } from '../lib/app-service/secret';

const SEED = Number(process.env.ERP_PROPERTY_SEED ?? 20260301);
const SCALE = Number(process.env.ERP_PROPERTY_RUNS ?? 1);

// ---------------------------------------------------------------- mutations

const REMOVE = Symbol('remove');
const EXTRA_KEY = 'unexpectedField';

/** A bad value: wrong types, edge numbers, odd strings, arrays and objects in the wrong place. */
export const badValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null, undefined, NaN, Infinity, -Infinity, -1, 0, 1.5, -0, 1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER,
    '', ' ', '\u0000', 'ñandú-😀', '../../etc/passwd', 'a'.repeat(5000), '0.0.0.0/0', 'true', '${var.x}',
    true, false, [], {}, [null], [''], { length: 1 }, () => 1, Symbol.for('erp'), BigInt(7), new Date(0),
  ),
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.array(fc.anything({ maxDepth: 1 }), { maxLength: 3 }),
  fc.object({ maxDepth: 1 }),
);

type Path = Array<string | number>;

/** Paths to every field of the plain objects and arrays of a value (class instances are leaves). */
function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      out.push([...prefix, i]);
      pathsOf(v, [...prefix, i], out);
    });
  } else if (isPlain(value)) {
    for (const [k, v] of Object.entries(value as object)) {
      out.push([...prefix, k]);
      pathsOf(v, [...prefix, k], out);
    }
  }
  return out;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/** Copies plain objects and arrays; keeps class instances (regions, engines, sizes) by reference. */
function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as unknown as T;
  if (isPlain(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)])) as T;
  return v;
}

interface Mutation { readonly path: Path; readonly value: unknown }

/** One to three mutations of the base: a field replaced by a bad value, removed, or an extra field added. */
function mutations(base: unknown): fc.Arbitrary<Mutation[]> {
  const paths = pathsOf(base);
  const containers: Path[] = [[], ...paths.filter((p) => isPlain(get(base, p)))];
  const one: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ path: fc.constantFrom(...paths), value: badValue }) },
    { weight: 2, arbitrary: fc.record({ path: fc.constantFrom(...paths), value: fc.constant(REMOVE) }) },
    { weight: 1, arbitrary: fc.record({ path: fc.constantFrom(...containers).map((p) => [...p, EXTRA_KEY]), value: badValue }) },
  );
  return fc.array(one, { minLength: 1, maxLength: 3 });
}

function get(v: unknown, path: Path): unknown {
  return path.reduce<any>((o, k) => (o === null || o === undefined ? undefined : o[k]), v);
}

function apply<T>(base: T, muts: Mutation[]): T {
  const out = clone(base) as any;
  for (const m of muts) {
    let o = out;
    for (const k of m.path.slice(0, -1)) {
      if (o === null || typeof o !== 'object') break;
      o = o[k];
    }
    if (o === null || typeof o !== 'object') continue;
    const last = m.path[m.path.length - 1];
    if (m.value === REMOVE) {
      if (Array.isArray(o) && typeof last === 'number') o.splice(last, 1);
      else delete o[last];
    } else {
      o[last] = m.value;
    }
  }
  return out;
}

function show(muts: Mutation[]): string {
  return muts.map((m) => `${m.path.join('.') || '(root)'} = ${m.value === REMOVE ? '<removed>' : render(m.value)}`).join('; ');
}

function render(v: unknown): string {
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (v instanceof Date) return 'a Date';
  try {
    const t = JSON.stringify(v);
    if (t === undefined) return String(v);
    return t.length > 80 ? `${t.slice(0, 77)}...` : t;
  } catch {
    return String(v);
  }
}

// ---------------------------------------------------------------- outcome of one case

interface Failure { readonly target: string; readonly input: string; readonly error: string }

/** Synthesizes what `build` makes (as Testing.synthScope does); returns a failure when the outcome is not acceptable. */
function outcome(target: string, input: string, build: (scope: Construct) => void): Failure | undefined {
  try {
    const json = JSON.parse(Testing.synthScope((scope) => build(scope)));
    if (typeof json !== 'object' || json === null) return { target, input, error: 'synthesized something that is not a JSON object' };
    return undefined;
  } catch (e) {
    if (e instanceof ErpValidationError) {
      const bad = e.problems.length === 0 || e.problems.some((p) => typeof p.prop !== 'string' || p.prop.trim() === '');
      return bad ? { target, input, error: `ErpValidationError without a named field: ${e.message}` } : undefined;
    }
    const err = e as Error;
    const where = (err?.stack ?? '').split('\n').slice(1, 3).map((l) => l.trim()).join(' < ');
    return { target, input, error: `${err?.name ?? typeof e}: ${String(err?.message ?? e).split('\n')[0]} (${where})` };
  }
}

interface Target<P> {
  readonly name: string;
  readonly base: P;
  readonly runs: number;
  build(scope: Construct, props: P): void;
}

const REGION = DoRegion.FRA1;
const ACCOUNT = '0123456789abcdef0123456789abcdef';
const ZONE = 'fedcba9876543210fedcba9876543210';

const PROCESS_MODEL = {
  processes: {
    web: { image: 'ghcr.io/acme/erp:1.4.2', port: 8080, healthCheck: { path: '/health', intervalSeconds: 30 }, replicas: 2 },
    workers: [{ name: 'queue', command: ['php', 'artisan', 'queue:work'], replicas: 1 }],
    scheduler: { everyMinute: 'php artisan schedule:run' },
    release: { command: 'php artisan migrate --force' },
  },
  environment: { APP_ENV: 'production' },
  secrets: { APP_KEY: AppSecret.unsafePlainText('base64:Zm9vYmFy') },
};

const targets: Array<Target<any>> = [
  {
    name: 'ManagedDatabase',
    runs: 400,
    base: {
      name: 'erp-db', engine: DatabaseEngine.postgres(16), size: DatabaseSize.DB_S_2VCPU_4GB, region: REGION, nodeCount: 2,
      databases: ['erp'], users: ['erp_app'], maintenanceWindow: { day: 'sunday', hourUtc: 3 },
      connectionPools: [{ name: 'erp-pool', size: 20, database: 'erp', user: 'erp_app', mode: ConnectionPoolMode.TRANSACTION }],
      readReplicas: [{ name: 'erp-db-ro' }], allowFrom: [DatabaseAccess.tag('erp-web')], tags: ['erp'],
    },
    build: (s, props) => { new ManagedDatabase(s, 'Database', props); },
  },
  {
    name: 'RdsDatabase',
    runs: 300,
    base: {
      name: 'erp-db', engine: DatabaseEngine.postgres(16), size: DatabaseSize.DB_S_2VCPU_4GB, nodeCount: 2,
      databases: ['erp'], users: ['erp_app'], vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0aaa', 'subnet-0bbb'],
      backupRetentionDays: 7, allocatedStorageGib: 20, maxAllocatedStorageGib: 100, allowFrom: [DatabaseAccess.cidr('10.0.0.0/16')],
    },
    build: (s, props) => { new RdsDatabase(s, 'Database', props); },
  },
  {
    name: 'S3BackupVault',
    runs: 400,
    base: {
      rootPrefix: 'erp', bucketPrefix: 'erp-backups-', dailyRetentionDays: 30, weeklyRetentionWeeks: 12, monthlyRetentionMonths: 12,
      weeklyColdStorage: ColdStorage.NONE, monthlyColdStorage: ColdStorage.glacierFlexibleRetrieval(30),
      noncurrentVersionExpirationDays: 30, abortIncompleteUploadDays: 7, encryption: BackupEncryption.KMS,
      objectLock: { mode: ObjectLockMode.COMPLIANCE, days: 7 }, protectFromDestroy: true,
    },
    build: (s, props) => { new S3BackupVault(s, 'Backups', props).grantWrite('Dump'); },
  },
  {
    name: 'SpacesBackupVault',
    runs: 300,
    base: {
      region: REGION, rootPrefix: 'erp', dailyRetentionDays: 30, weeklyRetentionWeeks: 12, monthlyRetentionMonths: 12,
      noncurrentVersionExpirationDays: 30, abortIncompleteUploadDays: 7, protectFromDestroy: true,
    },
    build: (s, props) => { new SpacesBackupVault(s, 'Backups', props).grantWrite('Dump'); },
  },
  {
    name: 'TunnelIngress',
    runs: 400,
    base: {
      accountId: ACCOUNT, zoneId: ZONE, zoneName: 'example.com', name: 'erp-prod', accessSessionHours: 8,
      routes: [
        { hostname: 'pma.example.com', service: 'http://phpmyadmin:80', access: AccessPolicy.emailDomains('example.com') },
        { hostname: 'app.example.com', path: '/api', service: 'http://api:8000', origin: { connectTimeoutSeconds: 10, noTlsVerify: false } },
        { hostname: 'app.example.com', service: 'http://web:8080' },
      ],
      securityHeaders: {},
    },
    build: (s, props) => { new TunnelIngress(s, 'Tunnel', props); },
  },
  {
    name: 'ErpAppService on DropletRuntime',
    runs: 300,
    base: {
      runtime: { region: REGION, size: DropletSize.S_2VCPU_4GB, count: 1, sshKeys: ['12345'], adminCidrs: ['203.0.113.7/32'], backups: true },
      app: { name: 'erp', ...PROCESS_MODEL },
    },
    build: (s, props) => {
      const runtime = new DropletRuntime(s, 'Runtime', { releaseStore: releaseStore(s), ...props.runtime });
      new ErpAppService(s, 'App', { ...props.app, runtime });
    },
  },
  {
    name: 'ErpAppService on DockerRuntime',
    runs: 300,
    base: { runtime: { hostPort: 8080, cacheImage: 'valkey/valkey:8.1-alpine' }, app: { name: 'erp', ...PROCESS_MODEL } },
    build: (s, props) => {
      const runtime = new DockerRuntime(s, 'Runtime', props.runtime);
      new ErpAppService(s, 'App', { ...props.app, runtime });
    },
  },
  {
    name: 'KubernetesCluster',
    runs: 300,
    base: {
      name: 'erp-ha', region: REGION, minNodes: 3, maxNodes: 5, haControlPlane: true, nodeSize: DropletSize.S_4VCPU_8GB,
      systemNodeSize: DropletSize.S_2VCPU_4GB, systemNodeCount: 1, preventDestroy: true,
    },
    build: (s, props) => { new KubernetesCluster(s, 'Cluster', props); },
  },
  {
    name: 'ErpAppService on KubernetesRuntime',
    runs: 300,
    base: {
      cluster: { name: 'erp-ha', region: REGION, providerAlias: 'erp' },
      runtime: { namespace: 'erp', webMaxReplicas: 6, connectorReplicas: 2, releaseTimeoutMinutes: 10 },
      app: { name: 'erp', ...PROCESS_MODEL },
    },
    build: (s, props) => {
      const cluster = KubernetesCluster.fromClusterName(s, 'Cluster', props.cluster);
      const runtime = new KubernetesRuntime(s, 'Runtime', { ...props.runtime, cluster });
      new ErpAppService(s, 'App', { ...props.app, runtime });
    },
  },
  {
    name: 'AppMonitoring',
    runs: 300,
    base: {
      name: 'erp-prod', healthUrls: ['https://app.example.com/health'], alertEmails: ['ops@example.com'], dropletTag: 'erp-web',
      thresholds: { cpuPercent: 80, memoryPercent: 85, diskPercent: 85 }, regions: [UptimeRegion.EU_WEST], latencyThresholdMs: 2000,
    },
    build: (s, props) => { new AppMonitoring(s, 'Monitoring', props); },
  },
];

/** Runs every case of a target; returns the number of cases and the distinct failures (one per error kind). */
function runTarget(t: Target<any>): { cases: number; failures: Failure[] } {
  const runs = Math.max(1, Math.round(t.runs * SCALE));
  const samples = fc.sample(mutations(t.base), { numRuns: runs, seed: SEED });
  const failures = new Map<string, Failure>();
  // The valid base must synthesize.
  const baseFailure = outcome(t.name, '(the valid base)', (s) => t.build(s, clone(t.base)));
  if (baseFailure) failures.set(`base ${baseFailure.error}`, baseFailure);
  const keyOf = (f: Failure) => f.error.replace(/\(.*\)$/, '').replace(/"[^"]*"|\d+/g, '#');
  for (const muts of samples) {
    const f = outcome(t.name, show(muts), (s) => t.build(s, apply(t.base, muts)));
    if (!f) continue;
    const key = keyOf(f);
    if (failures.has(key)) continue;
    // Report the smallest input: a single mutation that fails the same way, when there is one.
    const single = muts.length > 1 ? muts.map((m) => outcome(t.name, show([m]), (s) => t.build(s, apply(t.base, [m]))))
      .find((x) => x !== undefined && keyOf(x) === key) : undefined;
    failures.set(key, single ?? f);
  }
  return { cases: runs + 1, failures: [...failures.values()] };
}

/** One failure per kind of error. */
function distinct(failures: Failure[]): Failure[] {
  const seen = new Map<string, Failure>();
  for (const f of failures) {
    const key = f.error.replace(/"[^"]*"|\d+/g, '#');
    if (!seen.has(key)) seen.set(key, f);
  }
  return [...seen.values()];
}

function format(failures: Failure[]): string {
  return failures.map((f) => `${f.target}\n    input: ${f.input}\n    threw: ${f.error}`).join('\n');
}

const totals = { cases: 0 };

afterAll(() => {
  process.stdout.write(`property cases run: ${totals.cases}\n`);
});

describe('bad input to the constructs', () => {
  for (const t of targets) {
    test(`${t.name} synthesizes or throws ErpValidationError naming the field, for every malformed input`, () => {
      const { cases, failures } = runTarget(t);
      totals.cases += cases;
      if (failures.length > 0) throw new Error(`${failures.length} kinds of failure in ${cases} cases:\n${format(failures)}`);
    });
  }
});

describe('bad input to the app description', () => {
  const check = (input: unknown): Failure | undefined => {
    try {
      validateAppDescription(input, 'description.yaml');
      return undefined;
    } catch (e) {
      if (e instanceof ErpValidationError) {
        return e.problems.length > 0 && e.problems.every((p) => typeof p.prop === 'string' && p.prop !== '') && e.where === 'description.yaml'
          ? undefined : {
            target: 'validateAppDescription',
            input: render(input),
            error: `ErpValidationError without a named field (where ${JSON.stringify(e.where)}): ${e.problems.filter((p) => !p.prop).map((p) => `prop ${JSON.stringify(p.prop)} ${p.problem}`).join('; ')}`,
          };
      }
      const err = e as Error;
      return { target: 'validateAppDescription', input: render(input), error: `${err?.name}: ${String(err?.message ?? e).split('\n')[0]}` };
    }
  };

  test('validateAppDescription returns a description or throws ErpValidationError naming the field, for mutated descriptions', () => {
    const runs = Math.max(1, Math.round(1500 * SCALE));
    const failures: Failure[] = [];
    const base = check(clone(LARAVEL_INVOICING_EXAMPLE));
    if (base) failures.push(base);
    for (const muts of fc.sample(mutations(LARAVEL_INVOICING_EXAMPLE), { numRuns: runs, seed: SEED })) {
      const f = check(apply(LARAVEL_INVOICING_EXAMPLE, muts));
      if (f) failures.push({ ...f, input: show(muts) });
    }
    totals.cases += runs + 1;
    if (failures.length > 0) throw new Error(`${failures.length} failures:\n${format(distinct(failures))}`);
  });

  test('validateAppDescription throws ErpValidationError for any value that is not a description', () => {
    const runs = Math.max(1, Math.round(1000 * SCALE));
    const failures: Failure[] = [];
    for (const input of fc.sample(fc.oneof(fc.anything(), fc.jsonValue(), badValue), { numRuns: runs, seed: SEED })) {
      const f = check(input);
      if (f) failures.push(f);
    }
    totals.cases += runs;
    if (failures.length > 0) throw new Error(`${failures.length} failures:\n${format(distinct(failures))}`);
  });
});
