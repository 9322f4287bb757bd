import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Lazy, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { filesUnder } from '../tools/consumer-check';
import { CDKTF_STACK_TRACE_MODULE, skipTokenCreationStacks } from '../tools/token-stacks';

const ROOT = resolve(__dirname, '..');

describe('token creation stacks', () => {
  test('ERP_TOKEN_STACK_TRACES=1 keeps them', () => {
    expect(skipTokenCreationStacks({ ERP_TOKEN_STACK_TRACES: '1' })).toBe(false);
    const mod = require(CDKTF_STACK_TRACE_MODULE) as { captureStackTrace: () => string[] };
    expect(mod.captureStackTrace().length).toBeGreaterThan(0);
  });

  test('are skipped: the capture returns none, and tokens made afterwards still resolve', () => {
    const mod = require(CDKTF_STACK_TRACE_MODULE) as { captureStackTrace: () => string[] };
    expect(skipTokenCreationStacks({})).toBe(true);
    expect(mod.captureStackTrace()).toEqual([]);
    const stack = new TerraformStack(Testing.app(), 'skipped');
    new TerraformOutput(stack, 'answer', { value: Lazy.numberValue({ produce: () => 42 }) });
    expect(JSON.parse(Testing.synth(stack)).output.answer.value).toBe(42);
  });

  test('skipping them changes nothing the app writes: stacks and manifest byte for byte', () => {
    const out = mkdtempSync(join(tmpdir(), 'erp-token-stacks-'));
    try {
      const synth = (dir: string, extra: NodeJS.ProcessEnv): void => {
        const r = spawnSync(process.execPath, [join(ROOT, 'dist', 'main.js')], {
          cwd: ROOT, encoding: 'utf8',
          env: { PATH: process.env.PATH, HOME: process.env.HOME, CHECKPOINT_DISABLE: '1', NODE_DISABLE_COMPILE_CACHE: '1', CDKTF_OUTDIR: dir, ...extra },
        });
        if (r.status !== 0) throw new Error(r.stderr);
      };
      synth(join(out, 'kept'), { ERP_TOKEN_STACK_TRACES: '1' });
      synth(join(out, 'skipped'), {});
      const files = filesUnder(join(out, 'kept'));
      expect(filesUnder(join(out, 'skipped'))).toEqual(files);
      expect(files).toContain('manifest.json');
      for (const f of files) {
        expect(readFileSync(join(out, 'skipped', f), 'utf8')).toBe(readFileSync(join(out, 'kept', f), 'utf8'));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
