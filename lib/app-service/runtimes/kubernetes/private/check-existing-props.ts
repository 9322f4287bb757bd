import { IConstruct } from 'constructs';
import { checkRegion } from '../../../../common/region';
import { Problems, isUnresolved, requireProps } from '../../../../private/validate';
import type { ExistingKubernetesClusterProps } from '../existing-kubernetes-cluster';

/** A DigitalOcean Kubernetes cluster name. */
export const CLUSTER_NAME_RE = /^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** A Terraform provider alias. */
export const PROVIDER_ALIAS_RE = /^[a-z][a-z0-9_]*$/;

/** Records a problem when `name` is not a cluster name (tokens are skipped). */
export function checkClusterName(p: Problems, name: unknown): void {
  if (isUnresolved(name)) return;
  p.check(typeof name === 'string' && CLUSTER_NAME_RE.test(name), 'name', name, 'is not a cluster name',
    'use lowercase letters, digits and "-", starting with a letter, at most 63 characters (erp-ha)');
}

/** Records a problem when `alias` is given and is not a provider alias. */
export function checkProviderAlias(p: Problems, alias: string | undefined): void {
  if (alias === undefined || isUnresolved(alias)) return;
  p.check(typeof alias === 'string' && PROVIDER_ALIAS_RE.test(alias), 'providerAlias', alias, 'is not a provider alias',
    'use lowercase letters, digits and "_" (cluster_b)');
}

/**
 * Checks the props of an `ExistingKubernetesCluster` (`KubernetesCluster.fromClusterName`) and
 * throws one `ErpValidationError` naming every problem.
 */
export function checkExistingKubernetesClusterProps(scope: IConstruct, props: ExistingKubernetesClusterProps): void {
  requireProps(scope, props, "{ name: 'erp-ha', region: DoRegion.FRA1 }");
  const p = new Problems();
  checkClusterName(p, props.name);
  checkRegion(p, 'region', props.region, { required: true });
  if (props.vpcId !== undefined && !isUnresolved(props.vpcId)) {
    p.check(typeof props.vpcId === 'string' && props.vpcId.length > 0, 'vpcId', props.vpcId, 'is not a VPC id',
      'pass a VPC id (a `digitalocean_vpc` data source\'s id, or a UUID), or leave vpcId out to take the cluster\'s own');
  }
  checkProviderAlias(p, props.providerAlias);
  p.throwIfAny(scope);
}
