import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// The deferral works on Node.js's module cache, which jest replaces with its own:
// it is tried in a child process, on the compiled tool (npm test builds before jest).
const ROOT = resolve(__dirname, '..');
const TOOL = join(ROOT, 'dist', 'tools', 'deferred-modules.js');

function runScript(lines: string[]): Record<string, unknown> {
  const work = mkdtempSync(join(tmpdir(), 'erp-deferred-'));
  try {
    mkdirSync(join(work, 'asset'));
    writeFileSync(join(work, 'asset', 'hello.txt'), 'hello\n');
    writeFileSync(join(work, 'run.js'), lines.join('\n'));
    const r = spawnSync(process.execPath, ['run.js'], {
      cwd: work, encoding: 'utf8', env: { PATH: process.env.PATH, CHECKPOINT_DISABLE: '1', NODE_PATH: join(ROOT, 'node_modules') },
    });
    if (r.status !== 0) throw new Error(r.stderr);
    return JSON.parse(r.stdout) as Record<string, unknown>;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// More than the one entry the stand-in occupies: the package's own modules.
const LOADED = "const loaded = (name) => Object.keys(require.cache).filter((k) => k.includes(`/node_modules/${name}/`)).length > 1;";

describe('deferred modules', () => {
  test('cdktf loads without archiver and semver, and the stacks synthesize', () => {
    const out = runScript([
      `const { deferUnusedModules } = require(${JSON.stringify(TOOL)});`,
      LOADED,
      'const deferred = deferUnusedModules();',
      "const { App, TerraformStack, TerraformOutput } = require('cdktf');",
      "const app = new App({ outdir: 'out' }); const stack = new TerraformStack(app, 's');",
      "new TerraformOutput(stack, 'o', { value: 'x' }); app.synth();",
      "process.stdout.write(JSON.stringify({ deferred, archiver: loaded('archiver'), lodash: loaded('lodash'), semver: loaded('semver') }));",
    ]);
    expect(out).toEqual({ deferred: ['archiver', 'semver'], archiver: false, lodash: false, semver: false });
  });

  test('a stack with an archive asset still writes the archive (cdktf zips in a child process of its own)', () => {
    const out = runScript([
      `const { deferUnusedModules } = require(${JSON.stringify(TOOL)});`,
      LOADED,
      'deferUnusedModules();',
      "const fs = require('fs'); const path = require('path');",
      "const { App, AssetType, TerraformAsset, TerraformStack, TerraformOutput } = require('cdktf');",
      "const app = new App({ outdir: 'out' }); const stack = new TerraformStack(app, 's');",
      "const asset = new TerraformAsset(stack, 'a', { path: path.resolve('asset'), type: AssetType.ARCHIVE });",
      "new TerraformOutput(stack, 'o', { value: asset.path }); app.synth();",
      "const zips = []; const walk = (d) => { for (const f of fs.readdirSync(d)) { const p = path.join(d, f); if (fs.statSync(p).isDirectory()) walk(p); else if (p.endsWith('.zip')) zips.push(fs.statSync(p).size); } }; walk('out');",
      "process.stdout.write(JSON.stringify({ archiver: loaded('archiver'), zips }));",
    ]);
    expect((out.zips as number[]).length).toBe(1);
    expect((out.zips as number[])[0]).toBeGreaterThan(0);
  });

  test('the first use of a deferred package loads the real one, and it answers as itself', () => {
    const out = runScript([
      `const { deferUnusedModules } = require(${JSON.stringify(TOOL)});`,
      LOADED,
      'deferUnusedModules();',
      "const semver = require(require.resolve('semver', { paths: [require('path').dirname(require.resolve('cdktf/lib/private/fs.js'))] }));",
      "const before = loaded('semver');",
      "const answer = semver.satisfies('1.10.4', '>=1.5.0');",
      "process.stdout.write(JSON.stringify({ before, answer, after: loaded('semver'), valid: semver.valid('1.2.3') }));",
    ]);
    expect(out).toEqual({ before: false, answer: true, after: true, valid: '1.2.3' });
  });

  test('a package already loaded is left alone', () => {
    const out = runScript([
      "require(require.resolve('semver', { paths: [require('path').dirname(require.resolve('cdktf/lib/private/fs.js'))] }));",
      `const { deferUnusedModules } = require(${JSON.stringify(TOOL)});`,
      'process.stdout.write(JSON.stringify({ deferred: deferUnusedModules() }));',
    ]);
    expect(out.deferred).toEqual(['archiver']);
  });
});
