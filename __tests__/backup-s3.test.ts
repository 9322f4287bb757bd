import { AnnotationMetadataEntryType, App, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { ErpValidationError } from '../lib/errors';
import {
  BackupEncryption, BackupPrincipal, ColdStorage, ObjectLockMode, S3BackupVault, S3BackupVaultProps,
} from '../lib/backup';

type Build = (scope: Construct, vault: S3BackupVault) => void;

function synth(props: S3BackupVaultProps = {}, build?: Build): any {
  return JSON.parse(Testing.synthScope((scope) => {
    const vault = new S3BackupVault(scope, 'Vault', props);
    build?.(scope, vault);
  }));
}

function all(out: any, type: string): any[] {
  return Object.values(out.resource?.[type] ?? {});
}

function one(out: any, type: string): any {
  const list = all(out, type);
  expect(list).toHaveLength(1);
  return list[0];
}

function statements(policy: string): any[] {
  return JSON.parse(policy).Statement;
}

function bySid(policy: string, sid: string): any {
  const found = statements(policy).find((s) => s.Sid === sid);
  expect(found).toBeDefined();
  return found;
}

/** Runs `props` and returns the error, asserting it is an ErpValidationError. */
function failure(props: S3BackupVaultProps): ErpValidationError {
  try {
    synth(props);
  } catch (e) {
    expect(e).toBeInstanceOf(ErpValidationError);
    return e as ErpValidationError;
  }
  throw new Error('expected the vault to fail validation');
}

function expectFails(props: S3BackupVaultProps, prop: string, text?: RegExp): void {
  expect(() => synth(props)).toThrow(ErpValidationError);
  const error = failure(props);
  expect(error.message).toContain(`${prop}:`);
  expect(error.problems.map((p) => p.prop)).toContain(prop);
  if (text) expect(error.message).toMatch(text);
}

describe('S3BackupVault secure defaults', () => {
  const out = synth();

  test('the bucket is the construct Resource and is never force-destroyed', () => {
    let vault!: S3BackupVault;
    synth({}, (_s, v) => { vault = v; });
    expect(vault.bucket.node.id).toBe('Resource');
    const ids = Object.keys(out.resource.aws_s3_bucket);
    expect(ids).toHaveLength(1);
    // The main resource drops `Resource` from its logical id, as the construct convention intends.
    expect(ids[0]).toMatch(/^Vault_[0-9A-F]{8}$/);
    expect(one(out, 'aws_s3_bucket').force_destroy).toBe(false);
  });

  test('the bucket and its key are protected from terraform destroy', () => {
    expect(one(out, 'aws_s3_bucket').lifecycle).toEqual({ prevent_destroy: true });
    expect(one(out, 'aws_kms_key').lifecycle).toEqual({ prevent_destroy: true });
  });

  test('versioning is enabled', () => {
    expect(one(out, 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
  });

  test('object ownership is enforced by the bucket owner, so ACLs are off', () => {
    expect(one(out, 'aws_s3_bucket_ownership_controls').rule).toEqual({ object_ownership: 'BucketOwnerEnforced' });
  });

  test.each(['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'])(
    'the public access block sets %s', (flag) => {
      expect(one(out, 'aws_s3_bucket_public_access_block')[flag]).toBe(true);
    });

  test('a customer-managed KMS key with rotation encrypts the bucket, with a bucket key', () => {
    const key = one(out, 'aws_kms_key');
    expect(key.enable_key_rotation).toBe(true);
    expect(key.rotation_period_in_days).toBe(365);
    const rule = one(out, 'aws_s3_bucket_server_side_encryption_configuration').rule[0];
    expect(rule.apply_server_side_encryption_by_default.sse_algorithm).toBe('aws:kms');
    expect(rule.apply_server_side_encryption_by_default.kms_master_key_id).toMatch(/\$\{aws_kms_key\.Vault_Key_[^.]+\.arn\}/);
    expect(rule.bucket_key_enabled).toBe(true);
  });

  test('the bucket policy denies every request made without TLS', () => {
    const s = bySid(one(out, 'aws_s3_bucket_policy').policy, 'DenyInsecureTransport');
    expect(s).toMatchObject({ Effect: 'Deny', Principal: '*', Action: ['s3:*'], Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    expect(s.Resource).toHaveLength(2);
  });

  test('the bucket policy denies uploads that ask for another encryption, another key, or the account default key', () => {
    const policy = one(out, 'aws_s3_bucket_policy').policy;
    expect(bySid(policy, 'DenyUploadsWithOtherEncryption')).toMatchObject({
      Effect: 'Deny', Action: ['s3:PutObject'],
      Condition: { StringNotEqualsIfExists: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
    });
    const otherKey = bySid(policy, 'DenyUploadsWithOtherKey');
    expect(otherKey.Effect).toBe('Deny');
    expect(otherKey.Condition.StringNotEqualsIfExists['s3:x-amz-server-side-encryption-aws-kms-key-id']).toMatch(/aws_kms_key\.Vault_Key_[^.]+\.arn/);
    expect(bySid(policy, 'DenyKmsUploadsWithoutKeyId')).toMatchObject({
      Effect: 'Deny',
      Condition: {
        StringEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' },
        Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'true' },
      },
    });
  });

  test('daily, weekly and monthly dumps expire after 30 days, 12 weeks and 12 months; monthly ones go to Glacier after 30 days', () => {
    const rules = one(out, 'aws_s3_bucket_lifecycle_configuration').rule as any[];
    const rule = (id: string) => rules.find((r) => r.id === id);
    expect(rule('expire-daily')).toMatchObject({ status: 'Enabled', filter: [{ prefix: 'daily/' }], expiration: [{ days: 30 }] });
    expect(rule('expire-daily').transition).toBeUndefined();
    expect(rule('expire-weekly')).toMatchObject({ filter: [{ prefix: 'weekly/' }], expiration: [{ days: 84 }] });
    expect(rule('expire-weekly').transition).toBeUndefined();
    expect(rule('expire-monthly')).toMatchObject({
      filter: [{ prefix: 'monthly/' }], expiration: [{ days: 365 }], transition: [{ days: 30, storage_class: 'GLACIER' }],
    });
  });

  test('a version is removed 1 day after it stops being current, then its delete marker; unfinished uploads are aborted after 7 days, bucket-wide', () => {
    const rules = one(out, 'aws_s3_bucket_lifecycle_configuration').rule as any[];
    const clean = rules.find((r) => r.id === 'clean-noncurrent-versions-and-uploads');
    expect(clean).toMatchObject({
      status: 'Enabled',
      filter: [{ prefix: '' }],
      noncurrent_version_expiration: [{ noncurrent_days: 1 }],
      abort_incomplete_multipart_upload: [{ days_after_initiation: 7 }],
      expiration: [{ expired_object_delete_marker: true }],
    });
  });

  test('the lifecycle of a daily dump totals 31 days by default: listed 30 days, then 1 day as a noncurrent version', () => {
    // Dumps are never overwritten: a version turns noncurrent only when its prefix's expiry puts a delete marker on it.
    const rules = one(out, 'aws_s3_bucket_lifecycle_configuration').rule as any[];
    const daily = rules.find((r) => r.id === 'expire-daily');
    const clean = rules.find((r) => r.id === 'clean-noncurrent-versions-and-uploads');
    expect(daily.expiration[0].days + clean.noncurrent_version_expiration[0].noncurrent_days).toBe(31);
    expect(rules.filter((r) => r.noncurrent_version_expiration)).toHaveLength(1);
  });

  test('safety dumps of a restore are kept as long as daily dumps, in the hot class', () => {
    const rules = one(out, 'aws_s3_bucket_lifecycle_configuration').rule as any[];
    const safety = rules.find((r) => r.id === 'expire-safety');
    expect(safety).toMatchObject({ status: 'Enabled', filter: [{ prefix: 'safety/' }], expiration: [{ days: 30 }] });
    expect(safety.transition).toBeUndefined();
  });

  test('no object lock and no replication unless asked for', () => {
    expect(one(out, 'aws_s3_bucket').object_lock_enabled).toBeUndefined();
    expect(all(out, 'aws_s3_bucket_object_lock_configuration')).toHaveLength(0);
    expect(all(out, 'aws_s3_bucket_replication_configuration')).toHaveLength(0);
  });

  test('only data sources that need no API call are used', () => {
    expect(Object.keys(out.data).sort()).toEqual(['aws_partition', 'aws_region']);
  });
});

describe('S3BackupVault options', () => {
  test('a root prefix puts daily, weekly, monthly and safety under it', () => {
    let prefixes: any;
    const out = synth({ rootPrefix: '/invoicing/' }, (_s, v) => { prefixes = v.prefixes; });
    expect(prefixes).toEqual({
      root: 'invoicing/', daily: 'invoicing/daily/', weekly: 'invoicing/weekly/', monthly: 'invoicing/monthly/', safety: 'invoicing/safety/',
    });
    const rules = one(out, 'aws_s3_bucket_lifecycle_configuration').rule as any[];
    expect(rules.map((r) => r.filter[0].prefix)).toEqual(['invoicing/daily/', 'invoicing/weekly/', 'invoicing/monthly/', 'invoicing/safety/', '']);
  });

  test('SSE-S3 is used only when asked for, without a key, and the policy then requires AES256', () => {
    let keyArn: string | undefined = 'unset';
    let args: string[] = [];
    const out = synth({ encryption: BackupEncryption.S3_MANAGED }, (_s, v) => { keyArn = v.keyArn; args = v.uploadArgs; });
    expect(all(out, 'aws_kms_key')).toHaveLength(0);
    expect(keyArn).toBeUndefined();
    expect(args).toEqual(['--sse', 'AES256']);
    const rule = one(out, 'aws_s3_bucket_server_side_encryption_configuration').rule[0];
    expect(rule.apply_server_side_encryption_by_default).toEqual({ sse_algorithm: 'AES256' });
    const policy = one(out, 'aws_s3_bucket_policy').policy;
    expect(bySid(policy, 'DenyUploadsWithOtherEncryption').Condition.StringNotEqualsIfExists['s3:x-amz-server-side-encryption']).toBe('AES256');
    expect(statements(policy).map((s) => s.Sid)).not.toContain('DenyUploadsWithOtherKey');
  });

  test('retention and transitions follow the props', () => {
    const out = synth({
      dailyRetentionDays: 10, weeklyRetentionWeeks: 20, monthlyRetentionMonths: 24,
      weeklyColdStorage: ColdStorage.standardIa(30), monthlyColdStorage: ColdStorage.deepArchive(60),
      noncurrentVersionExpirationDays: 5, abortIncompleteUploadDays: 2,
    });
    const rules = one(out, 'aws_s3_bucket_lifecycle_configuration').rule as any[];
    expect(rules[0].expiration).toEqual([{ days: 10 }]);
    expect(rules[1]).toMatchObject({ expiration: [{ days: 140 }], transition: [{ days: 30, storage_class: 'STANDARD_IA' }] });
    expect(rules[2]).toMatchObject({ expiration: [{ days: 730 }], transition: [{ days: 60, storage_class: 'DEEP_ARCHIVE' }] });
    expect(rules[3]).toMatchObject({ id: 'expire-safety', expiration: [{ days: 10 }] });
    expect(rules[4]).toMatchObject({ noncurrent_version_expiration: [{ noncurrent_days: 5 }], abort_incomplete_multipart_upload: [{ days_after_initiation: 2 }] });
  });

  test('noncurrentVersionExpirationDays lengthens the total lifetime of every tier by the same days', () => {
    const rules = one(synth({ noncurrentVersionExpirationDays: 30 }), 'aws_s3_bucket_lifecycle_configuration').rule as any[];
    const noncurrent = rules.find((r) => r.id === 'clean-noncurrent-versions-and-uploads').noncurrent_version_expiration[0].noncurrent_days;
    const total = (id: string) => rules.find((r) => r.id === id).expiration[0].days + noncurrent;
    expect([total('expire-daily'), total('expire-weekly'), total('expire-monthly'), total('expire-safety')]).toEqual([60, 114, 395, 60]);
  });

  test('weeklyRetentionWeeks 0 removes the weekly rule and its permissions, and empties weeklyPrefix', () => {
    let vault!: S3BackupVault;
    let env: any;
    const out = synth({ weeklyRetentionWeeks: 0 }, (_s, v) => { vault = v; env = v.grantWrite('DumpJob'); v.grantRestore('Restore'); });
    const rules = one(out, 'aws_s3_bucket_lifecycle_configuration').rule as any[];
    expect(rules.map((r) => r.id)).toEqual(['expire-daily', 'expire-monthly', 'expire-safety', 'clean-noncurrent-versions-and-uploads']);
    expect(vault.prefixes.weekly).toBe('');
    expect(env.weeklyPrefix).toBe('');
    expect(env.monthlyPrefix).toBe('monthly/');
    expect(env.environment.plain.BACKUP_WEEKLY_PREFIX).toBe('');
    for (const policy of all(out, 'aws_iam_user_policy').map((u) => u.policy as string)) {
      expect(policy).not.toMatch(/weekly/);
      // No statement may fall back to the whole bucket when a prefix is empty.
      for (const st of statements(policy)) for (const r of st.Resource) expect(r).not.toMatch(/\.arn\}\/\*$/);
    }
  });

  test('monthlyRetentionMonths 0 removes the monthly rule and its Glacier move, and empties monthlyPrefix', () => {
    let env: any;
    const out = synth({ monthlyRetentionMonths: 0, weeklyRetentionWeeks: 0 }, (_s, v) => { env = v.grantWrite('DumpJob'); });
    const rules = one(out, 'aws_s3_bucket_lifecycle_configuration').rule as any[];
    expect(rules.map((r) => r.id)).toEqual(['expire-daily', 'expire-safety', 'clean-noncurrent-versions-and-uploads']);
    expect(rules.some((r) => r.transition)).toBe(false);
    expect([env.weeklyPrefix, env.monthlyPrefix]).toEqual(['', '']);
    const put = bySid(one(out, 'aws_iam_user_policy').policy, 'PutBackupsUnderVaultPrefixes');
    expect(put.Resource.map((r: string) => r.replace(/^.*\.arn\}/, ''))).toEqual(['/daily/*', '/safety/*']);
  });

  test('monthly dumps stay in Standard with ColdStorage.NONE', () => {
    const out = synth({ monthlyColdStorage: ColdStorage.NONE });
    const rules = one(out, 'aws_s3_bucket_lifecycle_configuration').rule as any[];
    expect(rules[2].transition).toBeUndefined();
  });

  test('object lock may last as long as the shortest total lifetime: retention plus noncurrentVersionExpirationDays', () => {
    const out = synth({ objectLock: { mode: ObjectLockMode.COMPLIANCE, days: 31 } });
    expect(one(out, 'aws_s3_bucket_object_lock_configuration').rule.default_retention.days).toBe(31);
    expect(() => synth({ dailyRetentionDays: 7, noncurrentVersionExpirationDays: 14, objectLock: { mode: ObjectLockMode.GOVERNANCE, days: 21 } })).not.toThrow();
  });

  test('object lock is enabled at creation with a default retention', () => {
    const out = synth({ objectLock: { mode: ObjectLockMode.COMPLIANCE, days: 30 } });
    expect(one(out, 'aws_s3_bucket').object_lock_enabled).toBe(true);
    const lock = one(out, 'aws_s3_bucket_object_lock_configuration');
    expect(lock.rule).toEqual({ default_retention: { mode: 'COMPLIANCE', days: 30 } });
    expect(lock.depends_on[0]).toMatch(/aws_s3_bucket_versioning\./);
  });

  test('protectFromDestroy false drops prevent_destroy and leaves a warning', () => {
    let vault!: S3BackupVault;
    const out = synth({ protectFromDestroy: false }, (_s, v) => { vault = v; });
    expect(one(out, 'aws_s3_bucket').lifecycle).toBeUndefined();
    expect(one(out, 'aws_s3_bucket').force_destroy).toBe(false);
    expect(vault.node.metadata.some((m) => m.type === '@cdktf/warn' && String(m.data).includes('protectFromDestroy'))).toBe(true);
  });
});

describe('S3BackupVault replication', () => {
  const out = synth({ objectLock: { mode: ObjectLockMode.GOVERNANCE, days: 7 } }, () => undefined);
  const replicated = JSON.parse(Testing.synthScope((scope) => {
    const provider = new AwsProvider(scope, 'replica', { alias: 'replica', region: 'us-west-2' });
    new S3BackupVault(scope, 'Vault', { objectLock: { mode: ObjectLockMode.GOVERNANCE, days: 7 }, replication: { provider } });
  }));

  test('without replication there is one bucket', () => {
    expect(all(out, 'aws_s3_bucket')).toHaveLength(1);
  });

  test('the replica bucket is created with the second-region provider and the same secure defaults', () => {
    const buckets = Object.entries(replicated.resource.aws_s3_bucket) as [string, any][];
    expect(buckets).toHaveLength(2);
    const [, replica] = buckets.find(([id]) => id.includes('Replica'))!;
    expect(replica.provider).toBe('aws.replica');
    expect(replica.force_destroy).toBe(false);
    expect(replica.lifecycle).toEqual({ prevent_destroy: true });
    expect(replica.object_lock_enabled).toBe(true);
    expect(replica.bucket_prefix).toBe('erp-backups-replica-');
    for (const type of ['aws_s3_bucket_versioning', 'aws_s3_bucket_ownership_controls', 'aws_s3_bucket_public_access_block',
      'aws_s3_bucket_server_side_encryption_configuration', 'aws_s3_bucket_policy', 'aws_s3_bucket_lifecycle_configuration', 'aws_kms_key']) {
      const list = all(replicated, type);
      expect(list).toHaveLength(2);
      expect(list.filter((r) => r.provider === 'aws.replica')).toHaveLength(1);
    }
  });

  test('the replica has its own rotated KMS key in the second region', () => {
    const keys = all(replicated, 'aws_kms_key');
    const replicaKey = keys.find((k) => k.provider === 'aws.replica');
    expect(replicaKey.enable_key_rotation).toBe(true);
  });

  test('replication copies KMS-encrypted objects with the replica key, never delete markers, after versioning', () => {
    const config = one(replicated, 'aws_s3_bucket_replication_configuration');
    const rule = config.rule[0];
    expect(rule.status).toBe('Enabled');
    expect(rule.delete_marker_replication).toEqual({ status: 'Disabled' });
    expect(rule.source_selection_criteria).toEqual({ sse_kms_encrypted_objects: { status: 'Enabled' } });
    expect(rule.destination.encryption_configuration.replica_kms_key_id).toMatch(/aws_kms_key\.Vault_Replica_Key_[^.]+\.arn/);
    expect(rule.destination.bucket).toMatch(/aws_s3_bucket\.Vault_Replica_[0-9A-F]{8}\.arn/);
    expect(config.depends_on).toHaveLength(2);
    for (const dep of config.depends_on) expect(dep).toMatch(/aws_s3_bucket_versioning\./);
  });

  test('the replication role may read source versions (and their locks) and write replicas, nothing more', () => {
    const role = one(replicated, 'aws_iam_role');
    expect(statements(role.assume_role_policy)[0].Principal).toEqual({ Service: 's3.amazonaws.com' });
    const policy = one(replicated, 'aws_iam_role_policy').policy;
    const actions = statements(policy).flatMap((s) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObjectVersionForReplication', 's3:GetObjectRetention', 's3:ReplicateObject', 'kms:Decrypt', 'kms:Encrypt']));
    expect(actions.filter((a: string) => /Delete/.test(a))).toEqual([]);
  });
});

describe('S3BackupVault grants', () => {
  test('grantWrite makes an IAM user whose policy may only put under the dump prefixes, list them, and encrypt with the key', () => {
    let policyJson = '';
    const out = synth({}, (_s, v) => { v.grantWrite('DumpJob'); policyJson = v.writerPolicyJson; });
    const user = one(out, 'aws_iam_user');
    expect(user.name).toMatch(/^erp-backups-[0-9a-f]{8}-writer-dumpjob$/);
    const policy = one(out, 'aws_iam_user_policy').policy;
    expect(JSON.parse(policyJson).Statement.map((x: any) => x.Sid)).toEqual(statements(policy).map((x) => x.Sid));
    const list = statements(policy);
    const actions: string[] = list.flatMap((s) => s.Action);
    expect(actions.sort()).toEqual([
      'kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey', 's3:AbortMultipartUpload', 's3:ListBucket', 's3:ListMultipartUploadParts', 's3:PutObject',
    ]);
    for (const forbidden of [/Delete/, /^s3:Get/, /^s3:ListBucketVersions/, /^s3:ListAllMyBuckets/, /^s3:PutBucket/, /^s3:RestoreObject/, /^s3:\*$/, /^\*$/]) {
      expect(actions.filter((a) => forbidden.test(a))).toEqual([]);
    }
    const put = bySid(policy, 'PutBackupsUnderVaultPrefixes');
    expect(put.Resource.map((r: string) => r.replace(/^.*\.arn\}/, ''))).toEqual(['/daily/*', '/weekly/*', '/monthly/*', '/safety/*']);
    expect(bySid(policy, 'CompleteMultipartUploadsThroughS3').Condition.StringEquals['kms:ViaService']).toMatch(/^s3\./);
  });

  test('the writer may list the bucket only under its prefixes, and get or delete nothing', () => {
    const out = synth({ rootPrefix: 'erp' }, (_s, v) => { v.grantWrite('DumpJob'); });
    const policy = one(out, 'aws_iam_user_policy').policy;
    const listing = statements(policy).filter((st) => st.Action.includes('s3:ListBucket'));
    expect(listing).toHaveLength(1);
    expect(listing[0]).toMatchObject({
      Sid: 'ListVaultPrefixes', Effect: 'Allow', Action: ['s3:ListBucket'],
      Condition: { StringLike: { 's3:prefix': ['erp/daily/*', 'erp/weekly/*', 'erp/monthly/*', 'erp/safety/*'] } },
    });
    expect(listing[0].Resource).toHaveLength(1);
    expect(listing[0].Resource[0]).toMatch(/^\$\{aws_s3_bucket\.Vault_[0-9A-F]{8}\.arn\}$/);
    const actions: string[] = statements(policy).flatMap((st) => st.Action);
    expect(actions).not.toContain('s3:GetObject');
    expect(actions).not.toContain('s3:GetObjectVersion');
    expect(actions).not.toContain('s3:DeleteObject');
    expect(actions).not.toContain('s3:DeleteObjectVersion');
  });

  test('grantWrite returns the job environment with the secret key in the secret half', () => {
    let env: any;
    synth({ rootPrefix: 'erp' }, (_s, v) => { env = v.grantWrite('DumpJob'); });
    expect(env.dailyPrefix).toBe('erp/daily/');
    expect(env.weeklyPrefix).toBe('erp/weekly/');
    expect(env.monthlyPrefix).toBe('erp/monthly/');
    expect(env.safetyPrefix).toBe('erp/safety/');
    expect(env.environment.plain.BACKUP_SAFETY_PREFIX).toBe('erp/safety/');
    expect(env.uploadArgs.slice(0, 3)).toEqual(['--sse', 'aws:kms', '--sse-kms-key-id']);
    expect(Object.keys(env.environment.secret).sort()).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    expect(Object.keys(env.environment.plain)).toEqual(expect.arrayContaining(['AWS_DEFAULT_REGION', 'BACKUP_BUCKET', 'BACKUP_ENDPOINT', 'BACKUP_DAILY_PREFIX', 'BACKUP_KMS_KEY_ARN']));
    expect(Object.values(env.environment.plain).join(' ')).not.toMatch(/secret/i);
  });

  test('grantWrite creates the writer once per id', () => {
    let first: any;
    let second: any;
    const out = synth({}, (_s, v) => { first = v.grantWrite('DumpJob'); second = v.grantWrite('DumpJob'); v.grantWrite('Other'); });
    expect(second).toBe(first);
    expect(all(out, 'aws_iam_user')).toHaveLength(2);
    expect(all(out, 'aws_iam_access_key')).toHaveLength(2);
  });

  test('grantWrite with a principal makes a role the principal assumes, and no access key', () => {
    let env: any;
    const out = synth({}, (_s, v) => { env = v.grantWrite('DumpJob', { principal: BackupPrincipal.service('ecs-tasks.amazonaws.com') }); });
    expect(all(out, 'aws_iam_user')).toHaveLength(0);
    expect(all(out, 'aws_iam_access_key')).toHaveLength(0);
    const role = one(out, 'aws_iam_role');
    expect(statements(role.assume_role_policy)[0]).toMatchObject({ Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: ['sts:AssumeRole'] });
    expect(statements(one(out, 'aws_iam_role_policy').policy).map((s) => s.Sid)).toContain('PutBackupsUnderVaultPrefixes');
    expect(env.environment.secret).toEqual({});
    expect(env.environment.plain.AWS_ROLE_ARN).toBeDefined();
  });

  test('a federated principal assumes the role with a web identity, limited by its conditions', () => {
    const out = synth({}, (_s, v) => {
      v.grantWrite('Job', { principal: BackupPrincipal.federated('arn:aws:iam::123456789012:oidc-provider/k8s', { 'k8s:sub': 'system:serviceaccount:erp:backup' }) });
    });
    const trust = statements(one(out, 'aws_iam_role').assume_role_policy)[0];
    expect(trust.Action).toEqual(['sts:AssumeRoleWithWebIdentity']);
    expect(trust.Condition).toEqual({ StringEquals: { 'k8s:sub': 'system:serviceaccount:erp:backup' } });
  });

  test('the IAM users are named after identityName: <identityName>-<writer|reader|restorer>-<id>', () => {
    const out = synth({ identityName: 'facturador-prod' }, (_s, v) => { v.grantWrite('BackupWriter'); v.grantRead('Restore'); v.grantRestore('Restore'); });
    expect(all(out, 'aws_iam_user').map((u) => u.name).sort())
      .toEqual(['facturador-prod-reader-restore', 'facturador-prod-restorer-restore', 'facturador-prod-writer-backupwriter']);
  });

  test('two apps whose vaults sit at the same construct path get different IAM user names, which are unique per AWS account', () => {
    // The same stack name and construct path, as two apps built from the same tier stacks have.
    const userName = (props: S3BackupVaultProps): string => {
      const stack = new TerraformStack(Testing.app(), 'prod');
      new S3BackupVault(stack, 'Backups', props).grantWrite('BackupWriter');
      return Object.values<any>(JSON.parse(Testing.synth(stack)).resource.aws_iam_user)[0].name;
    };
    expect(userName({ identityName: 'facturador-prod' })).not.toBe(userName({ identityName: 'lender-prod' }));
    expect(userName({ bucketPrefix: 'facturador-backups-' })).not.toBe(userName({ bucketPrefix: 'lender-backups-' }));
    expect(userName({ bucketName: 'acme-facturador-backups' })).toMatch(/^acme-facturador-backups-[0-9a-f]{8}-writer-backupwriter$/);
  });

  test('a grant id too long for an IAM user name is cut to 64 characters and keeps a hash of the whole id', () => {
    const long = `BackupWriter-${'nightly'.repeat(10)}`;
    const out = synth({ identityName: 'a'.repeat(40) }, (_s, v) => { v.grantWrite(long); v.grantWrite(`${long}x`); });
    const names = all(out, 'aws_iam_user').map((u) => u.name as string);
    expect(new Set(names).size).toBe(2);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(64);
      expect(name).toMatch(/^[\w+=,.@-]+-[0-9a-f]{8}$/);
    }
  });

  test('a vault with neither identityName nor a bucket of its own warns that its IAM user names collide across apps', () => {
    const app = new App({ stackTraces: false });
    const stack = new TerraformStack(app, 'prod');
    const vault = new S3BackupVault(stack, 'Backups', {});
    vault.grantWrite('BackupWriter');
    const warnings = vault.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data));
    expect(warnings.some((w) => /unique in the whole AWS account.*identityName/s.test(w))).toBe(true);
    const named = new S3BackupVault(new TerraformStack(app, 'dev'), 'Backups', { identityName: 'facturador-dev' });
    named.grantWrite('BackupWriter');
    expect(named.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN)).toEqual([]);
  });

  test('grantRestore makes an IAM user that may list and get every dump prefix, restore archived dumps, and put only safety dumps', () => {
    let policyJson = '';
    let env: any;
    const out = synth({ identityName: 'facturador-prod', rootPrefix: 'erp' }, (_s, v) => { env = v.grantRestore('Restore'); policyJson = v.restorerPolicyJson; });
    expect(one(out, 'aws_iam_user').name).toBe('facturador-prod-restorer-restore');
    const policy = one(out, 'aws_iam_user_policy').policy;
    expect(statements(policy).map((x) => x.Sid)).toEqual(JSON.parse(policyJson).Statement.map((x: any) => x.Sid));
    const tail = (st: any) => st.Resource.map((r: string) => r.replace(/^.*\.arn\}/, ''));
    const dumps = ['/erp/daily/*', '/erp/weekly/*', '/erp/monthly/*', '/erp/safety/*'];
    expect(bySid(policy, 'ListBackups')).toMatchObject({
      Action: ['s3:ListBucket', 's3:ListBucketVersions'],
      Condition: { StringLike: { 's3:prefix': ['erp/daily/*', 'erp/weekly/*', 'erp/monthly/*', 'erp/safety/*'] } },
    });
    expect(bySid(policy, 'ReadBackups').Action).toEqual(['s3:GetObject', 's3:GetObjectVersion']);
    expect(tail(bySid(policy, 'ReadBackups'))).toEqual(dumps);
    expect(bySid(policy, 'RestoreArchivedBackups').Action).toEqual(['s3:RestoreObject']);
    expect(tail(bySid(policy, 'RestoreArchivedBackups'))).toEqual(dumps);
    // The only statement that writes is the safety prefix's.
    const writing = statements(policy).filter((st) => st.Action.some((a: string) => /^s3:Put/.test(a)));
    expect(writing.map((st) => st.Sid)).toEqual(['PutSafetyDumps']);
    expect(tail(writing[0])).toEqual(['/erp/safety/*']);
    expect(bySid(policy, 'EncryptSafetyDumpsWithVaultKey').Action).toEqual(['kms:GenerateDataKey', 'kms:Encrypt']);
    expect(bySid(policy, 'DecryptWithVaultKey').Action).toEqual(['kms:Decrypt']);
    const actions: string[] = statements(policy).flatMap((st) => st.Action);
    expect(actions.filter((a) => /Delete|^s3:\*$|^\*$|PutBucket|PutObjectRetention|BypassGovernance/.test(a))).toEqual([]);
    expect(env.safetyPrefix).toBe('erp/safety/');
    expect(Object.keys(env.environment.secret).sort()).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
  });

  test('grantRestore creates the restorer once per id, beside a writer of the same id, and as a role for a principal', () => {
    let first: any;
    let second: any;
    const out = synth({}, (_s, v) => {
      first = v.grantRestore('Job'); second = v.grantRestore('Job'); v.grantWrite('Job');
      v.grantRestore('Pod', { principal: BackupPrincipal.service('ecs-tasks.amazonaws.com') });
    });
    expect(second).toBe(first);
    expect(all(out, 'aws_iam_user').map((u) => u.name.replace(/^.*-[0-9a-f]{8}-/, '')).sort()).toEqual(['restorer-job', 'writer-job']);
    expect(one(out, 'aws_iam_role').name_prefix).toBe('erp-backup-restorer-');
    expect(statements(one(out, 'aws_iam_role_policy').policy).map((st) => st.Sid)).toContain('PutSafetyDumps');
  });

  test('grantRead may list the bucket, get objects under the prefixes and decrypt, but not write or delete', () => {
    const out = synth({ rootPrefix: 'erp' }, (_s, v) => { v.grantRead('Restore'); });
    const policy = one(out, 'aws_iam_user_policy').policy;
    const actions: string[] = statements(policy).flatMap((s) => s.Action);
    expect(actions.sort()).toEqual(['kms:Decrypt', 's3:GetObject', 's3:GetObjectVersion', 's3:ListBucket', 's3:ListBucketVersions']);
    expect(bySid(policy, 'ListBackups').Condition).toEqual({ StringLike: { 's3:prefix': ['erp/*'] } });
  });
});

describe('S3BackupVault validation', () => {
  test('fails when a prefix moves to cold storage after it has already expired', () => {
    expectFails({ weeklyColdStorage: ColdStorage.glacierFlexibleRetrieval(90) }, 'weeklyColdStorage', /deletes them after 84 days/);
  });

  test('fails when Glacier Flexible Retrieval would hold backups less than its 90-day minimum', () => {
    expectFails({ weeklyColdStorage: ColdStorage.glacierFlexibleRetrieval(0) }, 'weeklyColdStorage', /at least 90 days/);
  });

  test('fails when the default monthly Glacier move no longer fits a short monthly retention', () => {
    expectFails({ monthlyRetentionMonths: 3 }, 'monthlyColdStorage', /Glacier Flexible Retrieval bills at least 90 days/);
  });

  test('fails when Deep Archive would hold backups less than its 180-day minimum', () => {
    expectFails({ monthlyColdStorage: ColdStorage.deepArchive(200) }, 'monthlyColdStorage', /at least 180 days/);
  });

  test('fails when a Standard-IA move comes before objects are 30 days old', () => {
    expectFails({ dailyRetentionDays: 90, dailyColdStorage: ColdStorage.standardIa(10) }, 'dailyColdStorage.afterDays', /at least 30 days old/);
  });

  test('fails when Standard-IA would hold backups less than its 30-day minimum', () => {
    expectFails({ dailyRetentionDays: 45, dailyColdStorage: ColdStorage.standardIa(30) }, 'dailyColdStorage', /at least 30 days/);
  });

  test('fails when a transition day is negative', () => {
    expectFails({ monthlyColdStorage: ColdStorage.glacierFlexibleRetrieval(-1) }, 'monthlyColdStorage.afterDays');
  });

  test('fails when the object lock outlasts the shortest retention plus the noncurrent day', () => {
    expectFails({ objectLock: { mode: ObjectLockMode.COMPLIANCE, days: 32 } }, 'objectLock.days',
      /dailyRetentionDays \(30 days\) plus noncurrentVersionExpirationDays \(1 day\).*lock for 31 days or fewer/s);
  });

  test('fails when the object lock outlasts the weekly retention but not the daily one', () => {
    expectFails({ dailyRetentionDays: 400, weeklyRetentionWeeks: 4, objectLock: { mode: ObjectLockMode.GOVERNANCE, days: 60 } },
      'objectLock.days', /weeklyRetentionWeeks \(28 days\)/);
  });

  test('fails when a weekly or monthly retention is negative or not whole, saying 0 turns the tier off', () => {
    expectFails({ weeklyRetentionWeeks: -1 }, 'weeklyRetentionWeeks', /weeklyRetentionWeeks: must be a whole number from 0 to 5214.*-1.*or 0 to keep no weekly dumps/s);
    expectFails({ monthlyRetentionMonths: 0.5, monthlyColdStorage: ColdStorage.NONE }, 'monthlyRetentionMonths', /0\.5.*or 0 to keep no monthly dumps/s);
  });

  test('fails when a tier that is off is given a move to a colder class', () => {
    expectFails({ weeklyRetentionWeeks: 0, weeklyColdStorage: ColdStorage.glacierFlexibleRetrieval(30) }, 'weeklyColdStorage',
      /weeklyRetentionWeeks is 0: this vault keeps no weekly dumps/);
    expectFails({ monthlyRetentionMonths: 0, monthlyColdStorage: ColdStorage.deepArchive(30) }, 'monthlyColdStorage', /keeps no monthly dumps/);
  });

  test('fails when the object lock days are not a whole number', () => {
    expectFails({ objectLock: { mode: ObjectLockMode.GOVERNANCE, days: 1.5 } }, 'objectLock.days');
  });

  test('fails when the object lock mode is unknown', () => {
    expectFails({ objectLock: { mode: 'LEGAL' as ObjectLockMode, days: 5 } }, 'objectLock.mode');
  });

  test('fails when the daily retention is zero', () => {
    expectFails({ dailyRetentionDays: 0 }, 'dailyRetentionDays');
  });

  test('fails when the weekly retention is not a whole number of weeks', () => {
    expectFails({ weeklyRetentionWeeks: 1.5 }, 'weeklyRetentionWeeks');
  });

  test('fails when the monthly retention is negative', () => {
    expectFails({ monthlyRetentionMonths: -1, monthlyColdStorage: ColdStorage.NONE }, 'monthlyRetentionMonths');
  });

  test('fails when old versions would never expire', () => {
    expectFails({ noncurrentVersionExpirationDays: 0 }, 'noncurrentVersionExpirationDays');
  });

  test('fails when unfinished uploads would never be aborted', () => {
    expectFails({ abortIncompleteUploadDays: 0 }, 'abortIncompleteUploadDays');
  });

  test('fails when the root prefix has characters S3 keys should not have', () => {
    expectFails({ rootPrefix: 'my app*' }, 'rootPrefix');
  });

  test('fails when the bucket name breaks the S3 naming rules', () => {
    expectFails({ bucketName: 'My_Backups' }, 'bucketName');
  });

  test('fails when the bucket prefix is too long for a generated name', () => {
    expectFails({ bucketPrefix: 'a-very-long-bucket-prefix-that-goes-on-and-on-' }, 'bucketPrefix');
  });

  test('fails when identityName cannot be part of an IAM user name', () => {
    expectFails({ identityName: 'facturador prod/1' }, 'identityName', /IAM user name.*"facturador prod\/1"/s);
    expectFails({ identityName: 'x'.repeat(41) }, 'identityName', /1 to 40/);
  });

  test('fails when the encryption is not one of the enum values', () => {
    expectFails({ encryption: 'aws:kms:dsse' as BackupEncryption }, 'encryption');
  });

  test('fails when the replication provider has no alias', () => {
    expect(() => Testing.synthScope((scope) => {
      const provider = new AwsProvider(scope, 'second', { region: 'us-west-2' });
      new S3BackupVault(scope, 'Vault', { replication: { provider } });
    })).toThrow(/replication\.provider: must be an AwsProvider with an `alias`/);
  });

  test('fails with every problem of the call in one error that names the construct path', () => {
    const error = failure({ dailyRetentionDays: 0, abortIncompleteUploadDays: 0, bucketName: 'X' });
    expect(error.problems.map((p) => p.prop)).toEqual(['dailyRetentionDays', 'abortIncompleteUploadDays', 'bucketName']);
    expect(error.where).toMatch(/\/Vault$/);
    expect(error.message).toMatch(/Fix: /);
  });
});

describe('S3BackupVault props of the wrong shape', () => {
  // Props as plain JavaScript or a parsed config file may hand them over, past the type checker.
  const loose = (props: Record<string, unknown>) => failure(props as S3BackupVaultProps).problems.map((p) => p.prop);

  test('fails on a root prefix that is an object or a list, naming rootPrefix', () => {
    expect(loose({ rootPrefix: { name: 'erp' } })).toEqual(['rootPrefix']);
    expect(loose({ rootPrefix: [''] })).toEqual(['rootPrefix']);
    expect(failure({ rootPrefix: 7 } as unknown as S3BackupVaultProps).problems[0].problem).toBe('must be a string');
  });

  test('fails on retention that is not a number and cold storage that is not a ColdStorage, in one error', () => {
    expect(loose({ weeklyRetentionWeeks: Symbol.for('erp'), monthlyColdStorage: 'GLACIER', protectFromDestroy: 'yes' }))
      .toEqual(['weeklyRetentionWeeks', 'monthlyColdStorage', 'protectFromDestroy']);
  });

  test('fails on an object lock, replication or bucket prefix of the wrong shape', () => {
    expect(loose({ objectLock: 'compliance', replication: [], bucketPrefix: 42 })).toEqual(['objectLock', 'bucketPrefix', 'replication']);
  });
});
