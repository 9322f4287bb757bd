import { IConstruct } from 'constructs';
import { checkRegion } from '../../../../common/region';
import { Weekday } from '../../../../common/weekday';
import { isIpv4Cidr } from '../../../../private/patterns';
import { Problems, checkInt, isUnresolved, requireProps } from '../../../../private/validate';
import { DropletSize } from '../../droplet/droplet-size';
import { KubernetesClusterProps, KubernetesVersion } from '../kubernetes-cluster';

const DEFAULT_VERSION_PREFIX = '1.33.';
const NAME_RE = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const HHMM_RE = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * Checks the props of a `KubernetesCluster` and throws one `ErpValidationError` naming every
 * problem; returns the node range, the node size and the version with their defaults.
 */
export function checkKubernetesClusterProps(scope: IConstruct, props: KubernetesClusterProps): {
  minNodes: number; maxNodes: number; size: DropletSize; version: KubernetesVersion;
} {
  requireProps(scope, props, "{ name: 'erp-ha', region: DoRegion.FRA1 }");
  const p = new Problems();
  if (!isUnresolved(props.name)) {
    p.check(typeof props.name === 'string' && NAME_RE.test(props.name), 'name', props.name, 'is not a cluster name',
      'use lowercase letters, digits and "-", starting with a letter, at most 63 characters (erp-ha)');
  }
  checkRegion(p, 'region', props.region, { required: true });
  const minNodes = props.minNodes ?? 3;
  const maxNodes = props.maxNodes ?? minNodes * 2;
  if (!isUnresolved(minNodes)) {
    p.check(Number.isInteger(minNodes) && minNodes >= 3, 'minNodes', minNodes, 'is below 3: a node loss or an upgrade would leave the app on too few machines',
      'use 3 or more nodes (the reference HA plan runs 3 nodes of 4 vCPU / 8 GB)');
    if (minNodes >= 3) checkInt(p, 'minNodes', minNodes, 3, 100);
  }
  checkInt(p, 'maxNodes', maxNodes, 1, 100);
  if (!isUnresolved(minNodes) && !isUnresolved(maxNodes)) {
    p.check(maxNodes >= minNodes, 'maxNodes', maxNodes, `is below minNodes (${minNodes})`, `use ${minNodes} or more, or lower minNodes`);
  }
  const size = props.nodeSize ?? DropletSize.S_4VCPU_8GB;
  if (!isUnresolved(size?.slug)) {
    p.check(typeof size?.slug === 'string' && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(size.slug), 'nodeSize', size?.slug, 'is not a droplet size slug',
      "use a DropletSize member or DropletSize.of('s-4vcpu-8gb')");
    if (size?.memoryMib !== undefined) {
      p.check(size.memoryMib >= 2048, 'nodeSize', size.slug, 'has less than 2 GiB of memory, too little for Kubernetes nodes',
        'use DropletSize.S_2VCPU_4GB or larger');
    }
  }
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
    p.check(isIpv4Cidr(props.vpcIpRange, { minPrefix: 16, maxPrefix: 28 }), 'vpcIpRange', props.vpcIpRange, 'is not a private IPv4 range from /16 to /28', 'use e.g. 10.30.0.0/20');
  }
  (props.tags ?? []).forEach((t, i) => p.check(/^[A-Za-z0-9:_-]{1,255}$/.test(t), `tags[${i}]`, t, 'is not a DigitalOcean tag name',
    'use letters, digits, ":", "-" and "_"'));
  if (props.providerAlias !== undefined) {
    p.check(/^[a-z][a-z0-9_]*$/.test(props.providerAlias), 'providerAlias', props.providerAlias, 'is not a provider alias',
      'use lowercase letters, digits and "_" (cluster_b)');
  }
  p.throwIfAny(scope);
  return { minNodes, maxNodes, size, version };
}
