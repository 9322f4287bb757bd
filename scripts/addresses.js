#!/usr/bin/env node
/*
 * The stable-address manifest: the Terraform address (`type.name`) of every resource and data
 * source of every stack, for each app description the project builds (__tests__/addresses.json).
 * __tests__/addresses.test.ts fails when an address in it changes or disappears.
 *
 *   npm run addresses:update      compile, then rewrite the manifest from the current code
 *   node scripts/addresses.js     compare only (exit 1 on a removed address; lists additions)
 *
 * Runs the compiled code in dist/ (npm run build first; addresses:update does it).
 */
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const manifestFile = path.join(root, '__tests__', 'addresses.json');
const update = process.argv.includes('--update');

function load(rel) {
  const file = path.join(root, 'dist', rel);
  if (!fs.existsSync(`${file}.js`)) {
    process.stderr.write(`${file}.js is missing: run \`npm run build\` (or \`npm run addresses:update\`) first\n`);
    process.exit(2);
  }
  return require(file);
}

const { App } = require('cdktf');
const { buildStacks } = load('stacks/index');
const { LARAVEL_INVOICING_EXAMPLE } = load('lib/config/laravel-example');
const { synthesizedAddresses, compareAddresses, addressChangeMessage } = load('lib/checks/addresses');

/** The app descriptions whose stacks are recorded (keep in step with APPS in __tests__/addresses.test.ts). */
const APPS = {
  'laravel-invoicing': LARAVEL_INVOICING_EXAMPLE,
};

function current() {
  const out = {};
  for (const [name, description] of Object.entries(APPS)) {
    const app = new App({ outdir: fs.mkdtempSync(path.join(require('os').tmpdir(), 'erp-addresses-')) });
    out[name] = {};
    for (const stack of buildStacks(app, description, {})) out[name][stack.node.id] = synthesizedAddresses(stack);
  }
  return out;
}

const synthesized = current();
const now = Object.fromEntries(Object.entries(synthesized).map(([app, stacks]) => [app, Object.fromEntries(Object.entries(stacks).map(([s, x]) => [s, x.addresses]))]));
const before = fs.existsSync(manifestFile) ? JSON.parse(fs.readFileSync(manifestFile, 'utf8')).apps ?? {} : {};
let removedAny = false;
for (const app of new Set([...Object.keys(before), ...Object.keys(now)])) {
  for (const stack of new Set([...Object.keys(before[app] ?? {}), ...Object.keys(now[app] ?? {})])) {
    const changes = compareAddresses(before[app]?.[stack] ?? [], now[app]?.[stack] ?? [], synthesized[app]?.[stack]?.moves ?? {});
    for (const m of changes.moved) process.stdout.write(`${app}/${stack}: moved ${m.from} -> ${m.to}\n`);
    if (changes.removed.length > 0) {
      removedAny = true;
      process.stdout.write(`${addressChangeMessage(`${app}/${stack}`, changes)}\n\n`);
    } else if (changes.added.length > 0) {
      process.stdout.write(`${app}/${stack}: ${changes.added.length} new addresses${update ? ' recorded' : ' (not recorded yet)'}:\n${changes.added.map((a) => `  + ${a}`).join('\n')}\n`);
    }
  }
}

if (update) {
  const manifest = {
    about: 'Terraform addresses of every stack, per app description. A change here destroys and recreates real infrastructure: see scripts/addresses.js. Regenerate on purpose with `npm run addresses:update`.',
    apps: now,
  };
  fs.writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  const count = Object.values(now).reduce((n, stacks) => n + Object.values(stacks).reduce((m, l) => m + l.length, 0), 0);
  process.stdout.write(`wrote ${path.relative(root, manifestFile)}: ${count} addresses in ${Object.values(now).reduce((n, s) => n + Object.keys(s).length, 0)} stacks\n`);
} else if (removedAny) {
  process.exit(1);
} else {
  process.stdout.write('addresses match the manifest\n');
}
