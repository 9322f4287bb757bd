#!/usr/bin/env node
/*
 * Runs typedoc (the CLI, with its usual arguments and typedoc.json) on TypeScript 5.9.
 *
 *   node scripts/typedoc.js [typedoc arguments]      what `npm run docs` runs (through tools/docs.ts)
 *
 * Why a launcher: the build uses TypeScript 7 (node_modules/typescript), the native compiler,
 * which has no JavaScript compiler API, and typedoc loads its compiler with
 * `import ts from "typescript"` (ESM) and `createRequire(...).resolve("typescript")` (CommonJS).
 * typedoc has no option to load a compiler from elsewhere, so this process, and only this
 * process, redirects the module id `typescript` (and `typescript/...`) to `typescript5`
 * (node_modules/typescript5, TypeScript 5.9 under an npm alias) in both module systems:
 *   - ESM: a resolve hook registered with module.register (Node.js >= 20.6);
 *   - CommonJS: Module._resolveFilename.
 * Then it checks that `typescript` now is typescript5's version and runs typedoc's own CLI
 * module in-process. (typedoc's peer range stops at TypeScript 6.0: package.json "overrides"
 * lets npm accept the root's TypeScript 7 as that peer, since this launcher swaps it anyway.)
 *
 * The same file is also a typedoc plugin (typedoc.json "plugin"; typedoc imports it, which
 * runs nothing): it names each entry point module by the specifier a user imports, from
 * package.json "exports" (lib/index.ts is `cdktf-erp-constructs`, stacks/index.ts is
 * `cdktf-erp-constructs/tiers`) instead of by its folder.
 */
'use strict';
const Module = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const FROM = 'typescript';
const TO = 'typescript5';

/** `typescript` and `typescript/...` become `typescript5` and `typescript5/...`; other ids are kept. */
function redirect(id) {
  return id === FROM || id.startsWith(`${FROM}/`) ? TO + id.slice(FROM.length) : id;
}

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, typeof request === 'string' ? redirect(request) : request, ...rest);
};

// The hooks run on the loader's own thread: they are a module of their own, given as a data: URL.
const hooks = `
const FROM = ${JSON.stringify(FROM)}, TO = ${JSON.stringify(TO)};
export async function resolve(specifier, context, next) {
  if (specifier === FROM || specifier.startsWith(FROM + '/')) specifier = TO + specifier.slice(FROM.length);
  return next(specifier, context);
}`;
Module.register(`data:text/javascript,${encodeURIComponent(hooks)}`);

async function main() {
  const ts = (await import(FROM)).default;
  const wanted = require(`${TO}/package.json`).version;
  if (ts.version !== wanted || require.resolve(FROM) !== require.resolve(TO)) {
    throw new Error(`scripts/typedoc.js: \`${FROM}\` should load ${TO} ${wanted} but loaded TypeScript ${ts.version}`);
  }
  const cli = path.join(path.dirname(require.resolve('typedoc/package.json')), 'dist', 'cli.js');
  await import(pathToFileURL(cli).href); // typedoc's CLI: reads process.argv and exits with its code
}

/**
 * `{ folder: specifier }` from package.json "exports", e.g. `{ lib: 'cdktf-erp-constructs' }` for
 * `".": "./dist/lib/index.js"`: typedoc names the module of lib/index.ts `lib`.
 */
function entryPointNames() {
  const pkg = require('../package.json');
  const names = {};
  for (const [key, target] of Object.entries(pkg.exports || {})) {
    const file = typeof target === 'string' ? target : target && target.default;
    const m = typeof file === 'string' && /^\.\/dist\/(.+)\/index\.js$/.exec(file);
    if (m) names[m[1]] = key === '.' ? pkg.name : `${pkg.name}/${key.replace(/^\.\//, '')}`;
  }
  return names;
}

/** typedoc plugin entry: renames the entry point modules (see the header). */
exports.load = async function load(app) {
  const { Converter, ReflectionKind } = await import('typedoc');
  const names = entryPointNames();
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const child of context.project.children || []) {
      if (child.kindOf(ReflectionKind.Module) && Object.hasOwn(names, child.name)) child.name = names[child.name];
    }
  });
};

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
    process.exit(6);
  });
}
