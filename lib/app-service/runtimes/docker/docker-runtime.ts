import { Container } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { Network } from '@cdktf/provider-docker/lib/network';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { IResolvable, ITerraformDependable, Lazy, TerraformStack } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { ErpValidationError } from '../../../errors';
import { IDatabaseClient } from '../../../common/contracts';
import { Problems, checkInt } from '../../../private/validate';
import { CACHE_DATA_PATH } from '../../private/cache-process';
import { escapeTerraformTemplate, healthTest } from '../../private/render-common';
import { ContainerSettings, ResourceLimits } from '../../process-model';
import {
  ProcessRole, ResolvedApp, ResolvedHealthCheck, ResolvedJob, ResolvedProcess, ResolvedRelease,
} from '../../runtime';
import { AppRuntimeBase, AppRuntimeBaseProps } from '../base';
import { cronLoopScript } from './private/cron-loop';
import { isUtcZone } from '../../../private/time-zone';
import { DockerProvider, DockerProviderRegistryAuth } from '@cdktf/provider-docker/lib/provider';
import { dockerConfigJson } from '../../registry';

/** Props of `DockerRuntime`. */
export interface DockerRuntimeProps extends AppRuntimeBaseProps {
  /**
   * Port on 127.0.0.1 where the web process is published.
   * @default 8080
   */
  readonly hostPort?: number;
}

type ContainerConfig = ConstructorParameters<typeof Container>[2];
type ContainerVolumes = Exclude<NonNullable<ContainerConfig['volumes']>, IResolvable>[number];

/**
 * Runs an `ErpAppService` on the user's own Docker engine (a local
 * environment) with the Docker provider: a network named after the app, a
 * container per process replica (the same image, command, health check and
 * environment as on droplets), the web process published on
 * `127.0.0.1:<hostPort>` only, the release command as a container that runs
 * once before web starts, the cache (when the app has no managed cache) with
 * its data on a volume, and a container per scheduled job that runs its
 * command whenever the cron schedule matches in the job's time zone (the zone's
 * POSIX rule when the image has no tzdata; see `cronLoopScript`). Pair it with
 * `LocalDatabase` for a PostgreSQL or MySQL container, and deploy with
 * `cdktf deploy local`.
 *
 * Secrets reach the containers as plain environment variables (they end up in
 * the Terraform state and in `docker inspect`): use development values only.
 *
 * ```ts
 * const runtime = new DockerRuntime(stack, 'Runtime', { hostPort: 8080 });
 * const app = new ErpAppService(stack, 'App', { name: 'erp', runtime, processes: { web: { image: 'ghcr.io/acme/erp:1.4.2', port: 8080 } } });
 * app.connectTo(new LocalDatabase(stack, 'Database', { runtime }));
 * ```
 */
export class DockerRuntime extends AppRuntimeBase {
  /** The app's network; containers reach each other by process name. */
  public readonly network: Network;
  /** A local engine has no database firewall: nothing to admit. */
  public readonly databaseClient: IDatabaseClient = { databaseAccessSources: [] };
  /** Containers by process or job name (replicas as `<name>-2`, ...); filled at synthesis. */
  public readonly containers: Record<string, Container> = {};
  /** Port on 127.0.0.1 of the web process. */
  public readonly hostPort: number;

  private readonly images: Record<string, Image> = {};
  private readonly startAfterList: ITerraformDependable[] = [];

  constructor(scope: Construct, id: string, props: DockerRuntimeProps = {}) {
    super(scope, id, props);
    const p = new Problems();
    checkInt(p, 'hostPort', props.hostPort, 1, 65535, 'give a free port on this machine, e.g. 8080');
    this.checkSharedProps(p);
    p.throwIfAny(this);
    this.hostPort = props.hostPort ?? 8080;
    this.network = new Network(this, 'Network', { name: Lazy.stringValue({ produce: () => this.binding().name }) });
    this.renderAtSynthesis((app) => this.render(app));
  }

  /** Containers carry their process name as a network alias: `http://<process>:<port>`. */
  public internalUrl(processName: string, port: number): string {
    return `http://${processName}:${port}`;
  }

  /** The app name (once an app is bound). */
  public get appName(): string {
    return this.binding().name;
  }

  /** App containers start after this resource (a database container). */
  public startAfter(resource: ITerraformDependable): void {
    this.startAfterList.push(resource);
  }

  /** @internal The image resource of a reference (one per distinct reference, kept locally on destroy). */
  public image(ref: string): Image {
    let img = this.images[ref];
    if (!img) {
      img = new Image(this, `Image-${ref.replace(/[^A-Za-z0-9]/g, '-')}`, { name: ref, keepLocally: true });
      this.images[ref] = img;
    }
    return img;
  }

  /** The cache first and the release next (app containers wait for both), then the processes and the jobs. */
  /**
   * Hands the registries' credentials to the stack's Docker provider (`registry_auth`, one entry per
   * registry with the Docker config of that registry): the provider pulls the images, not a container.
   */
  private passRegistryCredentials(app: ResolvedApp): void {
    if (!app.registries?.length) return;
    const providers = TerraformStack.of(this).node.findAll().filter((c: IConstruct): c is DockerProvider => c instanceof DockerProvider);
    if (providers.length !== 1) {
      throw new ErpValidationError(this.node.path, [{
        prop: 'registries', value: `${providers.length} Docker providers`,
        problem: 'need exactly one DockerProvider in the stack to pass the registry credentials to',
        fix: "configure one DockerProvider (new DockerProvider(stack, 'docker')) in the stack of this runtime",
      }]);
    }
    const provider = providers[0];
    const given = Array.isArray(provider.registryAuth) ? provider.registryAuth : [];
    provider.registryAuth = [
      ...given.filter((a: DockerProviderRegistryAuth) => !app.registries!.some((r) => r.server === a.address)),
      ...app.registries.map((r) => ({ address: r.server, configFileContent: dockerConfigJson([r]) })),
    ];
  }

  private render(app: ResolvedApp): void {
    this.passRegistryCredentials(app);
    const before: ITerraformDependable[] = [...this.startAfterList];
    const isCache = (proc: ResolvedProcess) => proc.role === ProcessRole.CACHE;
    for (const proc of app.processes.filter(isCache)) before.push(...this.processContainers(app, proc, before));
    if (app.release) before.push(this.releaseContainer(app, app.release, before));
    for (const proc of app.processes.filter((x) => !isCache(x))) this.processContainers(app, proc, before);
    for (const job of app.jobs.filter((j) => !j.stages?.length)) this.jobContainer(app, job, before);
    const staged = app.jobs.filter((j) => j.stages?.length);
    if (staged.length > 0) this.stagedJobs(app, staged, before);
  }

  /**
   * Jobs of several stages (backups): each stage and the job's own container are created, not
   * started (`start = false`), with the job's environment, files and scratch volume; one runner
   * container per app, `<app>-jobs` (the Docker CLI, with this engine's socket), starts them in
   * order, `docker start -a`, when a job's schedule matches, and on request:
   * `docker exec <app>-jobs erp-run-job <job> [VAR=value...]` (a restore: `RESTORE_AT=2026-12-01`).
   * The runner makes each scratch volume the stages' user's before a run. The stages' root
   * filesystem stays writable here: Docker copies the files into a created container, which a
   * read-only root refuses.
   */
  private stagedJobs(app: ResolvedApp, jobs: readonly ResolvedJob[], before: readonly ITerraformDependable[]): void {
    const runnerVolumes: ContainerVolumes[] = [{ hostPath: DOCKER_SOCKET, containerPath: DOCKER_SOCKET }];
    const sequences: Record<string, string[]> = {};
    const owners: Record<string, string> = {};
    const stageContainers: Container[] = [];
    for (const job of jobs) {
      const volumes = [...((this.pathVolumes(app, job.persistentPaths) ?? []) as ContainerVolumes[])];
      if (job.scratch) {
        const scratch = new Volume(this, `ScratchVolume-${job.name}`, { name: `${app.name}-${job.name}-scratch` });
        volumes.push({ volumeName: scratch.name, containerPath: job.scratch.path });
        runnerVolumes.push({ volumeName: scratch.name, containerPath: `${RUNNER_SCRATCH}/${job.name}` });
        owners[job.name] = job.scratch.owner;
      }
      const runs = [...job.stages!.map((st) => ({ key: `${job.name}.${st.name}`, ...st })),
        { key: job.name, name: job.name, image: job.image, entrypoint: job.entrypoint, command: job.command, container: job.container }];
      sequences[job.name] = runs.map((run) => {
        const name = `${app.name}-${run.key}`;
        stageContainers.push(this.container(`job-${run.key}`, {
          name,
          image: this.image(run.image).imageId,
          entrypoint: run.entrypoint?.map(escapeTerraformTemplate),
          command: run.command.map(escapeTerraformTemplate),
          env: envList(app, job.environment, job.secretGroups),
          upload: uploads(app, job.files),
          volumes,
          networksAdvanced: [{ name: this.network.name }],
          restart: 'no',
          ...containerSettings({ ...(run.container ?? job.container), readOnlyRootFilesystem: false }),
          ...limits(job.resources),
          start: false,
          mustRun: false,
          dependsOn: [...before],
        }));
        return name;
      });
    }
    const loops = jobs.filter((j) => !j.onDemand)
      .map((j) => `( ${cronLoopScript(j.schedule, [RUNNER_COMMAND, j.name], j.timeZone)} ) &`);
    this.container('jobs', {
      name: `${app.name}-jobs`,
      image: this.image(DOCKER_CLI_IMAGE).imageId,
      command: ['/bin/sh', '-c', escapeTerraformTemplate([...loops, 'wait; sleep infinity'].join('\n'))],
      upload: [{ file: RUNNER_COMMAND, content: escapeTerraformTemplate(runnerScript(sequences, owners)), executable: true }],
      volumes: runnerVolumes,
      restart: 'unless-stopped',
      dependsOn: stageContainers,
    });
  }

  /** A process's containers, one per replica, rendered by its role. */
  private processContainers(app: ResolvedApp, proc: ResolvedProcess, before: readonly ITerraformDependable[]): Container[] {
    if (proc.role === ProcessRole.CACHE) return [this.cacheContainer(app, proc)];
    const containers: Container[] = [];
    for (let i = 1; i <= proc.replicas; i++) {
      const key = i === 1 ? proc.name : `${proc.name}-${i}`;
      containers.push(this.container(key, {
        name: `${app.name}-${key}`,
        image: this.image(proc.image).imageId,
        command: proc.command?.map(escapeTerraformTemplate),
        env: envList(app, proc.environment, proc.secretGroups),
        upload: uploads(app, proc.files),
        volumes: this.pathVolumes(app, proc.persistentPaths),
        restart: 'unless-stopped',
        ...containerSettings(proc.container),
        healthcheck: proc.healthCheck ? dockerHealth(proc.healthCheck) : undefined,
        networksAdvanced: [{ name: this.network.name, aliases: [proc.name] }],
        ports: proc.role === ProcessRole.WEB && i === 1 ? [{ internal: proc.port!, external: this.hostPort, ip: '127.0.0.1' }] : undefined,
        ...limits(proc.resources),
        dependsOn: proc.isAppCode ? [...before] : undefined,
      }));
    }
    return containers;
  }

  /** The cache: one container with its data on a volume; Terraform waits until it is healthy. */
  private cacheContainer(app: ResolvedApp, proc: ResolvedProcess): Container {
    const volume = new Volume(this, 'CacheVolume', { name: `${app.name}-cache` });
    return this.container(proc.name, {
      name: `${app.name}-${proc.name}`,
      image: this.image(proc.image).imageId,
      command: proc.command?.map(escapeTerraformTemplate),
      restart: 'unless-stopped',
      volumes: [{ volumeName: volume.name, containerPath: CACHE_DATA_PATH }],
      healthcheck: proc.healthCheck ? dockerHealth(proc.healthCheck) : undefined,
      networksAdvanced: [{ name: this.network.name, aliases: [proc.name] }],
      wait: true,
    });
  }

  /** The release command: a container that runs once (Terraform waits for it to exit). */
  private releaseContainer(app: ResolvedApp, r: ResolvedRelease, before: readonly ITerraformDependable[]): Container {
    return this.container('release', {
      name: `${app.name}-release`,
      image: this.image(r.image).imageId,
      command: r.command.map(escapeTerraformTemplate),
      env: envList(app, r.environment, r.secretGroups),
      upload: uploads(app, r.files),
      volumes: this.pathVolumes(app, r.persistentPaths),
      networksAdvanced: [{ name: this.network.name }],
      restart: 'no',
      ...containerSettings(r.container),
      mustRun: false,
      attach: true,
      logs: true,
      dependsOn: [...before],
    });
  }

  /** A scheduled job: a container running a small sh loop that starts the command when the schedule matches. */
  private jobContainer(app: ResolvedApp, job: ResolvedJob, before: readonly ITerraformDependable[]): Container {
    return this.container(`cron-${job.name}`, {
      name: `${app.name}-cron-${job.name}`,
      image: this.image(job.image).imageId,
      command: ['/bin/sh', '-c', escapeTerraformTemplate(cronLoopScript(job.schedule, job.command, job.timeZone))],
      env: envList(app, job.environment, job.secretGroups),
      upload: uploads(app, job.files),
      volumes: this.pathVolumes(app, job.persistentPaths),
      restart: 'unless-stopped',
      ...containerSettings(job.container),
      networksAdvanced: [{ name: this.network.name }],
      labels: [{ label: 'erp.schedule', value: job.schedule }, ...(isUtcZone(job.timeZone) ? [] : [{ label: 'erp.time-zone', value: job.timeZone }])],
      ...limits(job.resources),
      dependsOn: [...before],
    });
  }

  /** The Docker volumes of the persistent paths a container names (one volume per path, created on first use). */
  private pathVolumes(app: ResolvedApp, names: readonly string[] | undefined): ContainerConfig['volumes'] {
    const paths = (app.persistentPaths ?? []).filter((x) => names?.includes(x.name));
    if (paths.length === 0) return undefined;
    return paths.map((x) => {
      const id = `PathVolume-${x.name}`;
      const volume = (this.node.tryFindChild(id) as Volume | undefined) ?? new Volume(this, id, { name: `${app.name}-${x.name}` });
      return { volumeName: volume.name, containerPath: x.path };
    });
  }

  private container(key: string, config: ContainerConfig): Container {
    const c = new Container(this, `Container-${key}`, config);
    this.containers[key] = c;
    return c;
  }
}

/** `KEY=value` entries: the plain variables, then the secret groups' values (plain text on a local engine). */
function envList(app: ResolvedApp, env: Readonly<Record<string, string>>, groups: readonly string[]): string[] {
  const merged: Record<string, string> = { ...env };
  for (const g of groups) Object.assign(merged, app.secretGroups[g] ?? {});
  return Object.entries(merged).map(([k, v]) => escapeTerraformTemplate(`${k}=${v}`));
}

/** The Docker engine's socket, which the jobs runner uses to start the stages' containers. */
const DOCKER_SOCKET = '/var/run/docker.sock';

/** The image of the jobs runner: the Docker CLI, pinned. */
export const DOCKER_CLI_IMAGE = 'docker:27.5.1-cli';

/** Where the runner mounts each job's scratch volume (`/scratch/<job>`). */
const RUNNER_SCRATCH = '/scratch';

/** The runner's command: `erp-run-job <job> [VAR=value...]`. */
const RUNNER_COMMAND = '/usr/local/bin/erp-run-job';

/**
 * The runner's script: the containers of each job in order; the request's variables go to
 * `request.env` in the job's scratch volume, which the first stage reads; every stage runs even
 * after one failed (a stage that finds the failure skips its work); the last one's status is the job's.
 */
export function runnerScript(sequences: Record<string, readonly string[]>, owners: Record<string, string>): string {
  return [
    '#!/bin/sh',
    '# erp-run-job JOB [VAR=value...]: starts the containers of a job in order; written by Terraform',
    'set -u',
    'job=${1:?usage: erp-run-job <job> [VAR=value...]}',
    'shift',
    'case $job in',
    ...Object.entries(sequences).map(([job, names]) => `  ${job}) containers='${names.join(' ')}'; owner='${owners[job] ?? ''}' ;;`),
    `  *) echo "erp-run-job: no job $job (${Object.keys(sequences).join(', ')})" >&2; exit 2 ;;`,
    'esac',
    `dir=${RUNNER_SCRATCH}/$job`,
    'if [ -d "$dir" ]; then',
    '  : > "$dir/request.env"',
    '  for a in "$@"; do',
    `    case $a in [A-Z_]*=*) printf '%s\\n' "$a" >> "$dir/request.env" ;; *) echo "erp-run-job: $a is not VAR=value" >&2; exit 2 ;; esac`,
    '  done',
    '  [ -z "$owner" ] || chown -R "$owner" "$dir"',
    'fi',
    'status=0',
    'for c in $containers; do',
    '  docker start -a "$c"; status=$?',
    'done',
    'exit $status',
    '',
  ].join('\n');
}

/**
 * The public files (the database CA certificate, the files the user mounts) copied into a container that
 * mounts them, read-only (mode 0444: nobody in the container may write them).
 */
function uploads(app: ResolvedApp, names: readonly string[] | undefined): ContainerConfig['upload'] {
  const files = (app.files ?? []).filter((f) => names?.includes(f.name));
  return files.length > 0 ? files.map((f) => ({ file: f.path, content: escapeTerraformTemplate(f.content), permissions: '0444' })) : undefined;
}

function dockerHealth(h: ResolvedHealthCheck) {
  return {
    test: healthTest(h).map(escapeTerraformTemplate),
    interval: `${h.intervalSeconds}s`,
    timeout: `${h.timeoutSeconds}s`,
    retries: h.retries,
    startPeriod: `${h.startPeriodSeconds}s`,
  };
}

/**
 * A process's container settings as the container's `user`, `read_only` and a `tmpfs` per writable
 * path (empty and writable, wiped when the container stops). Nothing when the model gives none.
 */
function containerSettings(c: ContainerSettings | undefined): Pick<ContainerConfig, 'user' | 'readOnly' | 'tmpfs'> {
  if (c === undefined) return {};
  return {
    ...(c.user !== undefined ? { user: c.user } : {}),
    ...(c.readOnlyRootFilesystem !== undefined ? { readOnly: c.readOnlyRootFilesystem } : {}),
    ...(c.writablePaths?.length ? { tmpfs: Object.fromEntries(c.writablePaths.map((path) => [path, 'rw'])) } : {}),
  };
}

function limits(r: ResourceLimits | undefined): { cpus?: string; memory?: number } {
  if (r === undefined) return {};
  return { cpus: String(r.cpus), memory: r.memoryMib };
}
