/**
 * The repository's cdktf app, a consumer of the tiers layer (`cdktf-erp-constructs/tiers`): builds the stacks dev, prod, ha-platform, ha and local from the app
 * description (ERP_APP_DESCRIPTION, or the cdktf.json context key
 * "appDescription", or the built-in Laravel example).
 */
import type { App } from 'cdktf';
import { fastStart } from './tools/fast-start';
import { ErpValidationError } from './lib/errors';

/**
 * Builds every stack into `app` (a new App when none is given).
 *
 * cdktf, the providers and the stacks are loaded here rather than imported at
 * the top, so that run as the app, the repository's start-up tooling
 * (tools/fast-start.ts: compile cache, deferred modules) is on before they load.
 */
export function main(app?: App): App {
  const cdktf = require('cdktf') as typeof import('cdktf');
  const { DESCRIPTION_CONTEXT_KEY, buildStacks, resolveAppDescription } = require('./stacks') as typeof import('./stacks');
  const target = app ?? new cdktf.App();
  const { description } = resolveAppDescription(target.node.tryGetContext(DESCRIPTION_CONTEXT_KEY));
  buildStacks(target, description);
  return target;
}

if (require.main === module) {
  fastStart();
  try {
    main().synth();
  } catch (err) {
    if (err instanceof ErpValidationError) {
      // Bad input: print what is wrong and how to fix it, not a stack trace.
      process.stderr.write(`${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
}
