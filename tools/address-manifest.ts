/**
 * Repository tooling, not part of the published package: the stable-address manifest
 * (__tests__/addresses.json): the Terraform address (`type.name`, `data.type.name`) of every
 * resource and data source of every stack: the tier stacks of the built-in app
 * description, and the stacks of the example apps in examples/.
 * __tests__/addresses.test.ts fails when an address in it changes or disappears.
 *
 *   npm run addresses:update      rewrite the manifest from the current code, on purpose
 *   npm run addresses             compare only: exit 1 on a removed address, list additions and moves
 *
 * Both build first, then run dist/tools/address-manifest.js. The test imports this module
 * (through Babel, from the TypeScript sources), so the manifest and the test build the same
 * sources of stacks with the same code: the library, the tiers and this module come from
 * dist/ here (compiled by the same `npm run build` from the same sources), and from the
 * TypeScript sources in the test.
 *
 * The example apps are not compiled by tsconfig.json (they import the library by its package
 * name, as a user's app does, and the consumer check compiles them against the packed .d.ts):
 * run as a tool, this module loads their main.ts through the project's Babel config, and their
 * `import ... from 'cdktf-erp-constructs'` resolves, as Node.js resolves a package's own name
 * from inside it, through package.json "exports" to dist/lib/index.js: the same modules as the
 * tiers use. Under jest, jest's own transform and moduleNameMapper load them.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { App, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { LARAVEL_INVOICING_EXAMPLE, buildStacks } from '../stacks';
import { ROOT } from './root';
import { StackAddresses, addressChangeMessage, compareAddresses, synthesizedAddresses } from './addresses';



export const MANIFEST_FILE = join(ROOT, '__tests__', 'addresses.json');

/** `{ source: { stack: addresses } }`. */
export type AddressManifest = Record<string, Record<string, string[]>>;

/** `{ source: { stack: { addresses, moves } } }`. */
export type SynthesizedAddresses = Record<string, Record<string, StackAddresses>>;

type StackClass = new (scope: Construct, id: string) => TerraformStack;

/** The exports of examples/<name>/main.ts (loaded by path: tsconfig.json does not compile examples/). */
function example(name: string): Record<string, StackClass> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(join(ROOT, 'examples', name, 'main')) as Record<string, StackClass>;
}

/**
 * Every recorded source of stacks: a name and a function that adds its stacks to an app.
 * Add an example app here when one is added to examples/.
 */
export function sources(): Record<string, (app: App) => TerraformStack[]> {
  const { FastApiIspPlatformStack, FastApiIspStack } = example('fastapi-isp');
  const { LaravelInvoicingStack } = example('laravel-invoicing');
  const { LenderDevStack, LenderLocalStack } = example('nextjs-lender');
  const { NodeErpStack } = example('node-erp');
  return {
    'tiers/laravel-invoicing': (app) => buildStacks(app, LARAVEL_INVOICING_EXAMPLE, {}),
    'examples/fastapi-isp': (app) => [new FastApiIspPlatformStack(app, 'ha-platform'), new FastApiIspStack(app, 'ha')],
    'examples/laravel-invoicing': (app) => [new LaravelInvoicingStack(app, 'prod')],
    'examples/nextjs-lender': (app) => [new LenderDevStack(app, 'dev'), new LenderLocalStack(app, 'local')],
    'examples/node-erp': (app) => [new NodeErpStack(app, 'prod')],
  };
}

/** `{ source: { stack: { addresses, moves } } }` for every source, synthesized now. */
export function currentAddresses(): SynthesizedAddresses {
  const out: SynthesizedAddresses = {};
  for (const [name, build] of Object.entries(sources())) {
    const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'erp-addresses-')) });
    out[name] = {};
    for (const stack of build(app)) out[name][stack.node.id] = synthesizedAddresses(stack);
  }
  return out;
}

export function readManifest(): AddressManifest {
  return existsSync(MANIFEST_FILE) ? (JSON.parse(readFileSync(MANIFEST_FILE, 'utf8')) as { apps?: AddressManifest }).apps || {} : {};
}

/** Lets Node.js load the example apps' TypeScript (examples/<name>/main.ts) with the project's Babel config. */
function loadTypeScript(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const babel = require('@babel/core') as { transformFileSync(file: string, options: object): { code?: string | null } | null };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Module = require('node:module') as { _extensions: Record<string, (module: { _compile(code: string, filename: string): void }, filename: string) => void> };
  Module._extensions['.ts'] = (module, filename) => {
    const result = babel.transformFileSync(filename, { cwd: ROOT, filename });
    module._compile(result?.code ?? '', filename);
  };
}

function run(update: boolean): number {
  const synthesized = currentAddresses();
  const before = readManifest();
  const now: AddressManifest = {};
  for (const [app, stacks] of Object.entries(synthesized)) {
    now[app] = {};
    for (const [stack, x] of Object.entries(stacks)) now[app][stack] = x.addresses;
  }
  let removedAny = false;
  for (const app of new Set([...Object.keys(before), ...Object.keys(now)])) {
    for (const stack of new Set([...Object.keys(before[app] || {}), ...Object.keys(now[app] || {})])) {
      const moves = synthesized[app]?.[stack]?.moves ?? {};
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
    writeFileSync(MANIFEST_FILE, `${JSON.stringify(manifest, null, 2)}\n`);
    const stacks = Object.values(now).reduce((n, s) => n + Object.keys(s).length, 0);
    const count = Object.values(now).reduce((n, s) => n + Object.values(s).reduce((m, l) => m + l.length, 0), 0);
    process.stdout.write(`wrote ${relative(ROOT, MANIFEST_FILE)}: ${count} addresses in ${stacks} stacks\n`);
    return 0;
  }
  if (removedAny) return 1;
  process.stdout.write('addresses match the manifest\n');
  return 0;
}

if (require.main === module) {
  process.env.CHECKPOINT_DISABLE = '1';
  loadTypeScript();
  process.exitCode = run(process.argv.includes('--update'));
}
