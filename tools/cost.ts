#!/usr/bin/env node
/*
 * Monthly cost estimate of every stack (`npm run cost`).
 *
 * Synthesizes the app (dist/main.js) and the reference plan's tiers
 * (dist/fixtures/reference/main.js) into a temporary folder, then prints for
 * each stack its itemized estimate: items, quantities, unit prices, monthly
 * figures, free items, items with no known price, and the total. The reference
 * stacks are also set beside the reference plan's own figures, line by line.
 *
 * Run `npm run build` first (the npm script does).
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

function log(line = '') {
  process.stdout.write(`${line}\n`);
}

function requireBuilt(rel) {
  const file = path.join(dist, rel);
  if (!fs.existsSync(file)) {
    log(`${path.relative(root, file)} is missing: run \`npm run build\` first.`);
    process.exit(1);
  }
  return require(file);
}

/** Synthesizes one app into a fresh folder; returns { stacks: [{ name, tf }] } or { error }. */
function synth(entry) {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'erp-cost-'));
  try {
    const r = spawnSync(process.execPath, [entry], {
      cwd: root,
      env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
    });
    if (r.status !== 0) return { error: `${r.stdout || ''}${r.stderr || ''}`.trim() || `exit code ${r.status}` };
    const stacksDir = path.join(outdir, 'stacks');
    const names = fs.existsSync(stacksDir) ? fs.readdirSync(stacksDir).sort() : [];
    const stacks = names
      .filter((n) => fs.existsSync(path.join(stacksDir, n, 'cdk.tf.json')))
      .map((name) => ({ name, tf: JSON.parse(fs.readFileSync(path.join(stacksDir, name, 'cdk.tf.json'), 'utf8')) }));
    return { stacks };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

const cost = requireBuilt('lib/cost/index.js');
const { REFERENCE_TIERS } = requireBuilt('fixtures/reference/plan.js');
const { compareWithPlan } = requireBuilt('fixtures/reference/compare.js');
let failed = false;

log('Monthly cost estimate: list prices in USD as of ' + cost.CATALOGUE_PRICES_AS_OF + ', before tax and credits.');
log('Items marked * rest on a usage assumption; items with no known price are listed and left out of the totals.');
log();

log('== App stacks (dist/main.js)');
const app = synth(path.join(dist, 'main.js'));
if (app.error) {
  failed = true;
  log(`synthesis failed:\n${app.error}`);
} else if (app.stacks.length === 0) {
  log('(the app has no stacks yet)');
} else {
  for (const s of app.stacks) {
    log();
    const estimate = cost.estimateTerraformJson(s.tf);
    log(estimate.items.length === 0 ? `Stack ${s.name}: no resources yet` : estimate.toTable(`Stack ${s.name}`));
  }
}
log();

log('== Reference plan tiers (dist/fixtures/reference/main.js)');
const ref = synth(path.join(dist, 'fixtures', 'reference', 'main.js'));
if (ref.error) {
  failed = true;
  log(`synthesis failed:\n${ref.error}`);
} else {
  const summary = [['stack', 'reference plan', 'estimate (list prices)', 'difference', 'with autoscaling at max']];
  for (const tier of REFERENCE_TIERS) {
    const s = ref.stacks.find((x) => x.name === tier.stackName);
    log();
    if (!s) {
      failed = true;
      log(`Stack ${tier.stackName}: not synthesized`);
      continue;
    }
    const estimate = cost.estimateTerraformJson(s.tf, { assumptions: tier.assumptions });
    log(estimate.toTable(`Stack ${s.name}`));
    const comparison = compareWithPlan(estimate, tier.lines);
    log(comparison.toTable(`  beside the reference plan (~${cost.formatUsd(tier.referenceTotalUsd)}):`).split('\n').map((l, i) => (i === 0 ? l : `  ${l}`)).join('\n'));
    const diff = estimate.totalUsd - tier.referenceTotalUsd;
    summary.push([s.name, cost.formatUsd(tier.referenceTotalUsd), cost.formatUsd(estimate.totalUsd), `${diff >= 0 ? '+' : ''}${cost.formatUsd(diff)}`, cost.formatUsd(estimate.maxTotalUsd)]);
  }
  log();
  log('== Reference plan totals beside the estimate of its own sizes');
  const widths = summary[0].map((_, c) => Math.max(...summary.map((r) => r[c].length)));
  for (const r of summary) log(`  ${r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ')}`);
}

process.exit(failed ? 1 : 0);
