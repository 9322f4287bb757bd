/**
 * What lands on a droplet, checked with the tools that read it there: every
 * compose document against the Compose Specification's JSON schema, the
 * systemd units with `systemd-analyze verify`, the shell programs with the
 * shells that run them.
 */
import { execFileSync, spawnSync } from 'child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Testing } from 'cdktf';
import * as YAML from 'yaml';
import Ajv from 'ajv';
import { LARAVEL_INVOICING_EXAMPLE, buildStacks } from '../stacks';
import { releaseObjects } from './app-service-fakes';

type Json = Record<string, any>;

// draft-07 (ajv's default); the file names it by an https URL ajv does not know by that name
const { $schema: _draft, ...SCHEMA } = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'schemas', 'compose-spec.json'), 'utf8'));
const AGENT = join(__dirname, '..', 'lib', 'app-service', 'runtimes', 'droplet', 'agent', 'erp-agent.sh');

const app = Testing.app() as App;
const tiers = Object.fromEntries(buildStacks(app, LARAVEL_INVOICING_EXAMPLE, {})
  .filter((s) => s.tier === 'dev' || s.tier === 'prod')
  .map((s) => [s.tier, JSON.parse(Testing.synth(s)) as Json]));

function userData(synth: Json): Json {
  const [droplet] = Object.values<Json>(synth.resource.digitalocean_droplet);
  return YAML.parse(String(droplet.user_data).replace(/\$\$\{/g, '${'), { version: '1.1' });
}

describe('what the droplet runtime writes for a droplet', () => {
  test.each(['dev', 'prod'])('the %s compose project is valid under the Compose Specification schema', (tier) => {
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(SCHEMA);
    const compose = YAML.parse(releaseObjects(tiers[tier], 'facturador-' + tier + '-1')['compose.yaml'], { version: '1.1' });
    const ok = validate(compose);
    expect(ajv.errorsText(validate.errors)).toBe('No errors');
    expect(ok).toBe(true);
    // and a broken document is not (the check can fail)
    expect(validate({ ...compose, services: { web: { ...compose.services.web, restart: ['always'] } } })).toBe(false);
  });

  const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  const withSystemd = analyze.status === 0 ? test : test.skip;

  withSystemd('the agent\'s systemd units pass systemd-analyze verify with no warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'erp-units-'));
    try {
      const agent = join(dir, 'erp-agent');
      writeFileSync(agent, '#!/bin/sh\n');
      chmodSync(agent, 0o755);
      // docker.service comes with the docker.io package on the droplet
      writeFileSync(join(dir, 'docker.service'), '[Unit]\nDescription=Docker (stand-in)\n[Service]\nExecStart=/bin/true\n');
      const units: string[] = [];
      for (const f of userData(tiers.prod).write_files as Json[]) {
        if (!f.path.startsWith('/etc/systemd/system/')) continue;
        const file = join(dir, f.path.split('/').pop());
        writeFileSync(file, String(f.content).replace('/usr/local/sbin/erp-agent', agent));
        units.push(file);
      }
      expect(units.map((u) => u.split('/').pop()).sort()).toEqual(['erp-agent.service', 'erp-agent.timer', 'erp-metadata-guard.service']);
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...units], { encoding: 'utf8' });
      expect(`${r.stdout}${r.stderr}`).toBe('');
      expect(r.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the bootstrap\'s erp-agent runs under sh and the agent under bash: both parse', () => {
    const boot = (userData(tiers.dev).write_files as Json[]).find((f) => f.path === '/usr/local/sbin/erp-agent')!.content;
    expect(boot.startsWith('#!/bin/sh\n')).toBe(true);
    expect(() => execFileSync('sh', ['-n'], { input: boot })).not.toThrow();
    expect(() => execFileSync('bash', ['-n', AGENT])).not.toThrow();
    expect(() => execFileSync('sh', ['-n'], { input: 'if then fi' , stdio: 'pipe' })).toThrow();
  });

  test('the user data stays far below DigitalOcean\'s 64 KiB limit', () => {
    for (const tier of ['dev', 'prod']) {
      const [droplet] = Object.values<Json>(tiers[tier].resource.digitalocean_droplet);
      expect(Buffer.byteLength(droplet.user_data)).toBeLessThan(8 * 1024);
    }
  });
});
