/**
 * Private images: DigitalOcean Container Registry and a registry with a token,
 * their credentials wired where each runtime pulls.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { App, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { AppSecret, ErpAppService, IAppRuntime, ImageRegistry } from '../lib/app-service';
import { DockerRuntime } from '../lib/app-service/runtimes/docker/docker-runtime';
import { DropletRuntime } from '../lib/app-service/runtimes/droplet/droplet-runtime';
import { KubernetesCluster } from '../lib/app-service/runtimes/kubernetes/kubernetes-cluster';
import { KubernetesRuntime } from '../lib/app-service/runtimes/kubernetes/kubernetes-runtime';
import { DoRegion } from '../lib/common/region';
import { LARAVEL_INVOICING_EXAMPLE, buildStacks, validateAppDescription } from '../stacks';
import { releaseObjects, releaseStore } from './app-service-fakes';

type Json = Record<string, any>;

const DOCR_AUTH = /^\$\{lookup\(lookup\(jsondecode\(digitalocean_container_registry_docker_credentials\.App_Registry_[0-9A-F]{8}\.docker_credentials\), "auths", \{\}\), "registry\.digitalocean\.com", \{\}\)\.auth\}$/;
const GHCR_AUTH = /^\$\{base64encode\("acme-deploy:\$\{var\.ghcr_token\}"\)\}$/;

/**
 * Parses a JSON text whose values hold Terraform interpolations (`${...}`, with quotes inside):
 * each interpolation is set aside, the JSON parsed, and the interpolations put back as strings.
 */
function parseWithReferences(text: string): Json {
  const refs: string[] = [];
  let out = '';
  for (let i = 0; i < text.length; i++) {
    if (text.startsWith('${', i)) {
      let depth = 0;
      let j = i;
      for (; j < text.length; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}' && --depth === 0) break;
      }
      refs.push(text.slice(i, j + 1));
      out += `@@${refs.length - 1}@@`;
      i = j;
    } else {
      out += text[i];
    }
  }
  return JSON.parse(out, (_k, v) => (typeof v === 'string' ? v.replace(/@@(\d+)@@/g, (_m, n) => refs[Number(n)]) : v));
}

function synthOn(kind: 'droplet' | 'kubernetes' | 'docker'): Json {
  const stack = new TerraformStack(Testing.app(), kind);
  let runtime: IAppRuntime;
  if (kind === 'droplet') {
    new DigitaloceanProvider(stack, 'digitalocean', {});
    new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
    runtime = new DropletRuntime(stack, 'Runtime', { region: DoRegion.FRA1, sshKeys: ['41234567'], releaseStore: releaseStore(stack) });
  } else if (kind === 'kubernetes') {
    new DigitaloceanProvider(stack, 'digitalocean', {});
    const cluster = KubernetesCluster.fromClusterName(stack, 'Cluster', { name: 'erp-ha', region: DoRegion.FRA1 });
    runtime = new KubernetesRuntime(stack, 'Runtime', { cluster });
  } else {
    new DigitaloceanProvider(stack, 'digitalocean', {});
    new DockerProvider(stack, 'docker', {});
    runtime = new DockerRuntime(stack, 'Runtime', { hostPort: 8081 });
  }
  const token = new TerraformVariable(stack, 'ghcr_token', { type: 'string', sensitive: true });
  new ErpAppService(stack, 'App', {
    name: 'erp', runtime,
    processes: {
      web: { image: 'registry.digitalocean.com/acme/erp:2.4.1', port: 8080, healthCheck: { path: '/up' } },
      workers: [{ name: 'queue', image: 'ghcr.io/acme/erp-worker:2.4.1', command: ['node', 'worker.js'] }],
      scheduler: { entries: [{ name: 'report', schedule: '0 6 * * *', command: ['node', 'report.js'] }] },
      release: { command: ['node', 'migrate.js'] },
    },
    registries: [ImageRegistry.digitalOcean('acme'), ImageRegistry.withCredentials('ghcr.io', 'acme-deploy', AppSecret.fromVariable(token))],
  });
  return JSON.parse(Testing.synth(stack));
}

describe('private registries', () => {
  test('DigitalOcean registry credentials are created read-only by Terraform', () => {
    const synth = synthOn('droplet');
    expect(Object.values<Json>(synth.resource.digitalocean_container_registry_docker_credentials)).toEqual([
      expect.objectContaining({ registry_name: 'acme', write: false }),
    ]);
  });

  test('on droplets the release carries a Docker config the agent passes to docker, and the cron table uses it', () => {
    const release = releaseObjects(synthOn('droplet'), 'erp-1');
    const config = parseWithReferences(release['docker/config.json']);
    expect(Object.keys(config.auths)).toEqual(['registry.digitalocean.com', 'ghcr.io']);
    expect(config.auths['registry.digitalocean.com'].auth).toMatch(DOCR_AUTH);
    expect(config.auths['ghcr.io'].auth).toMatch(GHCR_AUTH);
    expect(release.manifest).toMatch(/^file docker\/config\.json [^\n]+$/m);
    expect(release.cron).toContain('DOCKER_CONFIG=/var/lib/erp-agent/current/docker');
    // the token itself never leaves the variable
    expect(release['compose.yaml']).not.toContain('ghcr_token');
  });

  test('on Kubernetes a dockerconfigjson Secret is named in the pods of every Deployment, the CronJobs and the release Job', () => {
    const synth = synthOn('kubernetes');
    const secret = Object.values<Json>(synth.resource.kubernetes_secret_v1).find((s) => s.type === 'kubernetes.io/dockerconfigjson')!;
    expect(secret.metadata.name).toBe('erp-registry');
    const config = parseWithReferences(secret.data['.dockerconfigjson']);
    expect(config.auths['ghcr.io'].auth).toMatch(GHCR_AUTH);
    const pullSecrets = (spec: Json) => spec.image_pull_secrets;
    const ref = [{ name: expect.stringMatching(/^\$\{kubernetes_secret_v1\.Runtime_RegistrySecret_[0-9A-F]{8}\.metadata\[0\]\.name\}$/) }];
    for (const d of Object.values<Json>(synth.resource.kubernetes_deployment_v1)) expect([d.metadata.name, pullSecrets(d.spec.template.spec)]).toEqual([d.metadata.name, ref]);
    for (const c of Object.values<Json>(synth.resource.kubernetes_cron_job_v1)) expect(pullSecrets(c.spec.job_template.spec.template.spec)).toEqual(ref);
    for (const j of Object.values<Json>(synth.resource.kubernetes_job_v1)) expect(pullSecrets(j.spec.template.spec)).toEqual(ref);
  });

  test('on a local Docker engine the Docker provider gets one registry_auth per registry', () => {
    const synth = synthOn('docker');
    const [provider] = synth.provider.docker;
    expect(provider.registry_auth.map((a: Json) => a.address)).toEqual(['registry.digitalocean.com', 'ghcr.io']);
    expect(parseWithReferences(provider.registry_auth[1].config_file_content).auths['ghcr.io'].auth).toMatch(GHCR_AUTH);
  });

  test('without registries nothing changes: no credentials, no pull secret, no Docker config', () => {
    const stack = new TerraformStack(Testing.app(), 'plain');
    new DockerProvider(stack, 'docker', {});
    new ErpAppService(stack, 'App', { name: 'erp', runtime: new DockerRuntime(stack, 'Runtime', { hostPort: 8081 }), processes: { web: { image: 'nginx:1.27', port: 80 } } });
    const synth = JSON.parse(Testing.synth(stack));
    expect(synth.provider.docker[0].registry_auth).toBeUndefined();
  });

  test('fails on a host that is not one, a plain-text token, a bad DigitalOcean registry name and one host given twice', () => {
    const stack = new TerraformStack(Testing.app(), 'bad');
    const runtime = new DockerRuntime(stack, 'Runtime', { hostPort: 8081 });
    let message = '';
    try {
      new ErpAppService(stack, 'App', {
        name: 'erp', runtime, processes: { web: { image: 'nginx:1.27', port: 80 } },
        registries: [
          ImageRegistry.withCredentials('https://ghcr.io/', 'me', AppSecret.generate()),
          ImageRegistry.withCredentials('ghcr.io', 'me', AppSecret.unsafePlainText('ghp_123')),
          ImageRegistry.digitalOcean('Acme_Registry'),
          ImageRegistry.digitalOcean('acme'),
        ],
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/registries\[0\]\.server: is not a registry host/);
    expect(message).toMatch(/registries\[1\]\.password: is not a secret/);
    expect(message).not.toContain('ghp_123');
    expect(message).toMatch(/registries\[2\]\.registryName: is not a DigitalOcean registry name/);
    expect(message).toMatch(/registries\[3\]\.server: is given twice/);
  });
});

describe('registries in the description', () => {
  test('a DigitalOcean registry and ghcr.io with a token variable reach every tier', () => {
    const d = validateAppDescription({
      ...LARAVEL_INVOICING_EXAMPLE,
      registries: [{ digitalOcean: 'acme' }, { server: 'ghcr.io', username: 'acme-deploy', password: { variable: 'ghcr_token' } }],
    });
    for (const stack of buildStacks(Testing.app() as App, d, { TF_VAR_ghcr_token: 'set' })) {
      if (stack.node.id === 'ha-platform') continue;
      const synth = JSON.parse(Testing.synth(stack));
      expect([stack.node.id, Object.keys(synth.resource.digitalocean_container_registry_docker_credentials ?? {}).length]).toEqual([stack.node.id, 1]);
      expect([stack.node.id, synth.variable.ghcr_token.sensitive]).toEqual([stack.node.id, true]);
      // the credentials are made by the DigitalOcean provider, which the local stack then configures too
      expect([stack.node.id, synth.provider.digitalocean]).toEqual([stack.node.id, expect.anything()]);
    }
  });

  test('fails on a token given as a value, on both or neither source, and when TF_VAR_ is missing with local state', () => {
    let message = '';
    try {
      validateAppDescription({
        ...LARAVEL_INVOICING_EXAMPLE,
        registries: [{ server: 'ghcr.io', username: 'me', password: 'ghp_abc' }, { digitalOcean: 'acme', server: 'ghcr.io' }, {}],
      });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/registries\[0\]\.password: is not \{ variable: name \}/);
    expect(message).not.toContain('ghp_abc');
    expect(message).toMatch(/registries\[1\]: .*needs exactly one of digitalOcean and server/);
    expect(message).toMatch(/registries\[2\]: .*needs exactly one of digitalOcean and server/);
    const d = validateAppDescription({ ...LARAVEL_INVOICING_EXAMPLE, registries: [{ server: 'ghcr.io', username: 'me', password: { variable: 'ghcr_token' } }] });
    expect(() => buildStacks(Testing.app() as App, d, {})).toThrow(/registries\[0\]\.password\.variable: TF_VAR_ghcr_token is not set/);
  });
});
