/**
 * Repository tooling, not part of the published package: the repository's own app
 * (main.ts) and the bench turn it on.
 *
 * cdktf's index loads two packages at startup that a synthesis of stacks without
 * assets never calls: `archiver` (zip and tar of `TerraformAsset`s, about 200 files
 * with lodash, readable-stream, glob and the compressors) and `semver` (the
 * Terraform binary version checks, 45 files). `deferUnusedModules()` puts a
 * stand-in for each into the module cache, where cdktf's `require` finds it; the
 * stand-in loads the real package the first time anything calls or reads it, so a
 * stack with assets gets the real archiver.
 *
 * Call it before cdktf loads; a package already loaded is left alone.
 */
import Module = require('node:module');
import { dirname } from 'node:path';

/** The packages deferred, as cdktf's own modules resolve them. */
export const DEFERRED_MODULES = ['archiver', 'semver'] as const;

interface CachedModule {
  id: string;
  filename: string;
  loaded: boolean;
  exports: unknown;
}

/** Defers the packages of `DEFERRED_MODULES`; returns the ones deferred now. */
export function deferUnusedModules(): string[] {
  const cdktfLib = dirname(require.resolve('cdktf/lib/private/fs.js'));
  const cache = require.cache as Record<string, CachedModule | undefined>;
  const deferred: string[] = [];
  for (const id of DEFERRED_MODULES) {
    let resolved: string;
    try {
      resolved = require.resolve(id, { paths: [cdktfLib] });
    } catch {
      continue; // not installed where cdktf looks: nothing to defer
    }
    if (cache[resolved]) continue;
    let real: unknown;
    const load = (): any => {
      if (real === undefined) {
        delete cache[resolved]; // the real package takes its place in the cache
        real = require(resolved);
      }
      return real;
    };
    const proxy = new Proxy(function deferred() { /* a stand-in */ }, {
      apply: (_t, self, args) => Reflect.apply(load(), self, args),
      construct: (_t, args) => Reflect.construct(load(), args),
      get: (_t, prop) => Reflect.get(load(), prop),
      has: (_t, prop) => Reflect.has(load(), prop),
    });
    const standIn = new (Module as unknown as new (id: string) => CachedModule)(resolved);
    standIn.filename = resolved;
    standIn.loaded = true;
    standIn.exports = proxy;
    cache[resolved] = standIn;
    deferred.push(id);
  }
  return deferred;
}
