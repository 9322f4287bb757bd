/**
 * A FastAPI + React ISP manager (FastAPI backend at /api, the React frontend
 * at /, a monitor UI at /beholder for admins, Celery workers and beat on Redis,
 * Alembic migrations, PostgreSQL 15), as a cdktf program using
 * cdktf-erp-constructs from npm, on the high-availability tier: DigitalOcean
 * Kubernetes with an HA control plane, a three-node PostgreSQL with a read
 * replica, managed Valkey, and a replicated S3 vault.
 *
 * Two stacks: `ha-platform` creates the VPC and the cluster; `ha` reads both
 * by name and runs everything else on them, with the Kubernetes provider
 * configured from the cluster data source (never from a cluster created in the
 * same apply). `ha` depends on `ha-platform`: `cdktf deploy ha-platform ha`
 * applies them in order.
 */
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { DataDigitaloceanVpc } from '@cdktf/provider-digitalocean/lib/data-digitalocean-vpc';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { Vpc } from '@cdktf/provider-digitalocean/lib/vpc';
import {
  AccessPolicy, DatabaseEngine, DatabaseSize, DoRegion, DropletSize, ErpAppService, KubernetesCluster, KubernetesRuntime,
  ManagedDatabase, ObjectLockMode, S3BackupVault, TunnelIngress,
} from 'cdktf-erp-constructs';

const CLUSTER_NAME = 'emerald-ha';
const VPC_NAME = 'emerald-ha';

/** The VPC and the Kubernetes cluster (protected from destroy; a node size change adds a node pool). */
export class FastApiIspPlatformStack extends TerraformStack {
  public readonly cluster: KubernetesCluster;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new DigitaloceanProvider(this, 'digitalocean', {});
    const vpc = new Vpc(this, 'Vpc', { name: VPC_NAME, region: 'nyc3' });
    this.cluster = new KubernetesCluster(this, 'Cluster', {
      name: CLUSTER_NAME, region: DoRegion.NYC3, nodeSize: DropletSize.S_4VCPU_8GB, minNodes: 3, maxNodes: 6, vpcId: vpc.id,
    });
  }
}

/** The databases, the vault, the app's workloads and the tunnel, on the cluster of the platform stack. */
export class FastApiIspStack extends TerraformStack {
  public readonly app: ErpAppService;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new DigitaloceanProvider(this, 'digitalocean', {});
    new CloudflareProvider(this, 'cloudflare', {});
    new AwsProvider(this, 'aws', { region: 'us-east-1' });
    const replica = new AwsProvider(this, 'aws-replica', { alias: 'replica', region: 'us-west-2' });

    // Made by the platform stack, read here by name.
    const vpc = new DataDigitaloceanVpc(this, 'Vpc', { name: VPC_NAME });
    const cluster = KubernetesCluster.fromClusterName(this, 'Cluster', { name: CLUSTER_NAME, region: DoRegion.NYC3 });
    const db = new ManagedDatabase(this, 'Database', {
      name: 'emerald-db', engine: DatabaseEngine.postgres(15), size: DatabaseSize.DB_S_2VCPU_4GB, nodeCount: 3,
      region: DoRegion.NYC3, vpc: vpc.id, databases: ['isp'], users: ['isp'], readReplicas: [{ name: 'emerald-db-replica' }],
    });
    const cache = new ManagedDatabase(this, 'Cache', {
      name: 'emerald-cache', engine: DatabaseEngine.valkey(8), size: DatabaseSize.DB_S_1VCPU_2GB, region: DoRegion.NYC3, vpc: vpc.id,
    });
    const vault = new S3BackupVault(this, 'Backups', {
      rootPrefix: 'emerald', objectLock: { mode: ObjectLockMode.COMPLIANCE, days: 30 }, replication: { provider: replica },
    });

    const image = 'ghcr.io/example/isp-backend:5.1.0';
    this.app = new ErpAppService(this, 'App', {
      name: 'emerald',
      runtime: new KubernetesRuntime(this, 'Runtime', { cluster, webMaxReplicas: 8 }),
      processes: {
        web: {
          image, command: ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '8000'], port: 8000, replicas: 2,
          healthCheck: { path: '/health' },
        },
        workers: [
          { name: 'celery', command: ['celery', '-A', 'app.worker', 'worker', '--loglevel=info'], replicas: 2 },
          { name: 'celery-beat', command: ['celery', '-A', 'app.worker', 'beat', '--loglevel=info'] },
        ],
        release: { command: ['alembic', 'upgrade', 'head'] },
        services: [
          { name: 'frontend', image: 'ghcr.io/example/isp-frontend:5.1.0-unprivileged', port: 8080, healthCheck: { path: '/' } },
          { name: 'monitor', image: 'ghcr.io/example/beholder:1.4.0', port: 3001, healthCheck: { path: '/beholder/' } },
        ],
      },
      environment: { ENVIRONMENT: 'production' },
    });
    this.app.connectTo(db);
    this.app.connectTo(cache);
    this.app.backupTo(vault);

    const tunnel = new TunnelIngress(this, 'Tunnel', {
      accountId: '0123456789abcdef0123456789abcdef', zoneId: 'fedcba9876543210fedcba9876543210', zoneName: 'example.com', name: 'emerald-ha',
      routes: [
        { hostname: 'isp.example.com', path: '/api', service: this.app.internalUrl() },
        { hostname: 'isp.example.com', path: '/beholder', service: this.app.internalUrl('monitor'), access: AccessPolicy.emailDomains('example.com') },
        { hostname: 'isp.example.com', service: this.app.internalUrl('frontend') },
      ],
      securityHeaders: {},
    });
    this.app.serveThrough(tunnel);
  }
}

if (require.main === module) {
  const app = new App();
  const platform = new FastApiIspPlatformStack(app, 'ha-platform');
  new FastApiIspStack(app, 'ha').addDependency(platform);
  app.synth();
}
