import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { Vpc } from '@cdktf/provider-digitalocean/lib/vpc';
import { DropletSize } from '../lib/app-service/runtimes/droplet/droplet-size';
import { KubernetesCluster } from '../lib/app-service/runtimes/kubernetes/kubernetes-cluster';
import { DoRegion } from '../lib/common/region';
import { NfsShare } from '../lib/storage/nfs-share';
import { DEFAULT_REGION, privateNetwork, resourceName } from './parts';
import { TierStack, TierStackProps } from './tier-stack';

/** The name of the HA tier's platform stack, applied before the `ha` stack. */
export const HA_PLATFORM_STACK = 'ha-platform';

/**
 * The platform of the high-availability tier (`ha-platform`): the private
 * network and the DigitalOcean Kubernetes cluster (HA control plane, a small
 * fixed system pool, and the app's node pool autoscaling from at least 3
 * nodes), protected from destroy. Nothing else: the `ha` stack reads the
 * cluster and the VPC by name and runs everything on them.
 *
 * Why a stack of its own: the Kubernetes provider of the `ha` stack is
 * configured from the cluster, and both the DigitalOcean and the Kubernetes
 * provider docs say not to configure it from a cluster created in the same
 * apply (it breaks when the cluster is replaced, and on an expired kubeconfig
 * token). Applied first (`ha` depends on it), the cluster exists, with fresh
 * credentials, whenever the `ha` stack is planned: `cdktf deploy ha-platform ha`.
 */
export class HaPlatformStack extends TierStack {
  /** The tier's private network, which the `ha` stack reads by name. */
  public readonly vpc: Vpc;
  /** The cluster, which the `ha` stack reads by name. */
  public readonly cluster: KubernetesCluster;
  /** The NFS share of the app's persistent paths (when the description has some), which the `ha` stack reads by name. */
  public readonly files?: NfsShare;

  constructor(scope: Construct, props: TierStackProps) {
    super(scope, 'ha', props, HA_PLATFORM_STACK);
    const d = this.description;
    const s = this.settings;
    const name = resourceName(d, 'ha');
    new DigitaloceanProvider(this, 'digitalocean', {});
    // Construct ids `Vpc` and `Cluster`, as they were in the one-stack `ha`: the same addresses,
    // so that `terraform state mv` carries existing resources over (docs/tiers.md).
    this.vpc = privateNetwork(this, d, 'ha');
    this.cluster = new KubernetesCluster(this, 'Cluster', {
      name,
      region: DoRegion.of(d.region ?? DEFAULT_REGION),
      nodeSize: DropletSize.of(s.nodeSize),
      minNodes: s.minNodes,
      maxNodes: s.maxNodes,
      vpcId: this.vpc.id,
      tags: [name],
    });
    // The persistent paths' share lives here, beside the cluster, not in `ha`: it holds the app's files, and
    // nothing a release or a workloads change does touches this stack (protected from destroy as well).
    if (Object.keys(d.persistentPaths ?? {}).length > 0) {
      this.files = new NfsShare(this, 'Files', { name: nfsShareName(d), region: DoRegion.of(d.region ?? DEFAULT_REGION), vpcId: this.vpc.id, tags: [name] });
      new TerraformOutput(this, 'files_share', {
        value: this.files.shareName,
        description: 'NFS share of the persistent paths: give its host and mount path (control panel, or GET /v2/nfs/<id>) to the ha stack as TF_VAR_nfs_host and TF_VAR_nfs_mount_path',
      });
      new TerraformOutput(this, 'files_share_id', { value: this.files.shareId, description: 'Id of the NFS share of the persistent paths' });
    }
    new TerraformOutput(this, 'cluster_name', {
      value: this.cluster.clusterName,
      description: 'Name of the Kubernetes cluster (the ha stack reads it by this name; doctl kubernetes cluster kubeconfig save <name>)',
    });
    new TerraformOutput(this, 'cluster_id', { value: this.cluster.clusterId, description: 'Id of the Kubernetes cluster' });
    new TerraformOutput(this, 'node_pool', { value: this.cluster.nodePool.name, description: 'Node pool the app runs on (named after its node size)' });
    new TerraformOutput(this, 'vpc_id', { value: this.vpc.id, description: 'Private network of the cluster and the databases' });
    this.addCostEstimateOutput('monthly_cost_estimate', 'Itemized monthly list-price estimate of this stack (USD)');
  }
}

/** The name of the HA tier's NFS share of the persistent paths (`<name>-ha-files`), which both HA stacks use. */
export function nfsShareName(d: { readonly name: string }): string {
  return `${d.name}-ha-files`;
}
