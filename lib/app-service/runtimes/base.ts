import { Annotations } from 'cdktf';
import { Construct } from 'constructs';
import { IDatabaseClient } from '../../common/contracts';
import { ErpValidationError } from '../../errors';
import { atSynthesis } from '../../private/at-synthesis';
import { Problems } from '../../private/validate';
import { checkImage } from '../private/validate-model';
import { AppBinding, IAppRuntime, ProcessRole, ResolvedApp } from '../runtime';

/** Props every runtime built on `AppRuntimeBase` takes. */
export interface AppRuntimeBaseProps {
  /**
   * Image of the cache process run when the app has no managed cache.
   * @default 'valkey/valkey:8.1-alpine'
   */
  readonly cacheImage?: string;
}

/**
 * The base of the runtimes: what every adapter from the process model to
 * resources shares. A subclass gives `databaseClient` and `internalUrl`,
 * calls `checkSharedProps` with its own checks, and creates its resources from
 * the final model in `renderAtSynthesis`; the base binds it to exactly one
 * app and hands it the model with the runtime's cache image applied.
 *
 * ```ts
 * class NomadRuntime extends AppRuntimeBase {
 *   public readonly databaseClient = { databaseAccessSources: [] };
 *   constructor(scope: Construct, id: string, props: NomadRuntimeProps = {}) {
 *     super(scope, id, props);
 *     const p = new Problems();
 *     this.checkSharedProps(p);
 *     p.throwIfAny(this);
 *     this.renderAtSynthesis((app) => {
 *       for (const proc of app.processes) new NomadJob(this, `Job-${proc.name}`, { ... });
 *     });
 *   }
 *   public internalUrl(processName: string, port: number): string {
 *     return `http://${processName}.service.consul:${port}`;
 *   }
 * }
 * ```
 */
export abstract class AppRuntimeBase extends Construct implements IAppRuntime {
  /** The firewall entries a database needs to admit this runtime's compute. */
  public abstract readonly databaseClient: IDatabaseClient;

  private readonly cacheImage?: string;
  private app?: AppBinding;

  protected constructor(scope: Construct, id: string, props: AppRuntimeBaseProps | undefined) {
    super(scope, id);
    this.cacheImage = props?.cacheImage;
  }

  /** Binds the runtime to its app; `ErpAppService` calls it once, from its constructor. A runtime runs one app. */
  public bind(app: AppBinding): void {
    if (this.app !== undefined) {
      throw new ErpValidationError(this.node.path, [{
        prop: 'runtime', value: app.scope.node.path, problem: `already runs ${this.app.scope.node.path}`,
        fix: `give each app its own ${this.constructor.name}`,
      }]);
    }
    this.app = app;
  }

  /** The URL other components inside the runtime (the tunnel connector) use to reach a process on a port. */
  public abstract internalUrl(processName: string, port: number): string;

  /** The app this runtime runs, or undefined before `bind`. */
  protected get boundApp(): AppBinding | undefined {
    return this.app;
  }

  /** The app this runtime runs; fails when no app was given this runtime. */
  protected binding(): AppBinding {
    if (this.app === undefined) {
      throw new ErpValidationError(this.node.path, [{
        prop: 'runtime', value: undefined, problem: 'runs no app', fix: 'pass this runtime to an ErpAppService',
      }]);
    }
    return this.app;
  }

  /** The final model (call it at synthesis), with this runtime's cache image on the cache process. */
  protected model(): ResolvedApp {
    const app = this.binding().resolve();
    const image = this.cacheImage;
    if (image === undefined) return app;
    return { ...app, processes: app.processes.map((proc) => (proc.role === ProcessRole.CACHE ? { ...proc, image } : proc)) };
  }

  /** Records the problems of the props every runtime shares (the cache image); call it beside the runtime's own checks. */
  protected checkSharedProps(p: Problems): void {
    checkImage(p, 'cacheImage', this.cacheImage, false, (m) => Annotations.of(this).addWarning(m));
  }

  /**
   * Calls `render` with the final model once, when synthesis first visits this
   * runtime: after every intent has run, before any value is resolved.
   */
  protected renderAtSynthesis(render: (app: ResolvedApp) => void): void {
    atSynthesis(this, { everyTime: false }, () => render(this.model()));
  }

  /** Calls `update` with the final model at every synthesis, for idempotent work (setting provisioners). */
  protected updateAtEverySynthesis(update: (app: ResolvedApp) => void): void {
    atSynthesis(this, { everyTime: true }, () => update(this.model()));
  }
}
