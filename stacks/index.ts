/**
 * The tiers layer (`cdktf-erp-constructs/tiers`): an app description, validated,
 * becomes the dev, prod, ha and local stacks built from the construct library.
 * Re-exports only, plus `buildStacks`.
 */
import { App } from 'cdktf';
import { AppDescription } from './description/description';
import { DevStack } from './dev';
import { HaStack } from './ha';
import { LocalStack } from './local';
import { ProdStack } from './prod';
import { TierStack } from './tier-stack';

export * from './description/description';
export { LARAVEL_INVOICING_EXAMPLE } from './description/laravel-example';
export { DESCRIPTION_CONTEXT_KEY, DESCRIPTION_ENV_VAR, loadAppDescriptionFile, resolveAppDescription } from './description/load';
export { validateAppDescription } from './description/validate';
export { BACKEND_ENV, backendSettings, workspaceName } from './backend';
export { TierSettings, tierSettings } from './tiers';
export { TierStackProps } from './tier-stack';
export { DropletTierStack } from './droplet-tier';
export { DevStack, HaStack, LocalStack, ProdStack, TierStack };

/** Builds the four tier stacks of an app description into a cdktf App. */
export function buildStacks(app: App, description: AppDescription, env: NodeJS.ProcessEnv = process.env): TierStack[] {
  return [
    new DevStack(app, { description, env }),
    new ProdStack(app, { description, env }),
    new HaStack(app, { description, env }),
    new LocalStack(app, { description, env }),
  ];
}
