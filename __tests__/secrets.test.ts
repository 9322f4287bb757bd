/**
 * App secrets: from a sensitive variable or generated, on every runtime,
 * reaching only the processes that read them and never in plain text in the
 * synthesized JSON; literal values refused; the description's secrets.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { App, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import * as YAML from 'yaml';
import { AppSecret, ErpAppService, IAppRuntime, ProcessModel, SecretEncoding } from '../lib/app-service';
import { DockerRuntime } from '../lib/app-service/runtimes/docker/docker-runtime';
import { DropletRuntime } from '../lib/app-service/runtimes/droplet/droplet-runtime';
import { KubernetesCluster } from '../lib/app-service/runtimes/kubernetes/kubernetes-cluster';
import { KubernetesRuntime } from '../lib/app-service/runtimes/kubernetes/kubernetes-runtime';
import { DoRegion } from '../lib/common/region';
import { AppDescription, LARAVEL_INVOICING_EXAMPLE, buildStacks, validateAppDescription } from '../stacks';
import { releaseObjects, releaseStore } from './app-service-fakes';

type Json = Record<string, any>;

const MODEL = (stack: TerraformStack): ProcessModel => ({
  processes: {
    web: { image: 'ghcr.io/acme/invoicing:5.0.0', port: 8080, healthCheck: { path: '/up' } },
    workers: [{ name: 'queue', command: ['php', 'artisan', 'queue:work'] }],
    services: [{ name: 'pma', image: 'phpmyadmin:5.2.1', port: 80 }],
  },
  secrets: {
    MAIL_PASSWORD: AppSecret.fromVariable(new TerraformVariable(stack, 'mail_password', { type: 'string', sensitive: true })),
    APP_KEY: AppSecret.generate({ bytes: 32, encoding: SecretEncoding.BASE64, prefix: 'base64:' }),
    SIGNING_TOKEN: AppSecret.generate({ length: 48, encoding: SecretEncoding.ALPHANUMERIC }),
  },
});

function synthOn(kind: 'droplet' | 'kubernetes' | 'docker'): Json {
  const stack = new TerraformStack(Testing.app(), kind);
  new RandomProvider(stack, 'random', {});
  let runtime: IAppRuntime;
  if (kind === 'droplet') {
    new DigitaloceanProvider(stack, 'digitalocean', {});
    new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
    runtime = new DropletRuntime(stack, 'Runtime', { region: DoRegion.FRA1, sshKeys: ['41234567'], releaseStore: releaseStore(stack) });
  } else if (kind === 'kubernetes') {
    const cluster = KubernetesCluster.fromClusterName(stack, 'Cluster', { name: 'invoicing-ha', region: DoRegion.FRA1 });
    runtime = new KubernetesRuntime(stack, 'Runtime', { cluster });
  } else {
    new DockerProvider(stack, 'docker', {});
    runtime = new DockerRuntime(stack, 'Runtime', { hostPort: 8081 });
  }
  new ErpAppService(stack, 'App', { name: 'invoicing', runtime, ...MODEL(stack) });
  return JSON.parse(Testing.synth(stack));
}

const VARIABLE_REF = '${var.mail_password}';
const KEY_REF = /^base64:\$\{random_bytes\.App_Secret-APP_KEY_[0-9A-F]{8}\.base64\}$/;
const TOKEN_REF = /^\$\{random_password\.App_Secret-SIGNING_TOKEN_[0-9A-F]{8}\.result\}$/;

describe('app secrets', () => {
  test('generated secrets are random resources of the app: 32 bytes in base64 with a prefix, 48 letters and digits', () => {
    const synth = synthOn('droplet');
    expect(Object.values<Json>(synth.resource.random_bytes)).toEqual([expect.objectContaining({ length: 32 })]);
    expect(Object.values<Json>(synth.resource.random_password)).toEqual([expect.objectContaining({ length: 48, special: false })]);
    expect(synth.variable.mail_password.sensitive).toBe(true);
  });

  test('on droplets they reach the app env file of the release, read by app code only, and appear nowhere else', () => {
    const synth = synthOn('droplet');
    const release = releaseObjects(synth, 'invoicing-1');
    const env = Object.fromEntries(release['env/app.env'].split('\n').filter((l) => l.includes('=')).map((l) => [l.split('=')[0], l.slice(l.indexOf('=') + 2, -1)]));
    expect(env.MAIL_PASSWORD).toBe(VARIABLE_REF);
    expect(env.APP_KEY).toMatch(KEY_REF);
    expect(env.SIGNING_TOKEN).toMatch(TOKEN_REF);
    const compose = YAML.parse(release['compose.yaml'], { version: '1.1' });
    expect(compose.services.web.env_file).toEqual(['env/app.env']);
    expect(compose.services.queue.env_file).toEqual(['env/app.env']);
    expect(compose.services.pma.env_file).toBeUndefined();
    // only the env file refers to them
    const rest = JSON.parse(JSON.stringify(synth));
    for (const o of Object.values<Json>(rest.resource.aws_s3_object)) if (String(o.key).endsWith('/env/app.env')) delete o.content;
    const text = JSON.stringify(rest);
    expect(text).not.toContain('var.mail_password');
    expect(text).not.toMatch(/random_bytes\.[^"]*\.base64/);
  });

  test('on Kubernetes they are in the app Secret, read by app code through secret references, never in a ConfigMap or a plain env value', () => {
    const synth = synthOn('kubernetes');
    const secret = Object.values<Json>(synth.resource.kubernetes_secret_v1).find((s) => s.metadata.name === 'invoicing-app')!;
    expect(secret.data.MAIL_PASSWORD).toBe(VARIABLE_REF);
    expect(secret.data.APP_KEY).toMatch(KEY_REF);
    const deployments = Object.values<Json>(synth.resource.kubernetes_deployment_v1);
    const envFrom = (name: string) => JSON.stringify(deployments.find((d) => d.metadata.name === name)!.spec.template.spec.container);
    expect(envFrom('web')).toContain('secret_ref');
    expect(envFrom('pma')).not.toContain('invoicing-app');
    const elsewhere = JSON.stringify({ ...synth.resource, kubernetes_secret_v1: undefined });
    expect(elsewhere).not.toContain('var.mail_password');
    expect(elsewhere).not.toMatch(/random_bytes\.[^"]*\.base64/);
  });

  test('on a local Docker engine they are in the environment of app-code containers only, as references', () => {
    const synth = synthOn('docker');
    const containers = synth.resource.docker_container as Record<string, Json>;
    const env = (key: string) => Object.entries(containers).find(([k]) => k.startsWith(`Runtime_Container-${key}_`))![1].env as string[];
    expect(env('web')).toContain(`MAIL_PASSWORD=${VARIABLE_REF}`);
    expect(env('queue').some((e) => KEY_REF.test(e.replace(/^APP_KEY=/, '')))).toBe(true);
    expect(env('pma') ?? []).not.toContain(`MAIL_PASSWORD=${VARIABLE_REF}`);
  });

  test('fails on a literal secret value, naming the way to give it, without echoing it', () => {
    const stack = new TerraformStack(Testing.app(), 'dev');
    const runtime = new DockerRuntime(stack, 'Runtime', { hostPort: 8081 });
    const make = () => new ErpAppService(stack, 'App', {
      name: 'invoicing', runtime, processes: { web: { image: 'nginx:1.27', port: 80 } }, secrets: { DB_PASS: 'hunter2hunter2' },
    });
    expect(make).toThrow(/secrets\.DB_PASS: is literal text: it would be written in plain text into the synthesized JSON.*AppSecret\.fromVariable/);
    expect(make).not.toThrow(/hunter2/);
  });

  test('fails on a reference that is not one and on generated sizes out of range', () => {
    const stack = new TerraformStack(Testing.app(), 'dev');
    const runtime = new DockerRuntime(stack, 'Runtime', { hostPort: 8081 });
    let message = '';
    try {
      new ErpAppService(stack, 'App', {
        name: 'invoicing', runtime, processes: { web: { image: 'nginx:1.27', port: 80 } },
        secrets: { A: AppSecret.fromReference('plain'), B: AppSecret.generate({ bytes: 8 }), C: AppSecret.generate({ length: 5000 }) },
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/secrets\.A: is literal text, not a reference/);
    expect(message).toMatch(/secrets\.B\.bytes: .*16 to 1024/);
    expect(message).toMatch(/secrets\.C\.length: .*16 to 1024/);
  });
});

describe('the description\'s secrets', () => {
  const withSecrets = (secrets: unknown, extra: Record<string, unknown> = {}): unknown => ({ ...LARAVEL_INVOICING_EXAMPLE, secrets, ...extra });

  test('the built-in Laravel example gets a generated APP_KEY in every stack', () => {
    const app = Testing.app() as App;
    for (const stack of buildStacks(app, LARAVEL_INVOICING_EXAMPLE, {})) {
      if (stack.node.id === 'ha-platform') continue;
      const synth = JSON.parse(Testing.synth(stack));
      expect([stack.node.id, Object.values<Json>(synth.resource.random_bytes ?? {}).map((b) => b.length)]).toEqual([stack.node.id, [32]]);
      expect([stack.node.id, JSON.stringify(synth)]).toEqual([stack.node.id, expect.stringMatching(/APP_KEY.{0,40}base64:\$\{random_bytes\./)]);
    }
  });

  test('a variable secret becomes one sensitive variable, named with its TF_VAR_ in the description', () => {
    const d = validateAppDescription(withSecrets({ MAIL_PASSWORD: { variable: 'mail_password' }, SMTP_PASS: { variable: 'mail_password' } })) as AppDescription;
    const app = Testing.app() as App;
    const [dev] = buildStacks(app, d, { TF_VAR_mail_password: 'set' });
    const synth = JSON.parse(Testing.synth(dev));
    expect(synth.variable.mail_password).toMatchObject({ type: 'string', sensitive: true, nullable: false });
    expect(synth.variable.mail_password.description).toContain('TF_VAR_mail_password');
  });

  test('the backup heartbeat URL comes from a sensitive variable and reaches the backup jobs\' secrets only', () => {
    const d = validateAppDescription({ ...LARAVEL_INVOICING_EXAMPLE, backups: { heartbeat: { variable: 'backup_heartbeat_url' } } }) as AppDescription;
    const [dev] = buildStacks(Testing.app() as App, d, { TF_VAR_backup_heartbeat_url: 'https://hc-ping.com/set' });
    const synth = JSON.parse(Testing.synth(dev));
    expect(synth.variable.backup_heartbeat_url).toMatchObject({ type: 'string', sensitive: true, nullable: false });
    const releases = Object.values<Json>(synth.resource.aws_s3_object).filter((o) => String(o.content).includes('${var.backup_heartbeat_url}'));
    expect(releases.map((o) => o.key).sort()).toEqual(['facturador-dev-1/env/backup-backup.env', 'facturador-dev-1/env/restore-backup.env']);
    expect(() => buildStacks(Testing.app() as App, d, {})).toThrow(/backups\.heartbeat\.variable: TF_VAR_backup_heartbeat_url is not set/);
  });

  test('fails when a variable secret is not set and the state is local, naming TF_VAR_; a cloud backend leaves it to the workspace', () => {
    const d = validateAppDescription(withSecrets({ MAIL_PASSWORD: { variable: 'mail_password' } })) as AppDescription;
    expect(() => buildStacks(Testing.app() as App, d, {})).toThrow(/secrets\.MAIL_PASSWORD\.variable: TF_VAR_mail_password is not set.*export TF_VAR_mail_password/);
    expect(() => buildStacks(Testing.app() as App, d, { ERP_TF_BACKEND: 'cloud', TF_CLOUD_ORGANIZATION: 'acme' })).not.toThrow();
  });

  test('fails on a secret value, on a secret with both or neither source, on a bad variable name and on a generated size out of range', () => {
    let message = '';
    try {
      validateAppDescription(withSecrets({
        LITERAL: 'hunter2hunter2', BOTH: { variable: 'x_y', generate: {} }, NEITHER: {}, BADVAR: { variable: 'Mail-Password' },
        SHORT: { generate: { bytes: 4, encoding: 'base32' } },
      }));
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/secrets\.LITERAL: is a value: the description holds no secret values/);
    expect(message).not.toContain('hunter2');
    expect(message).toMatch(/secrets\.BOTH: .*needs exactly one of variable and generate/);
    expect(message).toMatch(/secrets\.NEITHER: .*needs exactly one of variable and generate/);
    expect(message).toMatch(/secrets\.BADVAR\.variable/);
    expect(message).toMatch(/secrets\.SHORT\.generate\.bytes: .*16 to 1024/);
    expect(message).toMatch(/secrets\.SHORT\.generate\.encoding: .*is not an encoding/);
  });

  test('fails on secret-looking names and credential-shaped values in the plain environment', () => {
    let message = '';
    try {
      validateAppDescription({
        ...LARAVEL_INVOICING_EXAMPLE,
        environment: { SMTP_PASS: 'x', APP_KEY: 'y', AWS_ID: 'AKIAABCDEFGHIJKLMNOP', DATABASE_URL: 'mysql://u:p4ss@db:3306/x', LOG_LEVEL: 'debug' },
      });
    } catch (err) {
      message = (err as Error).message;
    }
    for (const k of ['SMTP_PASS', 'APP_KEY', 'AWS_ID', 'DATABASE_URL']) expect(message).toMatch(new RegExp(`environment\\.${k}: .*looks like a secret`));
    expect(message).not.toMatch(/LOG_LEVEL/);
    expect(message).toMatch(/TF_VAR_smtp_pass/);
  });
});
