import { App } from 'cdktf';
import { AppDescription } from '../lib/config/description';
import { DevStack } from './dev';
import { HaStack } from './ha';
import { LocalStack } from './local';
import { ProdStack } from './prod';
import { TierStack } from './tier-stack';

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
