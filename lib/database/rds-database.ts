import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsSecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import {
  DatabaseAccessSource, DatabaseAccessSourceType, DatabaseConnection, DatabaseEngineFamily, IConnectableDatabase,
} from '../common/contracts';
import { Problems, checkArray, checkInt, checkString, isUnresolved, requireProps } from '../private/validate';
import { DatabaseSize, MaintenanceDay } from './engine';
import { buildConnection, checkCoreProps, entrySources, idPart } from './private/core';
import { DatabaseAccessEntry, DatabaseCoreProps } from './props';

/** An AWS security group whose members an RDS database admits. */
export interface RdsSecurityGroupSource {
  /** The security group id (`sg-...`). */
  readonly securityGroupId: string;
}

/** What `RdsDatabase.allowFrom` accepts: CIDRs (as `DatabaseAccess.cidr`), clients that name CIDRs, and security groups. */
export type RdsAccessEntry = DatabaseAccessEntry | RdsSecurityGroupSource;

/** Props of an AWS RDS database: the shared database props plus the AWS network. */
export interface RdsDatabaseProps extends DatabaseCoreProps {
  /** The VPC the database's security group belongs to. */
  readonly vpcId: string;
  /** Private subnets (at least two, in different availability zones) for the subnet group. */
  readonly subnetIds: string[];
  /**
   * Days of automated backups (point-in-time recovery), 1 to 35.
   * @default 7
   */
  readonly backupRetentionDays?: number;
  /**
   * The instance class, for a class the size mapping does not pick.
   * @default - the smallest class with at least the size's vCPUs and memory
   */
  readonly instanceClass?: string;
  /**
   * Allocated storage in GiB, 20 to 65536.
   * @default 20
   */
  readonly allocatedStorageGib?: number;
  /**
   * Upper bound for storage autoscaling in GiB (must exceed `allocatedStorageGib`).
   * @default - storage autoscaling off
   */
  readonly maxAllocatedStorageGib?: number;
}

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

/** Where RDS publishes the CA bundle that signs its server certificates. */
export const RDS_CA_BUNDLE_URL = 'https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem';

const DAY_ABBR: Record<MaintenanceDay, string> = {
  [MaintenanceDay.MONDAY]: 'mon', [MaintenanceDay.TUESDAY]: 'tue', [MaintenanceDay.WEDNESDAY]: 'wed',
  [MaintenanceDay.THURSDAY]: 'thu', [MaintenanceDay.FRIDAY]: 'fri', [MaintenanceDay.SATURDAY]: 'sat', [MaintenanceDay.SUNDAY]: 'sun',
};

/**
 * The AWS RDS twin of `ManagedDatabase`, for PostgreSQL and MySQL, safe by default:
 * Multi-AZ when `nodeCount` > 1, storage encrypted, deletion protection, not publicly
 * accessible, TLS enforced by its parameter group, master password managed by AWS in
 * Secrets Manager, and a security group that admits only what `allowFrom` names.
 *
 *   const db = new RdsDatabase(stack, 'Database', {
 *     name: 'erp-prod-db', engine: DatabaseEngine.postgres(16), size: DatabaseSize.DB_S_2VCPU_4GB,
 *     nodeCount: 2, databases: ['erp'], vpcId: vpc.id, subnetIds: [a.id, b.id],
 *   });
 *   db.allowFrom(DatabaseAccess.cidr('10.0.0.0/16'), { securityGroupId: appSg.id });
 */
export class RdsDatabase extends Construct implements IConnectableDatabase {
  /** The DB instance. */
  public readonly instance: DbInstance;
  /** The security group of the instance (ingress only from `allowFrom`). */
  public readonly securityGroup: SecurityGroup;
  /** The subnet group of the instance. */
  public readonly subnetGroup: DbSubnetGroup;
  /** The parameter group that forces TLS. */
  public readonly parameterGroup: DbParameterGroup;
  /** The engine family. */
  public readonly engine: DatabaseEngineFamily;
  /** The private host name (the instance is not publicly accessible). */
  public readonly host: string;
  /** The port. */
  public readonly port: string;
  /** The master user. */
  public readonly user: string;
  /** The ARN of the Secrets Manager secret that holds the master password (AWS rotates it). */
  public readonly masterUserSecretArn: string;

  private readonly props: RdsDatabaseProps;
  private readonly portNumber: number;
  private readonly ingressKeys = new Set<string>();
  private connectionCache?: DatabaseConnection;

  constructor(scope: Construct, id: string, props: RdsDatabaseProps) {
    super(scope, id);
    requireProps(this, props, '{ name, engine, size, vpcId, subnetIds }');
    this.props = props;
    const p = new Problems();
    checkCoreProps(p, props);
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
    const initial = this.toRules(p, 'allowFrom', checkArray<RdsAccessEntry>(p, 'allowFrom', props.allowFrom,
      { fix: "give a list such as [DatabaseAccess.cidr('10.0.0.0/16'), { securityGroupId: appSg.id }], or leave it out" }));
    p.throwIfAny(this);

    const engine = props.engine;
    this.engine = engine.family;
    const isPostgres = engine.family === DatabaseEngineFamily.POSTGRES;
    this.portNumber = isPostgres ? 5432 : 3306;
    const engineVersion = isPostgres ? engine.version : `${engine.version}.0`;
    const tags = Object.fromEntries((props.tags ?? []).map((t) => [t, 'true']));
    const preventDestroy = props.preventDestroy ?? true;

    this.subnetGroup = new DbSubnetGroup(this, 'SubnetGroup', {
      name: `${props.name}-subnets`, subnetIds: props.subnetIds, description: `Subnets of database ${props.name}`, tags,
    });
    this.securityGroup = new SecurityGroup(this, 'SecurityGroup', {
      name: `${props.name}-db`, vpcId: props.vpcId, description: `Database ${props.name}: admits only the sources named by allowFrom`, tags,
    });
    this.parameterGroup = new DbParameterGroup(this, 'ParameterGroup', {
      name: `${props.name}-tls`,
      family: isPostgres ? `postgres${engine.version}` : `mysql${engineVersion}`,
      description: `Database ${props.name}: TLS required`,
      parameter: [isPostgres
        ? { name: 'rds.force_ssl', value: '1' }
        : { name: 'require_secure_transport', value: '1' }],
      tags,
    });

    this.instance = new DbInstance(this, 'Resource', {
      identifier: props.name,
      engine: isPostgres ? 'postgres' : 'mysql',
      engineVersion,
      instanceClass: instanceClass!,
      allocatedStorage: props.allocatedStorageGib ?? 20,
      maxAllocatedStorage: props.maxAllocatedStorageGib,
      storageType: 'gp3',
      storageEncrypted: true,
      dbName: props.databases?.[0],
      username: 'dbadmin',
      manageMasterUserPassword: true,
      multiAz: (props.nodeCount ?? 1) > 1,
      dbSubnetGroupName: this.subnetGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      parameterGroupName: this.parameterGroup.name,
      publiclyAccessible: false,
      deletionProtection: preventDestroy,
      backupRetentionPeriod: props.backupRetentionDays ?? 7,
      copyTagsToSnapshot: true,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${props.name}-final`,
      autoMinorVersionUpgrade: true,
      maintenanceWindow: props.maintenanceWindow ? rdsWindow(props.maintenanceWindow.day, props.maintenanceWindow.hourUtc) : undefined,
      tags,
      lifecycle: { preventDestroy },
    });

    this.host = this.instance.address;
    this.port = Token.asString(this.instance.port);
    this.user = this.instance.username;
    this.masterUserSecretArn = this.instance.masterUserSecret.get(0).secretArn;
    this.addRules(initial);
  }

  /**
   * How an app in the VPC connects, TLS required. The password is read from the
   * AWS-managed secret at plan time (a data source, created on first use); AWS
   * rotates it, so long-running apps should read `DB_PASSWORD_SECRET_ARN` instead.
   */
  public get connection(): DatabaseConnection {
    if (!this.connectionCache) {
      const secret = new DataAwsSecretsmanagerSecretVersion(this, 'MasterSecret', { secretId: this.masterUserSecretArn });
      const password = Token.asString(Fn.lookup(Fn.jsondecode(secret.secretString), 'password'));
      this.connectionCache = buildConnection({
        engine: this.props.engine,
        host: this.host,
        port: this.port,
        user: this.user,
        password,
        database: this.props.databases?.[0] ?? (this.engine === DatabaseEngineFamily.POSTGRES ? 'postgres' : ''),
        caCertificateUrl: this.engine === DatabaseEngineFamily.MYSQL ? RDS_CA_BUNDLE_URL : undefined,
        extraPlain: { DB_PASSWORD_SECRET_ARN: this.masterUserSecretArn },
      });
    }
    return this.connectionCache;
  }

  /** Admits CIDRs (`DatabaseAccess.cidr`) and security groups (`{ securityGroupId }`) on the database port. */
  public allowFrom(...sources: RdsAccessEntry[]): void {
    const p = new Problems();
    const rules = this.toRules(p, 'allowFrom', sources);
    p.throwIfAny(this);
    this.addRules(rules);
  }

  private toRules(p: Problems, prop: string, entries: RdsAccessEntry[]): IngressRule[] {
    const rules: IngressRule[] = [];
    entries.forEach((e, i) => {
      if (isSecurityGroup(e)) {
        const sg = e.securityGroupId;
        if (isUnresolved(sg) || /^sg-[0-9a-f]{8,17}$/.test(sg)) rules.push({ securityGroupId: sg });
        else p.add(`${prop}[${i}].securityGroupId`, sg, 'is not a security group id', 'use an id like sg-0123456789abcdef0 (securityGroup.id)');
        return;
      }
      const sources = entrySources(p, `${prop}[${i}]`, e, this.props.allowPublicInternet ?? false);
      for (const s of sources) {
        if (s.type === DatabaseAccessSourceType.IP_ADDRESS) rules.push({ cidr: cidrOf(s) });
        else p.add(`${prop}[${i}]`, s, `a DigitalOcean ${s.type} source cannot be admitted by an AWS security group`,
          'admit a CIDR (DatabaseAccess.cidr) or a security group ({ securityGroupId })');
      }
    });
    return rules;
  }

  private addRules(rules: IngressRule[]): void {
    for (const r of rules) {
      const k = r.cidr !== undefined ? `cidr:${r.cidr}` : `sg:${r.securityGroupId}`;
      if (this.ingressKeys.has(k)) continue;
      this.ingressKeys.add(k);
      const id = isUnresolved(r.cidr ?? r.securityGroupId) ? `Ingress-${this.ingressKeys.size}` : `Ingress-${idPart(k)}`;
      new VpcSecurityGroupIngressRule(this, id, {
        securityGroupId: this.securityGroup.id,
        ipProtocol: 'tcp',
        fromPort: this.portNumber,
        toPort: this.portNumber,
        cidrIpv4: r.cidr,
        referencedSecurityGroupId: r.securityGroupId,
        description: `Database ${this.props.name} clients`,
      });
    }
  }
}

interface IngressRule { readonly cidr?: string; readonly securityGroupId?: string }

function isSecurityGroup(e: RdsAccessEntry): e is RdsSecurityGroupSource {
  return typeof e === 'object' && e !== null && typeof (e as RdsSecurityGroupSource).securityGroupId === 'string';
}

function cidrOf(s: DatabaseAccessSource): string {
  return isUnresolved(s.value) || s.value.includes('/') ? s.value : `${s.value}/32`;
}

/** An RDS maintenance window (`sun:02:00-sun:03:00`) for a day and an hour in UTC. */
function rdsWindow(day: MaintenanceDay, hour: number): string {
  const days = Object.values(MaintenanceDay);
  const endDay = hour === 23 ? days[(days.indexOf(day) + 1) % 7] : day;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${DAY_ABBR[day]}:${pad(hour)}:00-${DAY_ABBR[endDay]}:${pad((hour + 1) % 24)}:00`;
}
