/**
 * The build step of the app command (tools/build.ts, run as `node dist/tools/build.js` by
 * cdktf.json "app", npm run synth and npm run build): tsc runs whenever anything it reads or
 * writes changed, and only then. On a small project of its own, compiled by the real tsc.
 */
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from '../tools/build';

describe('the build step', () => {
  let dir: string;
  let config: string;
  const out = (name: string) => readFileSync(join(dir, 'dist', 'src', name), 'utf8');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'erp-build-step-'));
    config = join(dir, 'tsconfig.json');
    mkdirSync(join(dir, 'src'));
    symlinkSync(resolve(__dirname, '..', 'node_modules'), join(dir, 'node_modules'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{}\n');
    writeFileSync(config, JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'nodenext', lib: ['ES2022'], types: [], strict: true, rootDir: '.', outDir: 'dist' },
      include: ['src/**/*.ts'],
    }));
    writeFileSync(join(dir, 'src', 'a.ts'), "import { b } from './b';\nexport const a: number = b + 1;\n");
    writeFileSync(join(dir, 'src', 'b.ts'), 'export const b = 1;\n');
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('compiles, then skips tsc while nothing changed', () => {
    expect(build(config, 'pipe')).toMatchObject({ code: 0, tsc: 'incremental' });
    expect(out('a.js')).toContain('b_1.b + 1');
    const written = statSync(join(dir, 'dist', 'src', 'a.js')).mtimeMs;
    expect(build(config, 'pipe')).toEqual({ code: 0, tsc: 'skipped' });
    expect(statSync(join(dir, 'dist', 'src', 'a.js')).mtimeMs).toBe(written);
  });

  test('an edit is compiled, and so is its undoing', () => {
    build(config, 'pipe');
    const original = readFileSync(join(dir, 'src', 'b.ts'), 'utf8');
    appendFileSync(join(dir, 'src', 'b.ts'), '// one-line edit\n');
    expect(build(config, 'pipe')).toMatchObject({ code: 0, tsc: 'incremental' });
    expect(out('b.js')).toContain('// one-line edit');
    writeFileSync(join(dir, 'src', 'b.ts'), original);
    expect(build(config, 'pipe')).toMatchObject({ code: 0, tsc: 'incremental' });
    expect(out('b.js')).not.toContain('// one-line edit');
  });

  test('an edit that keeps the size and the modification time is compiled', () => {
    build(config, 'pipe');
    const file = join(dir, 'src', 'b.ts');
    const { atime, mtime } = statSync(file);
    writeFileSync(file, 'export const b = 2;\n');
    utimesSync(file, atime, mtime);
    expect(build(config, 'pipe')).toMatchObject({ code: 0, tsc: 'incremental' });
    expect(out('b.js')).toContain('b = 2');
  });

  test('a new source file and a changed config are compiled', () => {
    build(config, 'pipe');
    writeFileSync(join(dir, 'src', 'c.ts'), 'export const c = 3;\n');
    expect(build(config, 'pipe')).toMatchObject({ code: 0, tsc: 'incremental' });
    expect(out('c.js')).toContain('c = 3');
    const tsconfig = JSON.parse(readFileSync(config, 'utf8'));
    tsconfig.compilerOptions.removeComments = true;
    writeFileSync(config, JSON.stringify(tsconfig));
    expect(build(config, 'pipe')).toMatchObject({ code: 0, tsc: 'incremental' });
  });

  test('an output deleted or changed by something else is written again: everything is compiled', () => {
    build(config, 'pipe');
    rmSync(join(dir, 'dist', 'src', 'a.js'));
    expect(build(config, 'pipe')).toMatchObject({ code: 0, tsc: 'full' });
    expect(out('a.js')).toContain('b_1.b + 1');
    writeFileSync(join(dir, 'dist', 'src', 'b.js'), 'changed by hand\n');
    expect(build(config, 'pipe')).toMatchObject({ code: 0, tsc: 'full' });
    expect(out('b.js')).toContain('b = 1');
    expect(build(config, 'pipe')).toEqual({ code: 0, tsc: 'skipped' });
  });

  test('a type error fails every run until it is fixed: a failed build is never skipped', () => {
    build(config, 'pipe');
    writeFileSync(join(dir, 'src', 'b.ts'), "export const b = 'one';\n");
    const failed = build(config, 'pipe');
    expect(failed.code).not.toBe(0);
    expect(failed.output).toMatch(/error TS2322/);
    expect(build(config, 'pipe')).toMatchObject({ code: failed.code, tsc: 'incremental' });
    writeFileSync(join(dir, 'src', 'b.ts'), 'export const b = 1;\n');
    expect(build(config, 'pipe')).toMatchObject({ code: 0, tsc: 'incremental' });
    expect(build(config, 'pipe')).toEqual({ code: 0, tsc: 'skipped' });
  });
});
