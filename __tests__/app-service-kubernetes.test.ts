import { DefaultTokenResolver, StringConcat, TerraformStack, Testing, Tokenization } from 'cdktf';
import {
  DropletSize, ErpAppService, ErpAppServiceProps, ExistingKubernetesClusterProps, IKubernetesCluster, KubernetesCluster, KubernetesClusterProps, KubernetesRuntime,
  KubernetesRuntimeProps, KubernetesVersion,
} from '../lib/app-service';
import { Weekday } from '../lib/common/weekday';
import {
  BackupJobEnvironment, IBackupDestination, ITunnelIngress, TunnelConnector,
} from '../lib/common/contracts';
import { DoRegion } from '../lib/common/region';
import { DATABASE_CA_CERT_PATH, DatabaseEngine, DatabaseSize, ManagedDatabase } from '../lib/database';
import { ErpValidationError } from '../lib/errors';
import { AppSecret } from '../lib/app-service/secret';

type Json = Record<string, any>;

const FAKE = {
  tunnelToken: 'FAKE-TUNNEL-TOKEN-k8s-eyJhIjoi',
  accessKey: 'FAKEACCESSKEYID-K8S',
  secretKey: 'FAKE-SECRET-ACCESS-KEY-k8s',
  jwtSecret: 'FAKE-JWT-SECRET-k8s-9f8e7d',
};

/** A backup destination double (the S3 vault needs the AWS provider; the job only needs this contract). */
class TestVault implements IBackupDestination {
  public readonly grants: string[] = [];
  public readonly restoreGrants: string[] = [];
  grantWrite(id: string): BackupJobEnvironment {
    this.grants.push(id);
    return this.environment();
  }
  grantRestore(id: string): BackupJobEnvironment {
    this.restoreGrants.push(id);
    return this.environment();
  }
  private environment(): BackupJobEnvironment {
    return {
      endpoint: 'https://s3.us-east-1.amazonaws.com', bucket: 'isp-backups', region: 'us-east-1',
      dailyPrefix: 'daily/', weeklyPrefix: 'weekly/', monthlyPrefix: 'monthly/', safetyPrefix: 'safety/', uploadArgs: ['--sse', 'aws:kms'],
      environment: { plain: { AWS_REGION: 'us-east-1' }, secret: { AWS_ACCESS_KEY_ID: FAKE.accessKey, AWS_SECRET_ACCESS_KEY: FAKE.secretKey } },
    };
  }
}

/** A tunnel double (the Cloudflare tunnel needs the Cloudflare provider; the app only needs this contract). */
class TestTunnel implements ITunnelIngress {
  public readonly connector: TunnelConnector = { tunnelId: 'tunnel-id', token: FAKE.tunnelToken, image: 'cloudflare/cloudflared:2025.4.0' };
}

const CLUSTER: KubernetesClusterProps = { name: 'isp-ha', region: DoRegion.FRA1 };

/**
 * The FastAPI + React ISP manager: FastAPI backend on 8000 with /health,
 * Celery workers (2 replicas), Celery beat, Alembic migrations, PostgreSQL 15
 * and Valkey (managed), nightly backups, served through a tunnel.
 */
function ispManager(stack: TerraformStack, runtimeProps: Partial<KubernetesRuntimeProps> = {}, image = 'ghcr.io/emerald/isp-backend:2.3.0') {
  const cluster = KubernetesCluster.fromClusterName(stack, 'Cluster', CLUSTER);
  const runtime = new KubernetesRuntime(stack, 'Runtime', { cluster, ...runtimeProps });
  const db = new ManagedDatabase(stack, 'Database', {
    name: 'isp-db', engine: DatabaseEngine.postgres(15), size: DatabaseSize.DB_S_2VCPU_4GB, nodeCount: 3,
    region: DoRegion.FRA1, vpc: cluster.network.vpcId, databases: ['emerald'], users: ['emerald_app'],
  });
  const cache = new ManagedDatabase(stack, 'Cache', {
    name: 'isp-cache', engine: DatabaseEngine.valkey(8), size: DatabaseSize.DB_S_1VCPU_2GB, region: DoRegion.FRA1, vpc: cluster.network.vpcId,
  });
  const app = new ErpAppService(stack, 'App', {
    name: 'emerald',
    runtime,
    processes: {
      web: {
        image, command: ['uvicorn', 'src.main:app', '--host', '0.0.0.0', '--port', '8000'], port: 8000,
        healthCheck: { path: '/health' }, replicas: 2, resources: { cpus: 1, memoryMib: 1024 },
      },
      workers: [
        { name: 'celery', command: ['celery', '-A', 'src.celery_app', 'worker', '--loglevel=INFO'], replicas: 2, resources: { cpus: 1, memoryMib: 1024 } },
        // Celery beat is a long-running scheduler process (one replica), not a cron entry.
        { name: 'celery-beat', command: ['celery', '-A', 'src.celery_app', 'beat', '--schedule', '/tmp/celerybeat-schedule'] },
      ],
      release: { command: ['alembic', 'upgrade', 'head'] },
    },
    environment: { APP_ENV: 'production', API_ROOT_PATH: '/api' },
    secrets: { JWT_SECRET: AppSecret.unsafePlainText(FAKE.jwtSecret) },
  });
  app.connectTo(db);
  app.connectTo(cache);
  app.backupTo(new TestVault());
  app.serveThrough(new TestTunnel());
  return { cluster, runtime, db, cache, app };
}

function synthIsp(runtimeProps: Partial<KubernetesRuntimeProps> = {}, image?: string): Json {
  const stack = new TerraformStack(Testing.app(), 'ha');
  ispManager(stack, runtimeProps, image);
  return JSON.parse(Testing.synth(stack));
}

/** The platform stack of the ISP manager: the cluster alone. */
function synthPlatform(props: Partial<KubernetesClusterProps> = {}): Json {
  const stack = new TerraformStack(Testing.app(), 'ha-platform');
  new KubernetesCluster(stack, 'Cluster', { ...CLUSTER, ...props });
  return JSON.parse(Testing.synth(stack));
}

function resources(json: Json, type: string): Json[] {
  return Object.values(json.resource?.[type] ?? {}) as Json[];
}

function byName(json: Json, type: string): Record<string, Json> {
  return Object.fromEntries(resources(json, type).map((r) => [r.metadata.name, r]));
}

/** Every resource as `type.name` (name = metadata.name for Kubernetes objects, else the resource's name). */
function resourceList(json: Json): string[] {
  const out: string[] = [];
  for (const [type, all] of Object.entries(json.resource ?? {})) {
    for (const [key, r] of Object.entries(all as Record<string, Json>)) {
      out.push(`${type}.${r.metadata?.name ?? r.name ?? key}`);
    }
  }
  for (const [type, all] of Object.entries(json.data ?? {})) {
    for (const key of Object.keys(all as Json)) out.push(`data.${type}.${key}`);
  }
  return out.sort();
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ErpValidationError) return err.problems.map((p) => p.prop);
    throw err;
  }
  throw new Error('expected an ErpValidationError');
}

function failingCluster(props: Partial<KubernetesClusterProps>): string[] {
  return problemsOf(() => new KubernetesCluster(new TerraformStack(Testing.app(), 'ha'), 'Cluster', { ...CLUSTER, ...props }));
}

function failingExisting(props: Partial<ExistingKubernetesClusterProps>): string[] {
  return problemsOf(() => KubernetesCluster.fromClusterName(new TerraformStack(Testing.app(), 'ha'), 'Cluster', { ...CLUSTER, ...props }));
}

function failingRuntime(props: Partial<KubernetesRuntimeProps>): string[] {
  const stack = new TerraformStack(Testing.app(), 'ha');
  const cluster = KubernetesCluster.fromClusterName(stack, 'Cluster', CLUSTER);
  return problemsOf(() => new KubernetesRuntime(stack, 'Runtime', { cluster, ...props }));
}

function simpleApp(runtimeProps: Partial<KubernetesRuntimeProps>, appProps: Partial<ErpAppServiceProps> = {}): () => string {
  const stack = new TerraformStack(Testing.app(), 'ha');
  const cluster = KubernetesCluster.fromClusterName(stack, 'Cluster', CLUSTER);
  const runtime = new KubernetesRuntime(stack, 'Runtime', { cluster, ...runtimeProps });
  new ErpAppService(stack, 'App', {
    name: 'erp', runtime, processes: { web: { image: 'ghcr.io/acme/erp:1.0.0', port: 8080, healthCheck: { path: '/health' } } }, ...appProps,
  });
  return () => Testing.synth(stack);
}

describe('KubernetesCluster', () => {
  const json = synthPlatform();
  const cluster = resources(json, 'digitalocean_kubernetes_cluster')[0];
  const pool = resources(json, 'digitalocean_kubernetes_node_pool')[0];

  test('turns the HA control plane on, with auto-upgrade and surge upgrade in a weekly window', () => {
    expect(resources(json, 'digitalocean_kubernetes_cluster')).toHaveLength(1);
    expect(cluster.ha).toBe(true);
    expect(cluster.auto_upgrade).toBe(true);
    expect(cluster.surge_upgrade).toBe(true);
    expect(cluster.maintenance_policy).toEqual({ day: 'sunday', start_time: '04:00' });
  });

  test('protects the cluster from destroy and replacement by default', () => {
    expect(cluster.lifecycle).toEqual({ prevent_destroy: true });
  });

  test('leaves the cluster unprotected only when preventDestroy is false', () => {
    const c = resources(synthPlatform({ preventDestroy: false }), 'digitalocean_kubernetes_cluster')[0];
    expect(c.lifecycle).toEqual({ prevent_destroy: false });
  });

  test('gives the cluster a fixed system pool of one 2 vCPU / 4 GB node that no app setting feeds', () => {
    expect(cluster.node_pool).toEqual({ name: 'isp-ha-system', size: 's-2vcpu-4gb', node_count: 1 });
    const bigger = resources(synthPlatform({ nodeSize: DropletSize.G_4VCPU_16GB, minNodes: 5, maxNodes: 9 }), 'digitalocean_kubernetes_cluster')[0];
    expect(bigger).toEqual(cluster);
  });

  test('runs the app on an autoscaling node pool of at least 3 nodes of 4 vCPU / 8 GB, named after its size, created before it is destroyed', () => {
    expect(resources(json, 'digitalocean_kubernetes_node_pool')).toHaveLength(1);
    const clusterId = Object.keys(json.resource.digitalocean_kubernetes_cluster)[0];
    expect(pool).toEqual({
      cluster_id: `\${digitalocean_kubernetes_cluster.${clusterId}.id}`,
      name: 'isp-ha-s-4vcpu-8gb', size: 's-4vcpu-8gb', auto_scale: true, min_nodes: 3, max_nodes: 6,
      lifecycle: { create_before_destroy: true },
    });
  });

  test('a new node size changes the node pool, its name and size, and leaves the cluster as it was', () => {
    const resized = synthPlatform({ nodeSize: DropletSize.S_8VCPU_16GB });
    expect(JSON.stringify(resized.resource.digitalocean_kubernetes_cluster)).toBe(JSON.stringify(json.resource.digitalocean_kubernetes_cluster));
    expect(Object.keys(resized.resource.digitalocean_kubernetes_node_pool)).toEqual(Object.keys(json.resource.digitalocean_kubernetes_node_pool));
    const after = resources(resized, 'digitalocean_kubernetes_node_pool')[0];
    expect(after).toEqual({ ...pool, name: 'isp-ha-s-8vcpu-16gb', size: 's-8vcpu-16gb' });
  });

  test('takes the newest patch of the version line from the versions data source, in the created VPC', () => {
    const versions = Object.entries(json.data.digitalocean_kubernetes_versions) as Array<[string, Json]>;
    expect(versions).toHaveLength(1);
    expect(versions[0][1].version_prefix).toBe('1.33.');
    expect(cluster.version).toBe(`\${data.digitalocean_kubernetes_versions.${versions[0][0]}.latest_version}`);
    expect(cluster.vpc_uuid).toMatch(/^\$\{digitalocean_vpc\.[^.]+\.id\}$/);
    expect(cluster.registry_integration).toBe(false);
  });

  test('takes an exact version, an existing VPC, registry integration, tags, a maintenance window and the pool sizes when asked', () => {
    const out = synthPlatform({
      version: KubernetesVersion.exact('1.32.5-do.0'), vpcId: '0eb0ae3a-6b8f-4d7b-9d5e-3c4b1a2f9e10',
      registryIntegration: true, tags: ['isp', 'ha'], maintenanceDay: Weekday.TUESDAY, maintenanceStartTime: '02:30',
      nodeSize: DropletSize.G_4VCPU_16GB, minNodes: 4, maxNodes: 10, systemNodeSize: DropletSize.S_4VCPU_8GB, systemNodeCount: 2,
    });
    const c = resources(out, 'digitalocean_kubernetes_cluster')[0];
    expect(c.version).toBe('1.32.5-do.0');
    expect(out.data?.digitalocean_kubernetes_versions).toBeUndefined();
    expect(out.resource.digitalocean_vpc).toBeUndefined();
    expect(c.vpc_uuid).toBe('0eb0ae3a-6b8f-4d7b-9d5e-3c4b1a2f9e10');
    expect(c.registry_integration).toBe(true);
    expect(c.tags).toEqual(['isp', 'ha']);
    expect(c.node_pool).toEqual({ name: 'isp-ha-system', size: 's-4vcpu-8gb', node_count: 2, tags: ['isp', 'ha'] });
    expect(resources(out, 'digitalocean_kubernetes_node_pool')[0]).toMatchObject({
      name: 'isp-ha-g-4vcpu-16gb', min_nodes: 4, max_nodes: 10, size: 'g-4vcpu-16gb', tags: ['isp', 'ha'],
    });
    expect(c.maintenance_policy).toEqual({ day: 'tuesday', start_time: '02:30' });
  });

  test('configures no Kubernetes provider', () => {
    expect(json.provider?.kubernetes).toBeUndefined();
    expect(Object.keys(json.resource).filter((t) => t.startsWith('kubernetes_'))).toEqual([]);
  });

  test('keeps the cluster id Resource and the app pool id NodePool', () => {
    const stack = new TerraformStack(Testing.app(), 'ha-platform');
    const c = new KubernetesCluster(stack, 'Cluster', CLUSTER);
    expect(c.cluster.node.id).toBe('Resource');
    expect(c.nodePool.node.id).toBe('NodePool');
  });

  test('fails with a node pool minimum of 2', () => {
    expect(failingCluster({ minNodes: 2 })).toEqual(['minNodes']);
    expect(() => failingCluster({ minNodes: 2 })).not.toThrow();
    expect(() => new KubernetesCluster(new TerraformStack(Testing.app(), 'ha'), 'Cluster', { ...CLUSTER, minNodes: 2 }))
      .toThrow(/minNodes: is below 3.*\(got 2\)/);
  });

  test('fails with a maximum below the minimum', () => {
    expect(failingCluster({ minNodes: 4, maxNodes: 3 })).toEqual(['maxNodes']);
  });

  test('fails with a bad name, version, window, VPC range, tag and node sizes too small, all in one error', () => {
    expect(failingCluster({
      name: 'ISP_HA', version: KubernetesVersion.latest('2.x'), maintenanceStartTime: '25:00', vpcIpRange: '10.0.0.0/8',
      tags: ['bad tag'], nodeSize: DropletSize.S_1VCPU_1GB, systemNodeSize: DropletSize.S_1VCPU_1GB, systemNodeCount: 0,
    })).toEqual(['name', 'nodeSize', 'systemNodeSize', 'systemNodeCount', 'version', 'maintenanceStartTime', 'vpcIpRange', 'tags[0]']);
    expect(failingCluster({ version: KubernetesVersion.exact('1.33') })).toEqual(['version']);
    expect(failingCluster({ maintenanceDay: 'someday' as Weekday })).toEqual(['maintenanceDay']);
    expect(failingCluster({ region: DoRegion.of('atlantis1') })).toEqual(['region']);
  });

  test('fails with providerAlias, naming fromClusterName as the place it went', () => {
    const make = () => new KubernetesCluster(new TerraformStack(Testing.app(), 'ha'), 'Cluster', { ...CLUSTER, providerAlias: 'isp' } as KubernetesClusterProps);
    expect(problemsOf(make)).toEqual(['providerAlias']);
    expect(make).toThrow(/providerAlias: is not a prop of KubernetesCluster.*fromClusterName/s);
  });
});

describe('KubernetesCluster.fromClusterName', () => {
  const json = synthIsp();

  test('reads the cluster by name with the data source, and creates no cluster', () => {
    expect(json.resource.digitalocean_kubernetes_cluster).toBeUndefined();
    expect(json.resource.digitalocean_kubernetes_node_pool).toBeUndefined();
    expect(Object.values(json.data.digitalocean_kubernetes_cluster)).toEqual([{ name: 'isp-ha' }]);
  });

  test('configures the Kubernetes provider from the data source: endpoint, kubeconfig token, decoded CA', () => {
    const providers = json.provider.kubernetes as Json[];
    expect(providers).toHaveLength(1);
    const id = Object.keys(json.data.digitalocean_kubernetes_cluster)[0];
    expect(providers[0]).toEqual({
      host: `\${data.digitalocean_kubernetes_cluster.${id}.endpoint}`,
      token: `\${data.digitalocean_kubernetes_cluster.${id}.kube_config[0].token}`,
      cluster_ca_certificate: `\${base64decode(data.digitalocean_kubernetes_cluster.${id}.kube_config[0].cluster_ca_certificate)}`,
    });
  });

  test('places the cluster in the VPC the data source reads, unless a VPC id is given', () => {
    const stack = new TerraformStack(Testing.app(), 'ha');
    const read = KubernetesCluster.fromClusterName(stack, 'Cluster', CLUSTER);
    const given = KubernetesCluster.fromClusterName(stack, 'Other', { ...CLUSTER, name: 'isp-other', vpcId: '0eb0ae3a-6b8f-4d7b-9d5e-3c4b1a2f9e10', providerAlias: 'other' });
    const resolve = (v: string) => Tokenization.resolve(v, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) });
    expect(resolve(read.network.vpcId)).toMatch(/^\$\{data\.digitalocean_kubernetes_cluster\.[^.]+\.vpc_uuid\}$/);
    expect(given.network).toEqual({ region: DoRegion.FRA1, vpcId: '0eb0ae3a-6b8f-4d7b-9d5e-3c4b1a2f9e10' });
  });

  test('keeps the data source id Resource and the provider id Provider', () => {
    const stack = new TerraformStack(Testing.app(), 'ha');
    const c = KubernetesCluster.fromClusterName(stack, 'Cluster', CLUSTER);
    expect(c.cluster.node.id).toBe('Resource');
    expect(c.kubernetesProvider.node.id).toBe('Provider');
  });

  test('fails with a bad name, a missing region and a bad alias, all in one error', () => {
    expect(failingExisting({ name: 'ISP_HA', region: undefined, providerAlias: 'Bad-Alias' })).toEqual(['name', 'region', 'providerAlias']);
    expect(failingExisting({ vpcId: '' })).toEqual(['vpcId']);
  });
});

describe('KubernetesRuntime with the FastAPI ISP manager', () => {
  const json = synthIsp();
  const deployments = byName(json, 'kubernetes_deployment_v1');
  const cronJobs = byName(json, 'kubernetes_cron_job_v1');
  const jobs = resources(json, 'kubernetes_job_v1');
  const pod = (d: Json) => d.spec.template.spec;
  const container = (d: Json) => pod(d).container[0];

  test('synthesizes this resource list', () => {
    expect(resourceList(json)).toEqual([
      'data.digitalocean_kubernetes_cluster.Cluster_EB0386A7',
      'digitalocean_database_cluster.isp-cache',
      'digitalocean_database_cluster.isp-db',
      'digitalocean_database_db.emerald',
      'digitalocean_database_firewall.Cache_Firewall_C2E1EB74',
      'digitalocean_database_firewall.Database_Firewall_5F7DF4FF',
      'digitalocean_database_user.emerald_app',
      'kubernetes_config_map_v1.emerald-erp-backup-script',
      'kubernetes_cron_job_v1.backup',
      'kubernetes_cron_job_v1.backup-restore',
      'kubernetes_deployment_v1.celery',
      'kubernetes_deployment_v1.celery-beat',
      'kubernetes_deployment_v1.cloudflared',
      'kubernetes_deployment_v1.web',
      'kubernetes_horizontal_pod_autoscaler_v2.web',
      'kubernetes_job_v1.emerald-release-' + jobs[0].metadata.name.slice(-8),
      'kubernetes_namespace_v1.emerald',
      'kubernetes_pod_disruption_budget_v1.celery',
      'kubernetes_pod_disruption_budget_v1.celery-beat',
      'kubernetes_pod_disruption_budget_v1.cloudflared',
      'kubernetes_pod_disruption_budget_v1.web',
      'kubernetes_secret_v1.emerald-app',
      'kubernetes_secret_v1.emerald-backup-backup',
      'kubernetes_secret_v1.emerald-restore-backup',
      'kubernetes_secret_v1.emerald-tunnel',
      'kubernetes_service_v1.web',
    ]);
  });

  test('runs every process as a Deployment and every scheduled job as a CronJob', () => {
    expect(Object.keys(deployments).sort()).toEqual(['celery', 'celery-beat', 'cloudflared', 'web']);
    expect(Object.keys(cronJobs).sort()).toEqual(['backup', 'backup-restore']);
    // the restore runs only when started: `kubectl create job --from=cronjob/backup-restore`
    expect(cronJobs['backup-restore'].spec.suspend).toBe(true);
    expect(deployments.web.spec.replicas).toBe('2');
    expect(deployments.celery.spec.replicas).toBe('2');
    expect(deployments['celery-beat'].spec.replicas).toBe('1');
    expect(container(deployments.celery).args).toEqual(['celery', '-A', 'src.celery_app', 'worker', '--loglevel=INFO']);
    for (const d of Object.values(deployments)) expect(d.metadata.namespace).toMatch(/^\$\{kubernetes_namespace_v1\.[^.]+\.metadata\[0\]\.name\}$/);
  });

  test('runs the CronJobs in UTC without overlap and with history limits', () => {
    const backup = cronJobs.backup;
    expect(backup.spec).toMatchObject({
      schedule: '0 2 * * *', timezone: 'Etc/UTC', concurrency_policy: 'Forbid',
      successful_jobs_history_limit: 3, failed_jobs_history_limit: 3,
    });
    expect(backup.spec.job_template.spec.template.spec.restart_policy).toBe('Never');
  });

  test('runs the scheduler entries and the every-minute runner as CronJobs', () => {
    const out = JSON.parse(simpleApp({}, {
      processes: {
        web: { image: 'ghcr.io/acme/erp:1.0.0', port: 8080, healthCheck: { path: '/health' } },
        scheduler: { everyMinute: 'php artisan schedule:run', entries: [{ name: 'rates', schedule: '@hourly', command: 'php artisan rates:fetch' }] },
      },
    })());
    const crons = byName(out, 'kubernetes_cron_job_v1');
    expect(Object.keys(crons).sort()).toEqual(['rates', 'schedule-run']);
    expect(crons['schedule-run'].spec.schedule).toBe('* * * * *');
    expect(crons.rates.spec.schedule).toBe('@hourly');
    expect(crons['schedule-run'].spec.concurrency_policy).toBe('Forbid');
  });

  test('derives startup, readiness and liveness probes from the health check', () => {
    const web = container(deployments.web);
    expect(web.startup_probe).toEqual({ http_get: { path: '/health', port: '8000' }, period_seconds: 5, timeout_seconds: 10, failure_threshold: 11 });
    expect(web.readiness_probe).toEqual({ http_get: { path: '/health', port: '8000' }, period_seconds: 10, timeout_seconds: 10, failure_threshold: 3 });
    expect(web.liveness_probe).toEqual({ http_get: { path: '/health', port: '8000' }, period_seconds: 30, timeout_seconds: 10, failure_threshold: 3 });
    const connector = container(deployments.cloudflared);
    expect(connector.readiness_probe.http_get).toEqual({ path: '/ready', port: '20241' });
  });

  test('turns a command health check into exec probes', () => {
    const out = JSON.parse(simpleApp({}, {
      processes: {
        web: { image: 'ghcr.io/acme/erp:1.0.0', port: 8080, healthCheck: { path: '/health' } },
        workers: [{ name: 'queue', command: 'php artisan queue:work', healthCheck: { command: ['php', 'artisan', 'queue:monitor'] } }],
      },
    })());
    const queue = byName(out, 'kubernetes_deployment_v1').queue.spec.template.spec.container[0];
    expect(queue.liveness_probe.exec).toEqual({ command: ['php', 'artisan', 'queue:monitor'] });
    expect(queue.liveness_probe.http_get).toBeUndefined();
  });

  test('runs every container as a non-root user with no privilege escalation, no capabilities, RuntimeDefault seccomp and a read-only root', () => {
    const pods = [
      ...Object.values(deployments).map(pod),
      ...Object.values(cronJobs).map((c) => c.spec.job_template.spec.template.spec),
      ...jobs.map((j) => j.spec.template.spec),
    ];
    expect(pods).toHaveLength(7);
    for (const p of pods) {
      // the backup's containers run as the engines' images' service user (999), with its scratch volume
      const backup = p.init_container !== undefined;
      const uid = backup ? '999' : '10001';
      expect(p.security_context).toEqual({
        run_as_non_root: true, run_as_user: uid, run_as_group: uid, fs_group: uid, seccomp_profile: { type: 'RuntimeDefault' },
      });
      expect(p.automount_service_account_token).toBe(false);
      for (const c of [...p.container, ...(p.init_container ?? [])]) {
        expect(c.security_context).toEqual({
          run_as_non_root: true, run_as_user: uid, run_as_group: uid, allow_privilege_escalation: false, privileged: false,
          read_only_root_filesystem: true, capabilities: { drop: ['ALL'] }, seccomp_profile: { type: 'RuntimeDefault' },
        });
      }
      expect(p.container[0].volume_mount.map((m: Json) => m.mount_path)).toEqual(backup ? ['/tmp', '/opt/erp-backup/erp-backup.sh', '/var/lib/erp-backup'] : ['/tmp']);
    }
    const ns = resources(json, 'kubernetes_namespace_v1')[0];
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('sets resource requests and limits, with defaults where the model gives none', () => {
    expect(container(deployments.web).resources).toEqual({ limits: { cpu: '1000m', memory: '1024Mi' }, requests: { cpu: '250m', memory: '1024Mi' } });
    expect(container(deployments['celery-beat']).resources).toEqual({ limits: { cpu: '1000m', memory: '512Mi' }, requests: { cpu: '250m', memory: '512Mi' } });
    expect(container(deployments.cloudflared).resources.requests).toBeDefined();
  });

  test('gives every Deployment a PodDisruptionBudget: at least one up with several replicas, at most one down with one', () => {
    const pdbs = byName(json, 'kubernetes_pod_disruption_budget_v1');
    expect(Object.keys(pdbs).sort()).toEqual(Object.keys(deployments).sort());
    expect(pdbs.web.spec).toEqual({ min_available: '1', selector: { match_labels: { 'app.kubernetes.io/name': 'emerald', 'app.kubernetes.io/component': 'web' } } });
    expect(pdbs.celery.spec.min_available).toBe('1');
    expect(pdbs.cloudflared.spec.min_available).toBe('1');
    expect(pdbs['celery-beat'].spec).toMatchObject({ max_unavailable: '1' });
    expect(pdbs['celery-beat'].spec.min_available).toBeUndefined();
  });

  test('autoscales web on CPU from its replicas, and leaves the replica count to the autoscaler', () => {
    const hpa = resources(json, 'kubernetes_horizontal_pod_autoscaler_v2');
    expect(hpa).toHaveLength(1);
    expect(hpa[0].spec).toMatchObject({
      min_replicas: 2, max_replicas: 6,
      scale_target_ref: { api_version: 'apps/v1', kind: 'Deployment' },
      metric: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', average_utilization: 70 } } }],
    });
    expect(hpa[0].spec.scale_target_ref.name).toMatch(/^\$\{kubernetes_deployment_v1\.[^.]+\.metadata\[0\]\.name\}$/);
    expect(deployments.web.lifecycle).toEqual({ ignore_changes: ['spec[0].replicas'] });
    const custom = byName(synthIsp({ webMaxReplicas: 12, webCpuTargetPercent: 60 }), 'kubernetes_horizontal_pod_autoscaler_v2').web;
    expect(custom.spec.max_replicas).toBe(12);
    expect(custom.spec.metric[0].resource.target.average_utilization).toBe(60);
  });

  test('exposes web through a ClusterIP Service and gives the tunnel its cluster DNS name', () => {
    const services = byName(json, 'kubernetes_service_v1');
    expect(Object.keys(services)).toEqual(['web']);
    expect(services.web.spec).toMatchObject({ type: 'ClusterIP', port: [{ port: 8000, target_port: '8000' }] });
    const stack = new TerraformStack(Testing.app(), 'ha');
    const { app } = ispManager(stack);
    expect(app.internalUrl('web')).toBe('http://web.emerald.svc.cluster.local:8000');
  });

  test('runs the migration Job to completion before web rolls out', () => {
    expect(jobs).toHaveLength(1);
    const job = jobs[0];
    const jobId = Object.keys(json.resource.kubernetes_job_v1)[0];
    expect(job.wait_for_completion).toBe(true);
    expect(job.spec.template.spec.container[0].args).toEqual(['alembic', 'upgrade', 'head']);
    expect(job.spec.template.spec.restart_policy).toBe('Never');
    expect(job.metadata.name).toMatch(/^emerald-release-[0-9a-f]{8}$/);
    expect(deployments.web.depends_on).toContain(`kubernetes_job_v1.${jobId}`);
    expect(deployments.celery.depends_on).toContain(`kubernetes_job_v1.${jobId}`);
    expect(deployments.cloudflared.depends_on).toBeUndefined();
    expect(deployments.web.wait_for_rollout).toBe(true);
  });

  test('names the migration Job after the image, so a new image runs it again', () => {
    const a = resources(synthIsp({}, 'ghcr.io/emerald/isp-backend:2.3.0'), 'kubernetes_job_v1')[0].metadata.name;
    const b = resources(synthIsp({}, 'ghcr.io/emerald/isp-backend:2.3.0'), 'kubernetes_job_v1')[0].metadata.name;
    const c = resources(synthIsp({}, 'ghcr.io/emerald/isp-backend:2.4.0'), 'kubernetes_job_v1')[0].metadata.name;
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  test('keeps secret values in Secrets read through envFrom, never in plain env', () => {
    const secrets = byName(json, 'kubernetes_secret_v1');
    expect(secrets['emerald-app'].data.JWT_SECRET).toBe(FAKE.jwtSecret);
    expect(secrets['emerald-app'].data.DATABASE_URL).toContain('${digitalocean_database_cluster.');
    expect(secrets['emerald-tunnel'].data).toEqual({ TUNNEL_TOKEN: FAKE.tunnelToken });
    expect(secrets['emerald-backup-backup'].data.AWS_SECRET_ACCESS_KEY).toBe(FAKE.secretKey);
    const secretRef = (d: Json) => (container(d).env_from as Json[]).map((e) => e.secret_ref.name);
    expect(secretRef(deployments.web)).toEqual([expect.stringMatching(/^\$\{kubernetes_secret_v1\.[^.]+\.metadata\[0\]\.name\}$/)]);
    expect(secretRef(deployments.cloudflared)).toHaveLength(1);
    expect(secretRef(deployments.cloudflared)[0]).not.toBe(secretRef(deployments.web)[0]);
    const everythingButSecrets = JSON.stringify({ ...json.resource, kubernetes_secret_v1: undefined });
    for (const value of Object.values(FAKE)) expect(everythingButSecrets).not.toContain(value);
    expect(container(deployments.web).env).toEqual(expect.arrayContaining([{ name: 'APP_ENV', value: 'production' }, { name: 'PORT', value: '8000' }]));
  });

  test('gives the release Job its own Secret when the app connects through a connection pool', () => {
    const stack = new TerraformStack(Testing.app(), 'ha');
    const cluster = KubernetesCluster.fromClusterName(stack, 'Cluster', CLUSTER);
    const runtime = new KubernetesRuntime(stack, 'Runtime', { cluster });
    const db = new ManagedDatabase(stack, 'Database', {
      name: 'erp-db', engine: DatabaseEngine.postgres(15), size: DatabaseSize.DB_S_2VCPU_4GB, region: DoRegion.FRA1,
      databases: ['erp'], users: ['erp_app'], connectionPools: [{ name: 'erp-pool', database: 'erp', user: 'erp_app', size: 20 }],
    });
    const app = new ErpAppService(stack, 'App', {
      name: 'erp', runtime,
      processes: { web: { image: 'ghcr.io/acme/erp:1.0.0', port: 8080 }, release: { command: ['alembic', 'upgrade', 'head'] } },
    });
    app.connectTo(db, { connection: db.poolConnection('erp-pool') });
    const out = JSON.parse(Testing.synth(stack));
    const secrets = resources(out, 'kubernetes_secret_v1');
    const secretIds = Object.keys(out.resource.kubernetes_secret_v1);
    expect(secrets.map((x) => x.metadata.name).sort()).toEqual(['erp-app', 'erp-release']);
    const releaseSecretId = secretIds[secrets.findIndex((x) => x.metadata.name === 'erp-release')];
    const job = resources(out, 'kubernetes_job_v1')[0];
    expect(job.spec.template.spec.container[0].env_from).toEqual([{ secret_ref: { name: `\${kubernetes_secret_v1.${releaseSecretId}.metadata[0].name}` } }]);
  });

  test('runs the tunnel connector with two replicas by default, more when asked, spread over nodes', () => {
    expect(deployments.cloudflared.spec.replicas).toBe('2');
    expect(container(deployments.cloudflared).args).toEqual(['tunnel', '--no-autoupdate', '--metrics', '0.0.0.0:20241', 'run']);
    expect(pod(deployments.cloudflared).topology_spread_constraint[0]).toMatchObject({ topology_key: 'kubernetes.io/hostname', max_skew: 1 });
    expect(byName(synthIsp({ connectorReplicas: 3 }), 'kubernetes_deployment_v1').cloudflared.spec.replicas).toBe('3');
  });

  test('admits the cluster, by the id the data source reads, and nothing else, through both database firewalls', () => {
    const clusterId = Object.keys(json.data.digitalocean_kubernetes_cluster)[0];
    const firewalls = resources(json, 'digitalocean_database_firewall');
    expect(firewalls).toHaveLength(2);
    for (const fw of firewalls) {
      expect(fw.rule).toEqual([{ type: 'k8s', value: `\${data.digitalocean_kubernetes_cluster.${clusterId}.id}` }]);
    }
  });

  test('admits the cluster with db.allowFrom(cluster), a cluster read by name or one created in the stack', () => {
    const stack = new TerraformStack(Testing.app(), 'ha');
    const cluster = KubernetesCluster.fromClusterName(stack, 'Cluster', CLUSTER);
    const db = new ManagedDatabase(stack, 'Database', { name: 'isp-db', engine: DatabaseEngine.postgres(15), size: DatabaseSize.DB_S_1VCPU_2GB, region: DoRegion.FRA1 });
    db.allowFrom(cluster);
    const out = JSON.parse(Testing.synth(stack));
    const clusterId = Object.keys(out.data.digitalocean_kubernetes_cluster)[0];
    expect(resources(out, 'digitalocean_database_firewall')[0].rule).toEqual([{ type: 'k8s', value: `\${data.digitalocean_kubernetes_cluster.${clusterId}.id}` }]);

    const platform = new TerraformStack(Testing.app(), 'ha-platform');
    const created = new KubernetesCluster(platform, 'Cluster', CLUSTER);
    const platformDb = new ManagedDatabase(platform, 'Database', { name: 'isp-db', engine: DatabaseEngine.postgres(15), size: DatabaseSize.DB_S_1VCPU_2GB, region: DoRegion.FRA1 });
    platformDb.allowFrom(created);
    const both = JSON.parse(Testing.synth(platform));
    const createdId = Object.keys(both.resource.digitalocean_kubernetes_cluster)[0];
    expect(resources(both, 'digitalocean_database_firewall')[0].rule).toEqual([{ type: 'k8s', value: `\${digitalocean_kubernetes_cluster.${createdId}.id}` }]);
  });

  test('names every workload resource with the cluster provider', () => {
    for (const type of Object.keys(json.resource).filter((t) => t.startsWith('kubernetes_'))) {
      for (const r of resources(json, type)) expect(r.provider).toBe('kubernetes');
    }
    const stack = new TerraformStack(Testing.app(), 'ha');
    const cluster = KubernetesCluster.fromClusterName(stack, 'Cluster', { ...CLUSTER, providerAlias: 'isp' });
    const runtime = new KubernetesRuntime(stack, 'Runtime', { cluster });
    new ErpAppService(stack, 'App', { name: 'erp', runtime, processes: { web: { image: 'ghcr.io/acme/erp:1.0.0', port: 8080 } } });
    const out = JSON.parse(Testing.synth(stack));
    expect(out.provider.kubernetes[0].alias).toBe('isp');
    for (const type of Object.keys(out.resource).filter((t) => t.startsWith('kubernetes_'))) {
      for (const r of resources(out, type)) expect(r.provider).toBe('kubernetes.isp');
    }
  });

  test('runs a Valkey Deployment and Service named redis when the app has no managed cache', () => {
    const out = JSON.parse(simpleApp({ namespace: 'erp-prod' })());
    const deps = byName(out, 'kubernetes_deployment_v1');
    expect(Object.keys(deps).sort()).toEqual(['redis', 'web']);
    expect(deps.redis.spec.template.spec.container[0].security_context).toMatchObject({ run_as_user: '999', read_only_root_filesystem: true });
    expect(deps.redis.spec.template.spec.container[0].volume_mount).toContainEqual({ name: 'data', mount_path: '/data' });
    expect(Object.keys(byName(out, 'kubernetes_service_v1')).sort()).toEqual(['redis', 'web']);
    expect(deps.web.spec.template.spec.container[0].env).toContainEqual({ name: 'REDIS_URL', value: 'redis://redis:6379/0' });
    expect(resources(out, 'kubernetes_namespace_v1')[0].metadata.name).toBe('erp-prod');
  });

  test('leaves the root filesystem writable for the processes named', () => {
    const out = byName(synthIsp({ writableRootFilesystem: ['celery-beat'] }), 'kubernetes_deployment_v1');
    expect(out['celery-beat'].spec.template.spec.container[0].security_context.read_only_root_filesystem).toBe(false);
    expect(out.web.spec.template.spec.container[0].security_context.read_only_root_filesystem).toBe(true);
  });

  test('fails with a namespace that is not a DNS label, or is a system namespace', () => {
    expect(failingRuntime({ namespace: 'ERP_Prod' })).toEqual(['namespace']);
    expect(failingRuntime({ namespace: 'kube-system' })).toEqual(['namespace']);
  });

  test('fails without a cluster, or with a cache image that is not an image reference', () => {
    const stack = new TerraformStack(Testing.app(), 'ha');
    expect(problemsOf(() => new KubernetesRuntime(stack, 'Runtime', { cluster: undefined as unknown as IKubernetesCluster }))).toEqual(['cluster']);
    expect(failingRuntime({ cacheImage: 'Not An Image!' })).toEqual(['cacheImage']);
  });

  test('fails on a cluster created in the same stack, saying to read it with fromClusterName from another stack', () => {
    const make = () => {
      const stack = new TerraformStack(Testing.app(), 'ha');
      const created = new KubernetesCluster(stack, 'Cluster', CLUSTER) as unknown as IKubernetesCluster;
      return new KubernetesRuntime(stack, 'Runtime', { cluster: created });
    };
    expect(problemsOf(make)).toEqual(['cluster']);
    expect(make).toThrow(/cluster: is not a Kubernetes cluster with a Kubernetes provider \(a KubernetesCluster configures none.*\(got "?KubernetesCluster"?\).*KubernetesCluster\.fromClusterName/s);
  });

  test('fails with one connector replica', () => {
    expect(failingRuntime({ connectorReplicas: 1 })).toEqual(['connectorReplicas']);
  });

  test('fails with replica, percentage, fraction, user, timeout and history values out of range, all in one error', () => {
    expect(failingRuntime({
      webMaxReplicas: 0, webCpuTargetPercent: 150, defaultResources: { cpus: 0, memoryMib: 8 }, cpuRequestFraction: 2,
      runAsUser: 0, writableRootFilesystem: ['Not A Name'], releaseTimeoutMinutes: 0, jobHistoryLimit: 99,
    })).toEqual([
      'webMaxReplicas', 'webCpuTargetPercent', 'defaultResources.cpus', 'defaultResources.memoryMib', 'cpuRequestFraction',
      'runAsUser', 'writableRootFilesystem[0]', 'releaseTimeoutMinutes', 'jobHistoryLimit',
    ]);
  });

  test('fails at synthesis when the autoscaler maximum is below the web replicas', () => {
    expect(problemsOf(() => synthIsp({ webMaxReplicas: 1 }))).toEqual(['webMaxReplicas']);
  });

  test('fails at synthesis when a writable root filesystem names no process', () => {
    expect(problemsOf(() => synthIsp({ writableRootFilesystem: ['frontend'] }))).toEqual(['writableRootFilesystem[0]']);
  });

  test('fails when one runtime is given to two apps', () => {
    const stack = new TerraformStack(Testing.app(), 'ha');
    const cluster = KubernetesCluster.fromClusterName(stack, 'Cluster', CLUSTER);
    const runtime = new KubernetesRuntime(stack, 'Runtime', { cluster });
    const processes = { web: { image: 'ghcr.io/acme/erp:1.0.0', port: 8080 } };
    new ErpAppService(stack, 'App', { name: 'erp', runtime, processes });
    expect(problemsOf(() => new ErpAppService(stack, 'App2', { name: 'erp2', runtime, processes }))).toEqual(['runtime']);
  });
});

/**
 * The Laravel invoicing system on the HA tier: web, queue workers, the
 * every-minute scheduler, migrations and phpMyAdmin (a service) on managed
 * MySQL 8, which hands the app its CA certificate.
 */
function invoicingOnMysql() {
  const stack = new TerraformStack(Testing.app(), 'ha');
  const cluster = KubernetesCluster.fromClusterName(stack, 'Cluster', CLUSTER);
  const runtime = new KubernetesRuntime(stack, 'Runtime', { cluster });
  const db = new ManagedDatabase(stack, 'Database', {
    name: 'facturador-db', engine: DatabaseEngine.mysql(8), size: DatabaseSize.DB_S_2VCPU_4GB, nodeCount: 2,
    region: DoRegion.FRA1, vpc: cluster.network.vpcId, databases: ['facturador'], users: ['facturador'],
  });
  const app = new ErpAppService(stack, 'App', {
    name: 'facturador',
    runtime,
    processes: {
      web: { image: 'ghcr.io/facturador/app:3.1.0', port: 8080, healthCheck: { path: '/up' }, replicas: 2 },
      workers: [{ name: 'queue', command: 'php artisan queue:work --tries=3 --timeout=90', replicas: 2 }],
      scheduler: { everyMinute: ['php', 'artisan', 'schedule:run'] },
      release: { command: ['php', 'artisan', 'migrate', '--force'] },
      services: [{
        name: 'phpmyadmin', image: 'phpmyadmin:5.2.1', port: 80, healthCheck: { path: '/' }, replicas: 2,
        environmentFrom: { PMA_HOST: 'DB_HOST', PMA_PORT: 'DB_PORT' },
      }],
    },
    environment: { APP_ENV: 'production' },
  });
  app.connectTo(db);
  app.backupTo(new TestVault());
  app.serveThrough(new TestTunnel());
  return { stack, runtime, db, app, json: JSON.parse(Testing.synth(stack)) as Json };
}

describe('KubernetesRuntime with the Laravel invoicing system on managed MySQL', () => {
  const { json, runtime } = invoicingOnMysql();
  const deployments = byName(json, 'kubernetes_deployment_v1');
  const cronJobs = byName(json, 'kubernetes_cron_job_v1');
  const releaseJob = resources(json, 'kubernetes_job_v1')[0];
  const configMaps = resources(json, 'kubernetes_config_map_v1');
  const configMapId = Object.keys(json.resource.kubernetes_config_map_v1 ?? {})[0];
  const caReference = `\${data.digitalocean_database_ca.${Object.keys(json.data.digitalocean_database_ca)[0]}.certificate}`;
  const caVolume = {
    name: 'file-database-ca',
    config_map: {
      name: `\${kubernetes_config_map_v1.${configMapId}.metadata[0].name}`,
      default_mode: '0444',
      items: [{ key: 'database-ca.pem', path: 'database-ca.pem' }],
    },
  };
  const caMount = { name: 'file-database-ca', mount_path: DATABASE_CA_CERT_PATH, sub_path: 'database-ca.pem', read_only: true };
  const podSpecs: Record<string, Json> = {
    ...Object.fromEntries(Object.entries(deployments).map(([name, d]) => [`deployment ${name}`, d.spec.template.spec])),
    ...Object.fromEntries(Object.entries(cronJobs).map(([name, c]) => [`cronjob ${name}`, c.spec.job_template.spec.template.spec])),
    'release job': releaseJob.spec.template.spec,
  };

  test('puts the database CA certificate in a ConfigMap of the app namespace', () => {
    // and the backup script in one of its own
    expect(configMaps.map((c) => c.metadata.name)).toEqual(['facturador-database-ca', 'facturador-erp-backup-script']);
    expect(configMaps[0].metadata).toMatchObject({ name: 'facturador-database-ca', labels: { 'app.kubernetes.io/name': 'facturador' } });
    expect(configMaps[0].metadata.namespace).toMatch(/^\$\{kubernetes_namespace_v1\.[^.]+\.metadata\[0\]\.name\}$/);
    expect(configMaps[0].data).toEqual({ 'database-ca.pem': caReference });
    expect(Object.keys(runtime.configMaps)).toEqual(['database-ca', 'erp-backup-script']);
  });

  test('mounts the certificate read-only as one file into every Deployment, CronJob and the release Job but the connector and the cache', () => {
    expect(Object.keys(podSpecs).sort()).toEqual([
      'cronjob backup', 'cronjob backup-restore', 'cronjob schedule-run', 'deployment cloudflared', 'deployment phpmyadmin', 'deployment queue',
      'deployment redis', 'deployment web', 'release job',
    ]);
    for (const [name, spec] of Object.entries(podSpecs)) {
      const volumes = spec.volume.filter((v: Json) => v.config_map && v.name !== 'file-erp-backup-script');
      const mounts = spec.container[0].volume_mount.filter((m: Json) => m.mount_path === DATABASE_CA_CERT_PATH);
      if (name === 'deployment cloudflared' || name === 'deployment redis') {
        expect([name, volumes, mounts]).toEqual([name, [], []]);
      } else {
        expect([name, volumes, mounts]).toEqual([name, [caVolume], [caMount]]);
        // the root filesystem stays read-only: the file is a mount of its own
        expect([name, spec.container[0].security_context.read_only_root_filesystem]).toEqual([name, true]);
      }
    }
  });

  test('points MYSQL_ATTR_SSL_CA at the mounted file', () => {
    for (const name of ['web', 'queue']) {
      expect(deployments[name].spec.template.spec.container[0].env).toContainEqual({ name: 'MYSQL_ATTR_SSL_CA', value: DATABASE_CA_CERT_PATH });
    }
    expect(releaseJob.spec.template.spec.container[0].env).toContainEqual({ name: 'MYSQL_ATTR_SSL_CA', value: DATABASE_CA_CERT_PATH });
  });

  test('rolls a Deployment\'s pods when the certificate changes (a subPath mount does not follow its ConfigMap)', () => {
    for (const name of ['web', 'queue', 'phpmyadmin']) {
      expect([name, deployments[name].spec.template.metadata.annotations]).toEqual([name, { 'checksum/database-ca': `\${sha256(${caReference.slice(2, -1)})}` }]);
    }
    expect(deployments.cloudflared.spec.template.metadata.annotations).toBeUndefined();
    expect(deployments.redis.spec.template.metadata.annotations).toBeUndefined();
  });

  test('autoscales web only: a service such as phpMyAdmin keeps its replicas and gets no autoscaler', () => {
    const hpa = resources(json, 'kubernetes_horizontal_pod_autoscaler_v2');
    expect(hpa.map((h) => h.metadata.name)).toEqual(['web']);
    expect(deployments.phpmyadmin.spec.replicas).toBe('2');
    expect(deployments.phpmyadmin.lifecycle).toBeUndefined();
    expect(runtime.webAutoscaler).toBeDefined();
  });

  test('a PostgreSQL app gets no ConfigMap and no file volume but the backup script\'s', () => {
    const isp = synthIsp();
    expect(resources(isp, 'kubernetes_config_map_v1').map((c) => c.metadata.name)).toEqual(['emerald-erp-backup-script']);
    for (const d of resources(isp, 'kubernetes_deployment_v1')) {
      expect([d.metadata.name, d.spec.template.spec.volume.map((v: Json) => v.name)]).toEqual([d.metadata.name, d.metadata.name === 'redis' ? ['tmp', 'data'] : ['tmp']]);
    }
  });
});
