/**
 * `npm run ops`: the droplet agent's commands run over SSH on a tier's droplets, found through the
 * stack's `droplet_addresses` output. `terraform` and `ssh` are recording stand-ins on the PATH.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ops, parseOps, shellQuote } from '../tools/ops';

describe('npm run ops', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const calls = () => readFileSync(join(dir, 'ssh.log'), 'utf8').trim().split('\n');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'erp-ops-'));
    writeFileSync(join(dir, 'terraform'), `#!/bin/sh\n[ "$1 $2" = "output -json" ] || exit 3\ncat "${dir}/outputs.json"\n`);
    writeFileSync(join(dir, 'ssh'), `#!/bin/sh\nprintf '%s|' "$@" >> "${dir}/ssh.log"\necho >> "${dir}/ssh.log"\n`);
    chmodSync(join(dir, 'terraform'), 0o755);
    chmodSync(join(dir, 'ssh'), 0o755);
    writeFileSync(join(dir, 'outputs.json'), JSON.stringify({ droplet_addresses: { value: ['203.0.113.5', '203.0.113.6'] } }));
    env = { ...process.env, PATH: `${dir}:${process.env.PATH}`, ERP_OPS_DIR: dir };
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('status asks every droplet\'s agent', () => {
    expect(ops(['prod', 'status'], env)).toBe(0);
    expect(calls()).toEqual(['root@203.0.113.5|erp-agent status|', 'root@203.0.113.6|erp-agent status|']);
  });

  test('exec runs a quoted command on the first droplet with a terminal', () => {
    expect(ops(['prod', 'exec', 'web', 'php', 'artisan', 'tinker', '--execute=echo "hi";'], env)).toBe(0);
    expect(calls()).toEqual([`-t|root@203.0.113.5|erp-agent exec web php artisan tinker '--execute=echo "hi";'|`]);
  });

  test('run starts a job of the release on the first droplet, where jobs run, with its variables', () => {
    expect(ops(['prod', 'run', 'backup-restore', 'RESTORE_AT=2026-12-01'], env)).toBe(0);
    expect(calls()).toEqual(['-t|root@203.0.113.5|erp-agent run backup-restore RESTORE_AT=2026-12-01|']);
    expect(() => parseOps(['prod', 'run'])).toThrow(/run <job> \[VAR=value\.\.\.\]/);
  });

  test('--droplet picks one droplet; logs passes its options', () => {
    expect(ops(['prod', '--droplet', '2', 'logs', 'queue', '--tail', '50'], env)).toBe(0);
    expect(calls()).toEqual(['-t|root@203.0.113.6|erp-agent logs queue --tail 50|']);
  });

  test('fails on an unknown command, a missing process, and a droplet that does not exist', () => {
    expect(() => parseOps(['prod', 'restart'])).toThrow(/"restart" is not a command/);
    expect(() => parseOps(['prod', 'exec', 'web'])).toThrow(/usage: npm run ops/);
    expect(() => parseOps(['prod', '--droplet', 'zero', 'status'])).toThrow(/--droplet: "zero" is not a droplet number/);
    expect(ops(['prod', '--droplet', '3', 'rollback'], env)).toBe(2);
  });

  test('fails with the fix when the stack has no droplets (ha) or was never deployed', () => {
    writeFileSync(join(dir, 'outputs.json'), JSON.stringify({ app_urls: { value: [] } }));
    expect(ops(['ha', 'status'], env)).toBe(2);
    writeFileSync(join(dir, 'terraform'), '#!/bin/sh\necho "No outputs found" >&2\nexit 1\n');
    expect(ops(['prod', 'status'], env)).toBe(2);
  });

  test('quotes what the remote shell would split or expand', () => {
    expect(shellQuote('web')).toBe('web');
    expect(shellQuote("it's $HOME")).toBe(`'it'\\''s $HOME'`);
  });
});
