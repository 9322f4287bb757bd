import { ProcessRole, ResolvedProcess } from '../runtime';
import { cacheEnvironment } from './render-common';

/** The cache process's name: its host name on the runtime's network, and a reserved process name. */
export const CACHE_PROCESS = 'redis';

/** The port the cache serves Redis on. */
export const CACHE_PORT = 6379;

/** The directory where the cache keeps its append-only file; runtimes keep it on a volume. */
export const CACHE_DATA_PATH = '/data';

/** The cache image when the runtime is given none. */
export const DEFAULT_CACHE_IMAGE = 'valkey/valkey:8.1-alpine';

/**
 * The cache process an app runs when no managed cache (Valkey/Redis) is
 * connected: Valkey with append-only persistence, checked with `valkey-cli ping`.
 */
export function cacheProcess(image: string = DEFAULT_CACHE_IMAGE): ResolvedProcess {
  return {
    name: CACHE_PROCESS,
    role: ProcessRole.CACHE,
    image,
    command: ['valkey-server', '--appendonly', 'yes', '--appendfsync', 'everysec'],
    port: CACHE_PORT,
    healthCheck: { command: ['valkey-cli', 'ping'], intervalSeconds: 10, timeoutSeconds: 5, retries: 5, startPeriodSeconds: 10 },
    replicas: 1,
    environment: {},
    secretGroups: [],
    isAppCode: false,
  };
}

/** The variables app code reads to reach the cache process. */
export function cacheProcessEnvironment(): Record<string, string> {
  return cacheEnvironment(CACHE_PROCESS, CACHE_PORT);
}
