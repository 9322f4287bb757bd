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
 * The description's secrets as `AppSecret`s of a tier stack: one sensitive variable per
 * variable name (`TF_VAR_<name>`), and generated ones through the random provider, which the
 * stack gets when it needs it. When the stack's state is local (Terraform runs on this machine)
 * and a variable is not in the environment, synthesis stops with the name to set: `terraform
 * apply` would stop there anyway, after the plan of everything else.
 */
export function appSecrets(stack: TerraformStack, d: AppDescription, env: NodeJS.ProcessEnv = process.env): Record<string, AppSecret> | undefined {
  const specs = Object.entries(d.secrets ?? {});
  if (specs.length === 0) return undefined;
  const local = backendSettings(d, env).type === 'local';
  const missing: Array<{ key: string; variable: string }> = [];
  const out: Record<string, AppSecret> = {};
  for (const [key, spec] of specs) {
    if (spec.variable !== undefined) {
      const variable = (stack.node.tryFindChild(spec.variable) as TerraformVariable | undefined) ?? new TerraformVariable(stack, spec.variable, {
        type: 'string',
        sensitive: true,
        nullable: false,
        description: `Secret ${key} of the app: set TF_VAR_${spec.variable} where Terraform runs (or a sensitive workspace variable in Terraform Cloud)`,
      });
      if (local && !env[`TF_VAR_${spec.variable}`]) missing.push({ key, variable: spec.variable });
      out[key] = AppSecret.fromVariable(variable);
    } else {
      if (!stack.node.tryFindChild('random')) new RandomProvider(stack, 'random', {});
      const g = spec.generate ?? {};
      out[key] = AppSecret.generate({ bytes: g.bytes, length: g.length, encoding: ENCODINGS[g.encoding ?? 'base64'], prefix: g.prefix });
    }
  }
  if (missing.length > 0) {
    throw new ErpValidationError(stack.node.path, missing.map((m) => ({
      prop: `secrets.${m.key}.variable`,
      value: m.variable,
      problem: `TF_VAR_${m.variable} is not set, and this stack keeps its state here (local backend), so Terraform would run here without it`,
      fix: `export TF_VAR_${m.variable}='...' before cdktf deploy, or use the cloud backend and keep it as a sensitive workspace variable`,
    })));
  }
  return out;
}

/**
 * The description's private registries as `ImageRegistry`s: DigitalOcean's by name, others with a
 * token from a sensitive variable (checked like the secrets' variables when the state is local).
 */
export function appRegistries(stack: TerraformStack, d: AppDescription, env: NodeJS.ProcessEnv = process.env): ImageRegistry[] | undefined {
  const list = d.registries ?? [];
  if (list.length === 0) return undefined;
  const local = backendSettings(d, env).type === 'local';
  const missing: Array<{ prop: string; variable: string }> = [];
  const out = list.map((r, i) => {
    if (r.digitalOcean !== undefined) return ImageRegistry.digitalOcean(r.digitalOcean);
    const name = r.password!.variable;
    const variable = (stack.node.tryFindChild(name) as TerraformVariable | undefined) ?? new TerraformVariable(stack, name, {
      type: 'string',
      sensitive: true,
      nullable: false,
      description: `Token of ${r.username} on ${r.server} (read access to images): set TF_VAR_${name} where Terraform runs`,
    });
    if (local && !env[`TF_VAR_${name}`]) missing.push({ prop: `registries[${i}].password.variable`, variable: name });
    return ImageRegistry.withCredentials(r.server!, r.username!, AppSecret.fromVariable(variable));
  });
  if (missing.length > 0) {
    throw new ErpValidationError(stack.node.path, missing.map((m) => ({
      prop: m.prop,
      value: m.variable,
      problem: `TF_VAR_${m.variable} is not set, and this stack keeps its state here (local backend), so Terraform would run here without it`,
      fix: `export TF_VAR_${m.variable}='...' before cdktf deploy, or use the cloud backend and keep it as a sensitive workspace variable`,
    })));
  }
  return out;
}
