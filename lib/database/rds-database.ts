import { Fn, Token } from 'cdktf';
import { Construct } from 'constructs';
import { DataAwsSecretsmanagerSecretVersion } from '@cdktf/provider-aws/lib/data-aws-secretsmanager-secret-version';
import { DbInstance, DbInstanceConfig } from '@cdktf/provider-aws/lib/db-instance';
import { DbParameterGroup } from '@cdktf/provider-aws/lib/db-parameter-group';
import { DbSubnetGroup } from '@cdktf/provider-aws/lib/db-subnet-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { VpcSecurityGroupIngressRule } from '@cdktf/provider-aws/lib/vpc-security-group-ingress-rule';
import { DatabaseConnection, DatabaseEngineFamily, IConnectableDatabase } from '../common/contracts';
import { Problems, isUnresolved } from '../private/validate';
import { Weekday, nextWeekday, weekdayAbbreviation } from '../common/weekday';
import { IngressRule, checkRdsDatabaseProps, rdsIngressRules } from './private/check-rds-database';
import { buildConnection, idPart } from './private/core';
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

export { rdsInstanceClassFor } from './private/check-rds-database';

/** Where RDS publishes the CA bundle that signs its server certificates. */
export const RDS_CA_BUNDLE_URL = 'https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem';

/**
 * The AWS RDS twin of `ManagedDatabase`, for PostgreSQL and MySQL, safe by default:
 * Multi-AZ when `nodeCount` > 1, storage encrypted, deletion protection, not publicly
 * accessible, TLS enforced by its parameter group, master password managed by AWS in
 * Secrets Manager, and a security group that admits only what `allowFrom` names.
 *
 * A new major version (`DatabaseEngine.postgres(17)` for 16) upgrades the instance in place
 * during the apply: a parameter group of the new family is created first (named
 * `<name>-<family>-tls-<unique suffix>`), the instance switches to it, then the old group goes.
 * Every change to the instance applies at `terraform apply`, not in the maintenance window.
 * Changing `engine` from PostgreSQL to MySQL, `databases[0]` or the encryption replaces the
 * instance, which `preventDestroy` refuses. (An instance made by an earlier version, whose group
 * was named `<name>-tls`, gets its family's group the same way once; RDS uses a new group after
 * the instance's next reboot, and the settings are the same.)
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
  /** The parameter group that forces TLS (one per engine family, `<name>-<family>-tls-<suffix>`). */
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
    const { instanceClass, initial } = checkRdsDatabaseProps(this, props);
    this.props = props;

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
    // A parameter group belongs to one family, and the family follows the engine's major version. In
    // hashicorp/aws 5.100.0 `name`, `name_prefix`, `family` and `description` force a new group
    // (internal/service/rds/parameter_group.go; docs/resources/db_parameter_group.md: "`family` - (Required,
    // Forces new resource)"), and a major upgrade needs the new family's group while the instance still uses
    // the old one: "The `create_before_destroy` lifecycle configuration is necessary for modifications that force
    // re-creation of an existing, in-use parameter group. This includes common situations like changing the group
    // `name` or bumping the `family` version during a major version upgrade" (same page). A fixed name cannot be
    // created before its namesake is gone, so the group takes a `name_prefix` (with the family in it, for people
    // reading the console) and Terraform adds a unique suffix.
    const family = isPostgres ? `postgres${engine.version}` : `mysql${engineVersion}`;
    this.parameterGroup = new DbParameterGroup(this, 'ParameterGroup', {
      namePrefix: `${props.name}-${family.replace(/[^a-z0-9]/g, '-')}-tls-`,
      family,
      description: `Database ${props.name}: TLS required`,
      parameter: [isPostgres
        ? { name: 'rds.force_ssl', value: '1' }
        : { name: 'require_secure_transport', value: '1' }],
      tags,
      lifecycle: { createBeforeDestroy: true },
    });

    this.instance = new DbInstance(this, 'Resource', {
      ...instanceConfig(props, instanceClass, engineVersion, tags, preventDestroy),
      dbSubnetGroupName: this.subnetGroup.name,
      vpcSecurityGroupIds: [this.securityGroup.id],
      parameterGroupName: this.parameterGroup.name,
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
    const rules = rdsIngressRules(p, 'allowFrom', sources, this.props.allowPublicInternet ?? false);
    p.throwIfAny(this);
    this.addRules(rules);
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

/** The instance's settings that come from the props alone (checked). */
function instanceConfig(
  props: RdsDatabaseProps, instanceClass: string, engineVersion: string, tags: Record<string, string>, preventDestroy: boolean,
): DbInstanceConfig {
  return {
    identifier: props.name,
    engine: props.engine.family === DatabaseEngineFamily.POSTGRES ? 'postgres' : 'mysql',
    engineVersion,
    instanceClass,
    allocatedStorage: props.allocatedStorageGib ?? 20,
    maxAllocatedStorage: props.maxAllocatedStorageGib,
    storageType: 'gp3',
    storageEncrypted: true,
    dbName: props.databases?.[0],
    username: 'dbadmin',
    manageMasterUserPassword: true,
    multiAz: (props.nodeCount ?? 1) > 1,
    publiclyAccessible: false,
    deletionProtection: preventDestroy,
    backupRetentionPeriod: props.backupRetentionDays ?? 7,
    copyTagsToSnapshot: true,
    skipFinalSnapshot: false,
    finalSnapshotIdentifier: `${props.name}-final`,
    autoMinorVersionUpgrade: true,
    // A new `engine` major version upgrades the instance in place: "When upgrading the major version of an engine,
    // `allow_major_version_upgrade` must be set to `true`"; setting it "does not result in an outage"
    // (docs/resources/db_instance.md, hashicorp/aws 5.100.0), and the engine version only changes when the props do.
    allowMajorVersionUpgrade: true,
    // "Specifies whether any database modifications are applied immediately, or during the next maintenance
    // window. Default is `false`" (same page). The upgrade and the switch to the new family's parameter group must
    // happen in the apply, before Terraform deletes the old group (the parameter group page's create_before_destroy
    // example sets `apply_immediately = true` for that reason); otherwise the old group is still in use and its
    // deletion fails. Resizes then apply at `terraform apply` too, as ManagedDatabase resizes do.
    applyImmediately: true,
    maintenanceWindow: props.maintenanceWindow ? rdsWindow(props.maintenanceWindow.day, props.maintenanceWindow.hourUtc) : undefined,
    tags,
    lifecycle: { preventDestroy },
  };
}

/** An RDS maintenance window (`sun:02:00-sun:03:00`) for a day and an hour in UTC. */
function rdsWindow(day: Weekday, hour: number): string {
  const endDay = hour === 23 ? nextWeekday(day) : day;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${weekdayAbbreviation(day)}:${pad(hour)}:00-${weekdayAbbreviation(endDay)}:${pad((hour + 1) % 24)}:00`;
}
