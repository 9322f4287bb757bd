import { posix } from 'path';
import { healthTest } from '../../../private/render-common';
import { ContainerSettings, ResourceLimits } from '../../../process-model';
import { ProcessRole, ResolvedApp, ResolvedFile, ResolvedJob, ResolvedJobStage, ResolvedProcess, ResolvedRelease } from '../../../runtime';
import { CACHE_DATA_PATH } from '../../../private/cache-process';
import { isUtcZone } from '../../../../private/time-zone';

/** How a droplet's compose project is written. */
export interface ComposeOptions {
  /** The primary droplet also runs the release command and the scheduled jobs. */
  readonly primary: boolean;
  /** Size at which a container log file is rotated, in MiB. */
  readonly logMaxSizeMib: number;
  /** Rotated log files kept per container. */
  readonly logMaxFiles: number;
}

/** Where the droplet mounts its data volume (block storage that outlives the droplet). */
export const DATA_MOUNT = '/mnt/data';

/** The cache's data directory on the data volume. */
const CACHE_DATA_DIR = `${DATA_MOUNT}/cache`;

/** What every service of one compose document shares. */
interface ComposeContext {
  readonly app: ResolvedApp;
  readonly logging: Record<string, unknown>;
  /** What app code waits for: the cache, healthy. */
  readonly dependsOn: Record<string, { condition: string }>;
}

/**
 * The compose document of a droplet, as data: every process a service
 * (the cache last, its data on the data volume), and on the primary droplet the
 * release and the jobs as services in profiles that `up` never starts. Paths
 * (env files, public files) are relative to the release's folder, where the
 * agent keeps the compose file beside them.
 */
export function composeDocument(app: ResolvedApp, options: ComposeOptions): Record<string, unknown> {
  const caches = app.processes.filter((proc) => proc.role === ProcessRole.CACHE);
  const ctx: ComposeContext = {
    app,
    logging: { driver: 'json-file', options: { 'max-size': `${options.logMaxSizeMib}m`, 'max-file': String(options.logMaxFiles) } },
    dependsOn: Object.fromEntries(caches.map((proc) => [proc.name, { condition: 'service_healthy' }])),
  };
  const services: Record<string, unknown> = {};
  for (const proc of app.processes.filter((x) => x.role !== ProcessRole.CACHE)) services[proc.name] = processService(ctx, proc);
  if (options.primary && app.release) services.release = releaseService(ctx, app.release);
  if (options.primary) {
    for (const job of app.jobs) {
      // a job's stages first (`<job>.<stage>`: a dot, which no process or job name has), then the job's own container
      for (const stage of job.stages ?? []) services[stageServiceName(job, stage)] = stageService(ctx, job, stage);
      services[job.name] = jobService(ctx, job);
    }
  }
  for (const proc of caches) services[proc.name] = processService(ctx, proc);
  const doc: Record<string, unknown> = { name: app.name, services };
  if (app.persistentPaths?.length) doc.volumes = Object.fromEntries(app.persistentPaths.map((x) => [x.name, persistentVolume(x.name)]));
  return doc;
}

/** A long-running process's service, by its role. */
function processService(ctx: ComposeContext, proc: ResolvedProcess): Record<string, unknown> | undefined {
  if (proc.role === ProcessRole.CACHE) {
    return compact({
      image: proc.image,
      command: proc.command?.map(composeEscape),
      restart: 'unless-stopped',
      volumes: [`${CACHE_DATA_DIR}:${CACHE_DATA_PATH}`],
      healthcheck: proc.healthCheck ? composeHealth(proc) : undefined,
      logging: ctx.logging,
    });
  }
  return compact({
    image: proc.image,
    command: proc.command ? proc.command.map(composeEscape) : undefined,
    restart: 'unless-stopped',
    ...containerSettings(proc.container),
    env_file: envFiles(proc.secretGroups),
    environment: environment(ctx, proc.environment),
    volumes: mounts(ctx.app, proc),
    healthcheck: proc.healthCheck ? composeHealth(proc) : undefined,
    depends_on: proc.isAppCode ? appCodeDependsOn(ctx) : { web: { condition: 'service_started' } },
    deploy: compact({ replicas: proc.replicas, resources: limits(proc.resources) }),
    logging: ctx.logging,
  });
}

function releaseService(ctx: ComposeContext, r: ResolvedRelease): Record<string, unknown> | undefined {
  return oneOffService(ctx, r, 'release', { depends_on: appCodeDependsOn(ctx) });
}

function jobService(ctx: ComposeContext, job: ResolvedJob): Record<string, unknown> | undefined {
  return oneOffService(ctx, job, 'jobs', {
    deploy: compact({ resources: limits(job.resources) }),
    labels: job.onDemand
      ? { 'erp.on-demand': 'true' }
      : { 'erp.schedule': job.schedule, ...(isUtcZone(job.timeZone) ? {} : { 'erp.time-zone': job.timeZone }) },
  });
}

/** The compose service of one stage of a job. */
export function stageServiceName(job: ResolvedJob, stage: ResolvedJobStage): string {
  return `${job.name}.${stage.name}`;
}

/** The compose services a job runs, in order: its stages, then its own. */
export function jobServices(job: ResolvedJob): string[] {
  return [...(job.stages ?? []).map((st) => stageServiceName(job, st)), job.name];
}

/** Where a job's scratch directory lives on the droplet: on the data volume, created and owned as `scratch` says by the agent. */
export function scratchHostPath(job: ResolvedJob): string {
  return `${DATA_MOUNT}/scratch/${job.name}`;
}

/** One stage of a job: its own image, entrypoint, command and user, the job's environment, files and scratch. */
function stageService(ctx: ComposeContext, job: ResolvedJob, stage: ResolvedJobStage): Record<string, unknown> | undefined {
  return oneOffService(ctx, { ...job, image: stage.image, entrypoint: stage.entrypoint, command: stage.command, container: stage.container ?? job.container }, 'jobs', {
    deploy: compact({ resources: limits(job.resources) }),
    labels: { 'erp.stage-of': job.name },
  });
}

/** A service that runs once when started by its profile (the release, a scheduled job); `extra` goes before logging. */
function oneOffService(
  ctx: ComposeContext, run: ResolvedRelease | ResolvedJob, profile: string, extra: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const job = 'schedule' in run ? run : undefined;
  const volumes = [...(mounts(ctx.app, run) ?? []), ...(job?.scratch ? [`${scratchHostPath(job)}:${job.scratch.path}`] : [])];
  return compact({
    image: run.image,
    entrypoint: job?.entrypoint?.map(composeEscape),
    command: run.command.map(composeEscape),
    restart: 'no',
    profiles: [profile],
    ...containerSettings(run.container),
    env_file: envFiles(run.secretGroups),
    environment: environment(ctx, run.environment),
    volumes: volumes.length > 0 ? volumes : undefined,
    ...extra,
    logging: ctx.logging,
  });
}

/**
 * A process's container settings as Compose keys: `user` (`'1001:1001'`), `read_only`, and a `tmpfs`
 * per writable path (an empty, writable scratch directory, mode 1777, wiped on restart). Nothing
 * when the model gives none: the image's user and a writable root filesystem, as before.
 */
function containerSettings(c: ContainerSettings | undefined): Record<string, unknown> {
  if (c === undefined) return {};
  const out: Record<string, unknown> = {};
  if (c.user !== undefined) out.user = c.user;
  if (c.readOnlyRootFilesystem !== undefined) out.read_only = c.readOnlyRootFilesystem;
  if (c.writablePaths?.length) out.tmpfs = [...c.writablePaths];
  return out;
}

function appCodeDependsOn(ctx: ComposeContext): Record<string, { condition: string }> | undefined {
  return Object.keys(ctx.dependsOn).length ? ctx.dependsOn : undefined;
}

function envFiles(groups: readonly string[]): string[] | undefined {
  return groups.length > 0 ? groups.map(envFilePath) : undefined;
}

/** The plain variables; a file's content reaches the container as the file, not also as a (multi-line) variable. */
function environment(ctx: ComposeContext, env: Readonly<Record<string, string>>): Record<string, string> | undefined {
  const fileVars = (ctx.app.files ?? []).flatMap((f) => (f.variable !== undefined ? [f.variable] : []));
  return envMap(Object.fromEntries(Object.entries(env).filter(([k]) => !fileVars.includes(k))));
}

/**
 * A persistent path's named volume: Docker's local driver bound to `<data volume>/paths/<name>`, so
 * that the data lives on the droplet's block storage, and Docker still fills an empty one from the
 * image (files and their owner) the first time, as with any named volume. The agent creates the folder.
 */
function persistentVolume(name: string): Record<string, unknown> {
  return { driver: 'local', driver_opts: { type: 'none', o: 'bind', device: `${DATA_MOUNT}/paths/${name}` } };
}

/** A service's mounts: the public files it names (read-only), then the persistent paths it names. */
function mounts(app: ResolvedApp, x: { readonly files?: readonly string[]; readonly persistentPaths?: readonly string[] }): string[] | undefined {
  const paths = (app.persistentPaths ?? []).filter((p) => x.persistentPaths?.includes(p.name)).map((p) => `${p.name}:${p.path}`);
  const all = [...(fileVolumes(app, x.files) ?? []), ...paths];
  return all.length > 0 ? all : undefined;
}

/** Read-only bind mounts of the public files a service names. */
function fileVolumes(app: ResolvedApp, names: readonly string[] | undefined): string[] | undefined {
  const mounted = (app.files ?? []).filter((f) => names?.includes(f.name));
  return mounted.length > 0 ? mounted.map((f) => `./${publicFilePath(f)}:${f.path}:ro`) : undefined;
}

/** Where a release keeps a public file the containers mount, relative to its folder: `files/<name><extension of its path>`. */
export function publicFilePath(f: ResolvedFile): string {
  return `files/${f.name}${posix.extname(f.path)}`;
}

/** The env file of a secret group, relative to the release's folder: `env/<group>.env`. */
export function envFilePath(group: string): string {
  return `env/${group}.env`;
}

/** Compose interpolates `$`; a literal `$` is written `$$` (token markers are left alone). */
function composeEscape(s: string): string {
  return s.replace(/\$(?!\{TfToken\[)/g, '$$$$');
}

function envMap(env: Readonly<Record<string, string>>): Record<string, string> | undefined {
  const entries = Object.entries(env);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([k, v]) => [k, composeEscape(v)]));
}

function composeHealth(proc: ResolvedProcess): Record<string, unknown> {
  const h = proc.healthCheck!;
  return {
    test: healthTest(h).map(composeEscape),
    interval: `${h.intervalSeconds}s`,
    timeout: `${h.timeoutSeconds}s`,
    retries: h.retries,
    start_period: `${h.startPeriodSeconds}s`,
  };
}

function limits(r: ResourceLimits | undefined): Record<string, unknown> | undefined {
  if (r === undefined) return undefined;
  return { limits: { cpus: String(r.cpus), memory: `${r.memoryMib}M` } };
}

function compact<T extends Record<string, unknown>>(o: T): T | undefined {
  const out = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return Object.keys(out).length ? out : undefined;
}
