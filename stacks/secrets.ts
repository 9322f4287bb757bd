import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TerraformStack, TerraformVariable } from 'cdktf';
import { ImageRegistry } from '../lib/app-service/registry';
import { AppSecret, SecretEncoding } from '../lib/app-service/secret';
import { ErpValidationError } from '../lib/errors';
import { backendSettings } from './backend';
import { AppDescription } from './description/description';

const ENCODINGS: Record<string, SecretEncoding> = {
  base64: SecretEncoding.BASE64, hex: SecretEncoding.HEX, alphanumeric: SecretEncoding.ALPHANUMERIC,
};

/**
 * The sensitive variables a stack's secrets are read from: one `TerraformVariable` per name,
 * and, when the stack's state is local (Terraform runs on this machine), the ones whose
 * `TF_VAR_<name>` is not in the environment.
 */
class SecretVariables {
  private readonly local: boolean;
  private readonly missing: Array<{ prop: string; variable: string }> = [];

  constructor(private readonly stack: TerraformStack, d: AppDescription, private readonly env: NodeJS.ProcessEnv) {
    this.local = backendSettings(d, env).type === 'local';
  }

  /** The variable `name` (made on first use, described with `description`), noting `prop` when it is not set here. */
  public get(name: string, prop: string, description: string): TerraformVariable {
    const variable = (this.stack.node.tryFindChild(name) as TerraformVariable | undefined)
      ?? new TerraformVariable(this.stack, name, { type: 'string', sensitive: true, nullable: false, description });
    if (this.local && !this.env[`TF_VAR_${name}`]) this.missing.push({ prop, variable: name });
    return variable;
  }

  /** Stops synthesis, naming each `TF_VAR_` to set, when a variable is missing. */
  public throwIfMissing(): void {
    if (this.missing.length === 0) return;
    throw new ErpValidationError(this.stack.node.path, this.missing.map((m) => ({
      prop: m.prop,
      value: m.variable,
      problem: `TF_VAR_${m.variable} is not set, and this stack keeps its state here (local backend), so Terraform would run here without it`,
      fix: `export TF_VAR_${m.variable}='...' before cdktf deploy, or use the cloud backend and keep it as a sensitive workspace variable`,
    })));
  }
}

/**
 * The description's secrets as `AppSecret`s of a tier stack: one sensitive variable per
 * variable name (`TF_VAR_<name>`), and generated ones through the random provider, which the
 * stack gets when it needs it. When the stack's state is local (Terraform runs on this machine)
 * and a variable is not in the environment, synthesis stops with the name to set: `terraform
 * apply` would stop there anyway, after the plan of everything else.
 */
export function appSecrets(stack: TerraformStack, d: AppDescription, env: NodeJS.ProcessEnv = process.env): Record<string, AppSecret> | undefined {
  const specs = Object.entries(d.secrets ?? {});
  if (specs.length === 0) return undefined;
  const variables = new SecretVariables(stack, d, env);
  const out: Record<string, AppSecret> = {};
  for (const [key, spec] of specs) {
    if (spec.variable !== undefined) {
      out[key] = AppSecret.fromVariable(variables.get(spec.variable, `secrets.${key}.variable`,
        `Secret ${key} of the app: set TF_VAR_${spec.variable} where Terraform runs (or a sensitive workspace variable in Terraform Cloud)`));
    } else {
      if (!stack.node.tryFindChild('random')) new RandomProvider(stack, 'random', {});
      const g = spec.generate ?? {};
      out[key] = AppSecret.generate({ bytes: g.bytes, length: g.length, encoding: ENCODINGS[g.encoding ?? 'base64'], prefix: g.prefix });
    }
  }
  variables.throwIfMissing();
  return out;
}

/**
 * The description's private registries as `ImageRegistry`s: DigitalOcean's by name, others with a
 * token from a sensitive variable (checked like the secrets' variables when the state is local).
 */
/**
 * The backup heartbeat's ping URL, from its sensitive variable (`backups.heartbeat.variable`), or
 * undefined without one; missing `TF_VAR_` with local state stops synthesis like the secrets'.
 */
export function backupHeartbeatUrl(stack: TerraformStack, d: AppDescription, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const name = d.backups?.heartbeat?.variable;
  if (name === undefined) return undefined;
  const variables = new SecretVariables(stack, d, env);
  const variable = variables.get(name, 'backups.heartbeat.variable',
    `Ping URL of the backup's dead-man's-switch check (pinged after each backup, <url>/fail after a failure): set TF_VAR_${name} where Terraform runs`);
  variables.throwIfMissing();
  return variable.stringValue;
}

export function appRegistries(stack: TerraformStack, d: AppDescription, env: NodeJS.ProcessEnv = process.env): ImageRegistry[] | undefined {
  const list = d.registries ?? [];
  if (list.length === 0) return undefined;
  const variables = new SecretVariables(stack, d, env);
  const out = list.map((r, i) => {
    if (r.digitalOcean !== undefined) return ImageRegistry.digitalOcean(r.digitalOcean);
    const name = r.password!.variable;
    const variable = variables.get(name, `registries[${i}].password.variable`,
      `Token of ${r.username} on ${r.server} (read access to images): set TF_VAR_${name} where Terraform runs`);
    return ImageRegistry.withCredentials(r.server!, r.username!, AppSecret.fromVariable(variable));
  });
  variables.throwIfMissing();
  return out;
}
