import { ContainerRegistryDockerCredentials } from '@cdktf/provider-digitalocean/lib/container-registry-docker-credentials';
import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { Problems, isUnresolved } from '../private/validate';
import { AppSecret, AppSecretSource, isAppSecret } from './secret';

/** The server name of DigitalOcean Container Registry. */
export const DIGITALOCEAN_REGISTRY_SERVER = 'registry.digitalocean.com';

/** Read access to one private registry, as runtimes write it into a Docker config. */
export interface ResolvedRegistry {
  /** Registry host (`ghcr.io`, `registry.digitalocean.com`). */
  readonly server: string;
  /** Base64 of `user:password`: the `auth` of a Docker config entry (a Terraform reference). */
  readonly auth: string;
}

/** Options of `ImageRegistry.digitalOcean`. */
export interface DigitalOceanRegistryOptions {
  /**
   * Seconds until the read-only credentials expire (a new apply after that creates new ones).
   * @default - the provider's default, about 50 years
   */
  readonly expirySeconds?: number;
}

const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(:\d{1,5})?$/;

/**
 * A private registry the app's images are pulled from. Each runtime hands the
 * credentials to what pulls: the droplets' agent (a Docker config in the
 * release, read through `DOCKER_CONFIG`), Kubernetes (a
 * `kubernetes.io/dockerconfigjson` Secret named in every pod's
 * `imagePullSecrets`), a local engine (the Docker provider's `registry_auth`).
 *
 * ```ts
 * const ghcrToken = new TerraformVariable(stack, 'ghcr_token', { type: 'string', sensitive: true });
 * new ErpAppService(stack, 'App', {
 *   name: 'erp', runtime, processes,
 *   registries: [
 *     ImageRegistry.digitalOcean('acme'),                                             // registry.digitalocean.com/acme/...
 *     ImageRegistry.withCredentials('ghcr.io', 'acme-deploy', AppSecret.fromVariable(ghcrToken)), // a read:packages token
 *   ],
 * });
 * ```
 */
export class ImageRegistry {
  /**
   * A DigitalOcean Container Registry: Terraform creates read-only Docker credentials for it
   * (`digitalocean_container_registry_docker_credentials`, `write` false).
   */
  public static digitalOcean(registryName: string, options: DigitalOceanRegistryOptions = {}): ImageRegistry {
    return new ImageRegistry(DIGITALOCEAN_REGISTRY_SERVER, { registryName, expirySeconds: options.expirySeconds });
  }

  /** Any registry with a user and a password or token, given as a secret (a read-only token is best). */
  public static withCredentials(server: string, username: string, password: AppSecret): ImageRegistry {
    return new ImageRegistry(server, undefined, { username, password });
  }

  private constructor(
    /** The registry host. */
    public readonly server: string,
    private readonly digitalOceanRegistry?: { readonly registryName: string; readonly expirySeconds?: number },
    private readonly credentials?: { readonly username: string; readonly password: AppSecret },
  ) {}

  /** Records the problems of this registry under `prop`. */
  public check(p: Problems, prop: string): void {
    if (!isUnresolved(this.server)) {
      p.check(typeof this.server === 'string' && HOST.test(this.server), `${prop}.server`, this.server, 'is not a registry host', 'give the host only, e.g. ghcr.io');
    }
    const doRegistry = this.digitalOceanRegistry;
    if (doRegistry !== undefined) {
      p.check(isUnresolved(doRegistry.registryName) || /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(doRegistry.registryName), `${prop}.registryName`,
        doRegistry.registryName, 'is not a DigitalOcean registry name', 'give the registry name, e.g. acme (registry.digitalocean.com/acme)');
      const e = doRegistry.expirySeconds;
      if (e !== undefined) {
        p.check(Number.isInteger(e) && e > 0 && e < 1576800000, `${prop}.expirySeconds`, e, 'is not from 1 to 1576799999 seconds', 'leave it out, or give e.g. 31536000 (a year)');
      }
    }
    const c = this.credentials;
    if (c !== undefined) {
      p.check(typeof c.username === 'string' && c.username.length > 0 && !/[:\s]/.test(c.username), `${prop}.username`, c.username,
        'is not a registry user name', 'give the user the token belongs to, without ":" or spaces');
      p.check(isAppSecret(c.password) && c.password.source !== AppSecretSource.PLAIN_TEXT, `${prop}.password`, '<hidden>',
        'is not a secret', 'give AppSecret.fromVariable(...) with a read-only token');
    }
  }

  /** The registry's Docker config entry; for DigitalOcean, creates the read-only credentials in `scope` with `id`. */
  public resolve(scope: Construct, id: string): ResolvedRegistry {
    if (this.digitalOceanRegistry !== undefined) {
      const existing = scope.node.tryFindChild(id) as ContainerRegistryDockerCredentials | undefined;
      const creds = existing ?? new ContainerRegistryDockerCredentials(scope, id, {
        registryName: this.digitalOceanRegistry.registryName,
        write: false,
        expirySeconds: this.digitalOceanRegistry.expirySeconds,
      });
      // docker_credentials is a Docker config: {"auths":{"registry.digitalocean.com":{"auth":"..."}}}
      const auths = Fn.lookup(Fn.jsondecode(creds.dockerCredentials), 'auths', {});
      return { server: this.server, auth: Fn.lookup(Fn.lookup(auths, DIGITALOCEAN_REGISTRY_SERVER, {}), 'auth', '') };
    }
    const { username, password } = this.credentials!;
    const text = `${username}:${password.resolve(scope, `${id}-Password`)}`;
    return { server: this.server, auth: Token.isUnresolved(text) ? Fn.base64encode(text) : Buffer.from(text).toString('base64') };
  }
}

/** A Docker config (`config.json`) with the registries' credentials. */
export function dockerConfigJson(registries: readonly ResolvedRegistry[]): string {
  const auths: Record<string, { auth: string }> = {};
  for (const r of registries) auths[r.server] = { auth: r.auth };
  return `${JSON.stringify({ auths })}\n`;
}
