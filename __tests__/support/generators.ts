/**
 * Inputs for the property tests, drawn by fast-check (reproducible from a seed):
 *
 * - mutations of a valid base: one to three fields replaced by a bad value (wrong types, null,
 *   NaN, huge numbers, unicode, empty strings, arrays for objects), removed, or an extra field added;
 * - random app descriptions: mostly well-formed, with the values at the edges of what the
 *   description accepts (names of 1 and 32 characters, hyphens in every place, domains one and
 *   three levels deep, labels of 63, MySQL users of 32 and 33 characters, every region and engine
 *   version, ports 1 and 65535, up to three workers, jobs, services and admin tools), and now and
 *   then a value the description must refuse.
 *
 * Test support only.
 */
import fc from 'fast-check';
import type { AppDescription } from '../../stacks/description/description';

// ---------------------------------------------------------------- mutations of a valid base

export const REMOVE = Symbol('remove');
export const EXTRA_KEY = 'unexpectedField';

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

export type Path = Array<string | number>;

/** Paths to every field of the plain objects and arrays of a value (class instances are leaves). */
export function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
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

export function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
}

/** Copies plain objects and arrays; keeps class instances (regions, engines, sizes) by reference. */
export function clone<T>(v: T): T {
  if (Array.isArray(v)) return v.map(clone) as unknown as T;
  if (isPlain(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)])) as T;
  return v;
}

export interface Mutation { readonly path: Path; readonly value: unknown }

/** Pads or cuts a name to `n` characters, keeping its alphabet (`_` names grow with `_x`, others with letters). */
function sized(s: string, n: number): string {
  if (s.length >= n) return s.slice(0, n);
  return s + 'abcdefghij'.repeat(Math.ceil((n - s.length) / 10)).slice(0, n - s.length);
}

/**
 * Values close to a valid one: the same value at the lengths where limits sit (16, 21, 32, 37, 52, 63, 64...),
 * with a dot, a doubled hyphen, capitals, a reserved prefix or suffix, a calendar date that does not exist,
 * a socket instead of a URL, a wildcard, a region that does not exist. What gets past a loose check and then
 * breaks an API limit is found here rather than among random values.
 */
export function nearlyRightFor(value: unknown): unknown[] {
  return [...nearlyRightLengths(value), ...nearlyRightForms(value)];
}

/** The value at the lengths where limits sit. */
function nearlyRightLengths(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  const out = new Set([1, 2, 3, 16, 17, 20, 21, 22, 32, 33, 37, 38, 40, 41, 52, 53, 60, 63, 64, 254].map((n) => sized(value, n)));
  out.delete(value);
  return [...out];
}

/** The value in a form that is nearly right: reserved words and affixes, dates and URLs and ranges that do not work. */
function nearlyRightForms(value: unknown): unknown[] {
  if (typeof value === 'number') {
    return [...new Set([0, 1, 2, 3, value - 1, value + 1, value * 10, 100, 1000, 65535, 65536, 2 ** 31])];
  }
  if (typeof value !== 'string') return [];
  const s = value;
  const out = new Set<string>();
  out.add(`${s}.prod`).add(`${s}--x`).add(s.toUpperCase()).add(`xn--${s}`).add(`sthree-${s}`).add(`${s}-s3alias`).add(`${s}--ol-s3`);
  out.add(`${s}-`).add(`-${s}`).add(`1${s}`).add(`${s}_x`).add(`${s} x`).add(`${s}:x`).add('doadmin').add('defaultdb').add('default');
  // Interpolations as a shell or a Compose file writes them: text for the app, never an expression for Terraform.
  out.add(`${s}\${HOME}`).add('${DB_HOST}:3306').add('${var.db_password}');
  if (/^\d{4}-\d\d-\d\dT/.test(s)) ['2026-02-30T00:00:00Z', '2026-02-29T12:00:00Z', '2026-04-31T00:00:00Z', '2026-13-01T00:00:00Z', '2026-03-01T24:00:00Z'].forEach((x) => out.add(x));
  if (s.includes('://')) {
    ['unix:/var/run/docker.sock', 'unix:///run/app.sock', 'unix+tls:/run/app.sock', 'tcp://db:5432', 'ssh://bastion:22', 'ftp://files:21',
      'http://web', 'http://Web:8080', 'https://web:8443/', 'http://web:0', 'http://web:65536', 'http_status:404', 'hello_world', 'web:8080'].forEach((x) => out.add(x));
  }
  if (/^[a-z0-9*-]+(\.[a-z0-9-]+)+$/.test(s)) {
    ['a-b.example.com', 'a.b.example.com', `*.${s}`, `${'x'.repeat(63)}.example.com`, `${'x'.repeat(64)}.example.com`, `a.*.${s}`, `${s}.`, 'example.com'].forEach((x) => out.add(x));
  }
  if (s.startsWith('/')) ['/', '//', '/a b', '/api/', `${s}/*`, '/.well-known'].forEach((x) => out.add(x));
  if (/^[\d*,/-]+( [\d*,/A-Z-]+){4}$/.test(s)) ['0 2 30 2 *', '0 0 31 4 *', '* * * * *', '*/1 * * * *', '0 0 29 2 *', '60 2 * * *'].forEach((x) => out.add(x));
  if (/^\d+\.\d+\.\d+\.\d+(\/\d+)?$/.test(s)) ['10.0.0.0/28', '10.0.0.0/8', '0.0.0.0/0', '8.8.8.8/32', '10.0.0.1', '172.32.0.0/16', '192.168.0.0/24'].forEach((x) => out.add(x));
  if (/^[a-z]{2}-[a-z]+-\d$/.test(s)) ['eu-mars-1', 'us-gov-west-1', 'cn-north-1', 'ap-southeast-7', 'eu-central-3'].forEach((x) => out.add(x));
  if (/^[a-z]{3}\d$/.test(s)) ['xyz9', 'fra2', 'nyc2', 'sfo1'].forEach((x) => out.add(x));
  out.delete(s);
  return [...out];
}

/**
 * One to three mutations of the base: a field replaced by a bad value (or one of `extra`), or by a value
 * nearly right for it (`nearlyRightFor`), removed, or an extra field added.
 */
export function mutations(base: unknown, extra?: fc.Arbitrary<unknown>): fc.Arbitrary<Mutation[]> {
  const paths = pathsOf(base);
  const containers: Path[] = [[], ...paths.filter((p) => isPlain(get(base, p)))];
  const near = paths.map((p) => ({ path: p, lengths: nearlyRightLengths(get(base, p)), forms: nearlyRightForms(get(base, p)) }))
    .filter((x) => x.lengths.length + x.forms.length > 0);
  // Lengths and forms are drawn as often as each other: the forms are fewer, and each one matters.
  const nearValue = (x: (typeof near)[number]): fc.Arbitrary<unknown> => (x.lengths.length === 0 ? fc.constantFrom(...x.forms)
    : x.forms.length === 0 ? fc.constantFrom(...x.lengths) : fc.oneof(fc.constantFrom(...x.lengths), fc.constantFrom(...x.forms)));
  const value = extra ? fc.oneof({ weight: 3, arbitrary: badValue }, { weight: 1, arbitrary: extra }) : badValue;
  const one: fc.Arbitrary<Mutation> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ path: fc.constantFrom(...paths), value }) },
    ...(near.length > 0
      ? [{ weight: 5, arbitrary: fc.constantFrom(...near).chain((x) => nearValue(x).map((v): Mutation => ({ path: x.path, value: v }))) }]
      : []),
    { weight: 2, arbitrary: fc.record({ path: fc.constantFrom(...paths), value: fc.constant(REMOVE) }) },
    { weight: 1, arbitrary: fc.record({ path: fc.constantFrom(...containers).map((p) => [...p, EXTRA_KEY]), value: badValue }) },
  );
  return fc.array(one, { minLength: 1, maxLength: 3 });
}

export function get(v: unknown, path: Path): unknown {
  return path.reduce<any>((o, k) => (o === null || o === undefined ? undefined : o[k]), v);
}

/** The base with the mutations applied (the base itself is not changed). */
export function apply<T>(base: T, muts: readonly Mutation[]): T {
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

export function show(muts: readonly Mutation[]): string {
  return muts.map((m) => `${m.path.join('.') || '(root)'} = ${m.value === REMOVE ? '<removed>' : render(m.value)}`).join('; ');
}

export function render(v: unknown, max = 80): string {
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol' || typeof v === 'bigint') return `${typeof v} ${String(v)}`;
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (v instanceof Date) return 'a Date';
  try {
    const t = JSON.stringify(v);
    if (t === undefined) return String(v);
    return t.length > max ? `${t.slice(0, max - 3)}...` : t;
  } catch {
    return String(v);
  }
}

// ---------------------------------------------------------------- random app descriptions

/** Mostly `typical`, now and then `edge`. */
function mostly<T>(typical: fc.Arbitrary<T>, edge: fc.Arbitrary<T>, edgeWeight = 1, typicalWeight = 4): fc.Arbitrary<T> {
  return fc.oneof({ weight: typicalWeight, arbitrary: typical }, { weight: edgeWeight, arbitrary: edge });
}

/** Sometimes absent (`undefined`), as an optional field of the description. */
function optional<T>(a: fc.Arbitrary<T>, presentWeight = 1, absentWeight = 1): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: presentWeight, arbitrary: a }, { weight: absentWeight, arbitrary: fc.constant(undefined) });
}

const WORDS = ['erp', 'facturador', 'lender', 'isp', 'billing', 'acme', 'ventas', 'stock', 'crm', 'payroll', 'shop', 'ledger'];
const PROCESS_WORDS = ['queue', 'mailer', 'reports', 'celery', 'beat', 'cleanup', 'sync', 'rates', 'scrape-bcv', 'import', 'notify', 'pdf'];

/**
 * A DNS label of at most `max` characters starting with a letter (what the description takes for
 * names), edges included: one character, exactly `max`, hyphens doubled, digits at the end, and the
 * prefixes S3 reserves.
 */
export function dnsName(words: readonly string[], max: number): fc.Arbitrary<string> {
  const generated = fc.stringMatching(new RegExp(`^[a-z][a-z0-9-]{0,${max - 2}}[a-z0-9]$`)).filter((s) => s.length <= max);
  const edges = fc.oneof(
    fc.constantFrom('a', 'ab', 'x1', 'a-b', 'a--b', 'xn--erp', 'sthree-erp', 'amzn-s3-demo-erp', 'web', 'erp-prod'),
    fc.integer({ min: Math.max(1, max - 12), max }).map((n) => 'a'.repeat(n - 1) + 'z'),
    fc.integer({ min: Math.max(2, max - 12), max }).map((n) => `e${'-r'.repeat(Math.floor((n - 1) / 2))}${n % 2 === 0 ? '1' : ''}`),
  );
  return mostly(fc.oneof(fc.constantFrom(...words), generated), edges, 2, 3);
}

/** A SQL name for the database and its user (`[a-z_][a-z0-9_]{0,62}`), edges at 16, 32, 33 and 63 characters and `doadmin`. */
const sqlName: fc.Arbitrary<string> = mostly(
  fc.oneof(fc.constantFrom(...WORDS.map((w) => w.replace(/-/g, '_'))), fc.stringMatching(/^[a-z_][a-z0-9_]{0,20}$/)),
  fc.oneof(
    fc.constantFrom('doadmin', 'defaultdb', 'postgres', 'mysql', '_', 'a'),
    fc.constantFrom(16, 17, 32, 33, 62, 63).map((n) => 'u'.repeat(n)),
  ),
  1, 4,
);

const IMAGES = [
  'ghcr.io/acme/erp:1.4.2', 'registry.example.com:5000/team/app:2025.01', 'nginx:1.27-alpine', 'python:3.12-slim',
  'node:22-bookworm', 'ghcr.io/acme/erp@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
  'registry.digitalocean.com/acme/api:3.0.0', 'phpmyadmin:5.2.1',
];

const image = fc.constantFrom(...IMAGES);
const command = fc.array(fc.constantFrom('php', 'artisan', 'queue:work', 'node', 'dist/worker.js', 'celery', '-A', 'app', 'worker', '--concurrency=2', 'python', '-m', 'manage', 'run'), { minLength: 1, maxLength: 4 });
const port = mostly(fc.constantFrom(80, 3000, 8000, 8080, 9000), fc.constantFrom(1, 22, 443, 1024, 65535, 25060), 1, 4);
const httpPath = fc.constantFrom('/health', '/', '/api/health', '/healthz', '/status?full=1');
const cron = mostly(
  fc.constantFrom('0 2 * * *', '*/5 * * * *', '0 4 * * 1', '30 23 * * 1-5', '0 0 1 * *', '0 8,13 * * MON-SAT', '15 3 * * SUN'),
  fc.constantFrom('* * * * *', '59 23 31 12 *', '0 0 29 2 *', '0 12 * * 7'),
  1, 5,
);
const timeZone = fc.constantFrom('Etc/UTC', 'America/Lima', 'Europe/Berlin', 'Asia/Kolkata', 'America/Caracas', 'Australia/Lord_Howe', 'Asia/Kathmandu');

const healthCheck = fc.record({
  path: httpPath,
  intervalSeconds: optional(fc.constantFrom(1, 10, 30, 3600)),
  timeoutSeconds: optional(fc.constantFrom(1, 5, 10, 3600)),
  retries: optional(fc.constantFrom(1, 3, 100)),
  startPeriodSeconds: optional(fc.constantFrom(0, 40, 3600)),
}, { requiredKeys: ['path'] });

const container = fc.record({
  user: optional(fc.constantFrom('1001:1001', '0', '33', '65534:65534')),
  readOnlyRootFilesystem: optional(fc.boolean()),
  writablePaths: optional(fc.constantFrom(['/run'], ['/var/lib/nginx', '/run'], ['/app/cache'], ['/var/www/html/storage/framework/views'])),
}, { requiredKeys: [] });

/** An environment map: plain names and values, placeholders among them. */
const environment = fc.dictionary(
  fc.constantFrom('APP_ENV', 'APP_URL', 'LOG_CHANNEL', 'NODE_ENV', 'TZ', 'FEATURE_FLAGS', 'PUBLIC_HOST', 'WORKERS', 'LANG', 'x_lower'),
  fc.oneof(
    fc.constantFrom('production', '{{url}}', 'https://{{domain}}/', 'stderr', 'es_VE.UTF-8', '', '4', 'redis://${REDIS_HOST}:6379', '$HOME/.cache'),
    fc.string({ maxLength: 20 }).filter((s) => !s.includes('{{')),
  ),
  { maxKeys: 4 },
);

/** Unique names (of processes, jobs, tools) from an arbitrary of names. */
function uniqueNames(names: fc.Arbitrary<string>, maxLength: number): fc.Arbitrary<string[]> {
  return fc.uniqueArray(names, { maxLength });
}

const ZONES = ['example.com', 'example.co.uk', 'acme-industries.example', 'x.io'];

/** A zone and a domain inside it: the apex, one or two levels down, hyphens and dots in every place, labels of 63. */
const zoneAndDomain: fc.Arbitrary<{ zoneName: string; domain: string }> = fc.constantFrom(...ZONES).chain((zoneName) => fc.record({
  zoneName: fc.constant(zoneName),
  domain: mostly(
    fc.oneof(
      fc.constantFrom('app', 'fact', 'erp', 'lender', 'isp').map((l) => `${l}.${zoneName}`),
      dnsName(WORDS, 20).map((l) => `${l}.${zoneName}`),
    ),
    fc.oneof(
      fc.constant(zoneName),
      fc.constantFrom('a-b', 'a.b', 'dev-a', 'ha', 'www.app', 'x--y').map((l) => `${l}.${zoneName}`),
      fc.constantFrom(58, 59, 60, 61, 62, 63).map((n) => `${'d'.repeat(n)}.${zoneName}`),
    ),
    1, 3,
  ),
}));

const DO_REGIONS = ['nyc1', 'nyc3', 'sfo2', 'sfo3', 'ams3', 'sgp1', 'lon1', 'fra1', 'tor1', 'blr1', 'syd1', 'atl1'];
const AWS_REGIONS = ['eu-central-1', 'eu-west-1', 'us-east-1', 'us-west-2', 'ap-southeast-2', 'sa-east-1', 'ca-central-1', 'eu-north-1', 'me-central-1'];

const tierOverrides = fc.record({
  dropletSize: optional(fc.constantFrom('s-2vcpu-4gb', 's-4vcpu-8gb', 'c-4', 'g-2vcpu-8gb', 's-1vcpu-1gb'), 1, 3),
  dropletCount: optional(fc.constantFrom(1, 2, 3), 1, 3),
  databaseSize: optional(fc.constantFrom('db-s-1vcpu-1gb', 'db-s-2vcpu-4gb', 'db-s-4vcpu-8gb'), 1, 3),
  databaseNodeCount: optional(fc.constantFrom(1, 2, 3), 1, 3),
  cacheSize: optional(fc.constantFrom('db-s-1vcpu-1gb', 'db-s-1vcpu-2gb'), 1, 4),
  nodeSize: optional(fc.constantFrom('s-2vcpu-4gb', 's-4vcpu-8gb'), 1, 4),
  webReplicas: optional(fc.constantFrom(1, 2, 5), 1, 3),
  localPort: optional(fc.constantFrom(1024, 8080, 65535), 1, 4),
}, { requiredKeys: [] });



/** A random app description: mostly valid, at the edges of what the description takes. */
export function appDescription(): fc.Arbitrary<AppDescription> {
  const appName = dnsName(WORDS, 32);
  const procName = dnsName(PROCESS_WORDS, 32);
  return fc.record({
    name: appName,
    zone: zoneAndDomain,
    tenantSubdomains: optional(fc.boolean()),
    region: optional(mostly(fc.constantFrom('fra1', 'nyc3', 'ams3'), fc.constantFrom(...DO_REGIONS), 1, 1)),
    awsRegion: optional(mostly(fc.constantFrom('eu-central-1', 'us-east-1'), fc.constantFrom(...AWS_REGIONS, 'eu-mars-1'), 1, 2)),
    awsReplicaRegion: optional(fc.constantFrom('eu-west-1', 'us-west-2', 'eu-north-1'), 1, 3),
    timeZone: optional(timeZone, 1, 2),
    web: fc.record({
      image,
      command: optional(command, 1, 3),
      port,
      healthCheck: optional(healthCheck, 2, 1),
      replicas: optional(fc.constantFrom(1, 2, 3, 100), 1, 2),
      path: optional(fc.constantFrom('/', '/api'), 1, 4),
      container: optional(container, 1, 3),
    }, { requiredKeys: ['image', 'port'] }),
    workerNames: uniqueNames(procName, 3),
    jobNames: uniqueNames(procName, 3),
    serviceNames: uniqueNames(procName, 2),
    toolNames: uniqueNames(mostly(fc.constantFrom('pma', 'flower', 'adminer', 'horizon'), dnsName(PROCESS_WORDS, 32), 1, 3), 2),
    everyMinute: optional(command, 1, 1),
    schedulerContainer: optional(container, 1, 4),
    jobSchedule: cron,
    jobTimeZone: optional(timeZone, 1, 3),
    websocket: optional(fc.record({ image: optional(image), command, port: fc.constantFrom(3002, 6001, 8081), path: optional(fc.constantFrom('/ws', '/socket.io')) }, { requiredKeys: ['command', 'port'] }), 1, 3),
    release: optional(command, 1, 1),
    database: fc.oneof(
      fc.record({ engine: fc.constant('postgres' as const), version: fc.constantFrom(13, 14, 15, 16, 17), name: optional(sqlName), user: optional(sqlName), poolSize: optional(fc.constantFrom(1, 20, 97), 1, 2) }, { requiredKeys: ['engine', 'version'] }),
      fc.record({ engine: fc.constant('mysql' as const), version: fc.constant(8), name: optional(sqlName), user: optional(sqlName) }, { requiredKeys: ['engine', 'version'] }),
    ),
    cache: optional(fc.record({ engine: fc.constant('valkey' as const), aliases: optional(fc.constant({ REDIS_URL: 'CELERY_BROKER_URL' })) }, { requiredKeys: ['engine'] })),
    backups: optional(fc.record({
      schedule: optional(cron),
      dailyRetentionDays: optional(fc.constantFrom(1, 7, 30)),
      weeklyRetentionWeeks: optional(fc.constantFrom(0, 5, 12)),
      monthlyRetentionMonths: optional(fc.constantFrom(0, 12, 120)),
      restoreDrillSchedule: optional(fc.constant('0 5 * * 0'), 1, 3),
      scratchSizeGib: optional(fc.constantFrom(1, 4, 100), 1, 3),
    }, { requiredKeys: [] })),
    environment: optional(environment),
    secrets: optional(fc.dictionary(
      fc.constantFrom('APP_KEY', 'MAIL_PASSWORD', 'JWT_SECRET', 'STRIPE_KEY'),
      fc.oneof(
        fc.constantFrom('mail_password', 'jwt_secret', 'stripe_key', 'a').map((variable) => ({ variable })),
        fc.record({ bytes: optional(fc.constantFrom(16, 32, 1024)), encoding: optional(fc.constantFrom('base64' as const, 'hex' as const)), prefix: optional(fc.constantFrom('base64:', '')) }, { requiredKeys: [] }).map((generate) => ({ generate })),
      ),
      { maxKeys: 2 },
    ), 1, 1),
    registries: optional(fc.constantFrom(
      [{ digitalOcean: 'acme' }],
      [{ server: 'ghcr.io', username: 'acme-deploy', password: { variable: 'ghcr_token' } }],
    ), 1, 5),
    persistentPaths: optional(fc.constantFrom({ storage: '/var/www/html/storage' }, { uploads: '/app/uploads', 'next-cache': '/app/.next/cache' }), 1, 4),
    uploads: optional(fc.record({ envPrefix: optional(fc.constantFrom('UPLOADS_', 'S3_')), browserUploads: optional(fc.boolean()) }, { requiredKeys: [] }), 1, 3),
    advancedCertificate: optional(fc.boolean()),
    zoneSettingsStack: optional(fc.constantFrom('dev' as const, 'prod' as const, 'ha' as const, 'none' as const), 1, 3),
    sshKeys: fc.constantFrom(['12345678'], ['3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa'], ['1', '22222222']),
    adminCidrs: optional(fc.constantFrom(['203.0.113.10/32'], ['198.51.100.0/24', '203.0.113.7/32'])),
    alertEmail: optional(fc.constantFrom('ops@example.com', 'a@b.co')),
    devDomain: optional(fc.constantFrom('staging', 'qa', 'pre-prod', 'x'), 1, 5),
    backend: optional(fc.constantFrom(
      { type: 'local' as const },
      { type: 'cloud' as const, organization: 'acme-erp' },
      { type: 's3' as const, bucket: 'acme-terraform-state' },
      { type: 's3' as const, bucket: 'acme-terraform-state', region: 'eu-west-1' },
    ), 1, 4),
    tiers: optional(fc.record({
      dev: optional(tierOverrides, 1, 2),
      prod: optional(tierOverrides, 1, 2),
      ha: optional(fc.record({ minNodes: optional(fc.constantFrom(1, 3)), maxNodes: optional(fc.constantFrom(3, 10)), webReplicas: optional(fc.constantFrom(1, 4)) }, { requiredKeys: [] }), 1, 2),
      local: optional(fc.record({ localPort: optional(fc.constantFrom(1024, 8080, 65535)) }, { requiredKeys: [] }), 1, 2),
    }, { requiredKeys: [] }), 1, 3),
  }).map((r) => prune(assemble(r)));
}

/** The description from the drawn parts. */
function assemble(r: any): AppDescription {
  const workers = r.workerNames.map((name: string, i: number) => ({
    name, command: ['php', 'artisan', 'queue:work', `--queue=${name}`], replicas: i === 0 ? 2 : undefined,
    image: i === 2 ? 'ghcr.io/acme/worker:1.0.0' : undefined,
  }));
  const jobs = r.jobNames.map((name: string, i: number) => ({
    name, schedule: i === 0 ? r.jobSchedule : '0 3 * * *', command: ['php', 'artisan', name], timeZone: i === 0 ? r.jobTimeZone : undefined,
  }));
  const webPath: string = r.web.path ?? '/';
  const servicePaths = ['/beholder', '/', '/docs'].filter((p) => p !== webPath);
  const services = r.serviceNames.map((name: string, i: number) => ({
    // `/beholder` names an admin tool: the secure-default checks refuse it unless Access is in front (admin).
    name, image: 'ghcr.io/acme/frontend:1.0.0', port: 3000 + i, path: servicePaths[i], admin: servicePaths[i] === '/beholder' || i === 1 ? true : undefined,
  }));
  const adminTools = r.toolNames.map((name: string, i: number) => ({
    name, image: 'phpmyadmin:5.2.1', port: 80, allowEmailDomains: ['example.com'], allowEmails: i === 1 ? ['admin@example.com'] : undefined,
    environmentFrom: i === 0 ? { PMA_HOST: 'DB_HOST' } : undefined,
  }));
  const scheduler = r.everyMinute || jobs.length > 0
    ? { everyMinute: r.everyMinute, jobs: jobs.length > 0 ? jobs : undefined, container: r.schedulerContainer }
    : undefined;
  // `tiers.dev.domain`: the dev tier's own domain in the zone, when drawn.
  const tiers = r.devDomain ? { ...(r.tiers ?? {}), dev: { ...(r.tiers?.dev ?? {}), domain: `${r.devDomain}.${r.zone.zoneName}` } } : r.tiers;
  return {
    name: r.name,
    domain: r.zone.domain,
    tenantSubdomains: r.tenantSubdomains,
    region: r.region,
    awsRegion: r.awsRegion,
    awsReplicaRegion: r.awsReplicaRegion === (r.awsRegion ?? 'eu-central-1') ? undefined : r.awsReplicaRegion,
    timeZone: r.timeZone,
    processes: {
      web: r.web,
      workers: workers.length > 0 ? workers : undefined,
      scheduler,
      websocket: r.websocket,
      release: r.release,
      services: services.length > 0 ? services : undefined,
    },
    database: r.database,
    cache: r.cache,
    backups: r.backups,
    adminTools: adminTools.length > 0 ? adminTools : undefined,
    environment: r.environment,
    secrets: r.secrets && Object.keys(r.secrets).length > 0 ? r.secrets : undefined,
    registries: r.registries,
    persistentPaths: r.persistentPaths,
    uploads: r.uploads,
    cloudflare: {
      accountId: '0123456789abcdef0123456789abcdef',
      zoneId: 'fedcba9876543210fedcba9876543210',
      zoneName: r.zone.zoneName,
      advancedCertificate: r.advancedCertificate,
      zoneSettingsStack: r.zoneSettingsStack,
    },
    sshKeys: r.sshKeys,
    adminCidrs: r.adminCidrs,
    alertEmail: r.alertEmail,
    backend: r.backend,
    tiers,
  } as AppDescription;
}

/** Drops undefined fields, as a description read from JSON or YAML has none. */
export function prune<T>(v: T): T {
  if (Array.isArray(v)) return v.map(prune) as unknown as T;
  if (isPlain(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = prune(x);
    return out as T;
  }
  return v;
}
