import { DataDigitaloceanKubernetesVersions } from '@cdktf/provider-digitalocean/lib/data-digitalocean-kubernetes-versions';
import { KubernetesCluster as DoKubernetesCluster } from '@cdktf/provider-digitalocean/lib/kubernetes-cluster';
import { KubernetesNodePool } from '@cdktf/provider-digitalocean/lib/kubernetes-node-pool';
import { Vpc } from '@cdktf/provider-digitalocean/lib/vpc';
import type { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Construct } from 'constructs';
import { DatabaseAccessSource, DatabaseAccessSourceType, IDatabaseClient, PrivateNetworkPlacement } from '../../../common/contracts';
import { PrivateNetwork } from '../../../common/network';
import { DoRegion } from '../../../common/region';
import { Weekday } from '../../../common/weekday';
import { checkKubernetesClusterProps } from './private/check-props';
import { DropletSize } from '../droplet/droplet-size';
import { ExistingKubernetesCluster, ExistingKubernetesClusterProps } from './existing-kubernetes-cluster';

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

/**
 * A Kubernetes cluster workloads can run on: the Kubernetes provider configured for it and its
 * database firewall entry. `KubernetesCluster.fromClusterName` makes one from a cluster that
 * another stack (another Terraform configuration) created.
 */
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
   * Size of the nodes of the app's node pool (a `digitalocean_kubernetes_node_pool` named
   * `<name>-<size>`). A change adds a pool of the new size, then removes the old one: the cluster stays.
   * @default DropletSize.S_4VCPU_8GB
   */
  readonly nodeSize?: DropletSize;
  /**
   * Fewest nodes the autoscaler keeps in the app's node pool; at least 3, so that replicas spread over machines survive a node loss.
   * @default 3
   */
  readonly minNodes?: number;
  /**
   * Most nodes the autoscaler may add to the app's node pool.
   * @default - twice `minNodes`
   */
  readonly maxNodes?: number;
  /**
   * Size of the nodes of the cluster's own (default) node pool, `<name>-system`. Fixed once
   * created: the provider replaces the whole cluster when it changes (which `preventDestroy` refuses).
   * @default DropletSize.S_2VCPU_4GB
   */
  readonly systemNodeSize?: DropletSize;
  /**
   * Nodes of the cluster's own (default) node pool; a change resizes the pool in place.
   * @default 1
   */
  readonly systemNodeCount?: number;
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
   * Protect the cluster from `terraform destroy` and from replacement (`lifecycle.preventDestroy`):
   * a plan that would delete it, and every workload and volume on it, fails instead.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/**
 * A DigitalOcean Kubernetes cluster for an app that must stay up: highly available
 * control plane, auto-upgrade with surge upgrade inside a weekly maintenance
 * window, in a VPC (by default the stack's shared network of the region,
 * `PrivateNetwork.of`, which a `ManagedDatabase` given no VPC joins too),
 * protected from destroy. The app runs on a node pool of its own that autoscales
 * from at least 3 nodes.
 *
 * Two node pools, so that a node size change never replaces the cluster. The
 * provider's schema marks a pool's `size` `ForceNew` (terraform-provider-digitalocean
 * v2.71.0, digitalocean/kubernetes/kubernetes.go, `nodePoolSchema`: `"size": { Required: true,
 * ForceNew: true }`), and the cluster's required `node_pool` block uses that schema
 * (resource_kubernetes_cluster.go: `"node_pool": { Required: true, MinItems: 1, MaxItems: 1,
 * Elem: nodePoolSchema(false) }`): a new size there replaces the whole cluster. So:
 * - the cluster's own `node_pool` ("A block representing the cluster's default node pool.
 *   Additional node pools may be added to the cluster using the
 *   `digitalocean_kubernetes_node_pool` resource", docs/resources/kubernetes_cluster.md) is a
 *   small fixed system pool (`systemNodeSize`, `systemNodeCount`) that no app setting feeds;
 * - the app's nodes are a `digitalocean_kubernetes_node_pool` (child `NodePool`; "While the
 *   default node pool must be defined in the `digitalocean_kubernetes_cluster` resource, this
 *   resource can be used to add additional ones to a cluster", docs/resources/kubernetes_node_pool.md),
 *   named after its size and created before the old one is destroyed. A new `nodeSize` plans
 *   one replacement of that pool: create `<name>-<new size>`, wait for its nodes, then delete
 *   the old pool (DigitalOcean drains its nodes); the cluster's attributes do not change.
 *
 * The cluster configures no Kubernetes provider. Both providers' docs warn against configuring
 * the Kubernetes provider from a cluster created in the same apply (kubernetes_cluster.md:
 * "the cluster resource generally should not be created in the same Terraform module where
 * Kubernetes provider resources are also used"; the Kubernetes provider's docs/index.md,
 * "Stacking with managed Kubernetes cluster resources": "The most reliable way to configure the
 * Kubernetes provider is to ensure that the cluster itself and the Kubernetes provider resources
 * can be managed with separate apply operations"). Create the cluster in a stack of its own and
 * run workloads in another stack on `KubernetesCluster.fromClusterName(stack, 'Cluster', { name, region })`,
 * which reads the cluster with the `digitalocean_kubernetes_cluster` data source on every run
 * (fresh credentials each time) and configures the provider from it; make the workloads stack
 * depend on this one (`workloads.addDependency(platform)`) and `cdktf deploy` both in order.
 *
 * The cluster is an `IDatabaseClient`: `db.allowFrom(cluster)` admits it
 * (DigitalOcean `k8s` firewall rule by cluster id) and nothing else.
 *
 * ```ts
 * const cluster = new KubernetesCluster(platformStack, 'Cluster', { name: 'erp-ha', region: DoRegion.FRA1 });
 * // in the workloads stack, which depends on platformStack:
 * const existing = KubernetesCluster.fromClusterName(workloadsStack, 'Cluster', { name: 'erp-ha', region: DoRegion.FRA1 });
 * new KubernetesRuntime(workloadsStack, 'Runtime', { cluster: existing });
 * ```
 */
export class KubernetesCluster extends Construct implements IDatabaseClient {
  /**
   * A cluster that exists already (made by another stack), read by name with the
   * `digitalocean_kubernetes_cluster` data source, with the Kubernetes provider configured from it:
   * what a `KubernetesRuntime` runs on.
   */
  public static fromClusterName(scope: Construct, id: string, props: ExistingKubernetesClusterProps): ExistingKubernetesCluster {
    return new ExistingKubernetesCluster(scope, id, props);
  }

  /** The `digitalocean_kubernetes_cluster` (child `Resource`), with its fixed system node pool. */
  public readonly cluster: DoKubernetesCluster;
  /** The app's node pool (child `NodePool`), `<name>-<size>`, autoscaling from `minNodes` to `maxNodes`. */
  public readonly nodePool: KubernetesNodePool;
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
  /** The cluster name. */
  public readonly clusterName: string;
  /** The cluster id. */
  public readonly clusterId: string;
  /** The cluster's API endpoint. */
  public readonly endpoint: string;
  /** The firewall entry that admits this cluster to a database. */
  public readonly databaseAccessSources: DatabaseAccessSource[];
  /** Fewest nodes of the app's pool. */
  public readonly minNodes: number;
  /** Most nodes of the app's pool. */
  public readonly maxNodes: number;

  constructor(scope: Construct, id: string, props: KubernetesClusterProps) {
    super(scope, id);
    const { minNodes, maxNodes, size, systemSize, systemCount, version } = checkKubernetesClusterProps(this, props);

    this.minNodes = minNodes;
    this.maxNodes = maxNodes;
    this.clusterName = props.name;
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
      // The default pool: fixed, fed by no app setting. Its `size` is ForceNew through
      // nodePoolSchema (see the class doc): a change here would replace the cluster.
      // `node_count` has no ForceNew and resizes the pool in place.
      nodePool: {
        name: `${props.name}-system`,
        size: systemSize.slug,
        nodeCount: systemCount,
        tags,
      },
      tags,
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    // The app's pool. `cluster_id` and `size` are ForceNew (nodePoolSchema(true) adds
    // `"cluster_id": { Required: true, ForceNew: true }`); `name`, `auto_scale`, `min_nodes`,
    // `max_nodes`, `tags` and `labels` update in place. The name carries the size so that the
    // replacement pool, created before the old one is destroyed, never shares its name.
    this.nodePool = new KubernetesNodePool(this, 'NodePool', {
      clusterId: this.cluster.id,
      name: `${props.name}-${size.slug}`,
      size: size.slug,
      autoScale: true,
      minNodes,
      maxNodes,
      tags,
      lifecycle: { createBeforeDestroy: true },
    });
    this.clusterId = this.cluster.id;
    this.endpoint = this.cluster.endpoint;
    this.databaseAccessSources = [{ type: DatabaseAccessSourceType.KUBERNETES, value: this.cluster.id }];
  }
}
