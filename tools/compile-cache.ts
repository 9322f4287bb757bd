/**
 * Repository tooling, not part of the published package: the repository's own app
 * (main.ts) and the bench turn it on.
 *
 * A compile cache for the CommonJS modules a synth loads.
 *
 * A cdktf app spends much of a synth compiling JavaScript: the provider
 * bindings alone are megabytes of it (the Kubernetes workload resources are
 * about 5 MB each). V8 can hand back the code it compiled (its "code cache")
 * and take it again on the next run, which then skips the compile. Node.js
 * 22.1 and later do this themselves (`module.enableCompileCache()`); on older
 * versions this module does the same for the modules `require()` loads.
 *
 * Call it first thing in the app's entry point, before anything imports
 * `cdktf` or a provider: modules loaded before the call are not cached.
 *
 * Modules it compiles lose their trailing inline source map (unless source
 * maps are on): the bindings carry their TypeScript source maps as base64,
 * more than half of their text, which V8 would otherwise keep in memory. An
 * entry keeps the source without the map beside the code, and a module with
 * an entry is loaded from that copy: its file is read only to make the entry.
 *
 * An entry is keyed by the module's path, size, modification time and inode,
 * and by the Node.js version and V8 flags (text a loader such as ts-node made
 * from the file is keyed by that text too); a new version of a module replaces
 * its old entry. The cache is best-effort: an entry that cannot be read, or
 * that V8 rejects, is compiled as usual and made again; a cache that cannot be
 * written is skipped. Set `NODE_DISABLE_COMPILE_CACHE=1` to turn it off.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module = require('node:module');
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compileFunction } from 'node:vm';

/** Options of `enableCompileCache`. */
export interface CompileCacheOptions {
  /**
   * Where the cache is kept.
   * @default the folder `NODE_COMPILE_CACHE` names, else `node_modules/.cache/cdktf-erp-constructs/compile` under the working directory when it has `node_modules`, else a folder under the system's temporary directory
   */
  readonly directory?: string;
}

/** What `enableCompileCache` did. */
export interface CompileCacheStatus {
  /** `native` (Node.js's own cache), `hook` (this module's), or `disabled`. */
  readonly mode: 'native' | 'hook' | 'disabled';
  /** The cache folder, unless disabled. */
  readonly directory?: string;
  /** Why it is disabled. */
  readonly reason?: string;
}

// Node.js's internal CommonJS hooks this module relies on (stable since Node.js 12).
interface CjsModule {
  exports: unknown;
  filename: string;
  paths: string[];
  require(id: string): unknown;
  _compile(content: string, filename: string): unknown;
}
interface CjsModuleStatic {
  prototype: CjsModule;
  _resolveFilename(request: string, parent: CjsModule, isMain: boolean, options?: { paths?: string[] }): string;
  _extensions: Record<string, unknown>;
  _cache: Record<string, unknown>;
  _nodeModulePaths(from: string): string[];
  enableCompileCache?: (directory?: string) => { status: number; message?: string; directory?: string };
  constants?: { compileCacheStatus?: Record<string, number> };
}

/** What the cache did in this process (the hook only; Node.js's own cache keeps no counts). */
export interface CompileCacheStats {
  /** Modules compiled from a cache entry. */
  readonly hits: number;
  /** Modules compiled from source, their entry written at exit. */
  readonly misses: number;
  /** Entries V8 refused (corrupt, or made by another build); compiled from source and dropped. */
  readonly rejected: number;
  /** Modules left to Node.js: small, or using dynamic `import()`. */
  readonly skipped: number;
  /** Hits whose source was read from the entry (without its source map) rather than from the module's file. */
  readonly sourcesFromCache: number;
}

let enabled: CompileCacheStatus | undefined;
const stats = { hits: 0, misses: 0, rejected: 0, skipped: 0, sourcesFromCache: 0 };

/** The counts of the hook in this process. */
export function compileCacheStats(): CompileCacheStats {
  return { ...stats };
}

/**
 * Turns on the compile cache for the modules loaded from now on. Calling it
 * again returns the first call's status.
 */
export function enableCompileCache(options: CompileCacheOptions = {}): CompileCacheStatus {
  if (enabled) return enabled;
  if (process.env.NODE_DISABLE_COMPILE_CACHE) {
    enabled = { mode: 'disabled', reason: 'NODE_DISABLE_COMPILE_CACHE is set' };
    return enabled;
  }
  const directory = options.directory ?? (process.env.NODE_COMPILE_CACHE || defaultDirectory());
  const M = Module as unknown as CjsModuleStatic;
  if (typeof M.enableCompileCache === 'function') {
    const result = M.enableCompileCache(directory);
    const codes = M.constants?.compileCacheStatus ?? {};
    enabled = result.status === codes.FAILED || result.status === codes.DISABLED
      ? { mode: 'disabled', reason: result.message ?? 'Node.js did not enable its compile cache' }
      : { mode: 'native', directory: result.directory ?? directory };
    return enabled;
  }
  try {
    mkdirSync(directory, { recursive: true });
  } catch (err) {
    enabled = { mode: 'disabled', reason: `cannot create ${directory}: ${(err as Error).message}` };
    return enabled;
  }
  installHook(M, directory);
  enabled = { mode: 'hook', directory };
  return enabled;
}

function defaultDirectory(): string {
  const local = join(process.cwd(), 'node_modules');
  if (existsSync(local)) return join(local, '.cache', 'cdktf-erp-constructs', 'compile');
  const user = typeof process.getuid === 'function' ? String(process.getuid()) : 'user';
  return join(tmpdir(), `cdktf-erp-constructs-compile-${user}`);
}

/** Modules smaller than this compile faster than their cache entry is read. */
const MIN_BYTES = 8 * 1024;

/** A module's entry: `file` holds V8's code, `${file}.js` the source it was made from (inline source map removed). */
interface Entry {
  readonly file: string;
  /** The file's name in the cache folder. */
  readonly name: string;
  /** The module file's size in bytes, when the entry was keyed. */
  readonly size: number;
  /** The entry holds code of text a loader made from the file, not of the file's own text. */
  readonly transformed?: boolean;
}

/** A module the `.js` loader found in the cache, on its way to `_compile`. */
interface Pending {
  readonly filename: string;
  readonly source: string;
  readonly data: Buffer;
  readonly entry: Entry;
}

function installHook(M: CjsModuleStatic, directory: string): void {
  const originalCompile = M.prototype._compile;
  const originalJs = M._extensions['.js'] as (module: CjsModule, filename: string) => unknown;
  // The entry depends on the runtime and its flags, those of the command line and those of
  // NODE_OPTIONS (the cdktf CLI sets --max-old-space-size there): V8 rejects code cached under others.
  const runtime = `${process.version}\0${process.arch}\0${process.execArgv.join(' ')}\0${process.env.NODE_OPTIONS ?? ''}`;
  const toWrite: Array<{ entry: Entry; data: Buffer; source?: string }> = [];
  const toDrop: Entry[] = [];
  let pending: Pending | undefined;
  let looked: { readonly filename: string; readonly entry: Entry | undefined } | undefined;
  // The names in the cache folder, read once: no failed reads for modules without an entry.
  let present: ReadonlySet<string>;
  try {
    present = new Set(readdirSync(directory));
  } catch {
    present = new Set();
  }

  // One entry per module and runtime (`<module>-<version of the file>`): a new version replaces the old.
  const entryFor = (filename: string): Entry | undefined => {
    let st;
    try {
      st = statSync(filename);
    } catch {
      return undefined;
    }
    if (st.size < MIN_BYTES) return undefined;
    const name = `${sha1(`${runtime}\0${filename}`)}-${sha1(`${st.size}\0${st.mtimeMs}\0${st.ino}`)}`;
    return { file: join(directory, name), name, size: st.size };
  };

  // A module with an entry is loaded from the entry's copy of its source: the file itself is
  // read only when the entry is made. Node.js's loader is used otherwise.
  M._extensions['.js'] = function loadJs(this: unknown, module: CjsModule, filename: string): unknown {
    const entry = entryFor(filename);
    looked = { filename, entry };
    if (entry && present.has(entry.name) && present.has(`${entry.name}.js`)) {
      let found: Pending | undefined;
      try {
        found = { filename, entry, data: readFileSync(entry.file), source: readFileSync(`${entry.file}.js`, 'utf8') };
      } catch {
        found = undefined;
      }
      if (found) {
        pending = found;
        return module._compile(found.source, filename);
      }
    }
    return originalJs.call(this, module, filename);
  };

  M.prototype._compile = function compileWithCache(this: CjsModule, content: string, filename: string): unknown {
    const fromEntry = pending !== undefined && pending.filename === filename && pending.source === content ? pending : undefined;
    pending = undefined;
    const lookedUp = looked;
    looked = undefined;
    let entry: Entry | undefined = fromEntry?.entry;
    let cachedData: Buffer | undefined = fromEntry?.data;
    if (!fromEntry) {
      // the entry the `.js` loader looked up for this file, else (a `.ts` file, say) its own
      entry = lookedUp?.filename === filename ? lookedUp.entry : content.length >= MIN_BYTES ? entryFor(filename) : undefined;
      if (entry === undefined) {
        stats.skipped++;
        return originalCompile.call(this, content, filename);
      }
      // Text a loader transformed (ts-node, a require hook) is not the file's: it is keyed by itself too.
      if (Buffer.byteLength(content, 'utf8') !== entry.size) {
        const name = `${entry.name}${sha1(content).slice(0, 16)}`;
        entry = { file: join(directory, name), name, size: entry.size, transformed: true };
      }
      try {
        cachedData = present.has(entry.name) ? readFileSync(entry.file) : undefined;
      } catch {
        cachedData = undefined;
      }
      // Dynamic import() needs Node.js's own loader callbacks, which a compiled function lacks
      // (a module with an entry was searched for it when the entry was made).
      if (cachedData === undefined && content.includes('import(')) {
        stats.skipped++;
        return originalCompile.call(this, content, filename);
      }
    }
    const source = fromEntry || SOURCE_MAPS_ON ? content : withoutInlineSourceMap(content);
    const fn = compileFunction(source, WRAPPER_PARAMS, { filename, cachedData, produceCachedData: cachedData === undefined }) as CompiledWrapper;
    if (cachedData === undefined) {
      stats.misses++;
      // The source is kept only when it is the file's own text: a loader that transforms it is asked again each run.
      if (fn.cachedData) toWrite.push({ entry: entry!, data: fn.cachedData, source: entry!.transformed ? undefined : source });
    } else if (fn.cachedDataRejected === true) {
      stats.rejected++;
      toDrop.push(entry!);
    } else {
      stats.hits++;
      if (fromEntry) stats.sourcesFromCache++;
    }
    return fn.call(this.exports, this.exports, makeRequire(M, this), this, filename, dirname(filename));
  };

  process.once('exit', () => {
    // Best-effort throughout: whatever fails here, the next run compiles as usual.
    let siblings: string[] = [];
    try {
      if (toWrite.length > 0) siblings = readdirSync(directory);
    } catch {
      siblings = [];
    }
    for (const { entry, data, source } of toWrite) {
      try {
        // the source first: an entry is used only when both files are there
        if (source !== undefined) writeAtomically(`${entry.file}.js`, source);
        writeAtomically(entry.file, data);
        const name = entry.name;
        const moduleKey = name.slice(0, name.indexOf('-') + 1);
        for (const old of siblings) {
          if (old.startsWith(moduleKey) && old !== name && old !== `${name}.js`) rmSync(join(directory, old), { force: true });
        }
      } catch {
        // skipped
      }
    }
    // A rejected entry is made again by the next run.
    for (const entry of toDrop) {
      rmSync(entry.file, { force: true });
      rmSync(`${entry.file}.js`, { force: true });
    }
  });
}

function writeAtomically(file: string, data: string | Buffer): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

const INLINE_SOURCE_MAP = '//# sourceMappingURL=data:';

/**
 * The source without a trailing inline source map (`//# sourceMappingURL=data:...`). cdktf and
 * the provider bindings end every file with their TypeScript source map in base64, more than
 * half of the text of the bindings; V8 keeps the text of each module it compiles, comments
 * included, for the whole run. Node.js reads such maps only under --enable-source-maps, and
 * then they are kept.
 * @internal
 */
export function withoutInlineSourceMap(content: string): string {
  const at = content.lastIndexOf(INLINE_SOURCE_MAP);
  if (at < 0 || (at > 0 && content[at - 1] !== '\n')) return content;
  // Only a map on the last line: anything after it but white space is code.
  const lineEnd = content.indexOf('\n', at);
  if (lineEnd >= 0 && content.slice(lineEnd).trim() !== '') return content;
  // A slice keeps its whole parent string alive; flattening a concatenation copies the text, so
  // the file's text with the map can be freed once compiled.
  return `${content.slice(0, at)} `.slice(0, -1);
}

const SOURCE_MAPS_ON = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true
  || process.execArgv.includes('--enable-source-maps')
  || (process.env.NODE_OPTIONS ?? '').includes('--enable-source-maps');

/** The parameters Node.js wraps a CommonJS module in. */
const WRAPPER_PARAMS = ['exports', 'require', 'module', '__filename', '__dirname'];

type CompiledWrapper = ((...args: unknown[]) => unknown) & { cachedData?: Buffer; cachedDataRejected?: boolean };

/** The `require` a module sees, as Node.js builds it. */
function makeRequire(M: CjsModuleStatic, mod: CjsModule): NodeJS.Require {
  const req = ((id: string) => mod.require(id)) as NodeJS.Require;
  const resolve = ((request: string, options?: { paths?: string[] }) => M._resolveFilename(request, mod, false, options)) as NodeJS.RequireResolve;
  resolve.paths = (request: string) => (request.startsWith('.') || request.startsWith('/') ? [dirname(mod.filename)] : M._nodeModulePaths(dirname(mod.filename)));
  req.resolve = resolve;
  req.main = require.main;
  req.extensions = M._extensions as NodeJS.RequireExtensions;
  req.cache = M._cache as NodeJS.Dict<NodeModule>;
  return req;
}
