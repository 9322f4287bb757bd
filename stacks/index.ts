/**
 * The tiers layer (`cdktf-erp-constructs/tiers`): an app description, validated,
 * becomes the dev, prod, ha-platform, ha and local stacks built from the construct library.
 * Re-exports only, plus `buildStacks`.
 */
import { App } from 'cdktf';
import { AppDescription } from './description/description';
import { DevStack } from './dev';
import { HaStack, HaStackProps } from './ha';
import { HA_PLATFORM_STACK, HaPlatformStack } from './ha-platform';
import { LocalStack } from './local';
import { ProdStack } from './prod';
import { STACKS_LOCK_CONTEXT_KEY, STACKS_LOCK_ENV } from './stacks-lock';
import { TierStack } from './tier-stack';

export * from './description/description';
export { LARAVEL_INVOICING_EXAMPLE } from './description/laravel-example';
export { DESCRIPTION_CONTEXT_KEY, DESCRIPTION_ENV_VAR, loadAppDescriptionFile, resolveAppDescription } from './description/load';
export { validateAppDescription } from './description/validate';
export {
  DEFAULT_ZONE_SETTINGS_STACK, TierHostname, TierHostnames, ZONE_TIERS, defaultTierDomain, tierDomain, tierHostnames, zoneSettingsStack,
} from './description/hostnames';
export { BACKEND_ENV, backendSettings, workspaceName } from './backend';
export { TierSettings, tierSettings } from './tiers';
export { TierStackProps } from './tier-stack';
export { DropletTierStack } from './droplet-tier';
export { DevStack, HA_PLATFORM_STACK, HaPlatformStack, HaStack, HaStackProps, LocalStack, ProdStack, TierStack };
export {
  DEFAULT_STACKS_LOCK_FILE, LockedInputs, LockedStack, STACKS_LOCK_CONTEXT_KEY, STACKS_LOCK_ENV, StacksLock, checkStacksLock, lockedInputs,
  lockedReplacements, readStacksLock,
} from './stacks-lock';
export {
  ForcedChange, PROVIDER_REGION, REPLACEMENT_MANIFEST, Replacement, ReplacementLoss, ReplacementRule, ResourceSnapshot, StackSnapshot,
  describeReplacement, replacementReason, replacementRule, replacementsBetween, snapshotOf,
} from './replacements';

/** Options of `buildStacks`. */
export interface BuildStacksOptions {
  /**
   * The stacks lock file (a path, relative to the working directory): each stack is checked against what it was
   * synthesized with before, and a change that would replace a database, volume, bucket, key, droplet or cluster
   * fails synth with the way to make it safely (docs/tiers.md, "Changes that replace something").
   * @default - the ERP_STACKS_LOCK variable of `env`, else the app's context key `stacksLock`, else no lock
   */
  readonly lockFile?: string;
}

/**
 * Builds the stacks of the four tiers of an app description into a cdktf App, in deploy order:
 * `dev`, `prod`, `ha-platform` and `ha` (the HA tier: the cluster, then the workloads on it;
 * `ha` depends on `ha-platform`), `local`. With a stacks lock file (`options.lockFile`, ERP_STACKS_LOCK or the
 * context key `stacksLock`), each stack's synth refuses a change that would replace something it made before.
 */
export function buildStacks(app: App, description: AppDescription, env: NodeJS.ProcessEnv = process.env, options: BuildStacksOptions = {}): TierStack[] {
  const context = app.node.tryGetContext(STACKS_LOCK_CONTEXT_KEY);
  const chosen = options.lockFile ?? env[STACKS_LOCK_ENV] ?? (typeof context === 'string' ? context : undefined);
  const lockFile = chosen && chosen.trim() ? chosen.trim() : undefined;
  const dev = new DevStack(app, { description, env, lockFile });
  const prod = new ProdStack(app, { description, env, lockFile });
  const platform = new HaPlatformStack(app, { description, env, lockFile });
  const ha = new HaStack(app, { description, env, platform, lockFile });
  const local = new LocalStack(app, { description, env, lockFile });
  return [dev, prod, platform, ha, local];
}
