import { Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ErpValidationError } from '../lib/errors';
import { DoRegion } from '../lib/common/region';
import {
  BackupEncryption, BackupPrincipal, ColdStorage, ObjectLockMode, SpacesBackupVault, SpacesBackupVaultProps,
} from '../lib/backup';

type Props = Partial<SpacesBackupVaultProps>;

function synth(props: Props = {}, build?: (vault: SpacesBackupVault) => void): any {
  return JSON.parse(Testing.synthScope((scope) => {
    const vault = new SpacesBackupVault(scope, 'Vault', { region: DoRegion.FRA1, ...props });
    build?.(vault);
  }));
}

function one(out: any, type: string): any {
  const list = Object.values(out.resource?.[type] ?? {});
  expect(list).toHaveLength(1);
  return list[0];
}

function expectFails(props: Props, prop: string, text?: RegExp): void {
  expect(() => synth(props)).toThrow(ErpValidationError);
  expect(() => synth(props)).toThrow(new RegExp(`  - ${prop.replace(/\./g, '\\.')}: `));
  if (text) expect(() => synth(props)).toThrow(text);
}

describe('SpacesBackupVault secure defaults', () => {
  const out = synth();
  const bucket = one(out, 'digitalocean_spaces_bucket');
  const rules = bucket.lifecycle_rule as any[];

  test('the Space is private', () => {
    expect(bucket.acl).toBe('private');
  });

  test('the Space is never force-destroyed and is protected from terraform destroy', () => {
    expect(bucket.force_destroy).toBe(false);
    expect(bucket.lifecycle).toEqual({ prevent_destroy: true });
  });

  test('versioning is enabled', () => {
    expect(bucket.versioning).toEqual({ enabled: true });
  });

  test('the Space sits in the region asked for, with a stable generated name', () => {
    expect(bucket.region).toBe('fra1');
    expect(bucket.name).toMatch(/^erp-backups-[0-9a-f]{16}$/);
    expect(synth()).toEqual(out);
  });

  test('daily, weekly and monthly dumps expire after 30 days, 12 weeks and 12 months, safety dumps after 30 days', () => {
    expect(rules.slice(0, 4)).toEqual([
      { id: 'expire-daily', enabled: true, prefix: 'daily/', expiration: { days: 30 } },
      { id: 'expire-weekly', enabled: true, prefix: 'weekly/', expiration: { days: 84 } },
      { id: 'expire-monthly', enabled: true, prefix: 'monthly/', expiration: { days: 365 } },
      { id: 'expire-safety', enabled: true, prefix: 'safety/', expiration: { days: 30 } },
    ]);
  });

  test('a version is removed 1 day after it stops being current, expired delete markers go, and unfinished uploads are aborted after 7 days', () => {
    expect(rules[4]).toEqual({
      id: 'clean-noncurrent-versions-and-uploads', enabled: true,
      noncurrent_version_expiration: { days: 1 }, expiration: { expired_object_delete_marker: true }, abort_incomplete_multipart_upload_days: 7,
    });
  });

  test('the lifecycle of a daily dump totals 31 days by default: listed 30 days, then 1 day as a noncurrent version', () => {
    const daily = rules.find((r) => r.id === 'expire-daily');
    const noncurrent = rules.filter((r) => r.noncurrent_version_expiration);
    expect(noncurrent).toHaveLength(1);
    expect(daily.expiration.days + noncurrent[0].noncurrent_version_expiration.days).toBe(31);
  });

  test('a root prefix and other retentions follow the props', () => {
    const custom = one(synth({ rootPrefix: 'lender', dailyRetentionDays: 14, noncurrentVersionExpirationDays: 3 }), 'digitalocean_spaces_bucket');
    expect(custom.lifecycle_rule[0]).toMatchObject({ prefix: 'lender/daily/', expiration: { days: 14 } });
    expect(custom.lifecycle_rule[3]).toMatchObject({ prefix: 'lender/safety/', expiration: { days: 14 } });
    expect(custom.lifecycle_rule[4].noncurrent_version_expiration).toEqual({ days: 3 });
  });

  test('weekly and monthly 0 remove their rules and empty their prefixes', () => {
    let env: any;
    const out = synth({ weeklyRetentionWeeks: 0, monthlyRetentionMonths: 0 }, (v) => { env = v.grantWrite('DumpJob'); });
    const ids = one(out, 'digitalocean_spaces_bucket').lifecycle_rule.map((r: any) => r.id);
    expect(ids).toEqual(['expire-daily', 'expire-safety', 'clean-noncurrent-versions-and-uploads']);
    expect([env.weeklyPrefix, env.monthlyPrefix, env.safetyPrefix]).toEqual(['', '', 'safety/']);
    expect(env.environment.plain).toMatchObject({ BACKUP_WEEKLY_PREFIX: '', BACKUP_MONTHLY_PREFIX: '', BACKUP_SAFETY_PREFIX: 'safety/' });
  });
});

describe('SpacesBackupVault grants', () => {
  test('grantWrite makes a key scoped to this Space only, and the Spaces job environment', () => {
    let env: any;
    const out = synth({ bucketName: 'acme-backups' }, (v) => { env = v.grantWrite('DumpJob'); });
    const key = one(out, 'digitalocean_spaces_key');
    expect(key.grant).toEqual([{ bucket: '${digitalocean_spaces_bucket.Vault_23237E5B.name}', permission: 'readwrite' }]);
    expect(env.endpoint).toBe('https://fra1.digitaloceanspaces.com');
    expect(env.region).toBe('fra1');
    expect(env.uploadArgs).toEqual(['--endpoint-url', 'https://fra1.digitaloceanspaces.com']);
    expect(env.dailyPrefix).toBe('daily/');
    expect(Object.keys(env.environment.secret).sort()).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    expect(env.environment.plain).toMatchObject({ AWS_DEFAULT_REGION: 'fra1', AWS_ENDPOINT_URL: 'https://fra1.digitaloceanspaces.com' });
  });

  test('grantWrite warns that a Spaces key can also delete, and is made once per id', () => {
    let vault!: SpacesBackupVault;
    let first: any;
    let second: any;
    const out = synth({}, (v) => { vault = v; first = v.grantWrite('DumpJob'); second = v.grantWrite('DumpJob'); });
    expect(second).toBe(first);
    one(out, 'digitalocean_spaces_key');
    const warnings = vault.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/can also list, read and delete every backup/);
  });

  test('grantRead makes a read-only key', () => {
    const out = synth({}, (v) => { v.grantRead('Restore'); });
    expect(one(out, 'digitalocean_spaces_key').grant[0].permission).toBe('read');
  });

  test('grantRestore makes a readwrite key on this Space only (the narrowest that can put safety dumps), and warns what it can do', () => {
    let vault!: SpacesBackupVault;
    let env: any;
    const out = synth({ rootPrefix: 'erp' }, (v) => { vault = v; env = v.grantRestore('Restore'); v.grantRestore('Restore'); });
    const key = one(out, 'digitalocean_spaces_key');
    expect(key.grant).toEqual([{ bucket: '${digitalocean_spaces_bucket.Vault_23237E5B.name}', permission: 'readwrite' }]);
    expect(key.name).toMatch(/^erp-backup-restore-restore-[0-9a-f]{8}$/);
    expect([...vault.keys.keys()]).toEqual(['RestoreRestorerKey']);
    expect(env.safetyPrefix).toBe('erp/safety/');
    expect(Object.keys(env.environment.secret).sort()).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    const warnings = vault.node.metadata.filter((m) => m.type === '@cdktf/warn').map((m) => String(m.data));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/grantRestore\("Restore"\) can write and delete every backup/);
  });

  test('a writer and a restorer of the same id get two keys with different names', () => {
    const out = synth({}, (v) => { v.grantWrite('Job'); v.grantRestore('Job'); });
    const names = Object.values<any>(out.resource.digitalocean_spaces_key).map((k) => k.name);
    expect(names).toHaveLength(2);
    expect(new Set(names).size).toBe(2);
  });

  test('fails when a grant asks for a role principal, which Spaces does not have', () => {
    expect(() => synth({}, (v) => { v.grantWrite('Job', { principal: BackupPrincipal.service('ecs-tasks.amazonaws.com') }); }))
      .toThrow(/options\.principal: Spaces has no roles/);
  });
});

describe('SpacesBackupVault validation', () => {
  test('fails when object lock is asked for', () => {
    expectFails({ objectLock: { mode: ObjectLockMode.COMPLIANCE, days: 7 } }, 'objectLock', /Spaces has no object lock/);
  });

  test('fails when KMS encryption is asked for', () => {
    expectFails({ encryption: BackupEncryption.KMS }, 'encryption', /no customer-managed keys/);
  });

  test('fails when a move to Glacier is asked for', () => {
    expectFails({ monthlyColdStorage: ColdStorage.glacierFlexibleRetrieval(30) }, 'monthlyColdStorage', /cannot move to Glacier/);
  });

  test('fails when replication is asked for', () => {
    expect(() => Testing.synthScope((scope) => {
      const provider = new AwsProvider(scope, 'replica', { alias: 'replica', region: 'us-west-2' });
      new SpacesBackupVault(scope, 'Vault', { region: DoRegion.FRA1, replication: { provider } });
    })).toThrow(/  - replication: Spaces has no replication/);
  });

  test('fails when a generated-name prefix is asked for', () => {
    expectFails({ bucketPrefix: 'backups-' }, 'bucketPrefix');
  });

  test('fails when the region is not a DigitalOcean region', () => {
    expectFails({ region: 'eu-west-1' as unknown as DoRegion }, 'region');
  });

  test('fails on the shared retention checks too', () => {
    expectFails({ weeklyRetentionWeeks: -2 }, 'weeklyRetentionWeeks', /or 0 to keep no weekly dumps/);
    expectFails({ monthlyRetentionMonths: 1.5 }, 'monthlyRetentionMonths');
    expectFails({ dailyRetentionDays: 10, objectLock: { mode: ObjectLockMode.GOVERNANCE, days: 20 } }, 'objectLock.days');
  });

  test('fails with every unsupported prop in one error', () => {
    try {
      synth({ objectLock: { mode: ObjectLockMode.GOVERNANCE, days: 1 }, encryption: BackupEncryption.KMS, dailyColdStorage: ColdStorage.standardIa(30), dailyRetentionDays: 90 });
      throw new Error('expected a failure');
    } catch (e) {
      expect(e).toBeInstanceOf(ErpValidationError);
      expect((e as ErpValidationError).problems.map((p) => p.prop)).toEqual(['objectLock', 'encryption', 'dailyColdStorage']);
    }
  });
});

describe('SpacesBackupVault props of the wrong shape', () => {
  // Props as plain JavaScript or a parsed config file may hand them over, past the type checker.
  const loose = (props: Record<string, unknown>) => props as Props;

  test('fails on a missing region, saying it is required', () => {
    expect(() => new SpacesBackupVault(Testing.app(), 'Vault', {} as SpacesBackupVaultProps)).toThrow(/ - region: is required/);
  });

  test('fails on a region that is not a DoRegion, naming region', () => {
    expectFails(loose({ region: 'frankfurt' }), 'region', /is not a DigitalOcean region/);
    expectFails(loose({ region: null }), 'region');
  });

  test('fails on a root prefix that is a list and retention that is not a number, in one error', () => {
    expectFails(loose({ rootPrefix: [''], weeklyRetentionWeeks: Symbol.for('erp') }), 'rootPrefix', /must be a string/);
    expectFails(loose({ rootPrefix: [''], weeklyRetentionWeeks: Symbol.for('erp') }), 'weeklyRetentionWeeks');
  });
});
