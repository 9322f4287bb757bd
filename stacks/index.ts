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

/**
 * Builds the stacks of the four tiers of an app description into a cdktf App, in deploy order:
 * `dev`, `prod`, `ha-platform` and `ha` (the HA tier: the cluster, then the workloads on it;
 * `ha` depends on `ha-platform`), `local`.
 */
export function buildStacks(app: App, description: AppDescription, env: NodeJS.ProcessEnv = process.env): TierStack[] {
  const dev = new DevStack(app, { description, env });
  const prod = new ProdStack(app, { description, env });
  const platform = new HaPlatformStack(app, { description, env });
  const ha = new HaStack(app, { description, env, platform });
  const local = new LocalStack(app, { description, env });
  return [dev, prod, platform, ha, local];
}
