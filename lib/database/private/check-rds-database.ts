import { IConstruct } from 'constructs';
import { DatabaseAccessSource, DatabaseAccessSourceType, DatabaseEngineFamily } from '../../common/contracts';
import { Problems, checkArray, checkInt, checkString, isUnresolved, requireProps } from '../../private/validate';
import { DatabaseSize } from '../engine';
import type { RdsAccessEntry, RdsDatabaseProps, RdsSecurityGroupSource } from '../rds-database';
import { checkCoreProps, entrySources } from './core';
import { rdsIdentifierProblem } from '../../private/limits';

/** An RDS instance class with its vCPUs and memory. */
interface InstanceClass { readonly name: string; readonly vcpus: number; readonly memoryGib: number }

/** Candidates for a size, smallest first (Graviton: burstable for small sizes, general purpose above). */
const INSTANCE_CLASSES: readonly InstanceClass[] = [
  { name: 'db.t4g.micro', vcpus: 2, memoryGib: 1 },
  { name: 'db.t4g.small', vcpus: 2, memoryGib: 2 },
  { name: 'db.t4g.medium', vcpus: 2, memoryGib: 4 },
  { name: 'db.m6g.large', vcpus: 2, memoryGib: 8 },
  { name: 'db.m6g.xlarge', vcpus: 4, memoryGib: 16 },
  { name: 'db.m6g.2xlarge', vcpus: 8, memoryGib: 32 },
  { name: 'db.m6g.4xlarge', vcpus: 16, memoryGib: 64 },
  { name: 'db.m6g.8xlarge', vcpus: 32, memoryGib: 128 },
  { name: 'db.m6g.12xlarge', vcpus: 48, memoryGib: 192 },
];

/** The smallest instance class with at least the size's vCPUs and memory, or undefined when the size is unknown or too large. */
export function rdsInstanceClassFor(size: DatabaseSize): string | undefined {
  if (size.vcpus === undefined || size.memoryGib === undefined) return undefined;
  return INSTANCE_CLASSES.find((c) => c.vcpus >= size.vcpus! && c.memoryGib >= size.memoryGib!)?.name;
}

/**
 * Checks the props of an `RdsDatabase` and throws one `ErpValidationError` naming every
 * problem; returns the instance class to use and the ingress rules of `allowFrom`.
 */
export function checkRdsDatabaseProps(scope: IConstruct, props: RdsDatabaseProps): { instanceClass: string; initial: IngressRule[] } {
  requireProps(scope, props, '{ name, engine, size, vpcId, subnetIds }');
  const p = new Problems();
  checkCoreProps(p, props, 'aws');
  checkRdsNames(p, props.name);
  const family = props.engine?.family;
  p.check(family !== DatabaseEngineFamily.VALKEY, 'engine', props.engine?.toString(),
    'is not available on RDS (RDS runs PostgreSQL and MySQL; Valkey is ElastiCache)',
    'use DatabaseEngine.postgres() or DatabaseEngine.mysql(), or ManagedDatabase for Valkey');
  // checkCoreProps records databases and users that are not lists; here only lists are looked at.
  const databases: unknown[] = Array.isArray(props.databases) ? props.databases : [];
  if (databases.length > 1) {
    p.add('databases', databases, 'RDS creates one initial database', 'list at most one database; create others from a migration');
  }
  databases.forEach((d, i) => p.check(typeof d === 'string' && /^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(d), `databases[${i}]`, d,
    'is not a valid RDS database name', 'use letters, digits and `_`, starting with a letter'));
  if (Array.isArray(props.users) && props.users.length > 0) {
    p.add('users', props.users, 'RDS creates only the master user', 'remove users; create app users from a migration');
  }
  if (checkString(p, 'vpcId', props.vpcId, { required: true, fix: 'pass the VPC id (vpc.id)' }) && !isUnresolved(props.vpcId)) {
    p.check(props.vpcId.length > 0, 'vpcId', props.vpcId, 'is empty', 'pass the VPC id (vpc.id)');
  }
  const subnets = checkArray<unknown>(p, 'subnetIds', props.subnetIds,
    { required: true, fix: 'pass two or more private subnet ids in different availability zones' });
  if (Array.isArray(props.subnetIds) && !isUnresolved(subnets)) {
    p.check(subnets.length >= 2, 'subnetIds', subnets, 'needs at least two subnets', 'pass two or more private subnets in different availability zones');
    subnets.forEach((s, i) => p.check(typeof s === 'string' && s.length > 0, `subnetIds[${i}]`, s, 'is not a subnet id',
      'pass the subnet id (subnet.id, subnet-0123...)'));
  }
  checkInt(p, 'backupRetentionDays', props.backupRetentionDays, 1, 35);
  checkInt(p, 'allocatedStorageGib', props.allocatedStorageGib, 20, 65536);
  if (props.maxAllocatedStorageGib !== undefined) {
    checkInt(p, 'maxAllocatedStorageGib', props.maxAllocatedStorageGib, 21, 65536);
    const allocated = typeof props.allocatedStorageGib === 'number' ? props.allocatedStorageGib : 20;
    if (typeof props.maxAllocatedStorageGib === 'number') {
      p.check(props.maxAllocatedStorageGib > allocated, 'maxAllocatedStorageGib', props.maxAllocatedStorageGib,
        'must exceed allocatedStorageGib', 'raise maxAllocatedStorageGib or leave it out');
    }
  }
  const instanceClass = props.instanceClass ?? (props.size instanceof DatabaseSize ? rdsInstanceClassFor(props.size) : undefined);
  if (props.instanceClass !== undefined) {
    p.check(typeof props.instanceClass === 'string' && /^db\.[a-z0-9-]+\.[a-z0-9]+$/.test(props.instanceClass), 'instanceClass',
      props.instanceClass, 'is not an RDS instance class', 'use a class like db.m6g.large');
  } else if (props.size instanceof DatabaseSize && instanceClass === undefined) {
    p.add('size', props.size.slug, 'has no known RDS instance class', "set instanceClass (for example 'db.m6g.large')");
  }
  const initial = rdsIngressRules(p, 'allowFrom', checkArray<RdsAccessEntry>(p, 'allowFrom', props.allowFrom,
    { fix: "give a list such as [DatabaseAccess.cidr('10.0.0.0/16'), { securityGroupId: appSg.id }], or leave it out" }),
    props.allowPublicInternet ?? false);
  p.throwIfAny(scope);
  return { instanceClass: instanceClass!, initial };
}

/**
 * The instance identifier (`name`) and the names made from it: the parameter group (named after it)
 * and the final snapshot `<name>-final`. hashicorp/aws 5.100.0 refuses two consecutive hyphens and a
 * hyphen at the end in each (internal/service/rds/validate.go: `validIdentifier`, `validParamGroupName`;
 * `terraform validate` prints "cannot contain two consecutive hyphens"), and an identifier has at most
 * 63 characters (RDS API reference, CreateDBInstance, DBInstanceIdentifier). What the shared name
 * check already refused (a hyphen last, other characters) is not repeated here.
 */
function checkRdsNames(p: Problems, name: unknown): void {
  if (typeof name !== 'string' || isUnresolved(name) || !/^[a-z][a-z0-9-]{1,61}[a-z0-9]$/.test(name)) return;
  const why = rdsIdentifierProblem(name);
  if (why) p.add('name', name, `${why.problem} (in the instance identifier ${name} and the names made from it: its parameter group ${name}-...-tls-... and its final snapshot ${name}-final)`, why.fix);
}

/** The security group rules that admit `entries` (CIDRs and security groups); DigitalOcean sources are problems. */
export function rdsIngressRules(p: Problems, prop: string, entries: RdsAccessEntry[], allowPublicInternet: boolean): IngressRule[] {
  const rules: IngressRule[] = [];
  entries.forEach((e, i) => {
    if (isSecurityGroup(e)) {
      const sg = e.securityGroupId;
      if (isUnresolved(sg) || /^sg-[0-9a-f]{8,17}$/.test(sg)) rules.push({ securityGroupId: sg });
      else p.add(`${prop}[${i}].securityGroupId`, sg, 'is not a security group id', 'use an id like sg-0123456789abcdef0 (securityGroup.id)');
      return;
    }
    const sources = entrySources(p, `${prop}[${i}]`, e, allowPublicInternet);
    for (const s of sources) {
      if (s.type === DatabaseAccessSourceType.IP_ADDRESS) rules.push({ cidr: cidrOf(s) });
      else p.add(`${prop}[${i}]`, s, `a DigitalOcean ${s.type} source cannot be admitted by an AWS security group`,
        'admit a CIDR (DatabaseAccess.cidr) or a security group ({ securityGroupId })');
    }
  });
  return rules;
}

/** One ingress rule of the database's security group: a CIDR or a security group. */
export interface IngressRule { readonly cidr?: string; readonly securityGroupId?: string }

function isSecurityGroup(e: RdsAccessEntry): e is RdsSecurityGroupSource {
  return typeof e === 'object' && e !== null && typeof (e as RdsSecurityGroupSource).securityGroupId === 'string';
}

function cidrOf(s: DatabaseAccessSource): string {
  return isUnresolved(s.value) || s.value.includes('/') ? s.value : `${s.value}/32`;
}
