/**
 * Nothing crashes, nothing collides, nothing is lost by a change: property-based.
 *
 * Every public construct gets thousands of inputs: a valid base with one to three fields replaced
 * (by wrong types, null, huge numbers, NaN, unicode, empty strings, arrays for objects, or values
 * that are nearly right: a 33-character MySQL user, a tag with a dot, `doadmin`, a bucket prefix
 * starting `xn--`), removed, or added. And random app descriptions, at the edges of what the
 * description takes, are built into all the tier stacks (dev, prod, ha-platform, ha, local) with
 * `buildStacks`, as `cdktf synth` builds them.
 *
 * Each case must either throw the library's own ErpValidationError naming the field, or synthesize
 * Terraform JSON that the providers and their APIs accept: `validateOutput` (support/output-validator.ts)
 * checks names, tags, regions, sizes, tunnel ingress and Kubernetes objects against the pinned
 * providers' documented limits, and `validateStackSet` the names the stacks of one app may not share.
 * A description that `validateAppDescription` accepts must synthesize: an ErpValidationError from a
 * construct after the description passed is a problem the description's check let through. The apps
 * of other names built here must not claim each other's names in the accounts they share, and a weekly
 * release (new images, environment, replicas, a cron job) must keep every resource that holds data or
 * identity at its address with the same replacement-forcing arguments.
 *
 * Reproducible: fast-check draws every case from a fixed seed (ERP_PROPERTY_SEED overrides it;
 * ERP_PROPERTY_RUNS scales the number of cases). Every distinct failure is collected (the smallest
 * input that shows it), so one run lists them all; the figures are printed at the end.
 */
import { skipTokenCreationStacks } from '../tools/token-stacks';
import { App, Testing } from 'cdktf';
import { Construct } from 'constructs';
import fc from 'fast-check';
import {
  DockerRuntime, DropletRuntime, DropletSize, ErpAppService, KubernetesCluster, KubernetesRuntime,
} from '../lib/app-service';
import { AppSecret } from '../lib/app-service/secret';
import { S3ReleaseStore } from '../lib/app-service/runtimes/droplet/release-store';
import { BackupEncryption, ColdStorage, ObjectLockMode, S3BackupVault, SpacesBackupVault } from '../lib/backup';
import { DatabaseEngineFamily } from '../lib/common/contracts';
import { PrivateNetwork } from '../lib/common/network';
import { DoRegion } from '../lib/common/region';
import {
  ConnectionPoolMode, DatabaseAccess, DatabaseEngine, DatabaseSize, ManagedDatabase, RdsDatabase,
} from '../lib/database';
import { LocalDatabase } from '../lib/database/local-database';
import { ErpChecksError } from '../lib/checks/erp-checks';
import { ErpValidationError } from '../lib/errors';
import { AppMonitoring, UptimeRegion } from '../lib/monitoring';
import { AppFilesBucket } from '../lib/storage/app-files-bucket';
import { NfsShare } from '../lib/storage/nfs-share';
import { AccessPolicy, TunnelIngress } from '../lib/tunnel';
import { buildStacks } from '../stacks';
import { AppDescription } from '../stacks/description/description';
import { LARAVEL_INVOICING_EXAMPLE } from '../stacks/description/laravel-example';
import { validateAppDescription } from '../stacks/description/validate';
import { releaseStore } from './app-service-fakes';
import {
  Mutation, apply, appDescription, badValue, clone, dnsName, mutations, render, show,
} from './support/generators';
import { Violation, formatViolations, validateOutput, validateStackSet } from './support/output-validator';

// cdktf records the whole call stack of every token it makes, only for an error message that
// the repository's app turns off too (tools/token-stacks.ts; the written JSON is byte-identical):
// here it would be most of the run time.
skipTokenCreationStacks();

const SEED = Number(process.env.ERP_PROPERTY_SEED ?? 20260301);
const SCALE = Number(process.env.ERP_PROPERTY_RUNS ?? 1);
const runsOf = (n: number): number => Math.max(1, Math.round(n * SCALE));

// ---------------------------------------------------------------- outcomes

type Kind = 'crash' | 'unnamed' | 'invalid' | 'refused-valid-base' | 'accepted-then-refused';

interface Failure {
  readonly target: string;
  readonly kind: Kind;
  readonly input: string;
  readonly error: string;
  /** What makes two failures the same: the error without values, or the rule and attribute broken. */
  readonly key: string;
}

interface Tally { cases: number; rejected: number; synthesized: number; crashes: number; invalid: number; refused: number }

const tallies = new Map<string, Tally>();
const allFailures: Failure[] = [];
/** Refusals that name their cause and are by design, printed for the record: a secure-default check failing synth. */
const notes: Failure[] = [];

function tally(target: string): Tally {
  let t = tallies.get(target);
  if (!t) {
    t = { cases: 0, rejected: 0, synthesized: 0, crashes: 0, invalid: 0, refused: 0 };
    tallies.set(target, t);
  }
  return t;
}

/** A key that groups failures of one cause: digits, quoted values and construct hashes removed. */
function normalize(text: string): string {
  return text.replace(/\(at .*\)$/, '').replace(/"[^"]*"|'[^']*'/g, '#').replace(/_[0-9A-F]{8}\b/g, '').replace(/\d+/g, '#').slice(0, 160);
}

function crashOf(target: string, input: string, e: unknown): Failure {
  const err = e as Error;
  const where = (err?.stack ?? '').split('\n').slice(1, 3).map((l) => l.trim()).join(' < ');
  const message = String(err?.message ?? e).split('\n')[0];
  return { target, kind: 'crash', input, error: `${err?.name ?? typeof e}: ${message} (at ${where})`, key: `crash ${err?.name} ${normalize(message)}` };
}

function invalidOf(target: string, input: string, violations: readonly Violation[]): Failure {
  const v = violations[0];
  const more = violations.length > 1 ? ` (+${violations.length - 1} more: ${[...new Set(violations.slice(1).map((x) => x.rule))].join(', ')})` : '';
  return {
    target, kind: 'invalid', input,
    error: `invalid output: ${formatViolations([v])}${more}`,
    key: `invalid ${v.rule} ${v.address.replace(/^[^:]*:/, '').split('.')[0]} ${v.attribute.replace(/\d+/g, '#')}`,
  };
}

/** An ErpValidationError is acceptable when every problem names its field. */
function unnamed(target: string, input: string, e: ErpValidationError): Failure | undefined {
  const bad = e.problems.length === 0 || e.problems.some((p) => typeof p.prop !== 'string' || p.prop.trim() === '');
  return bad ? { target, kind: 'unnamed', input, error: `ErpValidationError without a named field: ${e.message.split('\n').slice(0, 3).join(' ')}`, key: `unnamed ${normalize(e.message)}` } : undefined;
}

/**
 * Builds, synthesizes (as Testing.synthScope does) and validates one case. A construct prop that holds a raw
 * Terraform expression (`${var.x}`) is the caller's own expression, passed through as cdktf passes it: that it
 * names no declared variable is the caller's to fix, so `ownExpressions` drops those undeclared references.
 */
function outcome(target: string, input: string, build: (scope: Construct) => void, ownExpressions = false): Failure | 'rejected' | 'synthesized' {
  let text: string;
  try {
    text = Testing.synthScope((scope) => build(scope));
  } catch (e) {
    if (e instanceof ErpValidationError) return unnamed(target, input, e) ?? 'rejected';
    return crashOf(target, input, e);
  }
  let violations: Violation[];
  try {
    violations = validateOutput(text);
  } catch (e) {
    return crashOf(`${target} (validator)`, input, e);
  }
  if (ownExpressions) violations = violations.filter((v) => v.rule !== 'tf.undeclared-reference');
  return violations.length > 0 ? invalidOf(target, input, violations) : 'synthesized';
}

/** True when a mutation puts a raw Terraform expression (`${...}`) into the props. */
function hasExpression(muts: readonly Mutation[]): boolean {
  const holds = (v: unknown, depth = 0): boolean => {
    if (typeof v === 'string') return v.includes('${');
    if (depth > 4 || typeof v !== 'object' || v === null) return false;
    return Object.values(v).some((x) => holds(x, depth + 1));
  };
  return muts.some((m) => holds(m.value));
}

/** Records an outcome in the tally; returns the failure, if any. */
function record(t: Tally, o: Failure | 'rejected' | 'synthesized'): Failure | undefined {
  t.cases++;
  if (o === 'rejected') t.rejected++;
  else if (o === 'synthesized') t.synthesized++;
  else {
    if (o.kind === 'crash' || o.kind === 'unnamed') t.crashes++;
    else if (o.kind === 'invalid') t.invalid++;
    else t.refused++;
    return o;
  }
  return undefined;
}

// ---------------------------------------------------------------- the constructs

interface Target<P> {
  readonly name: string;
  readonly base: P;
  readonly runs: number;
  build(scope: Construct, props: P): void;
}

const REGION = DoRegion.FRA1;
const ACCOUNT = '0123456789abcdef0123456789abcdef';
const ZONE = 'fedcba9876543210fedcba9876543210';

/** Values that are nearly right: the inputs that get past a loose check and then break an API limit. */
const nearlyRight: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    'doadmin', 'defaultdb', 'postgres', 'u'.repeat(17), 'u'.repeat(33), 'u'.repeat(64), 'a'.repeat(63), 'a'.repeat(64), 'a'.repeat(253),
    'erp.prod', 'erp:prod', 'ERP', 'Erp-Prod', 'erp prod', 'a--b', 'a-', '-a', 'xn--erp', 'sthree-erp', 'erp-s3alias', 'erp--ol-s3',
    '192.168.5.4', '2026-02-30T00:00:00Z', '2026-03-01T12:00:00Z', 'unix:/var/run/docker.sock', 'tcp://db:5432', 'http://web',
    'https://web:8443', 'http_status:404', 'eu-mars-1', 'us-east-1', 'fra1', 'xyz9', '*.example.com', 'a-b.example.com',
    'a.b.example.com', 'example.com', '/', '/api', 'queue', 'web', 'pma', 'a', 'sg-0123', 'default', '0 2 * * *', '* * * * *',
    'ghcr.io/acme/erp:1.4.2', 's-1vcpu-1gb', 'db-s-1vcpu-1gb', 'erp_app', '10.0.0.0/8', '10.10.0.0/28', '203.0.113.7/32', 2, 3, 100, 65535,
  ),
  dnsName(['erp', 'queue', 'web'], 63),
  fc.stringMatching(/^[a-z][a-z0-9_]{30,34}$/),
);

/** A process model that uses every field: the mutations reach each one. */
const PROCESS_MODEL = {
  processes: {
    web: {
      image: 'ghcr.io/acme/erp:1.4.2', port: 8080, healthCheck: { path: '/health', intervalSeconds: 30, timeoutSeconds: 5, retries: 3, startPeriodSeconds: 40 },
      replicas: 2, resources: { cpus: 1, memoryMib: 512 }, container: { user: '1001:1001', readOnlyRootFilesystem: true, writablePaths: ['/run'] },
      files: [{ path: '/etc/nginx/conf.d/extra.conf', content: 'client_max_body_size 64m;' }],
    },
    workers: [{ name: 'queue', command: ['php', 'artisan', 'queue:work'], replicas: 1, resources: { cpus: 0.5, memoryMib: 256 } }],
    scheduler: {
      everyMinute: 'php artisan schedule:run',
      entries: [{ name: 'reports', schedule: '30 6 1,15 * *', command: 'php artisan reports:send', timeZone: 'America/Caracas' }],
    },
    websocket: { command: ['node', 'ws.js'], port: 6001, healthCheck: { path: '/health' } },
    release: { command: 'php artisan migrate --force' },
    services: [{ name: 'frontend', image: 'ghcr.io/acme/frontend:1.0.0', port: 3000, environment: { NEXT_PUBLIC_API: '/api' } }],
  },
  environment: { APP_ENV: 'production' },
  secrets: { APP_KEY: AppSecret.unsafePlainText('base64:Zm9vYmFy') },
  persistentPaths: { storage: '/var/www/html/storage' },
  timeZone: 'Europe/Berlin',
};

const MANAGED_PG = {
  name: 'erp-db', engine: DatabaseEngine.postgres(16), size: DatabaseSize.DB_S_2VCPU_4GB, region: REGION, nodeCount: 2,
  databases: ['erp'], users: ['erp_app'], maintenanceWindow: { day: 'sunday', hourUtc: 3 },
  connectionPools: [{ name: 'erp-pool', size: 20, database: 'erp', user: 'erp_app', mode: ConnectionPoolMode.TRANSACTION }],
  readReplicas: [{ name: 'erp-db-ro' }], allowFrom: [DatabaseAccess.tag('erp-web')], tags: ['erp'],
};

const TUNNEL = {
  accountId: ACCOUNT, zoneId: ZONE, zoneName: 'example.com', name: 'erp-prod', accessSessionHours: 8,
  routes: [
    { hostname: 'pma.example.com', service: 'http://phpmyadmin:80', access: AccessPolicy.emailDomains('example.com') },
    { hostname: 'app.example.com', path: '/api', service: 'http://api:8000', origin: { connectTimeoutSeconds: 10, noTlsVerify: false } },
    { hostname: 'app.example.com', service: 'http://web:8080' },
  ],
  securityHeaders: {},
};

/** The intents of a wired app: what it connects to, where it backs up, how it is served, where it keeps files. */
const WIRING = {
  connect: { envPrefix: 'DB_' },
  backup: { schedule: '0 2 * * *', name: 'backup', timeZone: 'Europe/Berlin' },
  serve: { connectors: 2 },
  files: { envPrefix: 'UPLOADS_' },
  hostname: 'app.example.com',
};

/** The real database, vault, tunnel and uploads bucket an app is wired to (valid, fixed); the app's props and the intents' options vary. */
function wire(s: Construct, app: ErpAppService, wiring: unknown, db: { connectTo(app: ErpAppService, w: any): void }): void {
  // The wiring itself may be mutated away: then the intents get whatever is left (undefined options).
  const w: any = typeof wiring === 'object' && wiring !== null ? wiring : {};
  db.connectTo(app, w);
  const vault = new S3BackupVault(s, 'Backups', { rootPrefix: 'erp' });
  app.backupTo(vault, w.backup);
  const tunnel = new TunnelIngress(s, 'Tunnel', { accountId: ACCOUNT, zoneId: ZONE, zoneName: 'example.com', name: 'erp-test' });
  tunnel.addRoute({ hostname: w.hostname, service: app.internalUrl() });
  app.serveThrough(tunnel, w.serve);
  app.storeFilesIn(new AppFilesBucket(s, 'Uploads', { name: 'erp-test' }), w.files);
}

const managedDb = {
  connectTo(app: ErpAppService, w: any): void {
    const s = app.node.scope as Construct;
    const db = new ManagedDatabase(s, 'Database', { name: 'erp-test-db', engine: DatabaseEngine.postgres(16), size: DatabaseSize.DB_S_1VCPU_2GB, region: REGION, databases: ['erp'], users: ['erp'] });
    app.connectTo(db, w.connect);
  },
};

const targets: Array<Target<any>> = [
  { name: 'ManagedDatabase (PostgreSQL)', runs: 800, base: MANAGED_PG, build: (s, p) => { new ManagedDatabase(s, 'Database', p); } },
  {
    name: 'ManagedDatabase (MySQL)',
    runs: 600,
    base: {
      name: 'erp-db', engine: DatabaseEngine.mysql(8), size: DatabaseSize.DB_S_1VCPU_2GB, region: REGION, nodeCount: 1,
      databases: ['facturador'], users: ['facturador'], tags: ['erp', 'erp-prod'], allowFrom: [DatabaseAccess.cidr('10.0.0.0/16')],
      backupRestore: { sourceClusterName: 'erp-db-old', backupCreatedAt: '2026-03-01T12:00:00Z' },
    },
    build: (s, p) => { new ManagedDatabase(s, 'Database', p); },
  },
  {
    name: 'ManagedDatabase (Valkey)',
    runs: 300,
    base: { name: 'erp-cache', engine: DatabaseEngine.valkey(8), size: DatabaseSize.DB_S_1VCPU_1GB, region: REGION, tags: ['erp'] },
    build: (s, p) => { new ManagedDatabase(s, 'Cache', p); },
  },
  {
    name: 'RdsDatabase (PostgreSQL)',
    runs: 600,
    // RDS creates one initial database and only the master user: no `users` (lib/database/private/check-rds-database.ts).
    base: {
      name: 'erp-db', engine: DatabaseEngine.postgres(16), size: DatabaseSize.DB_S_2VCPU_4GB, nodeCount: 2,
      databases: ['erp'], vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0aaa', 'subnet-0bbb'],
      backupRetentionDays: 7, allocatedStorageGib: 20, maxAllocatedStorageGib: 100, allowFrom: [DatabaseAccess.cidr('10.0.0.0/16')],
    },
    build: (s, p) => { new RdsDatabase(s, 'Database', p); },
  },
  {
    name: 'RdsDatabase (MySQL)',
    runs: 350,
    base: {
      name: 'facturador-db', engine: DatabaseEngine.mysql(8), size: DatabaseSize.DB_S_1VCPU_2GB,
      databases: ['facturador'], vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0aaa', 'subnet-0bbb'], instanceClass: 'db.t4g.small',
    },
    build: (s, p) => { new RdsDatabase(s, 'Database', p); },
  },
  {
    name: 'S3BackupVault',
    runs: 600,
    base: {
      rootPrefix: 'erp', bucketPrefix: 'erp-backups-', dailyRetentionDays: 30, weeklyRetentionWeeks: 12, monthlyRetentionMonths: 12,
      weeklyColdStorage: ColdStorage.NONE, monthlyColdStorage: ColdStorage.glacierFlexibleRetrieval(30),
      noncurrentVersionExpirationDays: 30, abortIncompleteUploadDays: 7, encryption: BackupEncryption.KMS,
      objectLock: { mode: ObjectLockMode.COMPLIANCE, days: 7 }, protectFromDestroy: true, identityName: 'erp-prod',
    },
    build: (s, p) => { const v = new S3BackupVault(s, 'Backups', p); v.grantWrite('Dump'); v.grantRestore('Restore'); },
  },
  {
    name: 'SpacesBackupVault',
    runs: 450,
    base: {
      region: REGION, rootPrefix: 'erp', dailyRetentionDays: 30, weeklyRetentionWeeks: 12, monthlyRetentionMonths: 12,
      noncurrentVersionExpirationDays: 30, abortIncompleteUploadDays: 7, protectFromDestroy: true,
    },
    build: (s, p) => { new SpacesBackupVault(s, 'Backups', p).grantWrite('Dump'); },
  },
  {
    name: 'AppFilesBucket',
    runs: 400,
    base: { name: 'lender-prod', cors: { allowedOrigins: ['https://app.example.com'], maxAgeSeconds: 3000 }, noncurrentVersionExpirationDays: 30, protectFromDestroy: true },
    build: (s, p) => { new AppFilesBucket(s, 'Uploads', p).grantReadWrite('App'); },
  },
  {
    name: 'S3ReleaseStore',
    runs: 350,
    base: { name: 'erp-prod', noncurrentVersionDays: 30 },
    build: (s, p) => { new S3ReleaseStore(s, 'Releases', p); },
  },
  {
    name: 'PrivateNetwork',
    runs: 400,
    base: { region: REGION, name: 'acme-erp-prod', ipRange: '10.20.0.0/20', description: 'Private network of erp (prod)' },
    build: (s, p) => { new PrivateNetwork(s, 'Network', p); },
  },
  {
    name: 'NfsShare',
    runs: 300,
    base: { name: 'invoicing-ha-files', region: REGION, vpcId: 'c2a0c5b0-1111-4a4a-9b9b-0123456789ab', sizeGib: 50, tags: ['erp'], preventDestroy: true },
    build: (s, p) => { new NfsShare(s, 'Files', p); },
  },
  { name: 'TunnelIngress', runs: 800, base: TUNNEL, build: (s, p) => { new TunnelIngress(s, 'Tunnel', p); } },
  {
    name: 'KubernetesCluster',
    runs: 400,
    base: {
      name: 'erp-ha', region: REGION, minNodes: 3, maxNodes: 5, haControlPlane: true, nodeSize: DropletSize.S_4VCPU_8GB,
      systemNodeSize: DropletSize.S_2VCPU_4GB, systemNodeCount: 1, preventDestroy: true,
    },
    build: (s, p) => { new KubernetesCluster(s, 'Cluster', p); },
  },
  {
    name: 'AppMonitoring',
    runs: 350,
    base: {
      name: 'erp-prod', healthUrls: ['https://app.example.com/health'], alertEmails: ['ops@example.com'], dropletTag: 'erp-web',
      thresholds: { cpuPercent: 80, memoryPercent: 85, diskPercent: 85 }, regions: [UptimeRegion.EU_WEST], latencyThresholdMs: 2000,
    },
    build: (s, p) => { new AppMonitoring(s, 'Monitoring', p); },
  },
  {
    name: 'LocalDatabase',
    runs: 200,
    base: { runtime: { hostPort: 8080 }, db: { engine: DatabaseEngineFamily.MYSQL, version: '8.4', databaseName: 'facturador', user: 'facturador', password: 'local-only' } },
    build: (s, p) => {
      // A Docker runtime runs an app: the database is connected to one.
      const runtime = new DockerRuntime(s, 'Runtime', p.runtime);
      const app = new ErpAppService(s, 'App', { name: 'erp', runtime, processes: { web: { image: 'ghcr.io/acme/erp:1.4.2', port: 8080 } } });
      app.connectTo(new LocalDatabase(s, 'Database', { ...p.db, runtime }));
    },
  },
  {
    name: 'ErpAppService on DropletRuntime',
    runs: 350,
    base: {
      runtime: { region: REGION, size: DropletSize.S_2VCPU_4GB, count: 1, sshKeys: ['12345'], adminCidrs: ['203.0.113.7/32'], backups: true },
      app: { name: 'erp', ...PROCESS_MODEL },
    },
    build: (s, p) => {
      const runtime = new DropletRuntime(s, 'Runtime', { releaseStore: releaseStore(s), ...p.runtime });
      new ErpAppService(s, 'App', { ...p.app, runtime });
    },
  },
  {
    name: 'ErpAppService on DockerRuntime',
    runs: 350,
    base: { runtime: { hostPort: 8080, cacheImage: 'valkey/valkey:8.1-alpine' }, app: { name: 'erp', ...PROCESS_MODEL } },
    build: (s, p) => {
      const runtime = new DockerRuntime(s, 'Runtime', p.runtime);
      new ErpAppService(s, 'App', { ...p.app, runtime });
    },
  },
  {
    name: 'ErpAppService on KubernetesRuntime',
    runs: 300,
    base: {
      cluster: { name: 'erp-ha', region: REGION, providerAlias: 'erp' },
      // The persistent paths of the pods of a Deployment live on a share they all mount (NFS).
      share: { name: 'erp-files', region: REGION, host: '10.110.0.5', mountPath: '/erp-files' },
      runtime: { namespace: 'erp', webMaxReplicas: 6, connectorReplicas: 2, releaseTimeoutMinutes: 10 },
      app: { name: 'erp', ...PROCESS_MODEL },
    },
    build: (s, p) => {
      const cluster = KubernetesCluster.fromClusterName(s, 'Cluster', p.cluster);
      const sharedStorage = NfsShare.fromShareName(s, 'Files', p.share);
      const runtime = new KubernetesRuntime(s, 'Runtime', { ...p.runtime, cluster, sharedStorage });
      new ErpAppService(s, 'App', { ...p.app, runtime });
    },
  },
  {
    name: 'ErpAppService on DropletRuntime, wired',
    runs: 150,
    base: { runtime: { region: REGION, size: DropletSize.S_2VCPU_4GB, sshKeys: ['12345'] }, app: { name: 'erp', ...PROCESS_MODEL }, wiring: WIRING },
    build: (s, p) => {
      const runtime = new DropletRuntime(s, 'Runtime', { releaseStore: releaseStore(s), ...p.runtime });
      wire(s, new ErpAppService(s, 'App', { ...p.app, runtime }), p.wiring, managedDb);
    },
  },
  {
    name: 'ErpAppService on KubernetesRuntime, wired',
    runs: 150,
    base: { runtime: { namespace: 'erp' }, app: { name: 'erp', ...PROCESS_MODEL }, wiring: WIRING },
    build: (s, p) => {
      const cluster = KubernetesCluster.fromClusterName(s, 'Cluster', { name: 'erp-ha', region: REGION });
      const sharedStorage = NfsShare.fromShareName(s, 'Files', { name: 'erp-files', region: REGION, host: '10.110.0.5', mountPath: '/erp-files' });
      const runtime = new KubernetesRuntime(s, 'Runtime', { ...p.runtime, cluster, sharedStorage });
      wire(s, new ErpAppService(s, 'App', { ...p.app, runtime }), p.wiring, managedDb);
    },
  },
  {
    name: 'ErpAppService on DockerRuntime, wired',
    runs: 150,
    base: { runtime: { hostPort: 8080 }, app: { name: 'erp', ...PROCESS_MODEL }, wiring: WIRING },
    build: (s, p) => {
      const runtime = new DockerRuntime(s, 'Runtime', p.runtime);
      wire(s, new ErpAppService(s, 'App', { ...p.app, runtime }), p.wiring, {
        connectTo(app: ErpAppService, w: any) {
          app.connectTo(new LocalDatabase(s, 'Database', { runtime, engine: DatabaseEngineFamily.POSTGRES }), w.connect);
        },
      });
    },
  },
];

/** Runs every case of a target; returns its failures, one per cause (the smallest input that shows it). */
function runTarget(t: Target<any>): Failure[] {
  const tl = tally(t.name);
  const failures = new Map<string, Failure>();
  // The valid base must synthesize, into output the providers accept.
  const base = outcome(t.name, '(the valid base)', (s) => t.build(s, clone(t.base)));
  tl.cases++;
  if (base === 'synthesized') tl.synthesized++;
  else {
    const f: Failure = base === 'rejected'
      ? { target: t.name, kind: 'refused-valid-base', input: '(the valid base)', error: 'the valid base throws ErpValidationError', key: 'base' }
      : base;
    if (f.kind === 'invalid') tl.invalid++;
    else if (f.kind === 'refused-valid-base') tl.refused++;
    else tl.crashes++;
    failures.set(`base ${f.key}`, { ...f, input: '(the valid base)' });
  }
  for (const muts of fc.sample(mutations(t.base, nearlyRight), { numRuns: runsOf(t.runs), seed: SEED })) {
    const f = record(tl, outcome(t.name, show(muts), (s) => t.build(s, apply(t.base, muts)), hasExpression(muts)));
    if (!f || failures.has(f.key)) continue;
    failures.set(f.key, smallest(t, muts, f));
  }
  return [...failures.values()];
}

/** A single mutation that fails the same way, when there is one. */
function smallest(t: Target<any>, muts: Mutation[], f: Failure): Failure {
  if (muts.length === 1) return f;
  for (const m of muts) {
    const o = outcome(t.name, show([m]), (s) => t.build(s, apply(t.base, [m])), hasExpression([m]));
    if (typeof o === 'object' && o.key === f.key) return o;
  }
  return f;
}

function format(failures: readonly Failure[]): string {
  return failures.map((f) => `${f.target} [${f.kind}]\n    input: ${f.input}\n    ${f.error}`).join('\n');
}

describe('every construct, for every malformed or nearly-right input, synthesizes valid output or throws ErpValidationError naming the field', () => {
  for (const t of targets) {
    test(t.name, () => {
      const failures = runTarget(t);
      allFailures.push(...failures);
      if (failures.length > 0) throw new Error(`${failures.length} kinds of failure in ${tally(t.name).cases} cases:\n${format(failures)}`);
    });
  }
});

// ---------------------------------------------------------------- app descriptions

/** The variables a description reads secrets from, set as a deploy would set them (TF_VAR_...). */
function envFor(d: any): NodeJS.ProcessEnv {
  const names = new Set<string>();
  for (const s of Object.values<any>(d?.secrets ?? {})) if (typeof s?.variable === 'string') names.add(s.variable);
  for (const r of Array.isArray(d?.registries) ? d.registries : []) if (typeof r?.password?.variable === 'string') names.add(r.password.variable);
  if (typeof d?.backups?.heartbeat?.variable === 'string') names.add(d.backups.heartbeat.variable);
  return Object.fromEntries([...names].map((n) => [`TF_VAR_${n}`, `test-${n}`]));
}

type Tier = 'dev' | 'prod' | 'ha' | 'local';

/**
 * One description: validated as `main.ts` validates it, then built with `buildStacks` into every tier (or
 * only `tiers` of them) and synthesized with the stacks' validations (the secure-default checks), as
 * `cdktf synth` does. Each stack's output is validated, and the stacks together.
 */
function describeCase(
  target: string, input: string, description: unknown, tiers?: readonly Tier[], built?: (d: AppDescription, synths: Record<string, string>) => void,
): Failure | 'rejected' | 'synthesized' {
  let d: AppDescription;
  try {
    d = validateAppDescription(description, 'description.yaml');
  } catch (e) {
    if (!(e instanceof ErpValidationError)) return crashOf(target, input, e);
    if (e.where !== 'description.yaml') return { target, kind: 'unnamed', input, error: `ErpValidationError names ${e.where}, not the description`, key: 'where' };
    return unnamed(target, input, e) ?? 'rejected';
  }
  const synths: Record<string, string> = {};
  try {
    const stacks = buildStacks(Testing.app() as App, d, envFor(d));
    for (const s of stacks) {
      if (tiers && !tiers.includes(s.tier)) continue;
      synths[s.stackName] = Testing.synth(s, true);
    }
  } catch (e) {
    if (e instanceof ErpChecksError) {
      // A secure-default check (lib/checks) failing synth names the rule and the resource: refused by design.
      const p = e.problems[0];
      const note: Failure = { target, kind: 'accepted-then-refused', input, error: `refused by the secure-default checks: ${p?.prop}: ${p?.problem}`, key: `check ${p?.prop?.replace(/^[^[]*/, '')}` };
      if (!notes.some((n) => n.key === note.key)) notes.push(note);
      return unnamed(target, input, e) ?? 'rejected';
    }
    if (e instanceof ErpValidationError) {
      const p = e.problems[0];
      return {
        target, kind: 'accepted-then-refused', input,
        error: `the description passed validateAppDescription, then ${e.where} threw ErpValidationError: ${p?.prop}: ${p?.problem} (got ${render(p?.value, 100)})${e.problems.length > 1 ? ` (+${e.problems.length - 1} more)` : ''}`,
        key: `refused ${e.where.replace(/^[^/]*/, '')} ${p?.prop?.replace(/\d+/g, '#')} ${normalize(p?.problem ?? '')}`,
      };
    }
    return crashOf(target, input, e);
  }
  const violations: Violation[] = [];
  try {
    for (const [name, text] of Object.entries(synths)) violations.push(...validateOutput(text).map((v) => ({ ...v, address: `${name}:${v.address}` })));
    violations.push(...validateStackSet(Object.fromEntries(Object.entries(synths).map(([k, v]) => [k, JSON.parse(v)]))));
  } catch (e) {
    return crashOf(`${target} (validator)`, input, e);
  }
  if (violations.length > 0) return invalidOf(target, input, violations);
  built?.(d, synths);
  return 'synthesized';
}

/** What a weekly release changes: the images' tags, a plain variable, the web replicas, one more cron job. */
function release(d: AppDescription): AppDescription {
  const next: any = clone(d);
  const bump = (image: string | undefined) => (image === undefined || image.includes('@') ? image : `${image.replace(/:[^:/]+$/, '')}:9.9.9-rc1`);
  next.processes.web.image = bump(next.processes.web.image);
  next.processes.web.replicas = (next.processes.web.replicas ?? 1) === 1 ? 2 : 1;
  for (const w of next.processes.workers ?? []) w.image = bump(w.image);
  next.environment = { ...(next.environment ?? {}), RELEASE_NOTE: 'weekly' };
  const jobs = next.processes.scheduler?.jobs ?? [];
  next.processes.scheduler = { ...(next.processes.scheduler ?? {}), jobs: [...jobs, { name: 'zz-weekly-report', schedule: '0 6 * * 1', command: ['php', 'artisan', 'report'] }] };
  return next;
}

/**
 * Resources that hold data, an identity, a server or a network, and the arguments of each that the pinned
 * provider marks ForceNew (a new value replaces it): digitalocean/droplet/resource_droplet.go (v2.71.0: image,
 * region, ssh_keys, user_data, monitoring, droplet_agent, vpc_uuid), docs/resources/volume.md, vpc.md
 * (ip_range "cannot be changed"), database_db.md and database_user.md (name), hashicorp/aws s3_bucket.md
 * (bucket, bucket_prefix "Forces new resource"). A release must keep every one at its address, with those arguments.
 */
const KEEP: Readonly<Record<string, readonly string[]>> = {
  digitalocean_droplet: ['image', 'region', 'ssh_keys', 'user_data', 'monitoring', 'droplet_agent', 'vpc_uuid'],
  digitalocean_volume: ['region', 'initial_filesystem_type', 'snapshot_id'],
  digitalocean_vpc: ['region', 'ip_range'],
  digitalocean_database_cluster: ['engine', 'region'],
  digitalocean_database_replica: ['cluster_id', 'region'],
  digitalocean_database_db: ['cluster_id', 'name'],
  digitalocean_database_user: ['cluster_id', 'name'],
  digitalocean_kubernetes_cluster: ['region', 'vpc_uuid'],
  digitalocean_nfs: ['region'],
  aws_s3_bucket: ['bucket', 'bucket_prefix'],
  aws_kms_key: [],
  cloudflare_zero_trust_tunnel_cloudflared: ['account_id'],
};

/** What the second synth removes or replaces among the first's resources that must stay. */
function lostByChange(before: Record<string, string>, after: Record<string, string>): string[] {
  const out: string[] = [];
  for (const [stack, text] of Object.entries(before)) {
    const a = JSON.parse(text).resource ?? {};
    const b = after[stack] ? JSON.parse(after[stack]).resource ?? {} : {};
    for (const [type, args] of Object.entries(KEEP)) {
      for (const [name, body] of Object.entries<any>(a[type] ?? {})) {
        const next = b[type]?.[name];
        if (!next) {
          out.push(`${stack}: ${type}.${name} is gone`);
          continue;
        }
        for (const arg of args) {
          if (JSON.stringify(body[arg]) !== JSON.stringify(next[arg])) out.push(`${stack}: ${type}.${name} ${arg} changes (forces a new one)`);
        }
      }
    }
  }
  return out;
}

/** True when validateAppDescription takes the input. */
function accepts(input: unknown): boolean {
  try {
    validateAppDescription(clone(input), 'description.yaml');
    return true;
  } catch {
    return false;
  }
}

/** Where a description's case fails first: the smallest description is the one reported. */
function keep(failures: Map<string, Failure>, f: Failure | undefined): void {
  if (!f) return;
  const seen = failures.get(f.key);
  if (!seen || f.input.length < seen.input.length) failures.set(f.key, f);
}

describe('app descriptions: each is refused with ErpValidationError naming the field, or builds into every tier with valid output', () => {
  test('the built-in example builds into dev, prod, ha-platform, ha and local with valid output', () => {
    const target = 'descriptions: the built-in example';
    const f = record(tally(target), describeCase(target, '(LARAVEL_INVOICING_EXAMPLE)', clone(LARAVEL_INVOICING_EXAMPLE)));
    if (f) {
      allFailures.push(f);
      throw new Error(format([f]));
    }
  });

  test('random descriptions at the edges of what the description takes build into every tier, or are refused', () => {
    const target = 'descriptions: random, built into every tier';
    const tl = tally(target);
    const failures = new Map<string, Failure>();
    const apps = new Map<string, { domain: string; synths: Record<string, string> }>();
    for (const d of fc.sample(appDescription(), { numRuns: runsOf(24), seed: SEED })) {
      keep(failures, record(tl, describeCase(target, render(d, 100000), d, undefined, (valid, synths) => {
        // Apps of other names and domains, for the account they share below.
        if (!apps.has(valid.name) && ![...apps.values()].some((a) => a.domain === valid.domain)) apps.set(valid.name, { domain: valid.domain, synths });
      })));
    }
    // Every app built above deploys into one DigitalOcean account, one AWS account and one Cloudflare account:
    // apps of different names and domains must not claim the same VPC, cluster, IAM user, record or tunnel name.
    const shared = 'descriptions: apps of other names in one account';
    const together: Record<string, object> = {};
    for (const [name, a] of apps) for (const [stack, text] of Object.entries(a.synths)) together[`${name}/${stack}`] = JSON.parse(text);
    const collisions = validateStackSet(together, { oneProject: false });
    keep(failures, record(tally(shared), collisions.length > 0 ? invalidOf(shared, [...apps.keys()].join(', '), collisions) : 'synthesized'));
    allFailures.push(...failures.values());
    if (failures.size > 0) throw new Error(`${failures.size} kinds of failure in ${tl.cases} descriptions:\n${format([...failures.values()])}`);
  });

  test('a release (new image, environment, replicas, an added cron job) changes no address and no replacement-forcing argument of what holds data or identity', () => {
    const target = 'descriptions: a release, then the same stacks';
    const tl = tally(target);
    const failures = new Map<string, Failure>();
    let compared = 0;
    for (const d of fc.sample(appDescription(), { numRuns: runsOf(40), seed: SEED + 1 })) {
      if (compared >= runsOf(6) || !accepts(d)) continue;
      let before: Record<string, string> | undefined;
      if (describeCase(target, render(d, 100000), d, undefined, (_v, synths) => { before = synths; }) !== 'synthesized' || !before) continue;
      compared++;
      const next = release(d);
      let after: Record<string, string> | undefined;
      const o = describeCase(target, `release of ${render(d, 100000)}`, next, undefined, (_v, synths) => { after = synths; });
      if (o !== 'synthesized' || !after) {
        keep(failures, record(tl, o === 'synthesized' ? 'rejected' : o));
        continue;
      }
      const lost = lostByChange(before, after);
      keep(failures, record(tl, lost.length === 0 ? 'synthesized' : {
        target, kind: 'invalid', input: `release of ${render(d, 100000)}`,
        error: `the release would replace or remove: ${lost.slice(0, 5).join('; ')}${lost.length > 5 ? ` (+${lost.length - 5} more)` : ''}`,
        key: `lost ${lost[0].replace(/[A-Z][A-Za-z0-9_-]*_[0-9A-F]{8}/g, '').replace(/"[^"]*"/g, '#')}`,
      }));
    }
    allFailures.push(...failures.values());
    if (failures.size > 0) throw new Error(`${failures.size} kinds of failure in ${tl.cases} releases:\n${format([...failures.values()])}`);
  });

  test('mutations of the built-in example are refused naming the field, or build (into one tier each, in turn) with valid output', () => {
    const target = 'descriptions: mutated example';
    const tl = tally(target);
    const failures = new Map<string, Failure>();
    const order: Tier[] = ['dev', 'ha', 'prod', 'local'];
    let built = 0;
    for (const muts of fc.sample(mutations(LARAVEL_INVOICING_EXAMPLE, nearlyRight), { numRuns: runsOf(400), seed: SEED })) {
      const input = apply(LARAVEL_INVOICING_EXAMPLE, muts);
      // Only an accepted description is built (the refused ones cost a validation), into one tier: they take turns.
      const tiers = accepts(input) ? [order[built++ % order.length]] : undefined;
      keep(failures, record(tl, describeCase(target, show(muts), input, tiers)));
    }
    allFailures.push(...failures.values());
    if (failures.size > 0) throw new Error(`${failures.size} kinds of failure in ${tl.cases} descriptions:\n${format([...failures.values()])}`);
  });

  test('any value that is not a description is refused with ErpValidationError', () => {
    const target = 'descriptions: not a description';
    const tl = tally(target);
    const failures = new Map<string, Failure>();
    for (const input of fc.sample(fc.oneof(fc.anything(), fc.jsonValue(), badValue), { numRuns: runsOf(1500), seed: SEED })) {
      let o: Failure | 'rejected' | 'synthesized';
      try {
        validateAppDescription(input, 'description.yaml');
        o = { target, kind: 'crash', input: render(input), error: 'accepted as a description', key: 'accepted' };
      } catch (e) {
        o = e instanceof ErpValidationError ? (unnamed(target, render(input), e) ?? 'rejected') : crashOf(target, render(input), e);
      }
      keep(failures, record(tl, o));
    }
    allFailures.push(...failures.values());
    if (failures.size > 0) throw new Error(`${failures.size} kinds of failure in ${tl.cases} inputs:\n${format([...failures.values()])}`);
  });
});

// ---------------------------------------------------------------- the figures, and the final assertion

describe('in all', () => {
  test('0 crashes and 0 invalid outputs (nor descriptions accepted, then refused by a construct)', () => {
    const rows = [...tallies.entries()];
    const sum = (k: keyof Tally) => rows.reduce((n, [, t]) => n + t[k], 0);
    const width = Math.max(...rows.map(([n]) => n.length), 10);
    const line = (name: string, t: Tally) => `${name.padEnd(width)} ${String(t.cases).padStart(6)} ${String(t.rejected).padStart(8)} ${String(t.synthesized).padStart(11)} ${String(t.crashes).padStart(7)} ${String(t.invalid).padStart(7)} ${String(t.refused).padStart(7)}`;
    const total: Tally = { cases: sum('cases'), rejected: sum('rejected'), synthesized: sum('synthesized'), crashes: sum('crashes'), invalid: sum('invalid'), refused: sum('refused') };
    const table = [
      `property cases (seed ${SEED}, scale ${SCALE}):`,
      `${'target'.padEnd(width)}  cases rejected synthesized crashes invalid refused`,
      ...rows.map(([n, t]) => line(n, t)),
      line('total', total),
      `distinct failures: ${allFailures.length} (crashes ${allFailures.filter((f) => f.kind === 'crash' || f.kind === 'unnamed').length}, invalid outputs ${allFailures.filter((f) => f.kind === 'invalid').length}, refused ${allFailures.filter((f) => f.kind === 'refused-valid-base' || f.kind === 'accepted-then-refused').length})`,
    ].join('\n');
    process.stdout.write(`${table}\n${notes.length > 0 ? `notes (not failures):\n${format(notes)}\n` : ''}`);
    if (total.crashes + total.invalid + total.refused > 0) {
      throw new Error(`${total.crashes} crashes, ${total.invalid} invalid outputs and ${total.refused} accepted-then-refused cases (${allFailures.length} distinct):\n${format(allFailures)}`);
    }
    expect(total.cases).toBeGreaterThanOrEqual(runsOf(10000) * 0.99);
  });
});
