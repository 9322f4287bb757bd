import { TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { DatabaseAccessSourceType } from '../lib/common/contracts';
import { ErpValidationError } from '../lib/errors';
import {
  DatabaseAccess, DatabaseEngine, DatabaseSize, RdsDatabase, RdsDatabaseProps, rdsInstanceClassFor,
} from '../lib/database';
import { Weekday } from '../lib/common/weekday';

type Json = Record<string, any>;

const BASE: RdsDatabaseProps = {
  name: 'erp-db',
  engine: DatabaseEngine.postgres(16),
  size: DatabaseSize.DB_S_2VCPU_4GB,
  databases: ['erp'],
  vpcId: 'vpc-0123456789abcdef0',
  subnetIds: ['subnet-0aaa', 'subnet-0bbb'],
};

function newStack(): TerraformStack {
  return new TerraformStack(Testing.app(), 'test');
}

function build(props: Partial<RdsDatabaseProps> = {}, after?: (db: RdsDatabase, stack: TerraformStack) => void): Json {
  const stack = newStack();
  const db = new RdsDatabase(stack, 'Database', { ...BASE, ...props });
  after?.(db, stack);
  return JSON.parse(Testing.synth(stack));
}

function only(json: Json, type: string): Json {
  const all = Object.values(json.resource?.[type] ?? {}) as Json[];
  expect(all).toHaveLength(1);
  return all[0];
}

function failing(props: Partial<RdsDatabaseProps>): string[] {
  try {
    new RdsDatabase(newStack(), 'Database', { ...BASE, ...props });
  } catch (err) {
    if (err instanceof ErpValidationError) return err.problems.map((p) => p.prop);
    throw err;
  }
  throw new Error('expected an ErpValidationError');
}

describe('RdsDatabase secure defaults', () => {
  test('the instance is encrypted, private, deletion protected, backed up 7 days and its password is managed by AWS', () => {
    const json = build();
    const db = only(json, 'aws_db_instance');
    expect(db).toMatchObject({
      identifier: 'erp-db', engine: 'postgres', engine_version: '16', instance_class: 'db.t4g.medium', db_name: 'erp',
      storage_encrypted: true, publicly_accessible: false, deletion_protection: true, backup_retention_period: 7,
      manage_master_user_password: true, multi_az: false, skip_final_snapshot: false, final_snapshot_identifier: 'erp-db-final',
      lifecycle: { prevent_destroy: true },
    });
    expect(db.password).toBeUndefined();
    expect(db.db_subnet_group_name).toMatch(/aws_db_subnet_group\.[\w-]+\.name/);
    expect(only(json, 'aws_db_subnet_group').subnet_ids).toEqual(['subnet-0aaa', 'subnet-0bbb']);
  });

  test('more than one node makes the instance Multi-AZ', () => {
    expect(only(build({ nodeCount: 2 }), 'aws_db_instance').multi_az).toBe(true);
  });

  test('the parameter group forces TLS for PostgreSQL and MySQL', () => {
    expect(only(build(), 'aws_db_parameter_group')).toMatchObject({ family: 'postgres16', parameter: [{ name: 'rds.force_ssl', value: '1' }] });
    expect(only(build({ engine: DatabaseEngine.mysql() }), 'aws_db_parameter_group'))
      .toMatchObject({ family: 'mysql8.0', parameter: [{ name: 'require_secure_transport', value: '1' }] });
  });

  test('the security group admits nobody until allowFrom names a CIDR or a security group', () => {
    const empty = build();
    expect(only(empty, 'aws_security_group').ingress).toBeUndefined();
    expect(empty.resource.aws_vpc_security_group_ingress_rule).toBeUndefined();

    const json = build({}, (db) => {
      db.allowFrom(DatabaseAccess.cidr('10.0.1.7'), { securityGroupId: 'sg-0123456789abcdef0' });
      db.allowFrom(DatabaseAccess.cidr('10.0.1.7/32'));
    });
    const rules = Object.values(json.resource.aws_vpc_security_group_ingress_rule) as Json[];
    expect(rules.map((r) => [r.cidr_ipv4, r.referenced_security_group_id, r.from_port, r.to_port])).toEqual([
      ['10.0.1.7/32', undefined, 5432, 5432],
      [undefined, 'sg-0123456789abcdef0', 5432, 5432],
    ]);
  });

  test('preventDestroy false turns off deletion protection and the lifecycle guard', () => {
    expect(only(build({ preventDestroy: false }), 'aws_db_instance')).toMatchObject({ deletion_protection: false, lifecycle: { prevent_destroy: false } });
  });

  test('the connection requires TLS and reads the managed password from its secret only when asked for', () => {
    expect(build().data).toBeUndefined();
    const json = build({}, (db, stack) => {
      new TerraformOutput(stack, 'plain', { value: db.connection.environment.plain });
      new TerraformOutput(stack, 'secret', { value: db.connection.environment.secret, sensitive: true });
    });
    expect(Object.keys(json.data.aws_secretsmanager_secret_version)).toHaveLength(1);
    expect(json.output.secret.value.DATABASE_URL).toMatch(/^postgresql:\/\/.*aws_db_instance\.[\w-]+\.address.*\/erp\?sslmode=require$/);
    expect(json.output.plain.value).toMatchObject({ DB_CONNECTION: 'pgsql', DB_SSLMODE: 'require', DB_DATABASE: 'erp' });
    expect(json.output.plain.value.DB_PASSWORD_SECRET_ARN).toMatch(/master_user_secret\[0\]\.secret_arn/);
  });

  test('sizes map to the smallest instance class that fits, with instanceClass as the escape', () => {
    expect(rdsInstanceClassFor(DatabaseSize.DB_S_1VCPU_1GB)).toBe('db.t4g.micro');
    expect(rdsInstanceClassFor(DatabaseSize.DB_S_4VCPU_8GB)).toBe('db.m6g.xlarge');
    expect(rdsInstanceClassFor(DatabaseSize.of('custom'))).toBeUndefined();
    expect(only(build({ instanceClass: 'db.r6g.large' }), 'aws_db_instance').instance_class).toBe('db.r6g.large');
  });

  test('the maintenance window becomes an RDS window, wrapping past midnight', () => {
    expect(only(build({ maintenanceWindow: { day: Weekday.SUNDAY, hourUtc: 23 } }), 'aws_db_instance').maintenance_window)
      .toBe('sun:23:00-mon:00:00');
  });
});

describe('RdsDatabase validation', () => {
  test('fails on Valkey with a clear message naming engine', () => {
    expect(failing({ engine: DatabaseEngine.valkey(), databases: [] })).toEqual(['engine']);
    expect(() => new RdsDatabase(newStack(), 'Database', { ...BASE, engine: DatabaseEngine.valkey(), databases: [] }))
      .toThrow(/engine: is not available on RDS/);
  });

  test('fails on users and on more than one database, naming each prop', () => {
    expect(failing({ users: ['app'], databases: ['a', 'b'] })).toEqual(['databases', 'users']);
  });

  test('fails on fewer than two subnets and a backup retention outside 1 to 35', () => {
    expect(failing({ subnetIds: ['subnet-0aaa'], backupRetentionDays: 40 })).toEqual(['subnetIds', 'backupRetentionDays']);
  });

  test('fails on DigitalOcean sources, malformed security groups and the whole internet in allowFrom', () => {
    const db = new RdsDatabase(newStack(), 'Database', BASE);
    let err: ErpValidationError | undefined;
    try {
      db.allowFrom(DatabaseAccess.tag('web'), { securityGroupId: 'group-1' }, { type: DatabaseAccessSourceType.IP_ADDRESS, value: '0.0.0.0/0' });
    } catch (e) {
      err = e as ErpValidationError;
    }
    expect(err?.problems.map((p) => p.prop)).toEqual(['allowFrom[0]', 'allowFrom[1].securityGroupId', 'allowFrom[2].value']);
  });

  test('fails on a malformed instance class and storage bounds', () => {
    expect(failing({ instanceClass: 'large', allocatedStorageGib: 10, maxAllocatedStorageGib: 15 }))
      .toEqual(['allocatedStorageGib', 'maxAllocatedStorageGib', 'instanceClass']);
    expect(failing({ allocatedStorageGib: 100, maxAllocatedStorageGib: 50 })).toEqual(['maxAllocatedStorageGib']);
  });

  test('fails on a size with no known instance class, naming size', () => {
    expect(failing({ size: DatabaseSize.of('mystery') })).toEqual(['size']);
  });
});

describe('RdsDatabase props of the wrong shape', () => {
  // Props as plain JavaScript or a parsed config file may hand them over, past the type checker.
  const loose = (props: Record<string, unknown>) => failing(props as Partial<RdsDatabaseProps>);

  test('fails on lists given as a number, a string or an object, naming each prop, in one error', () => {
    expect(loose({ allowFrom: -1e25, databases: '', subnetIds: { a: 'subnet-0aaa' } })).toEqual(['databases', 'subnetIds', 'allowFrom']);
  });

  test('fails on a databases object and a storage bound that is not a number', () => {
    expect(loose({ databases: { erp: true }, maxAllocatedStorageGib: Symbol.for('erp'), instanceClass: 5 }))
      .toEqual(['databases', 'maxAllocatedStorageGib', 'instanceClass']);
  });

  test('fails on a missing vpcId and subnetIds, saying each is required', () => {
    const { vpcId: _v, subnetIds: _s, ...rest } = BASE;
    try {
      new RdsDatabase(newStack(), 'Database', rest as RdsDatabaseProps);
      throw new Error('expected an ErpValidationError');
    } catch (err) {
      expect(err).toBeInstanceOf(ErpValidationError);
      expect((err as ErpValidationError).problems.map((p) => `${p.prop} ${p.problem}`)).toEqual(['vpcId is required', 'subnetIds is required']);
    }
  });
});
