/**
 * Repository tooling, not part of the published package: the secure-default checks report of
 * every stack the app (main.ts) builds: findings (errors and warnings) and suppressions with
 * their reasons. Exits 1 when any stack has an error finding, 2 when the app cannot be built.
 *
 *   npm run checks                  builds first, then runs dist/tools/checks-report.js
 *   npm run checks -- --rules       the rule list as a markdown table
 *
 * A stack that did not add ErpChecks itself is checked with the default rules (and said so).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Aspects, TerraformStack, Testing } from 'cdktf';
import { ErpChecks, formatChecksReport, formatChecksRules } from '../lib/checks';
import { ErpValidationError } from '../lib/errors';
import { main as buildApp } from '../main';

function main(): number {
  process.env.CHECKPOINT_DISABLE = '1';

  if (process.argv.includes('--rules')) {
    process.stdout.write(`${formatChecksRules()}\n`);
    return 0;
  }

  let app: App;
  try {
    app = buildApp(new App({ outdir: mkdtempSync(join(tmpdir(), 'erp-checks-report-')) }));
  } catch (err) {
    if (!(err instanceof ErpValidationError)) throw err;
    process.stderr.write(`the app could not be built:\n${err.message}\n`);
    return 2;
  }
  const stacks = app.node.children.filter((c): c is TerraformStack => TerraformStack.isStack(c));
  let errors = 0;
  for (const stack of stacks) {
    let checks = ErpChecks.of(stack);
    if (!checks) {
      process.stdout.write(`(stack ${stack.node.id} does not add ErpChecks itself: checked here with the default rules)\n`);
      checks = new ErpChecks();
      Aspects.of(stack).add(checks);
    }
    // Runs the aspects (runtimes create their resources then) without failing on the findings.
    Testing.synth(stack);
    const report = checks.report(stack);
    errors += report.errorCount;
    process.stdout.write(`${formatChecksReport(report)}\n\n`);
  }
  process.stdout.write(`${stacks.length} stacks, ${errors} errors\n`);
  return errors > 0 ? 1 : 0;
}

if (require.main === module) process.exit(main());
