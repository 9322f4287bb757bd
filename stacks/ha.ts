import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ErpAppService } from '../lib/app-service/app-service';
import { DropletSize } from '../lib/app-service/runtimes/droplet/droplet-size';
import { KubernetesCluster } from '../lib/app-service/runtimes/kubernetes/kubernetes-cluster';
import { KubernetesRuntime } from '../lib/app-service/runtimes/kubernetes/kubernetes-runtime';
import { S3BackupVault } from '../lib/backup/s3-backup-vault';
import { DoRegion } from '../lib/common/region';
import { ManagedDatabase } from '../lib/database/managed-database';
import { TunnelIngress } from '../lib/tunnel/tunnel-ingress';
import {
  DEFAULT_AWS_REPLICA_REGION, DEFAULT_REGION, appProcesses, appUrls, backupVault, cloudProviders, managedCache, monitoring,
  privateNetwork, resourceName, sqlDatabase, stackOutputs, tunnelIngress,
} from './parts';
import { TierStack, TierStackProps } from './tier-stack';

/**
 * The high-availability tier (`ha`): DigitalOcean Kubernetes with an HA
 * control plane and an autoscaling pool of at least 3 nodes runs the processes
 * as Deployments, CronJobs and a migration Job; a three-node database plus a
 * read replica; managed Valkey; tunnel connectors as a Deployment with two
 * replicas; an S3 vault with object lock, replicated to a second region.
 */
export class HaStack extends TierStack {
  public readonly cluster: KubernetesCluster;
  public readonly runtime: KubernetesRuntime;
  public readonly database: ManagedDatabase;
  public readonly cache?: ManagedDatabase;
  public readonly vault: S3BackupVault;
  public readonly app: ErpAppService;
  public readonly tunnel: TunnelIngress;

  constructor(scope: Construct, props: TierStackProps) {
    super(scope, 'ha', props);
    const d = this.description;
    const s = this.settings;
    const name = resourceName(d, 'ha');
    cloudProviders(this, d);
    const replica = new AwsProvider(this, 'aws-replica', { alias: 'replica', region: d.awsReplicaRegion ?? DEFAULT_AWS_REPLICA_REGION });
    const vpc = privateNetwork(this, d, 'ha');
    this.cluster = new KubernetesCluster(this, 'Cluster', {
      name,
      region: DoRegion.of(d.region ?? DEFAULT_REGION),
      nodeSize: DropletSize.of(s.nodeSize),
      minNodes: s.minNodes,
      maxNodes: s.maxNodes,
      vpcId: vpc.id,
      tags: [name],
    });
    this.database = sqlDatabase(this, d, 'ha', s, vpc);
    this.cache = managedCache(this, d, 'ha', s, vpc);
    this.vault = backupVault(this, d, s, replica);
    this.runtime = new KubernetesRuntime(this, 'Runtime', { cluster: this.cluster, connectorReplicas: s.connectors });
    this.app = new ErpAppService(this, 'App', { name: d.name, runtime: this.runtime, processes: appProcesses(d, s), environment: d.environment });
    const pool = this.database.connectionPools[0];
    this.app.connectTo(this.database, pool ? { connection: this.database.poolConnection(pool.name) } : undefined);
    if (this.cache) this.app.connectTo(this.cache);
    this.app.backupTo(this.vault, { schedule: d.backups?.schedule ?? '0 2 * * *' });
    this.tunnel = tunnelIngress(this, d, 'ha', this.app, true);
    this.app.serveThrough(this.tunnel);
    monitoring(this, d, 'ha');
    stackOutputs(this, {
      urls: appUrls(d),
      databaseHost: this.database.privateHost,
      databaseUri: this.database.privateUri,
      vaultBucket: this.vault.bucketName,
      tunnelId: this.tunnel.tunnelId,
      tunnelToken: this.tunnel.token,
    });
  }
}
