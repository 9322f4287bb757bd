import { Problems, isUnresolved } from '../../private/validate';
import type { ContainerSettings } from '../process-model';

/** The highest user or group id Kubernetes and Docker take (a signed 32-bit integer). */
const MAX_ID = 2147483647;
/** `uid` or `uid:gid`, numeric. */
const USER_RE = /^(\d{1,10})(?::(\d{1,10}))?$/;
/**
 * Directories a scratch volume must not replace: mounting an empty volume there hides what the
 * image holds (binaries, libraries, its configuration). `/tmp` and `/run` are scratch by nature and allowed.
 */
const SYSTEM_DIRECTORIES = ['/', '/bin', '/boot', '/dev', '/etc', '/home', '/lib', '/lib64', '/opt', '/proc', '/root', '/sbin', '/srv', '/sys', '/usr', '/var'];
/** Most writable paths one process may ask for. */
const MAX_WRITABLE_PATHS = 20;
/** Size limit of each scratch volume where the runtime sets one (Kubernetes emptyDir). */
export const SCRATCH_SIZE_LIMIT = '256Mi';

/** A numeric user: its id and group id (the group is the user id when none is given). */
export interface NumericUser {
  readonly uid: number;
  readonly gid: number;
}

/** The numeric user of `'uid'` or `'uid:gid'`, or undefined when none is given or it does not parse. */
export function parseUser(user: string | undefined): NumericUser | undefined {
  if (typeof user !== 'string') return undefined;
  const m = USER_RE.exec(user);
  if (!m) return undefined;
  const uid = Number(m[1]);
  return { uid, gid: m[2] !== undefined ? Number(m[2]) : uid };
}

/** A writable path without trailing slashes (`/sessions/` is `/sessions`). */
export function cleanPath(path: string): string {
  return path.replace(/\/+$/, '') || '/';
}

/**
 * Records the problems of one process's container settings: a numeric user (`'1001'`, `'1001:1001'`),
 * a boolean read-only flag, absolute writable paths that are not system directories, each once,
 * and none of them a persistent path of the app.
 */
export function checkContainerSettings(
  p: Problems, prop: string, c: ContainerSettings | undefined, persistentPaths: readonly string[] = [],
): void {
  if (c === undefined || isUnresolved(c)) return;
  if (c === null || typeof c !== 'object' || Array.isArray(c)) {
    p.add(prop, c, 'is not container settings', "give { user: '1001:1001', readOnlyRootFilesystem: true, writablePaths: ['/var/run/app'] }");
    return;
  }
  const known = ['user', 'readOnlyRootFilesystem', 'writablePaths'];
  for (const k of Object.keys(c)) {
    if (!known.includes(k)) p.add(`${prop}.${k}`, (c as Record<string, unknown>)[k], 'is not a container setting', `use one of: ${known.join(', ')}`);
  }
  if (c.user !== undefined && !isUnresolved(c.user)) {
    const user = parseUser(c.user);
    if (typeof c.user !== 'string' || user === undefined || user.uid > MAX_ID || user.gid > MAX_ID) {
      p.add(`${prop}.user`, c.user, 'is not a numeric user: a user id, or a user id and a group id',
        `give numbers from 0 to ${MAX_ID} as 'uid' or 'uid:gid' (e.g. '1001:1001'); names such as 'www-data' cannot be checked by Kubernetes' runAsNonRoot`);
    }
  }
  if (c.readOnlyRootFilesystem !== undefined && !isUnresolved(c.readOnlyRootFilesystem)) {
    p.check(typeof c.readOnlyRootFilesystem === 'boolean', `${prop}.readOnlyRootFilesystem`, c.readOnlyRootFilesystem,
      'is not a boolean', 'give true (the image writes only to writablePaths) or false');
  }
  const paths = c.writablePaths;
  if (paths === undefined || isUnresolved(paths)) return;
  if (!Array.isArray(paths)) {
    p.add(`${prop}.writablePaths`, paths, 'is not a list', "give a list of absolute directories, e.g. ['/var/run/apache2', '/sessions']");
    return;
  }
  p.check(paths.length <= MAX_WRITABLE_PATHS, `${prop}.writablePaths`, `${paths.length} paths`, `has more than ${MAX_WRITABLE_PATHS} paths`,
    'give the few directories the image writes, or set readOnlyRootFilesystem: false');
  const seen = new Set<string>();
  const kept = persistentPaths.map(cleanPath);
  paths.forEach((path, i) => {
    const at = `${prop}.writablePaths[${i}]`;
    if (typeof path !== 'string' || !/^\/[^\0\s:,]*$/.test(path) || path.split('/').includes('..') || path.length > 255) {
      p.add(at, path, 'is not an absolute directory inside the container', "give e.g. '/var/run/apache2' (starting with /, no spaces, ':' or ',')");
      return;
    }
    const clean = cleanPath(path);
    if (SYSTEM_DIRECTORIES.includes(clean)) {
      p.add(at, path, 'is a system directory: an empty scratch volume there hides what the image holds',
        "give the directory the process writes, e.g. '/var/run/apache2' rather than '/var', or set readOnlyRootFilesystem: false");
      return;
    }
    if (seen.has(clean)) p.add(at, path, 'is given twice', 'list each directory once');
    seen.add(clean);
    if (kept.includes(clean)) {
      p.add(at, path, 'is also a persistent path of the app, whose data outlives the container',
        'drop it from writablePaths: the persistent path is already writable');
    }
  });
}
