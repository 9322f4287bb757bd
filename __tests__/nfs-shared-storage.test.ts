/**
 * Persistent paths on Kubernetes, shared by every replica: a DigitalOcean NFS share behind a
 * PersistentVolume and claim (ReadWriteMany), one subdirectory per path; the HA tier's share in
 * `ha-platform`, read by name in `ha`; its price.
 */
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { ErpAppService, ProcessModel } from '../lib/app-service';
import { KubernetesCluster } from '../lib/app-service/runtimes/kubernetes/kubernetes-cluster';
import { KubernetesRuntime } from '../lib/app-service/runtimes/kubernetes/kubernetes-runtime';
import { DoRegion } from '../lib/common/region';
import { estimateTerraformJson } from '../lib/cost/estimate';
import { NfsShare } from '../lib/storage/nfs-share';
import { buildStacks } from '../stacks';
import { AppDescription } from '../stacks/description/description';
import { LARAVEL_INVOICING_EXAMPLE } from '../stacks/description/laravel-example';
import { validateAppDescription } from '../stacks/description/validate';

type Json = Record<string, any>;

const MODEL: ProcessModel = {
  processes: {
    web: { image: 'ghcr.io/acme/invoicing:5.0.0', port: 8080, healthCheck: { path: '/up' }, replicas: 2 },
    workers: [{ name: 'queue', command: ['php', 'artisan', 'queue:work'] }],
    scheduler: { everyMinute: ['php', 'artisan', 'schedule:run'] },
    release: { command: ['php', 'artisan', 'migrate', '--force'] },
    services: [{ name: 'pma', image: 'phpmyadmin:5.2.1', port: 80 }],
  },
  persistentPaths: { storage: '/var/www/html/storage', uploads: '/srv/uploads' },
};

function onKubernetes(extra: Partial<ConstructorParameters<typeof KubernetesRuntime>[2]> = {}): Json {
  const stack = new TerraformStack(Testing.app(), 'ha');
  new DigitaloceanProvider(stack, 'digitalocean', {});
  const cluster = KubernetesCluster.fromClusterName(stack, 'Cluster', { name: 'invoicing-ha', region: DoRegion.FRA1 });
  const sharedStorage = NfsShare.fromShareName(stack, 'Files', { name: 'invoicing-ha-files', region: DoRegion.FRA1, host: '10.114.0.5', mountPath: '/123456/abcd' });
  const runtime = new KubernetesRuntime(stack, 'Runtime', { cluster, sharedStorage, ...extra });
  new ErpAppService(stack, 'App', { name: 'invoicing', runtime, ...MODEL });
  return JSON.parse(Testing.synth(stack));
}

function of(json: Json, type: string): Json[] {
  return Object.values(json.resource?.[type] ?? {});
}

function podSpec(json: Json, type: string, name: string): Json {
  const r = of(json, type).find((x) => x.metadata.name === name || String(x.metadata.name).startsWith(name));
  if (!r) throw new Error(`no ${type} ${name}`);
  if (type === 'kubernetes_cron_job_v1') return r.spec.job_template.spec.template.spec;
  return r.spec.template.spec;
}

describe('persistent paths on Kubernetes with an NFS share', () => {
  const json = onKubernetes();

  test('makes a ReadWriteMany, retained PersistentVolume of the share and a ReadWriteMany claim bound to it', () => {
    const [pv] = of(json, 'kubernetes_persistent_volume_v1');
    expect(pv.spec[0]).toMatchObject({
      access_modes: ['ReadWriteMany'],
      persistent_volume_reclaim_policy: 'Retain',
      storage_class_name: '',
      mount_options: ['nfsvers=4.1'],
      persistent_volume_source: { nfs: { server: '10.114.0.5', path: '/123456/abcd' } },
    });
    expect(pv.spec[0].capacity.storage).toMatch(/^\$\{data\.digitalocean_nfs\..*\.size\}Gi$/);
    const [pvc] = of(json, 'kubernetes_persistent_volume_claim_v1');
    expect(pvc.spec).toMatchObject({ access_modes: ['ReadWriteMany'], storage_class_name: '' });
    expect(pvc.spec.volume_name).toMatch(/kubernetes_persistent_volume_v1\..*\.metadata\[0\]\.name/);
    expect(pvc.metadata.namespace).toMatch(/kubernetes_namespace_v1/);
  });

  test('mounts one subdirectory of the claim per path name in web, the worker, the cron job and the release job', () => {
    const expected = [
      { name: 'files', mount_path: '/var/www/html/storage', sub_path: 'storage' },
      { name: 'files', mount_path: '/srv/uploads', sub_path: 'uploads' },
    ];
    const specs = [
      podSpec(json, 'kubernetes_deployment_v1', 'web'),
      podSpec(json, 'kubernetes_deployment_v1', 'queue'),
      podSpec(json, 'kubernetes_cron_job_v1', 'schedule-run'),
      podSpec(json, 'kubernetes_job_v1', 'invoicing-release-'),
    ];
    for (const spec of specs) {
      expect(spec.container[0].volume_mount).toEqual(expect.arrayContaining(expected.map((m) => expect.objectContaining(m))));
      expect(spec.volume).toContainEqual(expect.objectContaining({ name: 'files', persistent_volume_claim: { claim_name: expect.stringMatching(/persistent_volume_claim_v1/) } }));
      // no inline nfs volume in the app's restricted namespace
      expect(spec.volume.some((v: Json) => v.nfs !== undefined)).toBe(false);
    }
  });

  test('does not mount the share in services, the connector or the cache', () => {
    const pma = podSpec(json, 'kubernetes_deployment_v1', 'pma');
    expect(pma.volume.some((v: Json) => v.name === 'files')).toBe(false);
    const redis = podSpec(json, 'kubernetes_deployment_v1', 'redis');
    expect(redis.volume.some((v: Json) => v.name === 'files')).toBe(false);
  });

  test('prepares the directories as root in a baseline namespace of its own and keeps the app namespace restricted', () => {
    const namespaces = of(json, 'kubernetes_namespace_v1');
    const levels = namespaces.map((n) => n.metadata.labels['pod-security.kubernetes.io/enforce']).sort();
    expect(levels).toEqual(['baseline', 'restricted']);
    const init = of(json, 'kubernetes_job_v1').find((j) => String(j.metadata.name).startsWith('storage-init-'))!;
    const spec = init.spec.template.spec;
    expect(spec.container[0].command[2]).toBe(
      'mkdir -p /share/storage && chown 10001:10001 /share/storage && chmod 2770 /share/storage && '
      + 'mkdir -p /share/uploads && chown 10001:10001 /share/uploads && chmod 2770 /share/uploads');
    expect(spec.container[0].security_context.capabilities).toEqual({ drop: ['ALL'], add: ['CHOWN', 'FOWNER', 'DAC_OVERRIDE'] });
    expect(spec.volume[0].nfs).toEqual({ server: '10.114.0.5', path: '/123456/abcd' });
    // the app's workloads wait for it
    const web = of(json, 'kubernetes_deployment_v1').find((d) => d.metadata.name === 'web')!;
    expect(web.depends_on.some((x: string) => x.includes('StorageInit'))).toBe(true);
  });

  test('makes no preparing job when prepareSharedStorage is false', () => {
    const bare = onKubernetes({ prepareSharedStorage: false });
    expect(of(bare, 'kubernetes_job_v1').some((j) => String(j.metadata.name).startsWith('storage-init-'))).toBe(false);
    expect(of(bare, 'kubernetes_namespace_v1')).toHaveLength(1);
  });

  test('fails without shared storage, naming the path and the sharedStorage prop', () => {
    const stack = new TerraformStack(Testing.app(), 'ha');
    const cluster = KubernetesCluster.fromClusterName(stack, 'Cluster', { name: 'invoicing-ha', region: DoRegion.FRA1 });
    const runtime = new KubernetesRuntime(stack, 'Runtime', { cluster });
    new ErpAppService(stack, 'App', { name: 'invoicing', runtime, ...MODEL });
    expect(() => Testing.synth(stack)).toThrow(/persistentPaths\.storage: .*ReadWriteOnce.*sharedStorage: NfsShare\.fromShareName/);
  });

  test('fails on a share smaller than 50 GiB and a bad name', () => {
    const stack = new TerraformStack(Testing.app(), 'p');
    expect(() => new NfsShare(stack, 'Files', { name: 'Files', region: DoRegion.FRA1, vpcId: 'vpc', sizeGib: 10 }))
      .toThrow(/name: is not an NFS share name[\s\S]*sizeGib: must be a whole number from 50 .*\(got 10\)/);
  });

  test('protects a new share from destroy by default', () => {
    const stack = new TerraformStack(Testing.app(), 'p');
    new DigitaloceanProvider(stack, 'digitalocean', {});
    new NfsShare(stack, 'Files', { name: 'invoicing-ha-files', region: DoRegion.FRA1, vpcId: 'vpc-1' });
    const [share] = of(JSON.parse(Testing.synth(stack)), 'digitalocean_nfs');
    expect(share).toMatchObject({ name: 'invoicing-ha-files', region: 'fra1', size: 50, vpc_id: 'vpc-1', lifecycle: { prevent_destroy: true } });
  });
});

describe('the HA tier with persistent paths', () => {
  const description: AppDescription = { ...LARAVEL_INVOICING_EXAMPLE, persistentPaths: { storage: '/var/www/html/storage' } };
  const built = buildStacks(Testing.app() as App, description, {});
  const synth = (name: string): Json => JSON.parse(Testing.synth(built.find((s) => s.stackName === name)!));

  test('creates the share in ha-platform and reads it by name in ha, with no reference across stacks', () => {
    const platform = synth('ha-platform');
    const [share] = of(platform, 'digitalocean_nfs');
    expect(share).toMatchObject({ name: 'facturador-ha-files', size: 50, lifecycle: { prevent_destroy: true } });
    expect(share.vpc_id).toMatch(/digitalocean_vpc\./);
    const ha = synth('ha');
    expect(of(ha, 'digitalocean_nfs')).toHaveLength(0);
    expect(Object.values(ha.data.digitalocean_nfs)).toEqual([expect.objectContaining({ name: 'facturador-ha-files' })]);
    expect(Object.keys(ha.variable)).toEqual(expect.arrayContaining(['nfs_host', 'nfs_mount_path']));
    const [pv] = of(ha, 'kubernetes_persistent_volume_v1');
    expect(pv.spec[0].persistent_volume_source.nfs).toEqual({ server: '${var.nfs_host}', path: '${var.nfs_mount_path}' });
  });

  test('lists the share in the estimate as not priced (no verified list price in the catalogue), 50 GiB provisioned', () => {
    const platform = synth('ha-platform');
    const estimate = estimateTerraformJson(platform);
    const line = estimate.unknownItems.find((i) => i.resourceType === 'digitalocean_nfs')!;
    expect(line.description).toBe('NFS share 50 GiB');
    expect(line.notes.join(' ')).toMatch(/no list price in the catalogue/);
  });

  test('fails on a description whose persistent path is not absolute', () => {
    expect(() => validateAppDescription({ ...LARAVEL_INVOICING_EXAMPLE, persistentPaths: { storage: 'storage' } }))
      .toThrow(/persistentPaths\.storage: .*is not an absolute path/);
  });
});
