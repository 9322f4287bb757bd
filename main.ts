/**
 * The cdktf app: builds the stacks dev, prod, ha and local from the app
 * description (ERP_APP_DESCRIPTION, or the cdktf.json context key
 * "appDescription", or the built-in Laravel example).
 */
import { App } from 'cdktf';
import { ErpValidationError } from './lib/errors';
import { DESCRIPTION_CONTEXT_KEY, resolveAppDescription } from './lib/config/load';
import { buildStacks } from './stacks';

export function main(app: App = new App()): App {
  const { description } = resolveAppDescription(app.node.tryGetContext(DESCRIPTION_CONTEXT_KEY));
  buildStacks(app, description);
  return app;
}

if (require.main === module) {
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
