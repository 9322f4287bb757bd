import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DataDigitaloceanVpc } from '@cdktf/provider-digitalocean/lib/data-digitalocean-vpc';
import { ErpAppService } from '../lib/app-service/app-service';
import { ExistingKubernetesCluster } from '../lib/app-service/runtimes/kubernetes/existing-kubernetes-cluster';
import { KubernetesCluster } from '../lib/app-service/runtimes/kubernetes/kubernetes-cluster';
import { KubernetesRuntime } from '../lib/app-service/runtimes/kubernetes/kubernetes-runtime';
import { S3BackupVault } from '../lib/backup/s3-backup-vault';
import { DoRegion } from '../lib/common/region';
import { ManagedDatabase } from '../lib/database/managed-database';
import { Problems } from '../lib/private/validate';
import { TunnelIngress } from '../lib/tunnel/tunnel-ingress';
import { TerraformVariable } from 'cdktf';
import { ExistingNfsShare, NfsShare } from '../lib/storage/nfs-share';
import { AppDescription } from './description/description';
import { HaPlatformStack, nfsShareName } from './ha-platform';
import {
  DEFAULT_AWS_REPLICA_REGION, DEFAULT_REGION, appProcesses, appUrls, backupOptions, backupVault, cloudProviders, managedCache, monitoring,
  readReplicaEnvironment, resourceName, uploadsBucket, sqlDatabase, stackOutputs, tunnelIngress, vpcName,
} from './parts';
import { TierStack, TierStackProps } from './tier-stack';
import { appRegistries, appSecrets } from './secrets';

/** Props of `HaStack`. */
export interface HaStackProps extends TierStackProps {
  /**
   * The platform stack that creates the cluster and the VPC this stack reads by name; the stack
   * then depends on it, so that `cdktf deploy ha-platform ha` applies it first.
   * @default - no order recorded: apply `ha-platform` before `ha` yourself
   */
  readonly platform?: HaPlatformStack;
}

/**
 * The high-availability tier's workloads (`ha`): on the DigitalOcean Kubernetes
 * cluster of the `ha-platform` stack (HA control plane, an autoscaling pool of
 * at least 3 nodes), the processes run as Deployments, CronJobs and a migration
 * Job; a three-node database plus a read replica; managed Valkey; tunnel
 * connectors as a Deployment with two replicas; an S3 vault with object lock,
 * replicated to a second region.
 *
 * The stack creates no cluster and no VPC: it reads both by name with data
 * sources (`digitalocean_kubernetes_cluster`, `digitalocean_vpc`) and configures
 * the Kubernetes provider from the cluster data source
 * (`KubernetesCluster.fromClusterName`), so no value of it comes from the
 * platform stack's resources and the two are separate Terraform configurations.
 */
export class HaStack extends TierStack {
  /** The cluster of the platform stack, read by name, with the Kubernetes provider configured from it. */
  public readonly cluster: ExistingKubernetesCluster;
  /** The platform stack's private network, read by name. */
  public readonly vpc: DataDigitaloceanVpc;
  public readonly runtime: KubernetesRuntime;
  public readonly database: ManagedDatabase;
  public readonly cache?: ManagedDatabase;
  public readonly vault: S3BackupVault;
  public readonly app: ErpAppService;
  public readonly tunnel: TunnelIngress;

  constructor(scope: Construct, props: HaStackProps) {
    super(scope, 'ha', props);
    const d = this.description;
    const s = this.settings;
    const name = resourceName(d, 'ha');
    if (props.platform) {
      const p = new Problems();
      p.check(props.platform.cluster.clusterName === name, 'platform', props.platform.node.id,
        `creates the cluster ${props.platform.cluster.clusterName}, not ${name} (built from another app description?)`,
        'build the platform stack and this stack from one app description (buildStacks does)');
      p.throwIfAny(this);
      this.addDependency(props.platform);
    }
    cloudProviders(this, d, 'ha');
    const replica = new AwsProvider(this, 'aws-replica', { alias: 'replica', region: d.awsReplicaRegion ?? DEFAULT_AWS_REPLICA_REGION });
    const region = DoRegion.of(d.region ?? DEFAULT_REGION);
    // Made by the `ha-platform` stack (HaPlatformStack), read here by name: no reference crosses stacks.
    this.vpc = new DataDigitaloceanVpc(this, 'Vpc', { name: vpcName(d, 'ha') });
    this.cluster = KubernetesCluster.fromClusterName(this, 'Cluster', { name, region });
    this.database = sqlDatabase(this, d, 'ha', s, this.vpc.id);
    this.cache = managedCache(this, d, 'ha', s, this.vpc.id);
    this.vault = backupVault(this, d, 'ha', s, replica);
    this.runtime = new KubernetesRuntime(this, 'Runtime', { cluster: this.cluster, connectorReplicas: s.connectors, sharedStorage: this.sharedStorage(d, region) });
    this.app = new ErpAppService(this, 'App', { name: d.name, runtime: this.runtime, processes: appProcesses(d, s), environment: { ...readReplicaEnvironment(this.database), ...d.environment }, secrets: appSecrets(this, d, props.env), registries: appRegistries(this, d, props.env), timeZone: d.timeZone, persistentPaths: d.persistentPaths });
    // the app reaches a PostgreSQL cluster through its pool when the tier has one (migrations and dumps connect directly)
    const [pool] = Object.keys(this.database.connectionPools);
    this.app.connectTo(this.database, {
      connection: pool ? this.database.poolConnection(pool) : undefined,
      uriParameters: d.database.uriParameters,
      aliases: d.database.aliases,
    });
    if (this.cache) this.app.connectTo(this.cache, { aliases: d.cache?.aliases });
    uploadsBucket(this, d, 'ha', this.app);
    this.app.backupTo(this.vault, backupOptions(this, d, props.env));
    this.tunnel = tunnelIngress(this, d, 'ha', this.app);
    this.app.serveThrough(this.tunnel);
    monitoring(this, d, 'ha');
    stackOutputs(this, {
      urls: appUrls(d, 'ha'),
      databaseHost: this.database.privateHost,
      databaseUri: this.database.privateUri,
      vaultBucket: this.vault.bucketName,
      tunnelId: this.tunnel.tunnelId,
      tunnelToken: this.tunnel.token,
    });
  }

  /**
   * The persistent paths' NFS share, made by `ha-platform` and read here by name (no reference crosses
   * stacks), when the description has persistent paths. The pinned DigitalOcean provider (2.71.0) exports
   * neither the share's host nor its mount path (see `INfsMountSource`), so they come in as the Terraform
   * variables `nfs_host` and `nfs_mount_path` (TF_VAR_nfs_host, TF_VAR_nfs_mount_path, or the workspace's).
   */
  private sharedStorage(d: AppDescription, region: DoRegion): ExistingNfsShare | undefined {
    if (Object.keys(d.persistentPaths ?? {}).length === 0) return undefined;
    const host = new TerraformVariable(this, 'nfs_host', {
      type: 'string',
      description: 'Host address of the NFS share of the persistent paths, in the VPC (ha-platform output files_share; control panel or GET /v2/nfs/<id>)',
      validation: [{ condition: 'can(regex("^[0-9]{1,3}(\\\\.[0-9]{1,3}){3}$", var.nfs_host))', errorMessage: 'nfs_host must be the share\'s IPv4 address, such as 10.114.0.5.' }],
    });
    const mountPath = new TerraformVariable(this, 'nfs_mount_path', {
      type: 'string',
      description: 'Mount path of the NFS share of the persistent paths (control panel or GET /v2/nfs/<id>)',
      validation: [{ condition: 'startswith(var.nfs_mount_path, "/")', errorMessage: 'nfs_mount_path must be an absolute path.' }],
    });
    return NfsShare.fromShareName(this, 'Files', { name: nfsShareName(d), region, host: host.stringValue, mountPath: mountPath.stringValue });
  }
}
