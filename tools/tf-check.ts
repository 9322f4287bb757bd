/**
 * Repository tooling, not part of the published package: the offline Terraform check
 * (`npm run tf-check`, a step of `npm test`; both build first, then run dist/tools/tf-check.js).
 *
 * Synthesizes the app (every tier stack) and the fixture app (fixtures/aws/*),
 * then, for each stack whose providers are all available locally, runs
 * `terraform init`, `terraform validate` and `terraform plan` with fake
 * credentials. Prints which configurations it checked and which it skipped
 * and why; exits non-zero on any Terraform error, or when nothing could be checked.
 *
 * Provider mirror: $TF_PROVIDER_MIRROR (the folder that holds `registry.terraform.io`);
 * when unset, a few usual places are searched; when none is found, Terraform
 * downloads providers from the registry as usual (needs a network).
 *
 * Options (`npm run tf-check -- <options>`): --only <substring> checks only stacks whose name contains it;
 *          --no-synth reuses the previous synth output;
 *          TF_CHECK_DIR=<dir> works in another folder than .tf-check;
 *          TF_CHECK_ONLINE=1 also checks stacks whose providers are not in the mirror (downloads them).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** The repository root (this file runs as dist/tools/tf-check.js). */
const root = path.resolve(__dirname, '..', '..');
const work = process.env.TF_CHECK_DIR ? path.resolve(process.env.TF_CHECK_DIR) : path.join(root, '.tf-check');
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
const noSynth = args.includes('--no-synth');
const online = process.env.TF_CHECK_ONLINE === '1';
const baseEnv = { ...process.env, CHECKPOINT_DISABLE: '1' };

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

function findTerraform(): string | undefined {
  const r = spawnSync('terraform', ['version'], { env: baseEnv, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0] : undefined;
}

function findMirror(): string | undefined {
  const candidates: string[] = [];
  if (process.env.TF_PROVIDER_MIRROR) candidates.push(process.env.TF_PROVIDER_MIRROR);
  candidates.push(
    '/opt/tf-plugins',
    path.join(os.homedir(), '.terraform.d', 'plugins'),
    path.join(os.homedir(), '.local', 'share', 'terraform', 'plugins'),
    '/usr/local/share/terraform/plugins',
    '/usr/share/terraform/plugins',
  );
  for (const c of candidates) {
    if (fs.existsSync(path.join(c, 'registry.terraform.io'))) return c;
  }
  // Last resort: a shallow search for a provider binary below a few roots.
  for (const base of ['/opt', '/usr/local', os.homedir()]) {
    const r = spawnSync('find', [base, '-maxdepth', '7', '-type', 'd', '-name', 'registry.terraform.io'], { encoding: 'utf8' });
    const hit = (r.stdout || '').split('\n').find((l) => l.trim());
    if (hit) return path.dirname(hit.trim());
  }
  return undefined;
}

/** "registry.terraform.io/hashicorp/aws" + version -> available in the mirror? */
function inMirror(mirror: string, source: string, version: string | undefined): boolean {
  const parts = source.split('/');
  const [host, ns, name] = parts.length === 3 ? parts : parts.length === 2 ? ['registry.terraform.io', ...parts] : ['registry.terraform.io', 'hashicorp', parts[0]];
  const dir = path.join(mirror, host, ns, name);
  if (!fs.existsSync(dir)) return false;
  const versions = fs.readdirSync(dir);
  return version ? versions.includes(version.replace(/^[=v ]+/, '')) : versions.length > 0;
}

function synth(entry: string, outdir: string): void {
  fs.rmSync(outdir, { recursive: true, force: true });
  fs.mkdirSync(outdir, { recursive: true });
  const r = spawnSync(process.execPath, [entry], { cwd: root, env: { ...baseEnv, CDKTF_OUTDIR: outdir }, encoding: 'utf8' });
  if (r.status !== 0) {
    log(r.stdout);
    log(r.stderr);
    throw new Error(`synth of ${path.relative(root, entry)} failed`);
  }
}

/** A synthesized stack: its name and its cdk.tf.json. */
interface Stack {
  readonly name: string;
  readonly file: string;
}

/** The Terraform JSON of a stack, as far as this check reads it. */
interface TerraformConfig {
  terraform?: { backend?: unknown; cloud?: unknown; required_providers?: Record<string, { source?: string; version?: string }> };
  provider?: { aws?: AwsProviderBlock | AwsProviderBlock[] };
}

interface AwsProviderBlock {
  alias?: string;
}

function stacksIn(outdir: string): Stack[] {
  const dir = path.join(outdir, 'stacks');
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).sort().map((name) => ({ name, file: path.join(dir, name, 'cdk.tf.json') }))
    .filter((s) => fs.existsSync(s.file));
}

/** An override file that gives every AWS provider block fake credentials and the skip flags, so plan needs no network. */
function awsOverride(config: TerraformConfig): object | undefined {
  const blocks = ([] as AwsProviderBlock[]).concat((config.provider && config.provider.aws) || []);
  if (blocks.length === 0) return undefined;
  const fake = {
    access_key: 'AKIAFAKEFAKEFAKEFAKE',
    secret_key: 'fake-secret-key-for-offline-plan',
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
  };
  return { provider: { aws: blocks.map((b) => (b.alias ? { alias: b.alias, ...fake } : { ...fake })) } };
}

function run(cmd: string, cmdArgs: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { cwd, env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** The outcome of one stack's check. */
type CheckResult = { ok: true; summary?: string; seconds?: string } | { ok: false; step: string; out: string };

async function check(stack: Stack, mirror: string | undefined): Promise<CheckResult> {
  const dir = path.join(work, 'work', stack.name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const config = JSON.parse(fs.readFileSync(stack.file, 'utf8')) as TerraformConfig;
  // A remote backend cannot be reached offline: check the configuration with local state.
  if (config.terraform) {
    delete config.terraform.backend;
    delete config.terraform.cloud;
  }
  fs.writeFileSync(path.join(dir, 'main.tf.json'), JSON.stringify(config, null, 2));
  const override = awsOverride(config);
  if (override) fs.writeFileSync(path.join(dir, 'offline_override.tf.json'), JSON.stringify(override, null, 2));
  const cli = path.join(dir, 'terraformrc');
  const lines: string[] = [];
  if (mirror) {
    lines.push('provider_installation {', `  filesystem_mirror {`, `    path = ${JSON.stringify(mirror)}`, '  }');
    lines.push(online ? '  direct {}' : '  direct {\n    exclude = ["registry.terraform.io/*/*"]\n  }');
    lines.push('}');
    // The unpacked mirror doubles as a plugin cache: init links the provider instead of copying ~700 MB.
    lines.push(`plugin_cache_dir = ${JSON.stringify(mirror)}`);
    lines.push('plugin_cache_may_break_dependency_lock_file = true');
  }
  fs.writeFileSync(cli, lines.join('\n') + '\n');
  const env = {
    ...baseEnv,
    TF_CLI_CONFIG_FILE: cli,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: 'fake-secret-key-for-offline-plan',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const steps: Array<[string, string[]]> = [
    ['init', ['init', '-input=false', '-no-color']],
    ['validate', ['validate', '-no-color']],
    ['plan', ['plan', '-input=false', '-no-color', '-refresh=false', '-lock=false']],
  ];
  const started = Date.now();
  for (const [label, cmdArgs] of steps) {
    const r = await run('terraform', cmdArgs, dir, env);
    if (r.code !== 0) return { ok: false, step: label, out: r.out };
    if (label === 'plan') {
      const m = r.out.match(/Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/);
      return { ok: true, summary: m ? m[0] : 'no changes', seconds: ((Date.now() - started) / 1000).toFixed(1) };
    }
  }
  return { ok: true };
}

async function main(): Promise<number> {
  const tf = findTerraform();
  if (!tf) {
    log('tf-check: SKIPPED every configuration: terraform is not on the PATH (install Terraform >= 1.5 to run this check).');
    return 0;
  }
  const mirror = findMirror();
  log(`tf-check: ${tf}; provider mirror: ${mirror ?? 'none found (providers are downloaded from the registry)'}`);
  if (!noSynth) {
    synth(path.join(root, 'dist', 'main.js'), path.join(work, 'app'));
    synth(path.join(root, 'dist', 'fixtures', 'main.js'), path.join(work, 'fixtures'));
  }
  const stacks = [
    ...stacksIn(path.join(work, 'app')).map((s) => ({ ...s, name: `app-${s.name}` })),
    ...stacksIn(path.join(work, 'fixtures')),
  ].filter((s) => !only || s.name.includes(only));

  const toCheck: Stack[] = [];
  const skipped: Array<{ name: string; why: string }> = [];
  for (const s of stacks) {
    const config = JSON.parse(fs.readFileSync(s.file, 'utf8')) as TerraformConfig;
    const required = (config.terraform && config.terraform.required_providers) || {};
    const missing = mirror && !online
      ? Object.entries(required).filter(([n, p]) => !inMirror(mirror, p.source || n, p.version)).map(([n, p]) => `${p.source || n} ${p.version || ''}`.trim())
      : [];
    if (missing.length) skipped.push({ name: s.name, why: `providers not available offline: ${missing.join(', ')}` });
    else toCheck.push(s);
  }

  let failed = 0;
  const results: Array<{ s: Stack; r: CheckResult }> = [];
  // Two at a time: each plan starts a provider process.
  const queue = [...toCheck];
  async function worker(): Promise<void> {
    while (queue.length) {
      const s = queue.shift()!;
      const r = await check(s, mirror);
      results.push({ s, r });
      if (r.ok) log(`  checked  ${s.name}: init, validate, plan ok (${r.summary}, ${r.seconds}s)`);
      else {
        failed++;
        log(`  FAILED   ${s.name}: terraform ${r.step} failed\n${r.out.split('\n').map((l) => `    | ${l}`).join('\n')}`);
      }
    }
  }
  await Promise.all([worker(), worker()]);
  for (const k of skipped) log(`  skipped  ${k.name}: ${k.why}`);
  log(`tf-check: ${toCheck.length - failed} passed, ${failed} failed, ${skipped.length} skipped`);
  if (failed) return 1;
  if (toCheck.length === 0) {
    log('tf-check: nothing could be checked; at least one AWS-only configuration is expected (fixtures/aws).');
    return 1;
  }
  return 0;
}

if (require.main === module) {
  main().then((code) => process.exit(code), (err: unknown) => {
    log(`tf-check: ${(err instanceof Error && err.stack) || err}`);
    process.exit(1);
  });
}
