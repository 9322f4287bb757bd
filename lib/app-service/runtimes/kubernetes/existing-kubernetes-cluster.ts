import { DataDigitaloceanKubernetesCluster } from '@cdktf/provider-digitalocean/lib/data-digitalocean-kubernetes-cluster';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import { DatabaseAccessSource, DatabaseAccessSourceType, PrivateNetworkPlacement } from '../../../common/contracts';
import { DoRegion } from '../../../common/region';
import type { IKubernetesCluster } from './kubernetes-cluster';
import { checkExistingKubernetesClusterProps } from './private/check-existing-props';

/** Props of `ExistingKubernetesCluster` (`KubernetesCluster.fromClusterName`). */
export interface ExistingKubernetesClusterProps {
  /** Name of the cluster, as the stack that created it named it (`KubernetesClusterProps.name`). */
  readonly name: string;
  /** Region the cluster is in; `ErpAppService.connectTo` compares it with a database's. */
  readonly region: DoRegion;
  /**
   * Id of the VPC the cluster is in, which `ErpAppService.connectTo` compares with a database's.
   * @default - the cluster's `vpc_uuid`, as the data source reads it
   */
  readonly vpcId?: string;
  /**
   * Alias of the Kubernetes provider this construct configures (needed when a stack runs workloads on two clusters).
   * @default - the stack's default `kubernetes` provider
   */
  readonly providerAlias?: string;
}

/**
 * A DigitalOcean Kubernetes cluster that another stack created (a `KubernetesCluster` in a
 * platform stack), read by name, for the workloads of this stack: what
 * `KubernetesCluster.fromClusterName` returns and a `KubernetesRuntime` runs on.
 *
 * It reads the cluster with the `digitalocean_kubernetes_cluster` data source (child
 * `Resource`) and configures the Kubernetes provider from it (child `Provider`): host = the
 * endpoint, token = the kubeconfig token, cluster CA = the base64-decoded kubeconfig
 * certificate. That is the pattern the DigitalOcean provider documents for a cluster "created in a
 * separate Terraform module or configuration" (terraform-provider-digitalocean v2.71.0,
 * docs/resources/kubernetes_cluster.md, "Kubernetes Terraform Provider Example": "use the
 * `digitalocean_kubernetes_cluster` data-source to access the cluster's credentials"):
 *
 * - the cluster exists before this stack is planned, so the provider's host, token and CA are
 *   known at plan time, also when the cluster was replaced in between;
 * - a data source is read again on every plan and apply, and a read with no credentials held
 *   asks the API for new ones (digitalocean/kubernetes/datasource_kubernetes_cluster.go reads
 *   through `digitaloceanKubernetesClusterRead`, which calls `GetCredentials` when the held
 *   credentials are missing or expired), so the token never is a stale one kept in a state file.
 *
 * The cluster is an `IDatabaseClient`: `db.allowFrom(cluster)` and `app.connectTo(db)` admit
 * it with a DigitalOcean `k8s` firewall rule naming the cluster id the data source reads.
 *
 * The stack that holds this must be applied after the stack that creates the cluster:
 * `workloads.addDependency(platform)` records the order, and `cdktf deploy platform workloads`
 * then applies both in one command. Planning it alone before the cluster exists fails with the
 * data source's "Unable to find cluster with name".
 */
export class ExistingKubernetesCluster extends Construct implements IKubernetesCluster {
  /** The `digitalocean_kubernetes_cluster` data source (child `Resource`). */
  public readonly cluster: DataDigitaloceanKubernetesCluster;
  /** The Kubernetes provider configured from the data source (child `Provider`). */
  public readonly kubernetesProvider: KubernetesProvider;
  /** The cluster name. */
  public readonly clusterName: string;
  /** The cluster id, as the data source reads it. */
  public readonly clusterId: string;
  /** The cluster's API endpoint, as the data source reads it. */
  public readonly endpoint: string;
  /** The region and VPC of the cluster, which `ErpAppService.connectTo` compares with a database's. */
  public readonly network: PrivateNetworkPlacement;
  /** The firewall entry that admits this cluster to a database: type `k8s`, the cluster id. */
  public readonly databaseAccessSources: DatabaseAccessSource[];

  constructor(scope: Construct, id: string, props: ExistingKubernetesClusterProps) {
    super(scope, id);
    checkExistingKubernetesClusterProps(this, props);
    this.clusterName = props.name;
    this.cluster = new DataDigitaloceanKubernetesCluster(this, 'Resource', { name: props.name });
    this.clusterId = this.cluster.id;
    this.endpoint = this.cluster.endpoint;
    const kubeConfig = this.cluster.kubeConfig.get(0);
    this.kubernetesProvider = new KubernetesProvider(this, 'Provider', {
      host: this.cluster.endpoint,
      token: kubeConfig.token,
      clusterCaCertificate: Fn.base64decode(kubeConfig.clusterCaCertificate),
      alias: props.providerAlias,
    });
    this.network = { region: props.region, vpcId: props.vpcId ?? this.cluster.vpcUuid };
    this.databaseAccessSources = [{ type: DatabaseAccessSourceType.KUBERNETES, value: this.cluster.id }];
  }
}
