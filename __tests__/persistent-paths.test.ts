/**
 * Directories the app's code writes and that outlive releases and servers
 * (`persistentPaths`): on the droplet's data volume, on a local Docker volume,
 * refused on Kubernetes.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { TerraformStack, Testing } from 'cdktf';
import { readFileSync } from 'fs';
import { join } from 'path';
import * as YAML from 'yaml';
import Ajv from 'ajv';
import { ErpAppService, ProcessModel } from '../lib/app-service';
import { DockerRuntime } from '../lib/app-service/runtimes/docker/docker-runtime';
import { DropletRuntime } from '../lib/app-service/runtimes/droplet/droplet-runtime';
import { KubernetesCluster } from '../lib/app-service/runtimes/kubernetes/kubernetes-cluster';
import { KubernetesRuntime } from '../lib/app-service/runtimes/kubernetes/kubernetes-runtime';
import { DoRegion } from '../lib/common/region';
import { ErpValidationError } from '../lib/errors';
import { releaseObjects, releaseStore } from './app-service-fakes';

type Json = Record<string, any>;

const LARAVEL: ProcessModel = {
  processes: {
    web: { image: 'ghcr.io/acme/invoicing:5.0.0', port: 8080, healthCheck: { path: '/up' } },
    workers: [{ name: 'queue', command: ['php', 'artisan', 'queue:work'] }],
    scheduler: { everyMinute: ['php', 'artisan', 'schedule:run'] },
    release: { command: ['php', 'artisan', 'migrate', '--force'] },
    services: [{ name: 'pma', image: 'phpmyadmin:5.2.1', port: 80 }],
  },
  persistentPaths: { storage: '/var/www/html/storage' },
};

function onDroplet(model: ProcessModel = LARAVEL): Json {
  const stack = new TerraformStack(Testing.app(), 'dev');
  new DigitaloceanProvider(stack, 'digitalocean', {});
  new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
  const runtime = new DropletRuntime(stack, 'Runtime', { region: DoRegion.FRA1, sshKeys: ['41234567'], releaseStore: releaseStore(stack) });
  new ErpAppService(stack, 'App', { name: 'invoicing', runtime, ...model });
  return JSON.parse(Testing.synth(stack));
}

describe('persistent paths', () => {
  test('on droplets, every app-code service, the release and the scheduler mount a named volume bound to the data volume', () => {
    const release = releaseObjects(onDroplet(), 'invoicing-1');
    const compose = YAML.parse(release['compose.yaml'], { version: '1.1' });
    expect(compose.volumes).toEqual({
      storage: { driver: 'local', driver_opts: { type: 'none', o: 'bind', device: '/mnt/data/paths/storage' } },
    });
    for (const name of ['web', 'queue', 'release', 'schedule-run']) {
      expect([name, compose.services[name].volumes]).toEqual([name, ['storage:/var/www/html/storage']]);
    }
    // third-party services and the cache do not
    expect(compose.services.pma.volumes).toBeUndefined();
    expect(compose.services.redis.volumes).toEqual(['/mnt/data/cache:/data']);
    // the agent creates the folder on the data volume before anything starts
    expect(release.manifest.split('\n')).toContain('path storage');
    // and the document is still valid Compose
    const { $schema: _draft, ...schema } = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'schemas', 'compose-spec.json'), 'utf8'));
    const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);
    expect(validate(compose)).toBe(true);
  });

  test('on a local Docker engine, one volume per path, mounted by app code and the release', () => {
    const stack = new TerraformStack(Testing.app(), 'local');
    new DockerProvider(stack, 'docker', {});
    const runtime = new DockerRuntime(stack, 'Runtime', { hostPort: 8081 });
    new ErpAppService(stack, 'App', { name: 'invoicing', runtime, ...LARAVEL });
    const synth = JSON.parse(Testing.synth(stack));
    const volumes = Object.values<Json>(synth.resource.docker_volume).map((v) => v.name).sort();
    expect(volumes).toEqual(['invoicing-cache', 'invoicing-storage']);
    const containers = synth.resource.docker_container as Record<string, Json>;
    const mountsOf = (key: string) => Object.entries(containers).find(([k]) => k.startsWith(`Runtime_Container-${key}_`))![1].volumes;
    for (const key of ['web', 'queue', 'release', 'cron-schedule-run']) {
      expect([key, mountsOf(key)]).toEqual([key, [{ volume_name: expect.stringContaining('docker_volume.Runtime_PathVolume-storage'), container_path: '/var/www/html/storage' }]]);
    }
    expect(mountsOf('pma')).toBeUndefined();
  });

  test('fails on Kubernetes, naming the path and the way out', () => {
    const stack = new TerraformStack(Testing.app(), 'ha');
    const cluster = KubernetesCluster.fromClusterName(stack, 'Cluster', { name: 'invoicing-ha', region: DoRegion.FRA1 });
    const runtime = new KubernetesRuntime(stack, 'Runtime', { cluster });
    new ErpAppService(stack, 'App', { name: 'invoicing', runtime, ...LARAVEL });
    let error: unknown;
    try {
      Testing.synth(stack);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ErpValidationError);
    expect((error as Error).message).toMatch(/persistentPaths\.storage: .*ReadWriteOnce.*object storage/);
  });

  test('fails on a bad name, a relative path, a system directory and two names for one directory, all at once', () => {
    const stack = new TerraformStack(Testing.app(), 'dev');
    const runtime = new DropletRuntime(stack, 'Runtime', { region: DoRegion.FRA1, sshKeys: ['41234567'], releaseStore: releaseStore(stack) });
    const make = () => new ErpAppService(stack, 'App', {
      name: 'invoicing', runtime, ...LARAVEL,
      persistentPaths: { Storage: '/data/a', rel: 'storage', etc: '/etc', one: '/srv/files/', two: '/srv/files' },
    });
    let message = '';
    try {
      make();
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/persistentPaths\.Storage: is not a name/);
    expect(message).toMatch(/persistentPaths\.rel: is not an absolute path/);
    expect(message).toMatch(/persistentPaths\.etc: is a system directory/);
    expect(message).toMatch(/persistentPaths\.two: is also the path of persistentPaths\.one/);
  });
});
