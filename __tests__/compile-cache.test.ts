import { transformFileSync } from '@babel/core';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import Module = require('node:module');
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { withoutInlineSourceMap } from '../tools/compile-cache';

// The cache patches Node.js's module loader, so it is tried in child processes, on the
// module compiled from its TypeScript source (it imports only Node.js built-ins).
const NATIVE = typeof (Module as unknown as { enableCompileCache?: unknown }).enableCompileCache === 'function';
let work: string;
let cacheDir: string;

function compileCacheModule(dir: string): string {
  for (const name of ['compile-cache']) {
    const { code } = transformFileSync(resolve(__dirname, '..', 'tools', `${name}.ts`), { cwd: resolve(__dirname, '..') })!;
    writeFileSync(join(dir, `${name}.js`), code!);
  }
  return join(dir, 'compile-cache.js');
}

/** A module big enough to be cached (the hook leaves modules under 8 KB to Node.js). */
function writeBigModule(file: string, answer: number): void {
  const padding = Array.from({ length: 400 }, (_, i) => `function helper${i}(x) { return x + ${i}; }`).join('\n');
  writeFileSync(file, `${padding}\nexports.answer = () => helper0(${answer});\nexports.dirname = __dirname;\n`);
}

interface RunResult {
  status: { mode: string; directory?: string; reason?: string };
  stats: { hits: number; misses: number; rejected: number; skipped: number };
  answer: number;
  dirname: string;
}

function run(env: NodeJS.ProcessEnv = {}): RunResult {
  const runner = join(work, 'runner.js');
  const out = execFileSync(process.execPath, [runner], {
    cwd: work,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out) as RunResult;
}

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'erp-compile-cache-'));
  cacheDir = join(work, 'cache');
  const cc = compileCacheModule(work);
  writeBigModule(join(work, 'big.js'), 41);
  writeFileSync(join(work, 'runner.js'), [
    `const cc = require(${JSON.stringify(cc)});`,
    `const status = cc.enableCompileCache({ directory: ${JSON.stringify(cacheDir)} });`,
    "const big = require('./big');",
    'process.stdout.write(JSON.stringify({ status, stats: cc.compileCacheStats(), answer: big.answer(), dirname: big.dirname }));',
  ].join('\n'));
});

afterEach(() => {
  rmSync(work, { recursive: true, force: true });
});

const hookOnly = NATIVE ? describe.skip : describe;

/** The entries of the cache: each is V8's code (`<key>`) and the module's source without its map (`<key>.js`). */
const codeEntries = (): string[] => readdirSync(cacheDir).filter((f) => !f.endsWith('.js'));
const sourceCopies = (): string[] => readdirSync(cacheDir).filter((f) => f.endsWith('.js'));

describe('inline source maps', () => {
  const map = '//# sourceMappingURL=data:application/json;base64,eyJ2ZXJzaW9uIjozfQ==';

  test('a trailing inline source map is cut off, the code kept', () => {
    expect(withoutInlineSourceMap(`exports.a = 1;\n${map}`)).toBe('exports.a = 1;\n');
    expect(withoutInlineSourceMap(`exports.a = 1;\n${map}\n`)).toBe('exports.a = 1;\n');
  });

  test('code after a map comment, a map inside a line and a file map stay as they are', () => {
    const codeAfter = `exports.a = 1;\n${map}\nexports.b = 2;\n`;
    const inString = `exports.s = "${map}";`;
    const fileMap = 'exports.a = 1;\n//# sourceMappingURL=index.js.map\n';
    expect(withoutInlineSourceMap(codeAfter)).toBe(codeAfter);
    expect(withoutInlineSourceMap(inString)).toBe(inString);
    expect(withoutInlineSourceMap(fileMap)).toBe(fileMap);
  });
});

describe('compile cache', () => {
  test('uses the hook on a Node.js without a compile cache of its own, and Node.js\'s own cache otherwise', () => {
    expect(run().status.mode).toBe(NATIVE ? 'native' : 'hook');
  });

  test('is off when NODE_DISABLE_COMPILE_CACHE is set, and writes nothing', () => {
    const r = run({ NODE_DISABLE_COMPILE_CACHE: '1' });
    expect(r.status).toEqual({ mode: 'disabled', reason: 'NODE_DISABLE_COMPILE_CACHE is set' });
    expect(r.answer).toBe(41);
    expect(() => readdirSync(cacheDir)).toThrow();
  });
});

hookOnly('compile cache hook', () => {
  test('writes an entry on the first run; the next compiles from it, reading the source from the entry', () => {
    const first = run();
    expect(first.stats).toMatchObject({ hits: 0, misses: 1, rejected: 0 });
    expect(codeEntries()).toHaveLength(1);
    expect(sourceCopies()).toEqual([`${codeEntries()[0]}.js`]);
    const second = run();
    expect(second.stats).toMatchObject({ hits: 1, misses: 0, rejected: 0, sourcesFromCache: 1 });
    expect(second.answer).toBe(41);
    expect(second.dirname).toBe(work);
  });

  test('reads the module\'s own file when the entry has no copy of the source', () => {
    run();
    rmSync(join(cacheDir, sourceCopies()[0]));
    const r = run();
    expect(r.stats).toMatchObject({ hits: 1, sourcesFromCache: 0 });
    expect(r.answer).toBe(41);
  });

  test('keeps no copy of a source that a loader transforms, so the loader runs each time', () => {
    // a require hook that rewrites the module (as ts-node or babel/register do) before our cache
    writeFileSync(join(work, 'transform.js'), [
      "const fs = require('fs'); const js = require.extensions['.js'];",
      "require.extensions['.js'] = (m, f) => f.endsWith('big.js') ? m._compile(fs.readFileSync(f, 'utf8').replace('helper0(41)', 'helper0(41) + 1'), f) : js(m, f);",
    ].join('\n'));
    const runTransformed = () => JSON.parse(execFileSync(process.execPath, ['-r', './transform.js', join(work, 'runner.js')], {
      cwd: work, encoding: 'utf8', env: { PATH: process.env.PATH },
    })) as RunResult;
    expect(runTransformed()).toMatchObject({ answer: 42, stats: { misses: 1 } });
    expect(sourceCopies()).toEqual([]);
    expect(runTransformed()).toMatchObject({ answer: 42, stats: { hits: 1, sourcesFromCache: 0 } });
    // the loader now makes other text of the same length: V8 would take the old code, the key does not
    writeFileSync(join(work, 'transform.js'), readFileSync(join(work, 'transform.js'), 'utf8').replace("'helper0(41) + 1'", "'helper0(41) + 2'"));
    expect(runTransformed()).toMatchObject({ answer: 43, stats: { misses: 1 } });
  });

  test('compiles a changed module of the same length from its source, not from the entry of the old one', () => {
    run();
    // V8 checks only the length of the source against an entry: the entry must be keyed by the file's identity.
    writeBigModule(join(work, 'big.js'), 14);
    const r = run();
    expect(r.stats).toMatchObject({ hits: 0, misses: 1 });
    expect(r.answer).toBe(14);
  });

  test('compiles a module of another length from its source, and its new entry replaces the old', () => {
    run();
    const [before] = codeEntries();
    writeBigModule(join(work, 'big.js'), 1);
    appendFileSync(join(work, 'big.js'), '// changed\n');
    const r = run();
    expect(r.stats).toMatchObject({ hits: 0, misses: 1 });
    expect(r.answer).toBe(1);
    const after = codeEntries();
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before);
    expect(sourceCopies()).toEqual([`${after[0]}.js`]);
  });

  test('runs a module that ends in an inline source map, as the provider bindings do', () => {
    const map = Buffer.from(JSON.stringify({ version: 3, sources: ['big.ts'], mappings: 'AAAA' })).toString('base64');
    appendFileSync(join(work, 'big.js'), `//# sourceMappingURL=data:application/json;base64,${map}`);
    expect(run()).toMatchObject({ answer: 41, stats: { misses: 1 } });
    expect(run()).toMatchObject({ answer: 41, stats: { hits: 1 } });
  });

  test('falls back to compiling from source when an entry is corrupt, and drops the entry', () => {
    run();
    const [entry] = codeEntries();
    writeFileSync(join(cacheDir, entry), Buffer.from('not a code cache'));
    const r = run();
    expect(r.stats).toMatchObject({ hits: 0, rejected: 1 });
    expect(r.answer).toBe(41);
    expect(readdirSync(cacheDir)).toEqual([]);
    expect(run().stats).toMatchObject({ misses: 1 });
  });

  test('keeps entries apart by V8 flags, since V8 refuses code cached under other flags', () => {
    run();
    execFileSync(process.execPath, ['--max-semi-space-size=4', join(work, 'runner.js')], { cwd: work, env: { PATH: process.env.PATH } });
    expect(codeEntries()).toHaveLength(2);
  });

  test('keeps entries apart by the flags of NODE_OPTIONS too, as the cdktf CLI sets them', () => {
    run();
    execFileSync(process.execPath, [join(work, 'runner.js')], { cwd: work, env: { PATH: process.env.PATH, NODE_OPTIONS: '--max-old-space-size=4096' } });
    expect(codeEntries()).toHaveLength(2);
  });

  test('leaves small modules and modules with dynamic import() to Node.js', () => {
    writeFileSync(join(work, 'big.js'), `${'// padding\n'.repeat(1000)}exports.answer = () => 41; exports.dirname = __dirname;\nexports.later = () => import('node:path');\n`);
    const r = run();
    expect(r.stats).toMatchObject({ hits: 0, misses: 0 });
    expect(r.stats.skipped).toBeGreaterThanOrEqual(1);
    expect(r.answer).toBe(41);
  });

  test('a module compiled by the hook requires relative paths, packages and built-ins as Node.js does', () => {
    writeFileSync(join(work, 'dep.js'), 'exports.value = 1;');
    const padding = '// padding\n'.repeat(1000);
    writeFileSync(join(work, 'big.js'), `${padding}const dep = require('./dep'); const path = require('node:path');\n`
      + 'exports.answer = () => dep.value + path.sep.length + (require.resolve(\'./dep\') === path.join(__dirname, \'dep.js\') ? 1 : 100) + (require.cache[__filename] === module ? 1 : 1000);\n'
      + 'exports.dirname = __dirname;\n');
    const r = run();
    expect(r.stats.misses).toBe(1);
    expect(r.answer).toBe(4);
  });
});
