import { DoRegion, checkAwsRegion } from '../../lib/common/region';
import { DatabaseEngineFamily } from '../../lib/common/contracts';
import { sqlDatabaseProblem, sqlUserProblem } from '../../lib/private/limits';
import { checkDerivedNames } from './derived-names';
import { parseCron } from '../../lib/app-service/private/cron';
import { checkBackupSchedule } from '../../lib/app-service/private/backup-schedule';
import { parseImageReference } from '../../lib/private/image-ref';
import { DOMAIN, EMAIL, HEX32, dnsLabel, parseIpv4Cidr } from '../../lib/private/patterns';
import { timeZoneProblem } from '../../lib/private/time-zone';
import { Problems } from '../../lib/private/validate';
import { checkContainerSettings } from '../../lib/app-service/private/container-settings';
import { checkPersistentPaths } from '../../lib/app-service/private/validate-model';
import { AppDescription, TIER_NAMES } from './description';
import { checkTierHostnames } from './hostnames';
import { UNKNOWN_PLACEHOLDER } from './placeholders';
import { DatabaseSize } from '../../lib/database/engine';
import { defaultTierSettings } from '../tiers';

/** Names in the description get suffixes (`-prod-db`), so they stay at 32 characters. */
const DNS_LABEL = dnsLabel(32);
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PG_VERSIONS = [13, 14, 15, 16, 17];
const MYSQL_VERSIONS = [8];

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Walks one object of the description, recording problems under a path prefix. */
class Walker {
  constructor(private readonly p: Problems) {}

  /** Flags keys that are not part of the schema (a typo would otherwise be ignored silently). */
  public known(obj: Obj, path: string, keys: string[]): void {
    for (const k of Object.keys(obj)) {
      if (!keys.includes(k)) {
        this.p.add(join(path, k), obj[k], 'is not a field of the app description', `remove it, or use one of: ${keys.join(', ')}`);
      }
    }
  }

  public object(obj: Obj, key: string, path: string, required: boolean): Obj | undefined {
    const v = obj[key];
    if (v === undefined) {
      if (required) this.p.add(join(path, key), v, 'is required', `add "${key}" (an object)`);
      return undefined;
    }
    if (!isObject(v)) {
      this.p.add(join(path, key), v, 'must be an object', `give "${key}" as an object ({ ... })`);
      return undefined;
    }
    return v;
  }

  public string(obj: Obj, key: string, path: string, required: boolean, pattern?: RegExp, fix?: string): string | undefined {
    const v = obj[key];
    if (v === undefined) {
      if (required) this.p.add(join(path, key), v, 'is required', fix ?? `add "${key}" (a string)`);
      return undefined;
    }
    if (typeof v !== 'string') {
      this.p.add(join(path, key), v, 'must be a string', fix ?? `give "${key}" as a string`);
      return undefined;
    }
    if (pattern && !pattern.test(v)) {
      this.p.add(join(path, key), v, 'is malformed', fix ?? `match ${pattern}`);
      return undefined;
    }
    return v;
  }

  /** An image reference, by the same grammar the app service checks (lib/private/image-ref.ts). */
  public image(obj: Obj, path: string, required: boolean): string | undefined {
    const v = this.string(obj, 'image', path, required, undefined, IMAGE_FIX);
    if (v === undefined) return undefined;
    const parsed = parseImageReference(v);
    if (!parsed.ok) {
      this.p.add(join(path, 'image'), v, `is not an image reference: ${parsed.error}`, IMAGE_FIX);
      return undefined;
    }
    return v;
  }

  public int(obj: Obj, key: string, path: string, required: boolean, min: number, max: number, fix?: string): number | undefined {
    const v = obj[key];
    if (v === undefined) {
      if (required) this.p.add(join(path, key), v, 'is required', fix ?? `add "${key}" (a whole number from ${min} to ${max})`);
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.p.add(join(path, key), v, `must be a whole number from ${min} to ${max}`, fix ?? `use a whole number from ${min} to ${max}`);
      return undefined;
    }
    return v;
  }

  /** Records a problem found by a check of several fields. */
  public problem(prop: string, value: unknown, problem: string, fix: string): void {
    this.p.add(prop, value, problem, fix);
  }

  public bool(obj: Obj, key: string, path: string): void {
    const v = obj[key];
    if (v !== undefined && typeof v !== 'boolean') this.p.add(join(path, key), v, 'must be true or false', `give "${key}" as true or false`);
  }

  public command(obj: Obj, key: string, path: string, required: boolean): void {
    const v = obj[key];
    if (v === undefined) {
      if (required) this.p.add(join(path, key), v, 'is required', `add "${key}" as a list of strings (["php", "artisan", "queue:work"])`);
      return;
    }
    if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string' && x.length > 0)) {
      this.p.add(join(path, key), v, 'must be a non-empty list of non-empty strings', 'give the command as an argument list, e.g. ["php", "artisan", "migrate", "--force"]');
    }
  }

  public array(obj: Obj, key: string, path: string): unknown[] | undefined {
    const v = obj[key];
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) {
      this.p.add(join(path, key), v, 'must be a list', `give "${key}" as a list ([ ... ])`);
      return undefined;
    }
    return v;
  }

  /** A process's `container` settings, checked as the app service checks them (lib/app-service/private/container-settings.ts). */
  public container(obj: Obj, path: string): void {
    checkContainerSettings(this.p, join(path, 'container'), obj.container as never);
  }

  /** An IANA time zone name, checked as the app service checks it (lib/private/time-zone.ts). */
  public timeZone(obj: Obj, key: string, path: string): void {
    const v = this.string(obj, key, path, false, undefined, 'give an IANA time zone name such as "America/Lima"');
    if (v === undefined) return;
    const why = timeZoneProblem(v);
    if (why) this.p.add(join(path, key), v, why.problem, why.fix);
  }

  public cron(obj: Obj, key: string, path: string, required: boolean): void {
    const v = this.string(obj, key, path, required, undefined, 'give a five-field cron line such as "0 2 * * *"');
    if (v !== undefined) {
      const why = cronProblem(v);
      if (why) this.p.add(join(path, key), v, `is not a cron line: ${why}`, 'give five fields: minute hour day-of-month month day-of-week, e.g. "0 2 * * *"');
    }
  }
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  // A key that is not a plain identifier (empty, spaces, dots) is quoted so the path still names it.
  if (!/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(key)) return `${path || '(root)'}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

/**
 * Why a five-field cron line does not parse, or undefined when it does. The
 * parser is the one the app service runs schedules with; the description
 * takes five fields only (no `@daily`-style macros).
 */
export function cronProblem(line: string): string | undefined {
  if (line.trim().startsWith('@')) return 'macros such as @daily are not taken here; write the five fields';
  const parsed = parseCron(line);
  return parsed.ok ? undefined : parsed.error;
}

/** Names that say "secret" (`DB_PASSWORD`, `SMTP_PASS`, `APP_KEY`, `AWS_SECRET_ACCESS_KEY`, `GITHUB_TOKEN`, `GOOGLE_CREDENTIALS`). */
const SECRET_NAME = /(PASSWORD|PASSWD|(^|_)PASS$|SECRET|TOKEN|API_?KEY|PRIVATE_KEY|ACCESS_KEY|(^|_)KEY$|CREDENTIALS?$|(^|_)DSN$)/;
/** Values shaped like a credential whatever their name: AWS access key ids, private keys, URIs with a password. */
const SECRET_VALUE = /(\b(AKIA|ASIA)[0-9A-Z]{16}\b|-----BEGIN [A-Z ]*PRIVATE KEY-----|:\/\/[^\s/:@]+:[^\s/@]+@)/;
/** A Terraform variable name a secret is read from. */
const VARIABLE_NAME = /^[a-z][a-z0-9_]{0,63}$/;

/** Secrets: each from a variable or generated, never a value. */
function checkSecrets(w: Walker, p: Problems, d: Obj): void {
  const secrets = w.object(d, 'secrets', '', false);
  if (!secrets) return;
  const env = isObject(d.environment) ? d.environment : {};
  for (const [k, spec] of Object.entries(secrets)) {
    const sp = join('secrets', k);
    if (!ENV_NAME.test(k)) p.add(sp, k, 'is not a valid variable name', 'use letters, digits and underscores, not starting with a digit');
    if (Object.prototype.hasOwnProperty.call(env, k)) p.add(sp, k, 'is also a plain environment variable', `keep ${k} in secrets only`);
    if (!isObject(spec)) {
      p.add(sp, typeof spec === 'string' ? '<hidden>' : spec, 'is a value: the description holds no secret values',
        `give { variable: '${k.toLowerCase()}' } and set TF_VAR_${k.toLowerCase()} where Terraform runs, or { generate: { bytes: 32, encoding: base64 } }`);
      continue;
    }
    w.known(spec, sp, ['variable', 'generate']);
    const hasVariable = spec.variable !== undefined;
    const hasGenerate = spec.generate !== undefined;
    if (hasVariable === hasGenerate) {
      p.add(sp, Object.keys(spec).join(', ') || '{}', 'needs exactly one of variable and generate', `give { variable: '${k.toLowerCase()}' } or { generate: {} }`);
      continue;
    }
    if (hasVariable) {
      w.string(spec, 'variable', sp, true, VARIABLE_NAME, 'use lowercase letters, digits and "_", starting with a letter (mail_password)');
      continue;
    }
    const g = w.object(spec, 'generate', sp, true);
    if (!g) continue;
    const gp = join(sp, 'generate');
    w.known(g, gp, ['bytes', 'length', 'encoding', 'prefix']);
    for (const key of ['bytes', 'length']) {
      const n = g[key];
      if (n !== undefined && !(Number.isInteger(n) && (n as number) >= 16 && (n as number) <= 1024)) p.add(join(gp, key), n, 'is not a whole number from 16 to 1024', 'use e.g. 32');
    }
    if (g.encoding !== undefined && !['base64', 'hex', 'alphanumeric'].includes(g.encoding as string)) {
      p.add(join(gp, 'encoding'), g.encoding, 'is not an encoding', 'use base64, hex or alphanumeric');
    }
    if (g.prefix !== undefined && (typeof g.prefix !== 'string' || /['\n\r]/.test(g.prefix) || g.prefix.length > 64)) {
      p.add(join(gp, 'prefix'), g.prefix, 'is not a short single-line text without quotes', 'use e.g. "base64:"');
    }
  }
}

/** The uploads bucket: a variable prefix and whether browsers upload to it. */
function checkUploads(w: Walker, d: Obj): void {
  const u = w.object(d, 'uploads', '', false);
  if (!u) return;
  w.known(u, 'uploads', ['envPrefix', 'browserUploads']);
  w.string(u, 'envPrefix', 'uploads', false, /^[A-Z][A-Z0-9_]*_$/, 'use uppercase letters, digits and "_", ending in "_" (UPLOADS_)');
  w.bool(u, 'browserUploads', 'uploads');
}

/** Registries: DigitalOcean's by name, or a host with a user and a token in a sensitive variable. */
function checkRegistries(w: Walker, p: Problems, d: Obj): void {
  const list = w.array(d, 'registries', '');
  const seen = new Set<string>();
  (list ?? []).forEach((r, i) => {
    const rp = join('registries', i);
    if (!isObject(r)) {
      p.add(rp, r, 'is not a registry', 'give { digitalOcean: name } or { server, username, password: { variable } }');
      return;
    }
    w.known(r, rp, ['digitalOcean', 'server', 'username', 'password']);
    if ((r.digitalOcean !== undefined) === (r.server !== undefined)) {
      p.add(rp, Object.keys(r).join(', ') || '{}', 'needs exactly one of digitalOcean and server', 'give { digitalOcean: acme } or { server: ghcr.io, username, password: { variable: ghcr_token } }');
      return;
    }
    if (r.digitalOcean !== undefined) {
      w.string(r, 'digitalOcean', rp, true, /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/, 'give the registry name, e.g. acme');
      if (r.username !== undefined || r.password !== undefined) p.add(rp, 'username/password', 'are not taken for DigitalOcean\'s registry', 'leave them out: Terraform creates read-only credentials');
      const server = 'registry.digitalocean.com';
      if (seen.has(server)) p.add(rp, server, 'is given twice', 'give one entry per registry host');
      seen.add(server);
      return;
    }
    const server = w.string(r, 'server', rp, true, /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(:\d{1,5})?$/, 'give the host only, e.g. ghcr.io');
    w.string(r, 'username', rp, true, /^[^:\s]+$/, 'give the user the token belongs to');
    const pw = r.password;
    if (!isObject(pw) || typeof pw.variable !== 'string' || !VARIABLE_NAME.test(pw.variable)) {
      p.add(join(rp, 'password'), typeof pw === 'string' ? '<hidden>' : pw, 'is not { variable: name }: the description holds no secret values',
        'give { variable: ghcr_token } and set TF_VAR_ghcr_token where Terraform runs');
    }
    if (server !== undefined) {
      if (seen.has(server)) p.add(join(rp, 'server'), server, 'is given twice', 'give one entry per registry host');
      seen.add(server);
    }
  });
}

/** A map of environment variables: valid names, string values, no secrets in plain text. */
function checkEnv(w: Walker, p: Problems, obj: Obj, key: string, path: string): void {
  const env = w.object(obj, key, path, false);
  if (!env) return;
  const ep = join(path, key);
  for (const [k, v] of Object.entries(env)) {
    if (!ENV_NAME.test(k)) p.add(join(ep, k), k, 'is not a valid variable name', 'use letters, digits and underscores, not starting with a digit');
    if (typeof v !== 'string') p.add(join(ep, k), v, 'must be a string', 'quote the value');
    else if (key === 'environmentFrom' && !ENV_NAME.test(v)) {
      // as the app service checks it: the value names a plain variable of the app
      p.add(join(ep, k), v, 'is not the name of an app variable', 'give the name of a plain variable of the app, e.g. "DB_HOST"');
    }
    else if (UNKNOWN_PLACEHOLDER.test(v)) {
      p.add(join(ep, k), v, 'holds a placeholder the stacks do not fill', 'use {{domain}} (the tier\'s domain) or {{url}} (the app\'s public URL on the tier)');
    }
    if (key === 'environment' && (SECRET_NAME.test(k) || (typeof v === 'string' && SECRET_VALUE.test(v)))) {
      p.add(join(ep, k), '<hidden>', 'looks like a secret in the plain environment',
        `move it to secrets: { ${k}: { variable: '${k.toLowerCase()}' } } (set TF_VAR_${k.toLowerCase()}), or { generate: {} }; database, vault and tunnel credentials are wired in by the stacks`);
    }
  }
}

function checkHealth(w: Walker, obj: Obj, path: string): void {
  const h = w.object(obj, 'healthCheck', path, false);
  if (!h) return;
  const hp = join(path, 'healthCheck');
  w.known(h, hp, ['path', 'intervalSeconds', 'timeoutSeconds', 'retries', 'startPeriodSeconds']);
  w.string(h, 'path', hp, true, /^\/[^\s]*$/, 'give an HTTP path starting with "/", e.g. "/health"');
  const interval = w.int(h, 'intervalSeconds', hp, false, 1, 3600);
  const timeout = w.int(h, 'timeoutSeconds', hp, false, 1, 3600);
  w.int(h, 'retries', hp, false, 1, 100);
  w.int(h, 'startPeriodSeconds', hp, false, 0, 3600);
  // as the app service checks it, with its defaults (30 s between checks, 10 s for one): a check may not outlast the interval
  const given = { interval: h.intervalSeconds === undefined ? 30 : interval, timeout: h.timeoutSeconds === undefined ? 10 : timeout };
  if (given.interval !== undefined && given.timeout !== undefined && given.timeout > given.interval) {
    w.problem(join(hp, 'timeoutSeconds'), given.timeout, `is longer than intervalSeconds (${given.interval})${h.timeoutSeconds === undefined ? ', as the default of 10 s' : ''}`,
      'make timeoutSeconds at most intervalSeconds');
  }
}

const IMAGE_FIX = 'give an image reference such as "ghcr.io/acme/erp:1.4.2" (lowercase repository, a tag)';

function checkProcesses(w: Walker, p: Problems, d: Obj): Set<string> {
  const names = new Set<string>();
  const procs = w.object(d, 'processes', '', true);
  if (!procs) return names;
  const path = 'processes';
  w.known(procs, path, ['web', 'workers', 'scheduler', 'websocket', 'release', 'services']);
  const addName = (name: unknown, at: string): void => {
    if (typeof name !== 'string') return;
    if (names.has(name)) p.add(at, name, 'is used by another process', 'give every process, worker, job and admin tool its own name');
    names.add(name);
  };
  const web = checkWeb(w, procs, path);
  if (web) names.add('web');
  checkWorkers(w, p, procs, path, addName);
  checkScheduler(w, p, procs, path, addName);
  checkWebSocket(w, procs, path, addName);
  w.command(procs, 'release', path, false);
  checkServices(w, p, procs, path, addName);
  checkPaths(p, procs, web);
  return names;
}

type AddName = (name: unknown, at: string) => void;

/** The web process; returns it when it is an object. */
function checkWeb(w: Walker, procs: Obj, path: string): Obj | undefined {
  const web = w.object(procs, 'web', path, true);
  if (web) {
    const wp = join(path, 'web');
    w.known(web, wp, ['image', 'command', 'port', 'healthCheck', 'replicas', 'path', 'container']);
    w.container(web, wp);
    w.string(web, 'path', wp, false, /^\/[^\s]*$/, 'give a path starting with "/", e.g. "/api"');
    w.image(web, wp, true);
    w.command(web, 'command', wp, false);
    w.int(web, 'port', wp, true, 1, 65535, 'use the port the web process listens on, from 1 to 65535 (e.g. 8080)');
    w.int(web, 'replicas', wp, false, 1, 100);
    checkHealth(w, web, wp);
  }
  return web;
}

/** Workers: a name and a command each. */
function checkWorkers(w: Walker, p: Problems, procs: Obj, path: string, addName: AddName): void {
  const workers = w.array(procs, 'workers', path) ?? [];
  workers.forEach((raw, i) => {
    const wp = join(join(path, 'workers'), i);
    if (!isObject(raw)) return p.add(wp, raw, 'must be an object', 'give each worker as { "name": ..., "command": [...] }');
    w.known(raw, wp, ['name', 'image', 'command', 'replicas', 'container']);
    w.container(raw, wp);
    w.string(raw, 'name', wp, true, DNS_LABEL, 'use a DNS label: lowercase letters, digits and hyphens (e.g. "queue")');
    w.image(raw, wp, false);
    w.command(raw, 'command', wp, true);
    w.int(raw, 'replicas', wp, false, 1, 100);
    addName(raw.name, join(wp, 'name'));
  });
}

/** The scheduler: an every-minute command and cron jobs. */
function checkScheduler(w: Walker, p: Problems, procs: Obj, path: string, addName: AddName): void {
  const sched = w.object(procs, 'scheduler', path, false);
  if (sched) {
    const sp = join(path, 'scheduler');
    w.known(sched, sp, ['everyMinute', 'jobs', 'container']);
    w.container(sched, sp);
    w.command(sched, 'everyMinute', sp, false);
    (w.array(sched, 'jobs', sp) ?? []).forEach((raw, i) => {
      const jp = join(join(sp, 'jobs'), i);
      if (!isObject(raw)) return p.add(jp, raw, 'must be an object', 'give each job as { "name": ..., "schedule": "0 4 * * *", "command": [...] }');
      w.known(raw, jp, ['name', 'schedule', 'command', 'timeZone']);
      w.timeZone(raw, 'timeZone', jp);
      w.string(raw, 'name', jp, true, DNS_LABEL, 'use a DNS label: lowercase letters, digits and hyphens (e.g. "cleanup")');
      w.cron(raw, 'schedule', jp, true);
      w.command(raw, 'command', jp, true);
      addName(raw.name, join(jp, 'name'));
    });
  }
}

/** The WebSocket server. */
function checkWebSocket(w: Walker, procs: Obj, path: string, addName: AddName): void {
  const ws = w.object(procs, 'websocket', path, false);
  if (ws) {
    const wsp = join(path, 'websocket');
    w.known(ws, wsp, ['image', 'command', 'port', 'path', 'container']);
    w.container(ws, wsp);
    w.image(ws, wsp, false);
    w.command(ws, 'command', wsp, true);
    w.int(ws, 'port', wsp, true, 1, 65535, 'use the port the WebSocket server listens on, from 1 to 65535');
    w.string(ws, 'path', wsp, false, /^\/[^\s]*$/, 'give a path starting with "/", e.g. "/ws"');
    addName('websocket', wsp);
  }
}

/** Other HTTP services (frontend, monitor), each on its own path. */
function checkServices(w: Walker, p: Problems, procs: Obj, path: string, addName: AddName): void {
  (w.array(procs, 'services', path) ?? []).forEach((raw, i) => {
    const sp = join(join(path, 'services'), i);
    if (!isObject(raw)) return p.add(sp, raw, 'must be an object', 'give each service as { "name", "image", "port", "path" }');
    w.known(raw, sp, ['name', 'image', 'command', 'port', 'path', 'admin', 'healthCheck', 'environment', 'appEnvironment', 'files', 'container']);
    w.container(raw, sp);
    checkFiles(w, p, raw, sp);
    w.bool(raw, 'appEnvironment', sp);
    checkEnv(w, p, raw, 'environment', sp);
    w.string(raw, 'name', sp, true, DNS_LABEL, 'use a DNS label: lowercase letters, digits and hyphens (e.g. "frontend")');
    w.image(raw, sp, true);
    w.command(raw, 'command', sp, false);
    w.int(raw, 'port', sp, true, 1, 65535, 'use the port the service listens on, from 1 to 65535');
    w.string(raw, 'path', sp, true, /^\/[^\s]*$/, 'give a path starting with "/", e.g. "/beholder"');
    w.bool(raw, 'admin', sp);
    checkHealth(w, raw, sp);
    addName(raw.name, join(sp, 'name'));
  });
}

/** Every path is routed to one process only. */
function checkPaths(p: Problems, procs: Obj, web: Obj | undefined): void {
  const services = Array.isArray(procs.services) ? procs.services.filter(isObject) : [];
  const webPath = web && typeof web.path === 'string' ? web.path : '/';
  const paths = [webPath, ...services.map((s) => s.path)];
  const seen = new Set<unknown>();
  paths.forEach((pth, i) => {
    if (seen.has(pth)) {
      p.add(i === 0 ? 'processes.web.path' : `processes.services[${i - 1}].path`, pth, 'is routed to another process too',
        'give the web process and every service its own path (e.g. web "/api", frontend "/")');
    }
    seen.add(pth);
  });
}

function checkDatabase(w: Walker, p: Problems, d: Obj): void {
  const db = w.object(d, 'database', '', true);
  if (!db) return;
  w.known(db, 'database', ['engine', 'version', 'name', 'user', 'poolSize', 'uriParameters', 'aliases']);
  const engine = db.engine;
  if (engine !== 'postgres' && engine !== 'mysql') {
    p.add('database.engine', engine, 'is not a database engine this library runs', 'use "postgres" (PostgreSQL 13 to 17) or "mysql" (MySQL 8; MariaDB apps run on it)');
  } else {
    const versions = engine === 'postgres' ? PG_VERSIONS : MYSQL_VERSIONS;
    if (!versions.includes(db.version as number)) {
      p.add('database.version', db.version, `is not a ${engine} version DigitalOcean offers`, `use one of ${versions.join(', ')}`);
    }
    if (db.poolSize !== undefined && engine !== 'postgres') {
      p.add('database.poolSize', db.poolSize, 'connection pools exist only for PostgreSQL', 'remove poolSize, or use engine "postgres"');
    }
  }
  const dbName = w.string(db, 'name', 'database', false, /^[a-z_][a-z0-9_]{0,62}$/, 'use lowercase letters, digits and underscores (e.g. "facturador")');
  const dbUser = w.string(db, 'user', 'database', false, /^[a-z_][a-z0-9_]{0,62}$/, 'use lowercase letters, digits and underscores (e.g. "facturador")');
  const family = engine === 'postgres' ? DatabaseEngineFamily.POSTGRES : engine === 'mysql' ? DatabaseEngineFamily.MYSQL : undefined;
  if (family !== undefined) {
    // the names the engine and DigitalOcean take: MySQL users of 32 characters at most, `doadmin` and the system databases reserved
    const nameWhy = dbName !== undefined ? sqlDatabaseProblem(family, dbName) : undefined;
    if (nameWhy) p.add('database.name', dbName, nameWhy.problem, nameWhy.fix);
    const userWhy = dbUser !== undefined ? sqlUserProblem(family, dbUser) : undefined;
    if (userWhy) p.add('database.user', dbUser, userWhy.problem, userWhy.fix);
  }
  const poolSize = w.int(db, 'poolSize', 'database', false, 1, 500);
  if (engine === 'postgres' && poolSize !== undefined) checkPoolFits(p, d, poolSize);
  const params = w.object(db, 'uriParameters', 'database', false);
  for (const [k, v] of Object.entries(params ?? {})) {
    if (!/^[A-Za-z0-9_.-]+$/.test(k) || typeof v !== 'string') p.add(join('database.uriParameters', k), v, 'is not a query parameter', 'give a name and a string value, e.g. pgbouncer: "true"');
  }
  checkAliases(w, p, db, 'database');
}

/** `aliases`: variable names to more variable names. */
function checkAliases(w: Walker, p: Problems, obj: Obj, path: string): void {
  const aliases = w.object(obj, 'aliases', path, false);
  for (const [from, to] of Object.entries(aliases ?? {})) {
    if (!ENV_NAME.test(from)) p.add(join(join(path, 'aliases'), from), from, 'is not a variable name', 'use a variable of the connection, e.g. DATABASE_URL');
    if (typeof to !== 'string' || !ENV_NAME.test(to)) p.add(join(join(path, 'aliases'), from), to, 'is not a variable name', 'use letters, digits and underscores, e.g. CELERY_BROKER_URL');
  }
}

function checkBackups(w: Walker, p: Problems, d: Obj): void {
  const b = w.object(d, 'backups', '', false);
  if (!b) return;
  w.known(b, 'backups', ['schedule', 'dailyRetentionDays', 'weeklyRetentionWeeks', 'monthlyRetentionMonths', 'heartbeat', 'restoreDrillSchedule', 'scratchSizeGib']);
  w.cron(b, 'schedule', 'backups', false);
  w.cron(b, 'restoreDrillSchedule', 'backups', false);
  w.int(b, 'scratchSizeGib', 'backups', false, 1, 1024);
  const daily = w.int(b, 'dailyRetentionDays', 'backups', false, 1, 3650);
  // 0 keeps no weekly (monthly) dumps
  const weeklyGiven = w.int(b, 'weeklyRetentionWeeks', 'backups', false, 0, 520);
  const monthly = w.int(b, 'monthlyRetentionMonths', 'backups', false, 0, 120) || undefined;
  const weekly = weeklyGiven || undefined;
  // the schedule must fill the tiers kept (the check backupTo makes, here under the description's own field)
  const schedule = typeof b.schedule === 'string' ? b.schedule : '0 2 * * *';
  const zone = typeof d.timeZone === 'string' ? d.timeZone : 'Etc/UTC';
  if (parseCron(schedule).ok && timeZoneProblem(zone) === undefined) {
    const coverage = checkBackupSchedule(schedule, zone, { weekly: weeklyGiven !== 0, monthly: b.monthlyRetentionMonths !== 0 });
    coverage.problems.forEach((problem) => p.add('backups.schedule', schedule, problem.reason, problem.fix));
  }
  if (b.heartbeat !== undefined) {
    const hb = b.heartbeat;
    if (typeof hb === 'string') {
      p.add('backups.heartbeat', '<hidden>', 'is a value: a ping URL is a credential, and the description holds none', 'give { variable: backup_heartbeat_url } and set TF_VAR_backup_heartbeat_url where Terraform runs');
    } else if (w.object(b, 'heartbeat', 'backups', false)) {
      w.known(hb as Obj, 'backups.heartbeat', ['variable']);
      w.string(hb as Obj, 'variable', 'backups.heartbeat', true, VARIABLE_NAME, 'use lowercase letters, digits and "_", starting with a letter (backup_heartbeat_url)');
    }
  }
  if (daily !== undefined && weekly !== undefined && weekly * 7 < daily) {
    p.add('backups.weeklyRetentionWeeks', weekly, `keeps weekly dumps (${weekly * 7} days) for less time than daily ones (${daily} days)`, 'keep weekly dumps at least as long as daily ones');
  }
  if (weekly !== undefined && monthly !== undefined && monthly * 30 < weekly * 7) {
    p.add('backups.monthlyRetentionMonths', monthly, `keeps monthly dumps (${monthly * 30} days) for less time than weekly ones (${weekly * 7} days)`, 'keep monthly dumps at least as long as weekly ones');
  }
}

function checkTiers(w: Walker, p: Problems, d: Obj): void {
  const tiers = w.object(d, 'tiers', '', false);
  if (!tiers) return;
  for (const [tier, raw] of Object.entries(tiers)) {
    const tp = join('tiers', tier);
    if (!TIER_NAMES.includes(tier as never)) {
      p.add(tp, tier, 'is not a tier', `use one of ${TIER_NAMES.join(', ')}`);
      continue;
    }
    if (!isObject(raw)) {
      p.add(tp, raw, 'must be an object', 'give the overrides as an object');
      continue;
    }
    w.known(raw, tp, ['dropletSize', 'dropletCount', 'databaseSize', 'databaseNodeCount', 'cacheSize', 'nodeSize', 'minNodes', 'maxNodes', 'webReplicas', 'localPort', 'domain']);
    const slug = /^[a-z0-9][a-z0-9-]*$/;
    w.string(raw, 'dropletSize', tp, false, slug, 'give a DigitalOcean size slug such as "s-4vcpu-8gb"');
    w.string(raw, 'databaseSize', tp, false, slug, 'give a DigitalOcean database size slug such as "db-s-2vcpu-4gb"');
    w.string(raw, 'cacheSize', tp, false, slug, 'give a DigitalOcean database size slug such as "db-s-1vcpu-1gb"');
    w.string(raw, 'nodeSize', tp, false, slug, 'give a DigitalOcean size slug such as "s-4vcpu-8gb"');
    w.int(raw, 'dropletCount', tp, false, 1, 20);
    w.int(raw, 'databaseNodeCount', tp, false, 1, 3, 'DigitalOcean clusters have 1 to 3 nodes');
    const min = w.int(raw, 'minNodes', tp, false, 1, 100);
    const max = w.int(raw, 'maxNodes', tp, false, 1, 100);
    if (min !== undefined && max !== undefined && max < min) p.add(join(tp, 'maxNodes'), max, `is below minNodes (${min})`, 'make maxNodes at least minNodes');
    w.int(raw, 'webReplicas', tp, false, 1, 100);
    w.int(raw, 'localPort', tp, false, 1024, 65535, 'use an unprivileged port from 1024 to 65535 (e.g. 8080)');
  }
}

/**
 * Validates an app description read from JSON or YAML and returns it typed.
 * Every problem is gathered into one ErpValidationError that names each field,
 * the value received and the fix.
 *
 * @param input the parsed description
 * @param source where it came from (a file path), named in the error
 */
export function validateAppDescription(input: unknown, source = 'app description'): AppDescription {
  const p = new Problems();
  const w = new Walker(p);
  if (!isObject(input)) {
    p.add('(root)', input, 'must be an object', 'write the description as one JSON or YAML object with name, domain, processes, database, cloudflare and sshKeys');
    p.throwIfAny(source);
  }
  const d = input as Obj;
  w.known(d, '', ['name', 'domain', 'tenantSubdomains', 'region', 'awsRegion', 'awsReplicaRegion', 'processes', 'database', 'cache', 'backups',
    'adminTools', 'environment', 'secrets', 'registries', 'uploads', 'persistentPaths', 'cloudflare', 'sshKeys', 'adminCidrs', 'alertEmail', 'backend', 'tiers', 'timeZone']);
  const name = w.string(d, 'name', '', true, DNS_LABEL, 'use a DNS label of at most 32 characters: lowercase letters, digits and hyphens (e.g. "facturador")');
  const domain = w.string(d, 'domain', '', true, DOMAIN, 'give a lowercase domain name such as "fact.example.com" (no scheme, no path, no wildcard)');
  w.bool(d, 'tenantSubdomains', '');
  const region = w.string(d, 'region', '', false);
  if (region !== undefined && !DoRegion.isKnown(region)) {
    p.add('region', region, 'is not a DigitalOcean region', `use one of ${DoRegion.ALL.map((r) => r.slug).join(', ')}`);
  }
  // regions the pinned provider knows (hashicorp/aws 5.100.0): another fails `terraform plan` ("invalid AWS Region")
  checkAwsRegion(p, 'awsRegion', d.awsRegion);
  checkAwsRegion(p, 'awsReplicaRegion', d.awsReplicaRegion);
  w.timeZone(d, 'timeZone', '');
  if (d.awsReplicaRegion !== undefined && d.awsReplicaRegion === (d.awsRegion ?? 'eu-central-1')) {
    p.add('awsReplicaRegion', d.awsReplicaRegion, 'is the same region as the vault', 'replicate backups to a second region (e.g. "eu-west-1")');
  }
  const names = checkProcesses(w, p, d);
  checkDatabase(w, p, d);
  if (name !== undefined) {
    const db = isObject(d.database) ? d.database : {};
    const engine = db.engine === 'postgres' ? DatabaseEngineFamily.POSTGRES : db.engine === 'mysql' ? DatabaseEngineFamily.MYSQL : undefined;
    checkDerivedNames(p, name, { uploads: d.uploads !== undefined, engine, databaseGiven: db.name !== undefined, userGiven: db.user !== undefined });
  }
  const cache = w.object(d, 'cache', '', false);
  if (cache) {
    w.known(cache, 'cache', ['engine', 'aliases']);
    checkAliases(w, p, cache, 'cache');
    if (cache.engine !== 'valkey') p.add('cache.engine', cache.engine, 'is not a cache engine this library runs', 'use "valkey" (Redis-compatible; DigitalOcean offers Valkey in place of Redis)');
  }
  checkBackups(w, p, d);
  checkAdminTools(w, p, d, names);
  checkEnv(w, p, d, 'environment', '');
  checkSecrets(w, p, d);
  checkRegistries(w, p, d);
  // the same names and paths the app service takes (lib/app-service/private/validate-model.ts)
  checkPersistentPaths(p, d.persistentPaths as Record<string, string> | undefined);
  checkUploads(w, d);
  checkCloudflare(w, p, d, domain);
  checkAdminAccess(w, p, d);
  w.string(d, 'alertEmail', '', false, EMAIL, 'give an address such as "ops@example.com"');
  checkBackend(w, p, d);
  checkTiers(w, p, d);
  checkTierHostnames(p, d);
  p.throwIfAny(source);
  return d as unknown as AppDescription;
}

/** Admin tools: each behind Cloudflare Access, with a name no process uses. */
/** Mounted files: `{ path, content }` or `{ path, source }` each (the paths, sizes and sources are checked by the app). */
function checkFiles(w: Walker, p: Problems, obj: Obj, path: string): void {
  (w.array(obj, 'files', path) ?? []).forEach((raw, i) => {
    const fp = join(join(path, 'files'), i);
    if (!isObject(raw)) return p.add(fp, raw, 'must be an object', 'give { "path": "/etc/app/app.conf", "source": "config/app.conf" } or { "path", "content" }');
    w.known(raw, fp, ['path', 'content', 'source']);
    w.string(raw, 'path', fp, true, /^\/[^\0]*[^/]$/, 'give an absolute file path inside the container (e.g. "/etc/phpmyadmin/config.user.inc.php")');
    const content = w.string(raw, 'content', fp, false);
    const source = w.string(raw, 'source', fp, false);
    if ((content === undefined) === (source === undefined)) {
      p.add(fp, raw, 'must give exactly one of content and source', 'give the text as "content", or a file relative to the description as "source"');
    }
  });
}

/**
 * The plain variables the app has on every tier: the description's `environment`, the variables the
 * database connection gives on every tier (managed, RDS and the local container alike; lib/database/private/core.ts
 * and local-database.ts), what `database.aliases` and `cache.aliases` copy them to, and the cache's host and port.
 */
function plainVariablesOnEveryTier(d: Obj): Set<string> {
  const db = isObject(d.database) ? d.database : {};
  const names = new Set<string>(['DB_CONNECTION', 'DB_HOST', 'DB_PORT', 'DB_DATABASE', 'DB_USERNAME', 'REDIS_HOST', 'REDIS_PORT']);
  if (db.engine === 'postgres') ['DB_SSLMODE', 'PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGSSLMODE'].forEach((n) => names.add(n));
  if (isObject(d.environment)) Object.keys(d.environment).forEach((n) => names.add(n));
  for (const aliases of [db.aliases, isObject(d.cache) ? d.cache.aliases : undefined]) {
    if (!isObject(aliases)) continue;
    for (const [from, to] of Object.entries(aliases)) if (names.has(from) && typeof to === 'string') names.add(to);
  }
  return names;
}

/**
 * The pool gets `database.poolSize` backend connections on every tier with a managed database, and a cluster
 * offers 25 per GiB of memory less 3 (`DatabaseSize.poolConnectionLimit`, which cites DigitalOcean): the pool
 * must fit the smallest of them, or the tier's ManagedDatabase would refuse it under its own field.
 */
function checkPoolFits(p: Problems, d: Obj, poolSize: number): void {
  const tiers = isObject(d.tiers) ? d.tiers : {};
  for (const tier of ['dev', 'prod', 'ha'] as const) {
    const own = isObject(tiers[tier]) ? tiers[tier].databaseSize : undefined;
    const slug = typeof own === 'string' ? own : defaultTierSettings(tier).databaseSize;
    const limit = DatabaseSize.of(slug).poolConnectionLimit;
    if (limit !== undefined && poolSize > limit) {
      p.add('database.poolSize', poolSize, `is more than the ${limit} backend connections of the ${tier} tier's database (${slug})`,
        `use at most ${limit}, or give tiers.${tier}.databaseSize a larger size`);
      return;
    }
  }
}

/** An admin tool's `environmentFrom` copies plain variables of the app: each must exist on every tier. */
function checkEnvironmentFrom(p: Problems, d: Obj, tool: Obj, path: string): void {
  if (!isObject(tool.environmentFrom)) return;
  const known = plainVariablesOnEveryTier(d);
  for (const [key, from] of Object.entries(tool.environmentFrom)) {
    if (typeof from !== 'string' || !ENV_NAME.test(from) || known.has(from)) continue;
    p.add(join(join(path, 'environmentFrom'), key), from, 'is not a plain variable the app has on every tier',
      `use one of the description's environment variables or a connection variable (${[...known].sort().slice(0, 8).join(', ')}, ...)`);
  }
}

function checkAdminTools(w: Walker, p: Problems, d: Obj, names: Set<string>): void {
  (w.array(d, 'adminTools', '') ?? []).forEach((raw, i) => {
    const ap = join('adminTools', i);
    if (!isObject(raw)) return p.add(ap, raw, 'must be an object', 'give each admin tool as { "name", "image", "port", "allowEmailDomains" }');
    w.known(raw, ap, ['name', 'image', 'port', 'allowEmails', 'allowEmailDomains', 'environment', 'environmentFrom', 'healthCheck', 'files', 'container']);
    w.container(raw, ap);
    checkFiles(w, p, raw, ap);
    checkEnv(w, p, raw, 'environment', ap);
    checkEnv(w, p, raw, 'environmentFrom', ap);
    checkEnvironmentFrom(p, d, raw, ap);
    checkHealth(w, raw, ap);
    const name = w.string(raw, 'name', ap, true, DNS_LABEL, 'use a DNS label (e.g. "pma"); it becomes the subdomain');
    w.image(raw, ap, true);
    w.int(raw, 'port', ap, true, 1, 65535, 'use the port the tool listens on, from 1 to 65535');
    const emails = w.array(raw, 'allowEmails', ap) ?? [];
    emails.forEach((e, j) => {
      if (typeof e !== 'string' || !EMAIL.test(e)) p.add(join(join(ap, 'allowEmails'), j), e, 'is not an email address', 'give an address such as "admin@example.com"');
    });
    const domains = w.array(raw, 'allowEmailDomains', ap) ?? [];
    domains.forEach((e, j) => {
      if (typeof e !== 'string' || !DOMAIN.test(e)) p.add(join(join(ap, 'allowEmailDomains'), j), e, 'is not a domain', 'give a domain such as "example.com"');
    });
    if (emails.length === 0 && domains.length === 0) {
      p.add(ap, name, 'lets nobody through Cloudflare Access', 'add allowEmails or allowEmailDomains: admin tools are never public');
    }
    if (name !== undefined) {
      if (names.has(name)) p.add(join(ap, 'name'), name, 'is used by another process', 'give every process and admin tool its own name');
      names.add(name);
    }
  });
}

/** The Cloudflare account and zone, and the domain inside the zone. */
function checkCloudflare(w: Walker, p: Problems, d: Obj, domain: string | undefined): void {
  const cf = w.object(d, 'cloudflare', '', true);
  if (cf) {
    w.known(cf, 'cloudflare', ['accountId', 'zoneId', 'zoneName', 'advancedCertificate', 'zoneSettingsStack']);
    w.bool(cf, 'advancedCertificate', 'cloudflare');
    w.string(cf, 'accountId', 'cloudflare', true, HEX32, 'give the Cloudflare account id: 32 lowercase hex characters (dashboard, Overview, API section)');
    w.string(cf, 'zoneId', 'cloudflare', true, HEX32, 'give the Cloudflare zone id: 32 lowercase hex characters (dashboard, Overview, API section)');
    const zone = w.string(cf, 'zoneName', 'cloudflare', true, DOMAIN, 'give the zone\'s domain, such as "example.com"');
    if (zone && domain && domain !== zone && !domain.endsWith(`.${zone}`)) {
      p.add('domain', domain, `is not inside the Cloudflare zone "${zone}"`, `use a name ending in ".${zone}", or the zone that holds "${domain}"`);
    }
  }
}

/** Who may reach the droplets: SSH keys and admin addresses. */
function checkAdminAccess(w: Walker, p: Problems, d: Obj): void {
  const keys = w.array(d, 'sshKeys', '');
  if (keys === undefined || keys.length === 0) {
    p.add('sshKeys', d.sshKeys, 'needs at least one SSH key', 'add the id or fingerprint of an SSH key known to DigitalOcean (doctl compute ssh-key list)');
  } else {
    keys.forEach((k, i) => {
      if (typeof k !== 'string' || !/^(\d+|([0-9a-f]{2}:){15}[0-9a-f]{2})$/.test(k)) {
        p.add(join('sshKeys', i), k, 'is not an SSH key id or MD5 fingerprint', 'give a DigitalOcean key id ("12345678") or fingerprint ("3b:16:...:9f")');
      }
    });
  }
  (w.array(d, 'adminCidrs', '') ?? []).forEach((c, i) => {
    const cidr = typeof c === 'string' ? parseIpv4Cidr(c) : undefined;
    if (!cidr || cidr.prefix === undefined) p.add(join('adminCidrs', i), c, 'is not an IPv4 CIDR', 'give a block such as "203.0.113.10/32"');
    else if (cidr.prefix === 0) p.add(join('adminCidrs', i), c, 'opens SSH to the whole internet', 'give the office or VPN address, such as "203.0.113.10/32"');
  });
}

/** Where Terraform keeps the state. */
function checkBackend(w: Walker, p: Problems, d: Obj): void {
  const backend = w.object(d, 'backend', '', false);
  if (backend) {
    w.known(backend, 'backend', ['type', 'organization', 'hostname', 'bucket', 'region']);
    const type = backend.type;
    if (type !== 'local' && type !== 'cloud' && type !== 's3') {
      p.add('backend.type', type, 'is not a backend', 'use "local", "cloud" (Terraform Cloud) or "s3"');
    }
    if (type === 'cloud') w.string(backend, 'organization', 'backend', true, /^[A-Za-z0-9_-]+$/, 'give the Terraform Cloud organization name');
    if (type === 's3') w.string(backend, 'bucket', 'backend', true, /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'give the S3 bucket that holds state');
    w.string(backend, 'hostname', 'backend', false, DOMAIN, 'give the Terraform Enterprise host, e.g. "app.terraform.io"');
    checkAwsRegion(p, 'backend.region', backend.region);
  }
}
