#!/usr/bin/env node
/*
 * The stable-address manifest (__tests__/addresses.json): the Terraform address (`type.name`,
 * `data.type.name`) of every resource and data source of every stack: the four tier stacks of
 * the built-in app description, and the stacks of the example apps in examples/.
 * __tests__/addresses.test.ts fails when an address in it changes or disappears.
 *
 *   npm run addresses:update      rewrite the manifest from the current code, on purpose
 *   node scripts/addresses.js     compare only: exit 1 on a removed address, list additions and moves
 *
 * It runs the TypeScript sources directly (through the project's Babel config, as the tests
 * do), so the manifest and the test always see the same code.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const MANIFEST_FILE = path.join(root, '__tests__', 'addresses.json');

/**
 * Every recorded source of stacks: a name and a function that adds its stacks to an app.
 * Add an example app here when one is added to examples/.
 */
function sources() {
  const { buildStacks } = require('../stacks');
  const { LARAVEL_INVOICING_EXAMPLE } = require('../stacks/description/laravel-example');
  const { FastApiIspStack } = require('../examples/fastapi-isp/main');
  const { LaravelInvoicingStack } = require('../examples/laravel-invoicing/main');
  const { LenderDevStack, LenderLocalStack } = require('../examples/nextjs-lender/main');
  const { NodeErpStack } = require('../examples/node-erp/main');
  return {
    'tiers/laravel-invoicing': (app) => buildStacks(app, LARAVEL_INVOICING_EXAMPLE, {}),
    'examples/fastapi-isp': (app) => [new FastApiIspStack(app, 'ha')],
    'examples/laravel-invoicing': (app) => [new LaravelInvoicingStack(app, 'prod')],
    'examples/nextjs-lender': (app) => [new LenderDevStack(app, 'dev'), new LenderLocalStack(app, 'local')],
    'examples/node-erp': (app) => [new NodeErpStack(app, 'prod')],
  };
}

/** `{ source: { stack: { addresses, moves } } }` for every source, synthesized now. */
function currentAddresses() {
  const { App } = require('cdktf');
  const { synthesizedAddresses } = require('../tools/addresses');
  const out = {};
  for (const [name, build] of Object.entries(sources())) {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'erp-addresses-')) });
    out[name] = {};
    for (const stack of build(app)) out[name][stack.node.id] = synthesizedAddresses(stack);
  }
  return out;
}

function readManifest() {
  return fs.existsSync(MANIFEST_FILE) ? JSON.parse(fs.readFileSync(MANIFEST_FILE, 'utf8')).apps || {} : {};
}

/** Lets Node load the TypeScript sources with the project's Babel config, and the package name resolve to lib/. */
function loadTypeScript() {
  const babel = require('@babel/core');
  const Module = require('module');
  Module._extensions['.ts'] = (module, filename) => {
    const { code } = babel.transformFileSync(filename, { cwd: root, filename });
    module._compile(code, filename);
  };
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    return resolve.call(this, request === 'cdktf-erp-constructs' ? path.join(root, 'lib', 'index.ts') : request, ...rest);
  };
}

function run(update) {
  const { compareAddresses, addressChangeMessage } = require('../tools/addresses');
  const synthesized = currentAddresses();
  const before = readManifest();
  const now = {};
  for (const [app, stacks] of Object.entries(synthesized)) {
    now[app] = {};
    for (const [stack, x] of Object.entries(stacks)) now[app][stack] = x.addresses;
  }
  let removedAny = false;
  for (const app of new Set([...Object.keys(before), ...Object.keys(now)])) {
    for (const stack of new Set([...Object.keys(before[app] || {}), ...Object.keys(now[app] || {})])) {
      const moves = (synthesized[app] && synthesized[app][stack] && synthesized[app][stack].moves) || {};
      const changes = compareAddresses((before[app] || {})[stack] || [], (now[app] || {})[stack] || [], moves);
      for (const m of changes.moved) process.stdout.write(`${app}/${stack}: moved ${m.from} -> ${m.to}\n`);
      if (changes.removed.length > 0) {
        removedAny = true;
        process.stdout.write(`${addressChangeMessage(`${app}/${stack}`, changes)}\n\n`);
      } else if (changes.added.length > 0) {
        process.stdout.write(`${app}/${stack}: ${changes.added.length} new addresses${update ? ' recorded' : ' (not recorded yet)'}\n`);
      }
    }
  }
  if (update) {
    const manifest = {
      about: 'Terraform addresses of every stack. A changed or missing address destroys and recreates real infrastructure: '
        + 'see __tests__/addresses.test.ts. Regenerate on purpose with `npm run addresses:update`.',
      apps: now,
    };
    fs.writeFileSync(MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
    const stacks = Object.values(now).reduce((n, s) => n + Object.keys(s).length, 0);
    const count = Object.values(now).reduce((n, s) => n + Object.values(s).reduce((m, l) => m + l.length, 0), 0);
    process.stdout.write(`wrote ${path.relative(root, MANIFEST_FILE)}: ${count} addresses in ${stacks} stacks\n`);
    return 0;
  }
  if (removedAny) return 1;
  process.stdout.write('addresses match the manifest\n');
  return 0;
}

module.exports = { sources, currentAddresses, readManifest, MANIFEST_FILE };

if (require.main === module) {
  process.env.CHECKPOINT_DISABLE = '1';
  loadTypeScript();
  process.exitCode = run(process.argv.includes('--update'));
}
