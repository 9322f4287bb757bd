import { DataDigitaloceanKubernetesVersions } from '@cdktf/provider-digitalocean/lib/data-digitalocean-kubernetes-versions';
import { KubernetesCluster as DoKubernetesCluster } from '@cdktf/provider-digitalocean/lib/kubernetes-cluster';
import { Vpc } from '@cdktf/provider-digitalocean/lib/vpc';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { DatabaseAccessSource, DatabaseAccessSourceType, IDatabaseClient, PrivateNetworkPlacement } from '../../../common/contracts';
import { PrivateNetwork } from '../../../common/network';
import { DoRegion } from '../../../common/region';
import { Weekday } from '../../../common/weekday';
import { checkKubernetesClusterProps } from './private/check-props';
import { DropletSize } from '../droplet/droplet-size';

/**
 * The Kubernetes version of a cluster: the newest patch of a minor line
 * (looked up with the `digitalocean_kubernetes_versions` data source), or an
 * exact version slug.
 */
export class KubernetesVersion {
  /** The newest DigitalOcean release whose slug starts with `prefix` (`'1.33.'`). */
  public static latest(prefix: string): KubernetesVersion {
    return new KubernetesVersion(prefix, undefined);
  }

  /** An exact DigitalOcean version slug (`'1.33.1-do.0'`). */
  public static exact(slug: string): KubernetesVersion {
    return new KubernetesVersion(undefined, slug);
  }

  private constructor(
    /** The version prefix, when the newest release of a line is wanted. */
    public readonly prefix: string | undefined,
    /** The exact version slug, when one is pinned. */
    public readonly slug: string | undefined,
  ) {}

  public toString(): string {
    return this.slug ?? `${this.prefix}*`;
  }
}

/** A Kubernetes cluster apps can run on: its provider configuration and its database firewall entry. */
export interface IKubernetesCluster extends IDatabaseClient {
  /** The cluster id. */
  readonly clusterId: string;
  /** The Kubernetes provider configured for this cluster; every workload resource names it. */
  readonly kubernetesProvider: KubernetesProvider;
}

/** Props of `KubernetesCluster`. */
export interface KubernetesClusterProps {
  /** Cluster name: lowercase letters, digits and "-", starting with a letter, at most 63 characters. */
  readonly name: string;
  /** Region of the cluster (and of its VPC). */
  readonly region: DoRegion;
  /**
   * Kubernetes version.
   * @default KubernetesVersion.latest('1.33.')
   */
  readonly version?: KubernetesVersion;
  /**
   * Size of the nodes of the default pool.
   * @default DropletSize.S_4VCPU_8GB
   */
  readonly nodeSize?: DropletSize;
  /**
   * Fewest nodes the autoscaler keeps; at least 3, so that replicas spread over machines survive a node loss.
   * @default 3
   */
  readonly minNodes?: number;
  /**
   * Most nodes the autoscaler may add.
   * @default - twice `minNodes`
   */
  readonly maxNodes?: number;
  /**
   * Highly available control plane (several API server replicas, a DigitalOcean SLA).
   * @default true
   */
  readonly haControlPlane?: boolean;
  /**
   * Day of the weekly maintenance window (UTC) in which auto-upgrades run; `'any'` lets DigitalOcean pick.
   * @default Weekday.SUNDAY
   */
  readonly maintenanceDay?: Weekday | 'any';
  /**
   * Start of the maintenance window, `HH:MM` in UTC.
   * @default '04:00'
   */
  readonly maintenanceStartTime?: string;
  /**
   * Id of the VPC the cluster joins (`network.vpcId`, a `Vpc`'s id, or an existing VPC's UUID).
   * A change replaces the cluster.
   * @default - the stack's shared network of the region, `PrivateNetwork.of(stack, region)`, which a
   *   `ManagedDatabase` in that region also joins when given no VPC
   */
  readonly vpcId?: string;
  /**
   * IP range of the stack's shared network of the region (ignored with `vpcId`); every construct
   * that gives one must give the same. Fixed once created: a change replaces the VPC and all in it.
   * @default - DigitalOcean picks a free range
   */
  readonly vpcIpRange?: string;
  /**
   * Let the nodes pull from the account's DigitalOcean Container Registry.
   * @default false
   */
  readonly registryIntegration?: boolean;
  /**
   * Tags of the cluster and of its nodes.
   * @default - none
   */
  readonly tags?: readonly string[];
  /**
   * Alias of the Kubernetes provider this construct configures (needed when a stack holds two clusters).
   * @default - the stack's default `kubernetes` provider
   */
  readonly providerAlias?: string;
}


/**
 * A DigitalOcean Kubernetes cluster for an app that must stay up: highly available
 * control plane, auto-upgrade with surge upgrade inside a weekly maintenance
 * window, one node pool that autoscales from at least 3 nodes, in a VPC (by
 * default the stack's shared network of the region, `PrivateNetwork.of`, which
 * a `ManagedDatabase` given no VPC joins too).
 *
 * It also configures the Kubernetes provider for itself (child `Provider`):
 * host = the cluster endpoint, token = the cluster's kubeconfig token,
 * cluster CA = the base64-decoded kubeconfig certificate. Workloads
 * (`KubernetesRuntime`) name that provider explicitly, so two clusters in one
 * stack work with `providerAlias`.
 *
 * One stack, one apply: Terraform configures a provider before it plans, so on
 * the first plan the Kubernetes provider's host, token and CA are unknown.
 * The typed Kubernetes resources this library uses (`kubernetes_*_v1`) do not
 * call the API to plan a create, so the first `terraform apply` creates the
 * cluster and then its workloads in one run. Two situations need a
 * two-phase apply (`terraform apply -target=<cluster address>`, then a plain
 * apply): a change that replaces the cluster (its endpoint and token become
 * unknown again while workloads already exist, and the provider cannot read
 * them: it falls back to localhost and fails), and `kubernetes_manifest`
 * resources, which need the API at plan time (none here). The kubeconfig
 * token DigitalOcean issues expires (7 days by default); the DigitalOcean
 * provider renews it on refresh, so run plans with refresh on.
 *
 * The cluster is an `IDatabaseClient`: `db.allowFrom(cluster)` admits it
 * (DigitalOcean `k8s` firewall rule by cluster id) and nothing else.
 */
export class KubernetesCluster extends Construct implements IKubernetesCluster {
  /** The `digitalocean_kubernetes_cluster`. */
  public readonly cluster: DoKubernetesCluster;
  /** The version lookup, when the version is a prefix. */
  public readonly versions?: DataDigitaloceanKubernetesVersions;
  /** The VPC of the stack's shared network, when the cluster joined it (no `vpcId` given). */
  public readonly vpc?: Vpc;
  /** The stack's shared network of the region, when the cluster joined it (no `vpcId` given). */
  public readonly privateNetwork?: PrivateNetwork;
  /** The VPC id the cluster is in. */
  public readonly vpcId: string;
  /** The region and VPC of the cluster, which `ErpAppService.connectTo` compares with a database's. */
  public readonly network: PrivateNetworkPlacement;
  /** The cluster id. */
  public readonly clusterId: string;
  /** The cluster's API endpoint. */
  public readonly endpoint: string;
  /** The Kubernetes provider configured from this cluster. */
  public readonly kubernetesProvider: KubernetesProvider;
  /** The firewall entry that admits this cluster to a database. */
  public readonly databaseAccessSources: DatabaseAccessSource[];
  /** Fewest nodes of the pool. */
  public readonly minNodes: number;
  /** Most nodes of the pool. */
  public readonly maxNodes: number;

  constructor(scope: Construct, id: string, props: KubernetesClusterProps) {
    super(scope, id);
    const { minNodes, maxNodes, size, version } = checkKubernetesClusterProps(this, props);

    this.minNodes = minNodes;
    this.maxNodes = maxNodes;
    if (props.vpcId === undefined) {
      this.privateNetwork = PrivateNetwork.of(this, props.region, { ipRange: props.vpcIpRange });
      this.privateNetwork.addMember(props.name);
      this.vpc = this.privateNetwork.vpc;
      this.vpcId = this.privateNetwork.vpcId;
    } else {
      this.vpcId = props.vpcId;
    }
    this.network = { region: props.region, vpcId: this.vpcId };
    let versionSlug: string;
    if (version.slug !== undefined) {
      versionSlug = version.slug;
    } else {
      this.versions = new DataDigitaloceanKubernetesVersions(this, 'Versions', { versionPrefix: version.prefix });
      versionSlug = this.versions.latestVersion;
    }
    const tags = props.tags ? [...props.tags] : undefined;
    this.cluster = new DoKubernetesCluster(this, 'Resource', {
      name: props.name,
      region: props.region.slug,
      version: versionSlug,
      vpcUuid: this.vpcId,
      ha: props.haControlPlane ?? true,
      autoUpgrade: true,
      surgeUpgrade: true,
      maintenancePolicy: {
        day: props.maintenanceDay ?? Weekday.SUNDAY,
        startTime: props.maintenanceStartTime ?? '04:00',
      },
      registryIntegration: props.registryIntegration ?? false,
      nodePool: {
        name: `${props.name}-pool`,
        size: size.slug,
        autoScale: true,
        minNodes,
        maxNodes,
        tags,
      },
      tags,
    });
    this.clusterId = this.cluster.id;
    this.endpoint = this.cluster.endpoint;
    const kubeConfig = this.cluster.kubeConfig.get(0);
    this.kubernetesProvider = new KubernetesProvider(this, 'Provider', {
      host: this.cluster.endpoint,
      token: kubeConfig.token,
      clusterCaCertificate: Fn.base64decode(kubeConfig.clusterCaCertificate),
      alias: props.providerAlias,
    });
    this.databaseAccessSources = [{ type: DatabaseAccessSourceType.KUBERNETES, value: this.cluster.id }];
  }
}
