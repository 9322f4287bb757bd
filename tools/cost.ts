/**
 * Repository tooling, not part of the published package: the monthly cost estimate of every
 * stack (`npm run cost`, which builds first and runs dist/tools/cost.js).
 *
 * Synthesizes the app (dist/main.js) and the reference plan's tiers
 * (dist/fixtures/reference/main.js) into a temporary folder, then prints for
 * each stack its itemized estimate: items, quantities, unit prices, monthly
 * figures, free items, items with no known price, and the total. The reference
 * stacks are also set beside the reference plan's own figures, line by line.
 * Exits 1 when a synthesis fails or a reference stack is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as cost from '../lib/cost';
import { compareWithPlan } from '../fixtures/reference/compare';
import { REFERENCE_TIERS } from '../fixtures/reference/plan';

/** The repository root (this file runs as dist/tools/cost.js). */
const ROOT = resolve(__dirname, '..', '..');
const DIST = join(ROOT, 'dist');

function log(line = ''): void {
  process.stdout.write(`${line}\n`);
}

interface SynthesizedStack {
  readonly name: string;
  readonly tf: Record<string, unknown>;
}

/** Synthesizes one app into a fresh folder; returns its stacks, or the error output. */
function synth(entry: string): { stacks: SynthesizedStack[]; error?: undefined } | { error: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'erp-cost-'));
  try {
    const r = spawnSync(process.execPath, [entry], {
      cwd: ROOT,
      env: { ...process.env, CDKTF_OUTDIR: outdir, CHECKPOINT_DISABLE: '1' },
      encoding: 'utf8',
    });
    if (r.status !== 0) return { error: `${r.stdout || ''}${r.stderr || ''}`.trim() || `exit code ${r.status}` };
    const stacksDir = join(outdir, 'stacks');
    const names = existsSync(stacksDir) ? readdirSync(stacksDir).sort() : [];
    const stacks = names
      .filter((n) => existsSync(join(stacksDir, n, 'cdk.tf.json')))
      .map((name) => ({ name, tf: JSON.parse(readFileSync(join(stacksDir, name, 'cdk.tf.json'), 'utf8')) as Record<string, unknown> }));
    return { stacks };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function main(): number {
  let failed = false;

  log('Monthly cost estimate: list prices in USD as of ' + cost.CATALOGUE_PRICES_AS_OF + ', before tax and credits.');
  log('Items marked * rest on a usage assumption; items with no known price are listed and left out of the totals.');
  log();

  log('== App stacks (dist/main.js)');
  const app = synth(join(DIST, 'main.js'));
  if (app.error !== undefined) {
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
  const ref = synth(join(DIST, 'fixtures', 'reference', 'main.js'));
  if (ref.error !== undefined) {
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

  return failed ? 1 : 0;
}

if (require.main === module) process.exit(main());
