#!/usr/bin/env node
/*
 * Prints the secure-default checks report of every stack the app (dist/main.js) builds:
 * findings (errors and warnings) and suppressions with their reasons. Exits 1 when any stack
 * has an error finding.
 *
 *   npx tsc -p tsconfig.json && node scripts/checks-report.js
 *   node scripts/checks-report.js --rules     the rule list as a markdown table
 *
 * A stack that did not add ErpChecks itself is checked with the default rules (and said so).
 */
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
process.env.CHECKPOINT_DISABLE = '1';

function load(rel) {
  const file = path.join(root, 'dist', rel);
  if (!fs.existsSync(`${file}.js`)) {
    process.stderr.write(`${file}.js is missing: run \`npx tsc -p tsconfig.json\` first\n`);
    process.exit(2);
  }
  return require(file);
}

const { App, Aspects, TerraformStack, Testing } = require('cdktf');
const { ErpChecks, formatChecksReport, formatChecksRules } = load('lib/checks/index');

if (process.argv.includes('--rules')) {
  process.stdout.write(`${formatChecksRules()}\n`);
  process.exit(0);
}

const { main } = load('main');
const { ErpValidationError } = load('lib/errors');
let app;
try {
  app = main(new App({ outdir: fs.mkdtempSync(path.join(require('os').tmpdir(), 'erp-checks-report-')) }));
} catch (err) {
  if (!(err instanceof ErpValidationError)) throw err;
  process.stderr.write(`the app could not be built:\n${err.message}\n`);
  process.exit(2);
}
const stacks = app.node.children.filter((c) => TerraformStack.isStack(c));
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
process.exit(errors > 0 ? 1 : 0);
