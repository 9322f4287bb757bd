/**
 * The droplet agent (lib/app-service/runtimes/droplet/agent/erp-agent.sh), run
 * for real with bash against the releases the runtime synthesizes: the objects
 * are read from the synthesized `aws_s3_object` resources, served by a test
 * store that checks each request's AWS signature, and `docker` is a recording
 * stub (no engine runs here) that keeps the containers it was asked to run.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { execFile } from 'child_process';
import { createHash } from 'crypto';
import { Testing, TerraformStack } from 'cdktf';
import { mkdirSync, mkdtempSync, readFileSync, existsSync, writeFileSync, rmSync, readdirSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ErpAppService, ErpAppServiceProps } from '../lib/app-service/app-service';
import { DropletRuntime } from '../lib/app-service/runtimes/droplet/droplet-runtime';
import { S3ReleaseStore } from '../lib/app-service/runtimes/droplet/release-store';
import { DatabaseEngineFamily } from '../lib/common/contracts';
import { DoRegion } from '../lib/common/region';
import { FakeDatabase, FakeTunnel, FakeVault } from './app-service-fakes';
import { TestStore } from './agent/store';
import { AppSecret } from '../lib/app-service/secret';

const AGENT = join(__dirname, '..', 'lib', 'app-service', 'runtimes', 'droplet', 'agent', 'erp-agent.sh');
const STUB = join(__dirname, 'agent', 'docker-stub.js');
const BUCKET = 'erp-test-releases';

interface Variant {
  readonly webImage?: string;
  readonly tunnelToken?: string;
  /** The app's time zone: its scheduled job becomes a systemd timer. */
  readonly timeZone?: string;
  /** Back the database up (a job of several stages, and its restore). */
  readonly backups?: boolean;
}

/** Synthesizes the app and returns the text of every release object of its droplet, by key, as Terraform writes it. */
function release(alertUrl: string, v: Variant = {}): Record<string, string> {
  const stack = new TerraformStack(Testing.app(), 'dev');
  new DigitaloceanProvider(stack, 'digitalocean', {});
  new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
  const store = new S3ReleaseStore(stack, 'Releases', { name: 'erp-test' });
  const runtime = new DropletRuntime(stack, 'Runtime', {
    region: DoRegion.FRA1, releaseStore: store, sshKeys: ['41234567'], healthTimeoutSeconds: 10, rolloutAlertUrl: alertUrl,
  });
  const props: ErpAppServiceProps = {
    name: 'erp',
    runtime,
    processes: {
      web: { image: v.webImage ?? 'ghcr.io/acme/erp:2.4.1', port: 8080, replicas: 2, healthCheck: { path: '/up' } },
      workers: [{ name: 'queue', image: v.webImage ?? 'ghcr.io/acme/erp:2.4.1', command: ['php', 'artisan', 'queue:work'] }],
      scheduler: { entries: [{ name: 'report', schedule: '0 6 * * *', command: ['php', 'artisan', 'report'] }] },
      release: { command: ['php', 'artisan', 'migrate', '--force'] },
      services: [{ name: 'pma', image: 'phpmyadmin:5.2', port: 80 }],
    },
    ...(v.timeZone ? { timeZone: v.timeZone } : {}),
    secrets: { APP_KEY: AppSecret.unsafePlainText('base64:c2VjcmV0LWtleS1mb3ItdGVzdHM=') },
  };
  const app = new ErpAppService(stack, 'App', props);
  app.connectTo(new FakeDatabase(DatabaseEngineFamily.MYSQL));
  const tunnel = new FakeTunnel();
  if (v.tunnelToken) (tunnel.connector as { token: string }).token = v.tunnelToken;
  app.serveThrough(tunnel);
  if (v.backups) app.backupTo(new FakeVault());
  const synth = JSON.parse(Testing.synth(stack));
  const objects: Record<string, string> = {};
  for (const o of Object.values<any>(synth.resource.aws_s3_object)) {
    const text = String(o.content).replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
    objects[o.key] = text;
  }
  // literal text only: nothing for Terraform to fill in, so this is exactly what the store holds
  expect(objects['erp-1/manifest']).not.toMatch(/\$\{/);
  return objects;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, timeout: 60000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('the droplet agent, run with bash against a release store', () => {
  let store: TestStore;
  let url: string;
  let dir: string;
  let logLines = 0;
  const stubEnv: Record<string, string> = {};

  const paths = () => ({
    state: join(dir, 'state'), cron: join(dir, 'cron'), log: join(dir, 'docker.log'), stub: join(dir, 'stub.json'),
    systemd: join(dir, 'systemd'), systemctl: join(dir, 'systemctl'), systemctlLog: join(dir, 'systemctl.log'),
  });
  /** What the agent asked systemctl since the last call. */
  const systemctlCalls = (): string[] => {
    const file = paths().systemctlLog;
    const lines = existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    rmSync(file, { force: true });
    return lines;
  };

  function publish(objects: Record<string, string>): void {
    for (const [key, text] of Object.entries(objects)) store.objects.set(key, text);
  }

  async function agent(command: string[] = ['converge'], secret = 'agent-secret/with+signs'): Promise<{ code: number; stderr: string; stdout: string; calls: string[] }> {
    const p = paths();
    const conf = join(dir, 'agent.env');
    writeFileSync(conf, [
      "ERP_APP='erp'", `ERP_STORE_URL='${url}/${BUCKET}/erp-1'`, "ERP_STORE_REGION='eu-central-1'",
      "ERP_STORE_KEY_ID='AKIAAGENTTEST'", `ERP_STORE_SECRET='${secret}'`, '',
    ].join('\n'));
    const r = await run('bash', [AGENT, ...command], {
      PATH: process.env.PATH, ERP_AGENT_CONF: conf, ERP_STATE_DIR: p.state, ERP_CRON_DIR: p.cron, ERP_DOCKER: STUB,
      ERP_SYSTEMD_DIR: p.systemd, ERP_SYSTEMCTL: p.systemctl, SYSTEMCTL_LOG: p.systemctlLog,
      ERP_HEALTH_POLL_SECONDS: '1', STUB_LOG: p.log, STUB_STATE: p.stub, STUB_YAML: require.resolve('yaml'), ...stubEnv,
    });
    const all = existsSync(p.log) ? readFileSync(p.log, 'utf8').split('\n').filter(Boolean) : [];
    const calls = all.slice(logLines);
    logLines = all.length;
    return { ...r, calls };
  }

  const containers = (): Array<{ id: string; service: string; image: string; running: boolean }> =>
    JSON.parse(readFileSync(paths().stub, 'utf8')).containers;
  const status = () => JSON.parse(store.objects.get('erp-1/status.json') ?? '{}');
  const current = () => readdirSync(join(paths().state, 'releases')).length && require('fs').readlinkSync(join(paths().state, 'current'));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'erp-agent-'));
    mkdirSync(paths().cron);
    mkdirSync(paths().systemd);
    // systemctl records what it is asked (no systemd runs here)
    writeFileSync(paths().systemctl, '#!/bin/sh\necho "$*" >> "$SYSTEMCTL_LOG"\n', { mode: 0o755 });
    store = new TestStore(BUCKET, 'eu-central-1', 'AKIAAGENTTEST', 'agent-secret/with+signs');
    url = await store.start();
  });

  afterAll(async () => {
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the agent signs its requests with AWS Signature Version 4, and a wrong secret reads nothing', async () => {
    publish(release(`${url}/alert`));
    const r = await agent(['converge'], 'not-the-secret');
    expect(r.calls).toEqual([]);
    expect(store.requests.map((q) => q.status)).toEqual([403]);
    expect(existsSync(join(paths().state, 'current'))).toBe(false);
  });

  test('a first release pulls, runs the release command once, starts every process and installs the cron table', async () => {
    store.requests.length = 0;
    const r = await agent();
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(store.requests.filter((q) => q.status !== 200)).toEqual([]);
    const compose = 'compose -p erp -f';
    expect(r.calls.filter((c) => c.includes(' pull '))).toHaveLength(1);
    expect(r.calls.filter((c) => / run --rm release$/.test(c))).toHaveLength(1);
    expect(r.calls.every((c) => c.startsWith(compose) || /^(inspect|stop|rm) /.test(c))).toBe(true);
    const running = containers().filter((c) => c.running);
    expect(running.filter((c) => c.service === 'web')).toHaveLength(2);
    expect(running.map((c) => c.service).sort()).toEqual(['cloudflared', 'pma', 'queue', 'redis', 'web', 'web']);
    expect(readFileSync(join(paths().cron, 'erp'), 'utf8')).toMatch(/^0 6 \* \* \* root flock -n \/run\/lock\/erp-report\.lock docker compose -p erp -f \/var\/lib\/erp-agent\/current\/compose\.yaml run --rm --no-deps report /m);
    expect(status().lastRollout).toMatchObject({ state: 'succeeded' });
    expect(status().label).toBe('ghcr.io/acme/erp:2.4.1');
    expect(status().running).toBe(store.objects.get('erp-1/manifest')!.match(/^release (\w+)$/m)![1]);
    // the secrets reached the env files of the release, readable by root only
    const envFile = join(paths().state, 'current', 'env', 'app.env');
    expect(readFileSync(envFile, 'utf8')).toContain("APP_KEY='base64:c2VjcmV0LWtleS1mb3ItdGVzdHM='");
    expect(require('fs').statSync(envFile).mode & 0o077).toBe(0);
  });

  test('a second run with nothing new does nothing', async () => {
    const before = JSON.stringify(containers());
    store.requests.length = 0;
    const r = await agent();
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([]);
    expect(store.requests).toEqual([{ method: 'GET', key: 'erp-1/manifest', status: 200 }]);
    expect(JSON.stringify(containers())).toBe(before);
  });

  test('a new image tag runs the release command once, starts the new web beside the old and retires the old once healthy', async () => {
    const oldWeb = containers().filter((c) => c.service === 'web').map((c) => c.id);
    const before = current();
    publish(release(`${url}/alert`, { webImage: 'ghcr.io/acme/erp:2.4.2' }));
    const r = await agent();
    expect(r.code).toBe(0);
    expect(r.calls.filter((c) => / run --rm release$/.test(c))).toHaveLength(1);
    const up = r.calls.findIndex((c) => / up -d --no-deps --no-recreate --scale web=4 web$/.test(c));
    const stop = r.calls.findIndex((c) => c === `stop ${oldWeb.join(' ')}`);
    const inspected = r.calls.findIndex((c) => c.startsWith('inspect '));
    expect(up).toBeGreaterThanOrEqual(0);
    expect(inspected).toBeGreaterThan(up);
    expect(stop).toBeGreaterThan(inspected);
    const web = containers().filter((c) => c.service === 'web');
    expect(web.map((c) => c.image)).toEqual(['ghcr.io/acme/erp:2.4.2', 'ghcr.io/acme/erp:2.4.2']);
    expect(containers().find((c) => c.service === 'queue')!.image).toBe('ghcr.io/acme/erp:2.4.2');
    // the unchanged ones were left alone
    expect(r.calls.some((c) => / (redis|pma|cloudflared)$/.test(c) && c.includes(' up '))).toBe(false);
    expect(current()).not.toBe(before);
    expect(status().label).toBe('ghcr.io/acme/erp:2.4.2');
  });

  test('a changed secret restarts only the processes that read it, and runs no release command', async () => {
    publish(release(`${url}/alert`, { webImage: 'ghcr.io/acme/erp:2.4.2', tunnelToken: 'ROTATED-TUNNEL-TOKEN' }));
    const r = await agent();
    expect(r.code).toBe(0);
    const started = r.calls.filter((c) => c.includes(' up ')).map((c) => c.split(' ').pop());
    expect(started).toEqual(['cloudflared']);
    expect(r.calls.some((c) => c.includes(' run --rm'))).toBe(false);
    expect(readFileSync(join(paths().state, 'current', 'env', 'tunnel.env'), 'utf8')).toContain('ROTATED-TUNNEL-TOKEN');
  });

  test('a new version that does not become healthy is removed, the previous release keeps running and the failure is reported', async () => {
    const before = current();
    const oldWeb = containers().filter((c) => c.service === 'web').map((c) => c.id);
    stubEnv.STUB_UNHEALTHY = 'ghcr.io/acme/erp:2.5.0';
    publish(release(`${url}/alert`, { webImage: 'ghcr.io/acme/erp:2.5.0', tunnelToken: 'ROTATED-TUNNEL-TOKEN' }));
    const r = await agent();
    expect(r.code).toBe(0);
    const web = containers().filter((c) => c.service === 'web');
    expect(web.map((c) => c.id)).toEqual(oldWeb);
    expect(web.every((c) => c.running && c.image === 'ghcr.io/acme/erp:2.4.2')).toBe(true);
    // workers wait for web: the queue still runs the previous version
    expect(containers().find((c) => c.service === 'queue')!.image).toBe('ghcr.io/acme/erp:2.4.2');
    expect(current()).toBe(before);
    expect(status().lastRollout).toMatchObject({ state: 'failed' });
    expect(status().lastRollout.detail).toMatch(/web did not become healthy within 10s/);
    expect(store.alerts).toHaveLength(1);
    expect(JSON.parse(store.alerts[0]).lastRollout.state).toBe('failed');
    // the failed release is not tried again at every poll
    const again = await agent();
    expect(again.calls).toEqual([]);
    delete stubEnv.STUB_UNHEALTHY;
  });

  test('a release command that fails changes nothing and is reported', async () => {
    const before = JSON.stringify(containers());
    stubEnv.STUB_RUN_FAIL = 'release';
    publish(release(`${url}/alert`, { webImage: 'ghcr.io/acme/erp:2.5.2', tunnelToken: 'ROTATED-TUNNEL-TOKEN' }));
    const r = await agent();
    expect(r.code).toBe(0);
    expect(r.calls.filter((c) => c.includes(' up '))).toEqual([]);
    expect(JSON.stringify(containers())).toBe(before);
    expect(status().lastRollout).toMatchObject({ state: 'failed', detail: expect.stringMatching(/^the release command failed; still running \w+/) });
    expect(store.alerts).toHaveLength(2);
    delete stubEnv.STUB_RUN_FAIL;
  });

  test('rollback goes back to the previous release and holds the one it left until another is published', async () => {
    // a good release first, then back to the one before it
    publish(release(`${url}/alert`, { webImage: 'ghcr.io/acme/erp:2.5.1', tunnelToken: 'ROTATED-TUNNEL-TOKEN' }));
    expect((await agent()).code).toBe(0);
    expect(status().label).toBe('ghcr.io/acme/erp:2.5.1');
    const r = await agent(['rollback']);
    expect(r.code).toBe(0);
    expect(containers().filter((c) => c.service === 'web').map((c) => c.image)).toEqual(['ghcr.io/acme/erp:2.4.2', 'ghcr.io/acme/erp:2.4.2']);
    expect(status().label).toBe('ghcr.io/acme/erp:2.4.2');
    expect((await agent()).calls).toEqual([]);
  });
  test('a release with registry credentials runs docker with DOCKER_CONFIG pointing at them, readable by root only', async () => {
    const objects = release(`${url}/alert`, { webImage: 'ghcr.io/acme/erp:2.6.0', tunnelToken: 'ROTATED-TUNNEL-TOKEN' });
    const config = '{"auths":{"ghcr.io":{"auth":"YWNtZS1kZXBsb3k6dG9rZW4="}}}\n';
    objects['erp-1/docker/config.json'] = config;
    const sha = createHash('sha256').update(config).digest('hex');
    objects['erp-1/manifest'] = objects['erp-1/manifest'].replace(/^release \w+$/m, 'release withregistry1').replace(/\n$/, `\nfile docker/config.json ${sha}\n`);
    publish(objects);
    const r = await agent();
    expect(r.code).toBe(0);
    const pulls = r.calls.filter((c) => c.includes(' pull '));
    expect(pulls).toEqual([expect.stringMatching(/^\[DOCKER_CONFIG=.*\/releases\/withregistry1\/docker\] compose -p erp -f .* pull --quiet --ignore-buildable/)]);
    expect(r.calls.filter((c) => c.includes(' up ')).every((c) => c.startsWith('[DOCKER_CONFIG='))).toBe(true);
    expect(require('fs').statSync(join(paths().state, 'releases', 'withregistry1', 'docker', 'config.json')).mode & 0o077).toBe(0);
  });

  test('a release in America/Lima installs the job as a systemd timer, starts it, and takes it out of the cron table', async () => {
    systemctlCalls();
    publish(release(`${url}/alert`, { webImage: 'ghcr.io/acme/erp:2.5.1', tunnelToken: 'ROTATED-TUNNEL-TOKEN', timeZone: 'America/Lima' }));
    const r = await agent();
    expect(r.code).toBe(0);
    expect(status().lastRollout).toMatchObject({ state: 'succeeded' });
    expect(readdirSync(paths().systemd).sort()).toEqual(['erp-job-erp-report.service', 'erp-job-erp-report.timer']);
    const timer = readFileSync(join(paths().systemd, 'erp-job-erp-report.timer'), 'utf8');
    expect(timer).toContain('\nOnCalendar=*-*-* 06:00:00 America/Lima\n');
    expect(require('fs').statSync(join(paths().systemd, 'erp-job-erp-report.timer')).mode & 0o777).toBe(0o644);
    expect(readFileSync(join(paths().systemd, 'erp-job-erp-report.service'), 'utf8')).toContain(
      'ExecStart=/usr/bin/docker compose -p erp -f /var/lib/erp-agent/current/compose.yaml run --rm --no-deps report\n');
    expect(systemctlCalls()).toEqual(['daemon-reload', 'enable erp-job-erp-report.timer', 'restart erp-job-erp-report.timer']);
    // the release has no job in UTC left: no cron table
    expect(existsSync(join(paths().cron, 'erp'))).toBe(false);
  });

  test('a run with nothing new asks systemd nothing, and puts back a timer that is missing (an older agent rolled out its release)', async () => {
    expect((await agent()).code).toBe(0);
    expect(systemctlCalls()).toEqual([]);
    rmSync(join(paths().systemd, 'erp-job-erp-report.timer'));
    const r = await agent();
    expect(r.code).toBe(0);
    expect(r.calls).toEqual([]);
    expect(systemctlCalls()).toEqual(['daemon-reload', 'enable erp-job-erp-report.timer', 'restart erp-job-erp-report.timer']);
    expect(existsSync(join(paths().systemd, 'erp-job-erp-report.timer'))).toBe(true);
  });

  test('back in UTC, the timer is stopped and removed and the job is back in the cron table', async () => {
    publish(release(`${url}/alert`, { webImage: 'ghcr.io/acme/erp:2.5.1', tunnelToken: 'ROTATED-TUNNEL-TOKEN' }));
    const r = await agent();
    expect(r.code).toBe(0);
    expect(systemctlCalls()).toEqual(['disable --now erp-job-erp-report.timer', 'daemon-reload']);
    expect(readdirSync(paths().systemd)).toEqual([]);
    expect(readFileSync(join(paths().cron, 'erp'), 'utf8')).toMatch(/^0 6 \* \* \* root flock -n \/run\/lock\/erp-report\.lock /m);
  });
  test('a release with backups makes the scratch folder of each job, owned by the stages\' user, and cron starts the backup through erp-agent run', async () => {
    publish(release(`${url}/alert`, { backups: true }));
    const r = await agent();
    expect(r.code).toBe(0);
    const scratch = join(paths().state, 'data', 'scratch', 'backup');
    const st = statSync(scratch);
    expect(st.mode & 0o777).toBe(0o700);
    if (process.getuid?.() === 0) expect([st.uid, st.gid]).toEqual([999, 999]);
    expect(existsSync(join(paths().state, 'data', 'scratch', 'backup-restore'))).toBe(true);
    const cron = readFileSync(join(paths().cron, 'erp'), 'utf8');
    expect(cron).toMatch(/^0 2 \* \* \* root flock -n \/run\/lock\/erp-backup\.lock \/usr\/local\/sbin\/erp-agent run backup 2>&1/m);
    expect(cron).not.toContain('restore');
  });

  test('erp-agent run starts a job\'s stages in order with the variables given, and every stage runs even after one fails', async () => {
    const restore = ['backup-restore.fetch', 'backup-restore.safety-dump', 'backup-restore.keep-safety', 'backup-restore.load', 'backup-restore'];
    const runs = (calls: string[]) => calls.filter((c) => c.includes(' run --rm ')).map((c) => c.replace(/^compose -p erp -f \S+ run --rm --no-deps /, ''));
    let r = await agent(['run', 'backup-restore', 'RESTORE_AT=2026-12-01']);
    expect(r.code).toBe(0);
    expect(runs(r.calls)).toEqual(restore.map((svc) => `-e RESTORE_AT=2026-12-01 ${svc}`));
    stubEnv.STUB_RUN_FAIL = 'backup-restore.fetch';
    r = await agent(['run', 'backup-restore']);
    expect(runs(r.calls)).toEqual(restore);
    expect(r.code).toBe(0);
    stubEnv.STUB_RUN_FAIL = 'backup-restore';
    r = await agent(['run', 'backup-restore']);
    expect(r.code).toBe(1);
    delete stubEnv.STUB_RUN_FAIL;
  });

  test('fails to run a job the release does not have, or a request that is not VAR=value', async () => {
    publish(release(`${url}/alert`, { backups: true }));
    expect((await agent()).code).toBe(0);
    let r = await agent(['run', 'nightly']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('the current release has no job nightly (report backup backup-restore )');
    expect(r.calls).toEqual([]);
    r = await agent(['run', 'backup-restore', '--at', '2026-12-01']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--at is not VAR=value');
  });
});
