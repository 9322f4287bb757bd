import { Problems, checkInt, isUnresolved } from '../../private/validate';
import { checkMountedFiles } from './app-files';
import { parseCron } from './cron';
import { dnsLabel } from '../../private/patterns';
import { parseImageReference } from '../../private/image-ref';
import { timeZoneProblem } from '../../private/time-zone';
import { checkContainerSettings } from './container-settings';
import { HealthCheck, HttpService, ProcessCommand, ProcessModel, ResourceLimits, SecretValue } from '../process-model';
import { AppSecret, AppSecretSource, SecretEncoding, isAppSecret } from '../secret';

/** A DNS label: lowercase letters, digits and "-", starting with a letter, up to 63 characters. */
/** A process, job or app name: a DNS label starting with a letter, up to 63 characters. */
export const DNS_LABEL_RE = dnsLabel();
/** A POSIX environment variable name. */
export const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Process names the runtimes use for their own services. */
export const RESERVED_NAMES: readonly string[] = ['release', 'redis', 'cloudflared', 'backup', 'scheduler', 'schedule-run'];

/** Records every problem of a process model; warnings go to `warn`. */
export function validateProcessModel(p: Problems, model: ProcessModel, warn: (message: string) => void): void {
  if (!model || typeof model !== 'object') {
    p.add('processes', model, 'is missing', 'give processes: { web: { image, port } }');
    return;
  }
  const procs = model.processes;
  if (!procs || typeof procs !== 'object') {
    p.add('processes', procs, 'is missing', 'give processes: { web: { image, port } }');
    return;
  }
  const names = new Map<string, string>();
  const claim = (name: string | undefined, prop: string, missingFix?: string) => {
    if (name === undefined || name === null) {
      // a nameless process would be a compose service called `undefined` (replacing another nameless one) on droplets
      if (missingFix !== undefined) p.add(prop, name, 'is missing: every worker and cron entry needs its own name', missingFix);
      return;
    }
    if (isUnresolved(name)) return;
    const isLabel = typeof name === 'string' && DNS_LABEL_RE.test(name);
    p.check(isLabel, prop, name, 'is not a DNS label', 'use lowercase letters, digits and "-", starting with a letter, at most 63 characters (`queue`, `celery-default`)');
    if (!isLabel) return;
    if (RESERVED_NAMES.includes(name)) {
      p.add(prop, name, 'is a name the runtimes use for their own services', `pick another name than ${RESERVED_NAMES.join(', ')}`);
      return;
    }
    const first = names.get(name);
    if (first !== undefined) {
      p.add(prop, name, `is already the name of ${first}`, 'give every process, worker, service and cron entry its own name');
      return;
    }
    names.set(name, prop);
  };
  checkWebProcess(p, procs, names, warn);
  checkWorkers(p, procs, claim, warn);
  checkScheduler(p, procs, claim, warn);
  checkWebSocket(p, procs, claim, warn);
  if (optionalObject(p, 'processes.release', procs.release, "give { command: ['php', 'artisan', 'migrate', '--force'] }, or leave release out")) {
    checkImage(p, 'processes.release.image', procs.release.image, false, warn);
    checkCommand(p, 'processes.release.command', procs.release.command);
  }

  if (procs.services !== undefined) {
    if (!Array.isArray(procs.services)) {
      p.add('processes.services', procs.services, 'is not a list', 'give a list of { name, image, port }');
    } else {
      procs.services.forEach((svc, i) => checkService(p, `processes.services[${i}]`, svc, model, claim, warn));
    }
  }
  checkModelEnvironment(p, model);
  checkPersistentPaths(p, model.persistentPaths);
  checkContainers(p, model);
  checkMountedFiles(p, model);
  checkTimeZone(p, 'timeZone', model.timeZone);
}

/** Container settings of every process that has them; app code's writable paths must not be its persistent paths. */
function checkContainers(p: Problems, model: ProcessModel): void {
  const procs = model.processes;
  const paths = model.persistentPaths;
  const kept = paths && typeof paths === 'object' && !isUnresolved(paths) ? Object.values(paths).filter((x) => typeof x === 'string') : [];
  const web = procs.web as unknown;
  if (web && typeof web === 'object' && !Array.isArray(web)) checkContainerSettings(p, 'processes.web.container', procs.web.container, kept);
  if (Array.isArray(procs.workers)) procs.workers.forEach((wk, i) => checkContainerSettings(p, `processes.workers[${i}].container`, wk?.container, kept));
  if (procs.scheduler) checkContainerSettings(p, 'processes.scheduler.container', procs.scheduler.container, kept);
  if (procs.websocket) checkContainerSettings(p, 'processes.websocket.container', procs.websocket.container, kept);
  if (procs.release) checkContainerSettings(p, 'processes.release.container', procs.release.container, kept);
  if (Array.isArray(procs.services)) {
    procs.services.forEach((svc, i) => {
      if (svc && typeof svc === 'object') checkContainerSettings(p, `processes.services[${i}].container`, svc.container, svc.receivesAppEnvironment ? kept : []);
    });
  }
}

/** Persistent paths: DNS-label names, distinct absolute paths that are not system directories. */
export function checkPersistentPaths(p: Problems, paths: ProcessModel['persistentPaths']): void {
  if (paths === undefined || isUnresolved(paths)) return;
  if (paths === null || typeof paths !== 'object' || Array.isArray(paths)) {
    p.add('persistentPaths', paths, 'is not a map of names to paths', "give e.g. { storage: '/var/www/html/storage' }");
    return;
  }
  const seen = new Map<string, string>();
  for (const [name, path] of Object.entries(paths)) {
    const prop = `persistentPaths.${name}`;
    p.check(dnsLabel(40).test(name), prop, name, 'is not a name: lowercase letters, digits and "-", at most 40 characters', 'name it like storage or next-cache');
    if (typeof path !== 'string' || !/^\/[^\0]*$/.test(path) || path.split('/').includes('..') || path.length > 255) {
      p.add(prop, path, 'is not an absolute path inside the containers', "give e.g. '/var/www/html/storage'");
      continue;
    }
    const clean = path.replace(/\/+$/, '') || '/';
    if (['/', '/bin', '/boot', '/dev', '/etc', '/lib', '/proc', '/sbin', '/sys', '/usr', '/tmp', '/var', '/run'].includes(clean)) {
      p.add(prop, path, 'is a system directory: mounting a volume there hides what the image holds', 'give the app\'s own directory, e.g. /var/www/html/storage');
      continue;
    }
    const other = seen.get(clean);
    if (other !== undefined) p.add(prop, path, `is also the path of persistentPaths.${other}`, 'give each name its own directory');
    seen.set(clean, name);
  }
}

type Claim = (name: string | undefined, prop: string, missingFix?: string) => void;

/**
 * True when an optional part of the model is an object; records a problem when it is given but is
 * not one (`null` from a YAML key left empty, a list, a string), so no runtime reads a field of it.
 */
function optionalObject<T>(p: Problems, prop: string, value: T | undefined | null, fix: string): value is T {
  if (value === undefined) return false;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return true;
  if (isUnresolved(value)) return false;
  p.add(prop, value, value === null ? 'is null' : 'is not an object', fix);
  return false;
}
type Warn = (message: string) => void;
type Processes = ProcessModel['processes'];

/** Exactly one web process. */
function checkWebProcess(p: Problems, procs: Processes, names: Map<string, string>, warn: Warn): void {
  const web = procs.web as unknown;
  if (web === undefined || web === null) {
    p.add('processes.web', web, 'is missing: an app has exactly one web process', 'give processes.web: { image, port }');
  } else if (Array.isArray(web)) {
    p.add('processes.web', `${web.length} entries`, 'must be one web process, not a list', 'keep one web process; run other HTTP servers as websocket or behind the web process');
  } else if (typeof web !== 'object') {
    p.add('processes.web', web, 'is not a process', 'give processes.web: { image, port }');
  } else {
    names.set('web', 'processes.web');
    const w = procs.web;
    checkImage(p, 'processes.web.image', w.image, true, warn);
    if (w.command !== undefined) checkCommand(p, 'processes.web.command', w.command);
    checkPort(p, 'processes.web.port', w.port, true);
    if (w.healthCheck !== undefined) checkHealth(p, 'processes.web.healthCheck', w.healthCheck);
    else warn('processes.web has no health check: runtimes cannot tell a broken deploy from a healthy one. Add healthCheck: { path: "/health" }.');
    checkInt(p, 'processes.web.replicas', w.replicas, 1, 100);
    checkResources(p, 'processes.web.resources', w.resources);
  }
}

/** Workers: a unique name and a command each. */
function checkWorkers(p: Problems, procs: Processes, claim: Claim, warn: Warn): void {
  if (procs.workers !== undefined) {
    if (!Array.isArray(procs.workers)) {
      p.add('processes.workers', procs.workers, 'is not a list', 'give a list of { name, command }');
    } else {
      procs.workers.forEach((wk, i) => {
        const base = `processes.workers[${i}]`;
        if (wk === null || typeof wk !== 'object' || Array.isArray(wk)) {
          p.add(base, wk, 'is not a worker', "give { name: 'queue', command: 'php artisan queue:work' }");
          return;
        }
        claim(wk.name, `${base}.name`, "name the worker with a DNS label of its own (queue, celery-default)");
        checkImage(p, `${base}.image`, wk?.image, false, warn);
        checkCommand(p, `${base}.command`, wk?.command);
        checkInt(p, `${base}.replicas`, wk?.replicas, 1, 100);
        checkResources(p, `${base}.resources`, wk?.resources);
        if (wk?.healthCheck !== undefined) checkHealth(p, `${base}.healthCheck`, wk.healthCheck, false);
      });
    }
  }
}

/** The scheduler: cron entries, an every-minute runner, or both. */
function checkScheduler(p: Problems, procs: Processes, claim: Claim, warn: Warn): void {
  const sch = procs.scheduler;
  if (optionalObject(p, 'processes.scheduler', sch, "give { everyMinute: 'php artisan schedule:run' } or { entries: [...] }, or leave scheduler out")) {
    checkImage(p, 'processes.scheduler.image', sch.image, false, warn);
    checkResources(p, 'processes.scheduler.resources', sch.resources);
    const entries = sch.entries === undefined ? [] : sch.entries;
    if (!Array.isArray(entries)) {
      p.add('processes.scheduler.entries', entries, 'is not a list', 'give a list of { name, schedule, command }');
    } else {
      entries.forEach((e, i) => {
        const base = `processes.scheduler.entries[${i}]`;
        if (e === null || typeof e !== 'object' || Array.isArray(e)) {
          p.add(base, e, 'is not a cron entry', "give { name: 'cleanup', schedule: '0 4 * * *', command: 'php artisan cleanup' }");
          return;
        }
        claim(e.name, `${base}.name`, "name the cron entry with a DNS label of its own (backup-rates, cleanup)");
        checkSchedule(p, `${base}.schedule`, e?.schedule);
        checkTimeZone(p, `${base}.timeZone`, e?.timeZone);
        checkCommand(p, `${base}.command`, e?.command);
      });
    }
    if (sch.everyMinute !== undefined) checkCommand(p, 'processes.scheduler.everyMinute', sch.everyMinute);
    if ((Array.isArray(entries) ? entries.length : 0) === 0 && sch.everyMinute === undefined) {
      p.add('processes.scheduler', sch, 'has neither entries nor an everyMinute runner', 'add cron entries, an everyMinute command, or remove the scheduler');
    }
  }
}

/** The WebSocket server. */
function checkWebSocket(p: Problems, procs: Processes, claim: Claim, warn: Warn): void {
  const ws = procs.websocket;
  if (optionalObject(p, 'processes.websocket', ws, "give { command: 'node ws.js', port: 6001 }, or leave websocket out")) {
    claim(ws.name ?? 'websocket', 'processes.websocket.name');
    checkImage(p, 'processes.websocket.image', ws.image, false, warn);
    checkCommand(p, 'processes.websocket.command', ws.command);
    checkPort(p, 'processes.websocket.port', ws.port, true);
    if (ws.healthCheck !== undefined) checkHealth(p, 'processes.websocket.healthCheck', ws.healthCheck);
    checkResources(p, 'processes.websocket.resources', ws.resources);
  }
}

/** Plain variables and secrets: valid names, no secret also plain. */
function checkModelEnvironment(p: Problems, model: ProcessModel): void {
  checkEnvironment(p, 'environment', model.environment);
  checkEnvironment(p, 'secrets', model.secrets);
  checkSecretValues(p, 'secrets', model.secrets);
  for (const key of Object.keys(model.secrets ?? {})) {
    if (model.environment && Object.prototype.hasOwnProperty.call(model.environment, key)) {
      p.add(`secrets.${key}`, key, 'is also a plain environment variable', `keep ${key} in secrets only and remove it from environment`);
    }
  }
}

function checkService(
  p: Problems, base: string, svc: HttpService, model: ProcessModel,
  claim: (name: string | undefined, prop: string) => void, warn: (m: string) => void,
): void {
  if (svc === null || typeof svc !== 'object' || Array.isArray(svc)) {
    p.add(base, svc, 'is not a service', 'give { name, image, port }');
    return;
  }
  if (svc.name === undefined) p.add(`${base}.name`, svc.name, 'is missing', 'name the service with a DNS label (frontend, phpmyadmin)');
  claim(svc.name, `${base}.name`);
  checkImage(p, `${base}.image`, svc.image, true, warn);
  if (svc.command !== undefined) checkCommand(p, `${base}.command`, svc.command);
  checkPort(p, `${base}.port`, svc.port, true);
  if (svc.healthCheck !== undefined) checkHealth(p, `${base}.healthCheck`, svc.healthCheck);
  checkInt(p, `${base}.replicas`, svc.replicas, 1, 100);
  checkResources(p, `${base}.resources`, svc.resources);
  if (svc.receivesAppEnvironment !== undefined && !isUnresolved(svc.receivesAppEnvironment)) {
    p.check(typeof svc.receivesAppEnvironment === 'boolean', `${base}.receivesAppEnvironment`, svc.receivesAppEnvironment,
      'is not a boolean', 'give true (app code that needs the app environment and secrets) or false');
  }
  checkEnvironment(p, `${base}.environment`, svc.environment);
  checkEnvironment(p, `${base}.secrets`, svc.secrets);
  checkSecretValues(p, `${base}.secrets`, svc.secrets);
  const own = svc.environment && typeof svc.environment === 'object' ? svc.environment : {};
  for (const key of Object.keys(svc.secrets ?? {})) {
    if (Object.prototype.hasOwnProperty.call(own, key)) {
      p.add(`${base}.secrets.${key}`, key, 'is also a plain environment variable of the service', `keep ${key} in secrets only and remove it from environment`);
    }
    if (svc.receivesAppEnvironment === true && model.secrets && Object.prototype.hasOwnProperty.call(model.secrets, key)) {
      p.add(`${base}.secrets.${key}`, key, 'is also an app secret, which this service already receives', `drop ${key} from the service secrets, or rename it`);
    }
  }
  const from = svc.environmentFrom;
  if (from === undefined) return;
  if (from === null || typeof from !== 'object' || Array.isArray(from)) {
    p.add(`${base}.environmentFrom`, from, 'is not a map of service variable names to app variable names', "give { PMA_HOST: 'DB_HOST' }");
    return;
  }
  for (const [key, source] of Object.entries(from)) {
    const prop = `${base}.environmentFrom.${key}`;
    p.check(ENV_NAME_RE.test(key), prop, key, 'is not a valid environment variable name', 'use letters, digits and "_", not starting with a digit (PMA_HOST)');
    if (typeof source !== 'string' || !ENV_NAME_RE.test(source)) {
      p.add(prop, source, 'is not the name of an app variable', "give the name of a plain variable of the app, e.g. 'DB_HOST'");
      continue;
    }
    if (Object.prototype.hasOwnProperty.call(own, key)) {
      p.add(prop, key, 'is also set in the service environment', `set ${key} in environment or in environmentFrom, not both`);
    }
    if (Object.prototype.hasOwnProperty.call(svc.secrets ?? {}, key)) {
      p.add(prop, key, 'is also a secret of the service', `set ${key} in secrets or in environmentFrom, not both`);
    }
    if (model.secrets && Object.prototype.hasOwnProperty.call(model.secrets, source)) {
      p.add(prop, source, 'is a secret of the app; environmentFrom copies plain variables only', `give the value in ${base}.secrets instead`);
    }
  }
}

export function checkImage(p: Problems, prop: string, image: string | undefined, required: boolean, warn: (m: string) => void): void {
  if (image === undefined) {
    if (required) p.add(prop, image, 'is missing', 'give an image reference such as ghcr.io/acme/erp:1.4.2');
    return;
  }
  if (isUnresolved(image)) return;
  const r = parseImageReference(image);
  if (!r.ok) {
    p.add(prop, image, `is not an image reference: ${r.error}`, 'use [registry/]repository[:tag][@sha256:digest], e.g. ghcr.io/acme/erp:1.4.2');
    return;
  }
  if (r.ref.digest === undefined && (r.ref.tag === undefined || r.ref.tag === 'latest')) {
    warn(`${prop} "${image}" ${r.ref.tag === undefined ? 'has no tag' : 'uses the tag latest'}: deploys are not reproducible and a restart may pick up another version. Pin a version tag or a digest.`);
  }
}

export function checkCommand(p: Problems, prop: string, command: ProcessCommand | undefined): void {
  if (isUnresolved(command)) return;
  const ok = typeof command === 'string'
    ? command.trim().length > 0
    : Array.isArray(command) && command.length > 0 && command.every((c) => typeof c === 'string') && command[0].length > 0;
  p.check(ok, prop, command, 'is not a command', "give a shell line ('php artisan queue:work') or an exec list (['node', 'server.js'])");
}

export function checkPort(p: Problems, prop: string, port: number | undefined, required: boolean): void {
  if (port === undefined) {
    if (required) p.add(prop, port, 'is missing', 'give the port the process listens on, 1 to 65535');
    return;
  }
  checkInt(p, prop, port, 1, 65535, 'give the port the process listens on, 1 to 65535');
}

export function checkSchedule(p: Problems, prop: string, schedule: string | undefined): void {
  if (isUnresolved(schedule)) return;
  const r = parseCron(schedule as string);
  if (!r.ok) p.add(prop, schedule, `is not a cron schedule: ${r.error}`, "use 5 fields 'minute hour day-of-month month day-of-week' (e.g. '0 2 * * *') or @daily, @hourly, @weekly, @monthly");
}

/** A time zone every runtime can read the schedule in: an IANA name (`America/Lima`), spelled as the database spells it. */
export function checkTimeZone(p: Problems, prop: string, zone: string | undefined): void {
  if (zone === undefined || isUnresolved(zone)) return;
  const why = timeZoneProblem(zone);
  if (why) p.add(prop, zone, why.problem, why.fix);
}

function checkHealth(p: Problems, prop: string, h: HealthCheck, httpAllowed = true): void {
  if (!optionalObject(p, prop, h, httpAllowed ? "give { path: '/health' } or { command: '...' }, or leave healthCheck out" : "give { command: '...' }, or leave healthCheck out")) return;
  const hasPath = h.path !== undefined;
  const hasCommand = h.command !== undefined;
  if (hasPath === hasCommand) {
    p.add(prop, h, hasPath ? 'has both path and command' : 'has neither path nor command', httpAllowed ? 'give either path (an HTTP GET on the process port) or command' : 'give command (a worker serves no port)');
  }
  if (hasPath) {
    if (!httpAllowed) p.add(`${prop}.path`, h.path, 'needs a port, and this process has none', 'give command instead');
    else p.check(typeof h.path === 'string' && /^\/[^\s'"]*$/.test(h.path), `${prop}.path`, h.path, 'is not an absolute URL path', "start with '/' and use no spaces or quotes ('/health')");
  }
  if (hasCommand) checkCommand(p, `${prop}.command`, h.command);
  checkInt(p, `${prop}.intervalSeconds`, h.intervalSeconds, 1, 3600);
  checkInt(p, `${prop}.timeoutSeconds`, h.timeoutSeconds, 1, 3600);
  checkInt(p, `${prop}.retries`, h.retries, 1, 100);
  checkInt(p, `${prop}.startPeriodSeconds`, h.startPeriodSeconds, 0, 3600);
  const interval = h.intervalSeconds ?? 30;
  const timeout = h.timeoutSeconds ?? 10;
  if (Number.isInteger(interval) && Number.isInteger(timeout) && timeout > interval) {
    p.add(`${prop}.timeoutSeconds`, timeout, `is longer than intervalSeconds (${interval})`, 'make the timeout at most the interval');
  }
}

function checkResources(p: Problems, prop: string, r: ResourceLimits | undefined): void {
  if (!optionalObject(p, prop, r, 'give { cpus: 0.5, memoryMib: 512 }, or leave it out')) return;
  if (!isUnresolved(r.cpus)) {
    p.check(typeof r.cpus === 'number' && r.cpus > 0 && r.cpus <= 256, `${prop}.cpus`, r.cpus, 'must be a number of CPU cores above 0', 'give a fraction or count of cores, e.g. 0.5 or 2');
  }
  checkInt(p, `${prop}.memoryMib`, r.memoryMib, 6, 1048576, 'give whole MiB, at least 6 (Docker\'s minimum), e.g. 512');
  if (r.memoryMib === undefined) p.add(`${prop}.memoryMib`, undefined, 'is missing', 'give whole MiB, e.g. 512');
}

export function checkEnvironment(p: Problems, prop: string, env: Readonly<Record<string, SecretValue>> | undefined): void {
  if (env === undefined) return;
  if (env === null || typeof env !== 'object' || Array.isArray(env)) {
    p.add(prop, env, 'is not a map of names to values', 'give { NAME: "value" }, or leave it out');
    return;
  }
  for (const [k, v] of Object.entries(env)) {
    p.check(ENV_NAME_RE.test(k), `${prop}.${k}`, k, 'is not a valid environment variable name', 'use letters, digits and "_", not starting with a digit (APP_ENV)');
    p.check(typeof v === 'string' || isAppSecret(v), `${prop}.${k}`, isAppSecret(v) ? '<secret>' : v, 'is not a string', 'give the value as a string ("3" not 3)');
  }
}

/** Secret values: references or `AppSecret`s; no literal text but through `AppSecret.unsafePlainText`. */
function checkSecretValues(p: Problems, prop: string, env: Readonly<Record<string, SecretValue>> | undefined): void {
  if (env === undefined || env === null || typeof env !== 'object' || Array.isArray(env)) return;
  for (const [k, v] of Object.entries(env)) {
    const at = `${prop}.${k}`;
    if (isAppSecret(v)) {
      checkAppSecret(p, at, v);
      continue;
    }
    if (typeof v !== 'string' || isUnresolved(v)) continue;
    // never echo a secret value back in an error message
    p.add(at, '<hidden>', 'is literal text: it would be written in plain text into the synthesized JSON and the state',
      'pass AppSecret.fromVariable(new TerraformVariable(stack, \'name\', { type: \'string\', sensitive: true })), AppSecret.generate(), '
      + 'or, for a test or a throwaway environment, AppSecret.unsafePlainText(value)');
  }
}

function checkAppSecret(p: Problems, at: string, s: AppSecret): void {
  if (s.source === AppSecretSource.PLAIN_TEXT || s.source === AppSecretSource.REFERENCE) {
    const text = s.givenValue();
    if (typeof text !== 'string' || text === '') {
      p.add(at, text === '' ? '' : typeof text, 'is empty or not a string', 'give the secret\'s value');
      return;
    }
    if (s.source === AppSecretSource.REFERENCE && !isUnresolved(text)) {
      p.add(at, '<hidden>', 'is literal text, not a reference', 'pass a Terraform reference (resource.attribute), or use AppSecret.fromVariable / AppSecret.generate');
    }
    if (!isUnresolved(text)) {
      p.check(!/['\n\r]/.test(text), at, '<hidden>', 'contains a single quote or a line break, which an env file cannot hold', 'use a value without \' and line breaks (base64-encode it if needed)');
    }
  }
  if (s.source === AppSecretSource.GENERATED) {
    const o = s.generated ?? {};
    if (o.bytes !== undefined) checkInt(p, `${at}.bytes`, o.bytes, 16, 1024);
    if (o.length !== undefined) checkInt(p, `${at}.length`, o.length, 16, 1024);
    if (o.encoding !== undefined) {
      p.check(Object.values(SecretEncoding).includes(o.encoding), `${at}.encoding`, o.encoding, 'is not an encoding', 'use SecretEncoding.BASE64, HEX or ALPHANUMERIC');
    }
    if (o.prefix !== undefined) {
      p.check(typeof o.prefix === 'string' && !/['\n\r]/.test(o.prefix) && o.prefix.length <= 64, `${at}.prefix`, o.prefix, 'is not a short single-line text without quotes', "use e.g. 'base64:'");
    }
  }
}
