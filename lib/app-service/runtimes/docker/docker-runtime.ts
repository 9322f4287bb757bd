import { Container } from '@cdktf/provider-docker/lib/container';
import { Image } from '@cdktf/provider-docker/lib/image';
import { Network } from '@cdktf/provider-docker/lib/network';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Annotations, ITerraformDependable, Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { IDatabaseClient } from '../common/contracts';
import { ErpValidationError } from '../errors';
import { Problems, checkInt } from '../private/validate';
import { cronLoopScript } from './private/cron-loop';
import { atSynthesis } from './private/late';
import { cacheEnvironment, escapeTerraformTemplate, healthTest, withCache } from './private/render-common';
import { checkImage } from './private/validate-model';
import { ResourceLimits } from './process-model';
import { AppBinding, IAppRuntime, ProcessRole, ResolvedApp, ResolvedHealthCheck } from './runtime';

/** Props of `DockerRuntime`. */
export interface DockerRuntimeProps {
  /**
   * Port on 127.0.0.1 where the web process is published.
   * @default 8080
   */
  readonly hostPort?: number;
  /**
   * Image of the cache container run when the app has no managed cache.
   * @default 'valkey/valkey:8.1-alpine'
   */
  readonly cacheImage?: string;
}

/**
 * Runs an `ErpAppService` on the user's own Docker engine (a local environment)
 * with the Docker provider: a network named after the app, a container per
 * process replica (same image, command, health check and environment as on
 * droplets, restart `unless-stopped`), the web process published on
 * `127.0.0.1:<hostPort>` only (other HTTP services are reached on the network
 * by name), a connected database's CA certificate copied into the containers, the release command as a container that runs
 * once (Terraform waits for it to exit) before web starts, a Valkey container
 * with append-only persistence on a volume when the app has no managed cache,
 * and a container per scheduled job that runs its command whenever the cron
 * schedule matches (a small sh loop in the job's image, times in UTC).
 * `cdktf deploy local` brings the app up.
 *
 * Secrets: on the developer's own machine, secret variables are passed to the
 * containers as plain environment variables (they end up in the Terraform
 * state and in `docker inspect`). They are never baked into an image. Use
 * development values only.
 *
 * Pair it with `LocalDatabase` for a PostgreSQL or MySQL container.
 */
export class DockerRuntime extends Construct implements IAppRuntime {
  /** The app's network; containers reach each other by process name. */
  public readonly network: Network;
  /** A local engine has no database firewall: nothing to admit. */
  public readonly databaseClient: IDatabaseClient = { databaseAccessSources: [] };
  /** Containers by process or job name (replicas as `<name>-2`, ...); filled at synthesis. */
  public readonly containers: Record<string, Container> = {};
  /** Port on 127.0.0.1 of the web process. */
  public readonly hostPort: number;

  private readonly props: DockerRuntimeProps;
  private readonly images: Record<string, Image> = {};
  private readonly startAfterList: ITerraformDependable[] = [];
  private app?: AppBinding;

  constructor(scope: Construct, id: string, props: DockerRuntimeProps = {}) {
    super(scope, id);
    const p = new Problems();
    checkInt(p, 'hostPort', props.hostPort, 1, 65535, 'give a free port on this machine, e.g. 8080');
    checkImage(p, 'cacheImage', props.cacheImage, false, (m) => Annotations.of(this).addWarning(m));
    p.throwIfAny(this);
    this.props = props;
    this.hostPort = props.hostPort ?? 8080;
    this.network = new Network(this, 'Network', { name: Lazy.stringValue({ produce: () => this.binding().name }) });
    atSynthesis(this, { everyTime: false }, () => this.render(this.binding().resolve()));
  }

  /** Binds the runtime to its app; `ErpAppService` calls it once, from its constructor. */
  public bind(app: AppBinding): void {
    if (this.app !== undefined) {
      throw new ErpValidationError(this.node.path, [{
        prop: 'runtime', value: app.scope.node.path, problem: `already runs ${this.app.scope.node.path}`, fix: 'give each app its own DockerRuntime',
      }]);
    }
    this.app = app;
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

  private render(app: ResolvedApp): void {
    const name = app.name;
    const cache = app.hasManagedCache ? undefined : cacheEnvironment('redis');
    const before: ITerraformDependable[] = [...this.startAfterList];
    if (cache) {
      const volume = new Volume(this, 'CacheVolume', { name: `${name}-cache` });
      const redis = this.container('redis', {
        name: `${name}-redis`,
        image: this.image(this.props.cacheImage ?? 'valkey/valkey:8.1-alpine').imageId,
        command: ['valkey-server', '--appendonly', 'yes', '--appendfsync', 'everysec'],
        restart: 'unless-stopped',
        volumes: [{ volumeName: volume.name, containerPath: '/data' }],
        healthcheck: { test: ['CMD', 'valkey-cli', 'ping'], interval: '10s', timeout: '5s', retries: 5, startPeriod: '10s' },
        networksAdvanced: [{ name: this.network.name, aliases: ['redis'] }],
        wait: true,
      });
      before.push(redis);
    }
    const envOf = (env: Readonly<Record<string, string>>, groups: readonly string[], isApp: boolean) => {
      const merged: Record<string, string> = isApp ? withCache(env, cache) : { ...env };
      for (const g of groups) Object.assign(merged, app.secretGroups[g] ?? {});
      return Object.entries(merged).map(([k, v]) => escapeTerraformTemplate(`${k}=${v}`));
    };
    // public files (the database CA certificate) copied into the containers that mount them
    const uploads = (names: readonly string[] | undefined) => {
      const files = (app.files ?? []).filter((f) => names?.includes(f.name));
      return files.length > 0 ? files.map((f) => ({ file: f.path, content: escapeTerraformTemplate(f.content) })) : undefined;
    };
    if (app.release) {
      const r = app.release;
      const release = this.container('release', {
        name: `${name}-release`,
        image: this.image(r.image).imageId,
        command: r.command.map(escapeTerraformTemplate),
        env: envOf(r.environment, r.secretGroups, true),
        upload: uploads(r.files),
        networksAdvanced: [{ name: this.network.name }],
        restart: 'no',
        mustRun: false,
        attach: true,
        logs: true,
        dependsOn: [...before],
      });
      before.push(release);
    }
    for (const proc of app.processes) {
      for (let i = 1; i <= proc.replicas; i++) {
        const key = i === 1 ? proc.name : `${proc.name}-${i}`;
        const isWeb = proc.role === ProcessRole.WEB;
        this.container(key, {
          name: `${name}-${key}`,
          image: this.image(proc.image).imageId,
          command: proc.command?.map(escapeTerraformTemplate),
          env: envOf(proc.environment, proc.secretGroups, proc.isAppCode),
          upload: uploads(proc.files),
          restart: 'unless-stopped',
          healthcheck: proc.healthCheck ? dockerHealth(proc.healthCheck) : undefined,
          networksAdvanced: [{ name: this.network.name, aliases: [proc.name] }],
          ports: isWeb && i === 1 ? [{ internal: proc.port!, external: this.hostPort, ip: '127.0.0.1' }] : undefined,
          ...limits(proc.resources),
          dependsOn: proc.isAppCode ? [...before] : undefined,
        });
      }
    }
    for (const job of app.jobs) {
      this.container(`cron-${job.name}`, {
        name: `${name}-cron-${job.name}`,
        image: this.image(job.image).imageId,
        command: ['/bin/sh', '-c', escapeTerraformTemplate(cronLoopScript(job.schedule, job.command))],
        env: envOf(job.environment, job.secretGroups, job.isAppCode),
        upload: uploads(job.files),
        restart: 'unless-stopped',
        networksAdvanced: [{ name: this.network.name }],
        labels: [{ label: 'erp.schedule', value: job.schedule }],
        ...limits(job.resources),
        dependsOn: [...before],
      });
    }
  }

  private container(key: string, config: ConstructorParameters<typeof Container>[2]): Container {
    const c = new Container(this, `Container-${key}`, config);
    this.containers[key] = c;
    return c;
  }

  private binding(): AppBinding {
    if (this.app === undefined) {
      throw new ErpValidationError(this.node.path, [{
        prop: 'runtime', value: undefined, problem: 'runs no app', fix: 'pass this runtime to an ErpAppService',
      }]);
    }
    return this.app;
  }
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

function limits(r: ResourceLimits | undefined): { cpus?: string; memory?: number } {
  if (r === undefined) return {};
  return { cpus: String(r.cpus), memory: r.memoryMib };
}
