import { IConstruct } from 'constructs';
import { checkDoTags, checkDoVpcRange } from '../../../../private/limits';
import { checkRegion } from '../../../../common/region';
import { Weekday } from '../../../../common/weekday';
import { Problems, checkBoolean, checkInt, isUnresolved, requireProps } from '../../../../private/validate';
import { DropletSize } from '../../droplet/droplet-size';
import { KubernetesClusterProps, KubernetesVersion } from '../kubernetes-cluster';
import { CLUSTER_NAME_RE, checkClusterName } from './check-existing-props';

const DEFAULT_VERSION_PREFIX = '1.33.';
const HHMM_RE = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * Checks the props of a `KubernetesCluster` and throws one `ErpValidationError` naming every
 * problem; returns the node range, the node sizes, the system pool's node count and the version
 * with their defaults.
 */
export function checkKubernetesClusterProps(scope: IConstruct, props: KubernetesClusterProps): {
  minNodes: number; maxNodes: number; size: DropletSize; systemSize: DropletSize; systemCount: number; version: KubernetesVersion;
} {
  requireProps(scope, props, "{ name: 'erp-ha', region: DoRegion.FRA1 }");
  const p = new Problems();
  checkClusterName(p, props.name);
  checkRegion(p, 'region', props.region, { required: true });
  const minNodes = props.minNodes ?? 3;
  const maxNodes = props.maxNodes ?? (typeof minNodes === 'number' ? minNodes * 2 : 6);
  if (!isUnresolved(minNodes)) {
    p.check(Number.isInteger(minNodes) && minNodes >= 3, 'minNodes', minNodes, 'is below 3: a node loss or an upgrade would leave the app on too few machines',
      'use 3 or more nodes (the reference HA plan runs 3 nodes of 4 vCPU / 8 GB)');
    if (typeof minNodes === 'number' && minNodes >= 3) checkInt(p, 'minNodes', minNodes, 3, 100);
  }
  checkInt(p, 'maxNodes', maxNodes, 1, 100);
  if (typeof minNodes === 'number' && typeof maxNodes === 'number' && !isUnresolved(minNodes) && !isUnresolved(maxNodes)) {
    p.check(maxNodes >= minNodes, 'maxNodes', maxNodes, `is below minNodes (${minNodes})`, `use ${minNodes} or more, or lower minNodes`);
  }
  const size = props.nodeSize ?? DropletSize.S_4VCPU_8GB;
  checkNodeSize(p, 'nodeSize', size, "DropletSize.of('s-4vcpu-8gb')");
  const systemSize = props.systemNodeSize ?? DropletSize.S_2VCPU_4GB;
  checkNodeSize(p, 'systemNodeSize', systemSize, "DropletSize.of('s-2vcpu-4gb')");
  checkPoolNames(p, props.name, size);
  const systemCount = props.systemNodeCount ?? 1;
  checkInt(p, 'systemNodeCount', systemCount, 1, 10, 'use 1 to 10 nodes (each pool keeps at least one node)');
  const version = props.version ?? KubernetesVersion.latest(DEFAULT_VERSION_PREFIX);
  if (version.prefix !== undefined && !isUnresolved(version.prefix)) {
    p.check(/^1\.\d+(\.\d*)?$/.test(version.prefix), 'version', version.prefix, 'is not a Kubernetes version prefix',
      "use KubernetesVersion.latest('1.33.')");
  }
  if (version.slug !== undefined && !isUnresolved(version.slug)) {
    p.check(/^1\.\d+\.\d+-do\.\d+$/.test(version.slug), 'version', version.slug, 'is not a DigitalOcean Kubernetes version slug',
      "use KubernetesVersion.exact('1.33.1-do.0'), as `doctl kubernetes options versions` lists them");
  }
  if (props.maintenanceDay !== undefined) {
    p.check([...Object.values(Weekday), 'any'].includes(props.maintenanceDay), 'maintenanceDay', props.maintenanceDay,
      'is not a maintenance day', "use a Weekday member, or 'any'");
  }
  if (props.maintenanceStartTime !== undefined && !isUnresolved(props.maintenanceStartTime)) {
    p.check(HHMM_RE.test(props.maintenanceStartTime), 'maintenanceStartTime', props.maintenanceStartTime, 'is not a time HH:MM',
      "write the UTC start as 'HH:MM', e.g. '04:00'");
  }
  if (props.vpcIpRange !== undefined && !isUnresolved(props.vpcIpRange)) {
    checkDoVpcRange(p, 'vpcIpRange', props.vpcIpRange, '10.30.0.0/20');
  }
  checkDoTags(p, 'tags', props.tags);
  checkBoolean(p, 'preventDestroy', props.preventDestroy);
  // A prop of earlier versions, when the cluster configured the provider: say where it went.
  const legacy = props as { providerAlias?: unknown };
  if (legacy.providerAlias !== undefined) {
    p.add('providerAlias', legacy.providerAlias, 'is not a prop of KubernetesCluster any more: the cluster configures no Kubernetes provider',
      'give the alias to the cluster your workloads run on: KubernetesCluster.fromClusterName(stack, id, { name, region, providerAlias })');
  }
  p.throwIfAny(scope);
  return { minNodes, maxNodes, size, systemSize, systemCount, version };
}

/**
 * The node pools are named `<name>-system` and `<name>-<node size>`. DOKS puts a pool's name on each of
 * its nodes as the label `doks.digitalocean.com/node-pool`, and a Kubernetes label value has at most 63
 * characters (Kubernetes docs, "Labels and Selectors", syntax and character set), so a pool name must
 * be a DNS label of at most 63 characters: a cluster name that fits on its own can make one that does not.
 */
function checkPoolNames(p: Problems, name: unknown, size: DropletSize | undefined): void {
  if (typeof name !== 'string' || isUnresolved(name) || !CLUSTER_NAME_RE.test(name)) return;
  const slug = typeof size?.slug === 'string' && !isUnresolved(size.slug) ? size.slug : undefined;
  const pools = [`${name}-system`, ...(slug !== undefined ? [`${name}-${slug}`] : [])];
  const long = pools.filter((pool) => pool.length > 63);
  if (long.length === 0) return;
  const room = 63 - Math.max(...pools.map((pool) => pool.length - name.length));
  p.add('name', name, `makes the node pool name${long.length > 1 ? 's' : ''} ${long.join(', ')}, longer than the 63 characters of the label DOKS puts on every node`,
    `shorten the cluster name to ${room} characters`);
}

/** Records a problem when a node size is no size slug, or has less memory than Kubernetes nodes need. */
function checkNodeSize(p: Problems, prop: string, size: DropletSize | undefined, example: string): void {
  if (isUnresolved(size?.slug)) return;
  p.check(typeof size?.slug === 'string' && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(size.slug), prop, size?.slug, 'is not a droplet size slug',
    `use a DropletSize member or ${example}`);
  if (size?.memoryMib !== undefined) {
    p.check(size.memoryMib >= 2048, prop, size.slug, 'has less than 2 GiB of memory, too little for Kubernetes nodes',
      'use DropletSize.S_2VCPU_4GB or larger');
  }
}
