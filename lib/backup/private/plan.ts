import { AppEnvironment, BackupJobEnvironment } from '../../common/contracts';
import { Problems, checkBoolean, checkInt, checkObject, isUnresolved } from '../../private/validate';
import { BackupPrefixes, BackupVaultProps, ColdStorage, ObjectLockMode } from '../props';

/** Defaults shared by the vault implementations. */
export const VAULT_DEFAULTS = {
  dailyRetentionDays: 30,
  weeklyRetentionWeeks: 12,
  monthlyRetentionMonths: 12,
  noncurrentVersionExpirationDays: 30,
  abortIncompleteUploadDays: 7,
  bucketPrefix: 'erp-backups-',
} as const;

/** One prefix's lifecycle, in days, after validation. */
export interface PrefixRule {
  /** `daily`, `weekly` or `monthly`. */
  readonly name: 'daily' | 'weekly' | 'monthly';
  /** The key prefix, ending in `/`. */
  readonly prefix: string;
  /** The prop that sets the retention, for messages. */
  readonly retentionProp: string;
  readonly retentionDays: number;
  /** The prop that sets the transition, for messages. */
  readonly coldProp: string;
  readonly cold: ColdStorage;
}

/** What every vault implementation builds, the numbers checked to work together. */
export interface VaultPlan {
  readonly prefixes: BackupPrefixes;
  readonly rules: readonly PrefixRule[];
  readonly noncurrentVersionExpirationDays: number;
  readonly abortIncompleteUploadDays: number;
  readonly protectFromDestroy: boolean;
}

const MAX_DAYS = 36500;

/** Days in `months` months, counting a month as 365/12 days, rounded up (12 months = 365 days). */
export function monthsToDays(months: number): number {
  return Math.ceil((months * 365) / 12);
}

/**
 * Validates the props every implementation shares and works out the per-prefix rules.
 * `defaultMonthlyCold` is what the implementation uses when `monthlyColdStorage` is not given.
 */
export function planVault(p: Problems, props: BackupVaultProps, defaultMonthlyCold: ColdStorage): VaultPlan {
  // A value that is not a number is recorded by checkInt and counts as NaN below, so no arithmetic throws.
  const dailyDays = asNumber(props.dailyRetentionDays ?? VAULT_DEFAULTS.dailyRetentionDays);
  const weeklyWeeks = asNumber(props.weeklyRetentionWeeks ?? VAULT_DEFAULTS.weeklyRetentionWeeks);
  const monthlyMonths = asNumber(props.monthlyRetentionMonths ?? VAULT_DEFAULTS.monthlyRetentionMonths);
  checkInt(p, 'dailyRetentionDays', props.dailyRetentionDays, 1, MAX_DAYS);
  checkInt(p, 'weeklyRetentionWeeks', props.weeklyRetentionWeeks, 1, Math.floor(MAX_DAYS / 7));
  checkInt(p, 'monthlyRetentionMonths', props.monthlyRetentionMonths, 1, 1200);

  const noncurrent = props.noncurrentVersionExpirationDays ?? VAULT_DEFAULTS.noncurrentVersionExpirationDays;
  checkInt(p, 'noncurrentVersionExpirationDays', noncurrent, 1, MAX_DAYS);
  const abortDays = props.abortIncompleteUploadDays ?? VAULT_DEFAULTS.abortIncompleteUploadDays;
  checkInt(p, 'abortIncompleteUploadDays', abortDays, 1, 365);

  const root = normalizeRoot(p, props.rootPrefix);
  const prefixes: BackupPrefixes = {
    root,
    daily: `${root}daily/`,
    weekly: `${root}weekly/`,
    monthly: `${root}monthly/`,
  };

  const rules: PrefixRule[] = [
    {
      name: 'daily', prefix: prefixes.daily, retentionProp: 'dailyRetentionDays', retentionDays: dailyDays,
      coldProp: 'dailyColdStorage', cold: coldStorage(p, 'dailyColdStorage', props.dailyColdStorage, ColdStorage.NONE),
    },
    {
      name: 'weekly', prefix: prefixes.weekly, retentionProp: 'weeklyRetentionWeeks', retentionDays: weeklyWeeks * 7,
      coldProp: 'weeklyColdStorage', cold: coldStorage(p, 'weeklyColdStorage', props.weeklyColdStorage, ColdStorage.NONE),
    },
    {
      name: 'monthly', prefix: prefixes.monthly, retentionProp: 'monthlyRetentionMonths', retentionDays: monthsToDays(monthlyMonths),
      coldProp: 'monthlyColdStorage', cold: coldStorage(p, 'monthlyColdStorage', props.monthlyColdStorage, defaultMonthlyCold),
    },
  ];
  for (const rule of rules) checkTransition(p, rule);
  checkObjectLock(p, props, rules);
  checkBoolean(p, 'protectFromDestroy', props.protectFromDestroy);

  return {
    prefixes,
    rules,
    noncurrentVersionExpirationDays: noncurrent,
    abortIncompleteUploadDays: abortDays,
    protectFromDestroy: props.protectFromDestroy ?? true,
  };
}

/** A number as it is, anything else as NaN (its problem is recorded by checkInt). */
function asNumber(value: unknown): number {
  return typeof value === 'number' ? value : NaN;
}

/** The cold storage of a prefix, or `fallback` after recording a problem when the value is not a ColdStorage. */
function coldStorage(p: Problems, prop: string, value: ColdStorage | undefined, fallback: ColdStorage): ColdStorage {
  if (value === undefined) return fallback;
  if (value instanceof ColdStorage) return value;
  p.add(prop, value, 'is not a ColdStorage', 'use ColdStorage.NONE, ColdStorage.glacierFlexibleRetrieval(30) or another ColdStorage factory');
  return ColdStorage.NONE;
}

function normalizeRoot(p: Problems, rootPrefix: string | undefined): string {
  if (rootPrefix === undefined || isUnresolved(rootPrefix)) return rootPrefix ? `${rootPrefix}/` : '';
  if (typeof rootPrefix !== 'string') {
    p.add('rootPrefix', rootPrefix, 'must be a string', 'use a plain folder name such as the app name, e.g. "invoicing", or leave it out');
    return '';
  }
  const trimmed = rootPrefix.replace(/^\/+|\/+$/g, '');
  p.check(/^[A-Za-z0-9][A-Za-z0-9._\-/]{0,199}$/.test(trimmed) && !trimmed.includes('//'), 'rootPrefix', rootPrefix,
    'must be letters, digits, ".", "_", "-" and "/" separators (at most 200 characters)',
    'use a plain folder name such as the app name, e.g. "invoicing"');
  return trimmed ? `${trimmed}/` : '';
}

function checkTransition(p: Problems, rule: PrefixRule): void {
  const cls = rule.cold.storageClass;
  if (!cls) return;
  const after = rule.cold.afterDays;
  if (isUnresolved(after) || isUnresolved(rule.retentionDays)) return;
  if (!Number.isInteger(after) || after < 0) {
    p.add(`${rule.coldProp}.afterDays`, after, 'must be a whole number of days, 0 or more', 'give the number of days after upload before the move');
    return;
  }
  if (after < cls.minimumAgeDays) {
    p.add(`${rule.coldProp}.afterDays`, after,
      `S3 only moves objects to ${cls.displayName} once they are at least ${cls.minimumAgeDays} days old`,
      `use ${cls.minimumAgeDays} days or more`);
  }
  if (!Number.isInteger(rule.retentionDays)) return;
  if (rule.retentionDays <= after) {
    p.add(rule.coldProp, { storageClass: cls.apiName, afterDays: after },
      `moves ${rule.name} backups to ${cls.displayName} after ${after} days, but ${rule.retentionProp} deletes them after ${rule.retentionDays} days`,
      `move them earlier than ${rule.retentionDays} days, keep them longer, or use ColdStorage.NONE`);
  } else if (rule.retentionDays - after < cls.minimumStorageDays) {
    p.add(rule.coldProp, { storageClass: cls.apiName, afterDays: after },
      `${cls.displayName} bills at least ${cls.minimumStorageDays} days per object, but ${rule.name} backups would stay there only ` +
      `${rule.retentionDays - after} days (${rule.retentionProp} gives ${rule.retentionDays} days in all)`,
      `keep ${rule.name} backups at least ${after + cls.minimumStorageDays} days, move them by day ` +
      `${Math.max(0, rule.retentionDays - cls.minimumStorageDays)}, or choose another class (ColdStorage.NONE to stay in Standard)`);
  }
}

function checkObjectLock(p: Problems, props: BackupVaultProps, rules: readonly PrefixRule[]): void {
  const lock = props.objectLock;
  if (!checkObject(p, 'objectLock', lock, { fix: 'give { mode: ObjectLockMode.COMPLIANCE, days: 7 }, or leave it out' })) return;
  p.check(Object.values(ObjectLockMode).includes(lock.mode), 'objectLock.mode', lock.mode,
    'is not an object lock mode', 'use ObjectLockMode.GOVERNANCE or ObjectLockMode.COMPLIANCE');
  p.check(lock.days !== undefined, 'objectLock.days', lock.days, 'is required', 'give the days every backup stays locked, e.g. 7');
  checkInt(p, 'objectLock.days', lock.days, 1, MAX_DAYS);
  if (isUnresolved(lock.days) || !Number.isInteger(lock.days)) return;
  // Default retention locks every new version of every key, so it must end before the shortest prefix expires.
  const tooShort = rules.filter((r) => Number.isInteger(r.retentionDays) && r.retentionDays < lock.days);
  if (tooShort.length > 0) {
    const names = tooShort.map((r) => `${r.retentionProp} (${r.retentionDays} days)`).join(', ');
    const shortest = Math.min(...tooShort.map((r) => r.retentionDays));
    p.add('objectLock.days', lock.days,
      `locks every backup for ${lock.days} days, longer than ${names}: lifecycle expiry could not delete those backups when they are due`,
      `lock for ${shortest} days or fewer, or keep those backups longer`);
  }
}

/** Records one problem per prop that the implementation cannot honour. */
export function rejectUnsupported(p: Problems, props: BackupVaultProps, unsupported: ReadonlyArray<[keyof BackupVaultProps, string]>): void {
  for (const [prop, why] of unsupported) {
    const value = props[prop];
    if (value !== undefined) p.add(prop, describeProp(value), why, `remove \`${prop}\`, or use S3BackupVault`);
  }
}

function describeProp(value: unknown): unknown {
  if (value instanceof ColdStorage) return { storageClass: value.storageClass?.apiName ?? 'none', afterDays: value.afterDays };
  if (value && typeof value === 'object' && 'provider' in value) return 'a replication to a second AWS region';
  return value;
}

/** What a job environment is made from: the vault's own attributes. */
export interface VaultLocation {
  readonly endpoint: string;
  readonly bucketName: string;
  readonly region: string;
  readonly prefixes: BackupPrefixes;
  readonly uploadArgs: string[];
}

/** The environment a backup job or a restore needs, the same for every implementation. */
export function jobEnvironment(vault: VaultLocation, credentials: {
  readonly plain?: Record<string, string>;
  readonly secret: Record<string, string>;
}): BackupJobEnvironment {
  const environment: AppEnvironment = {
    plain: {
      AWS_DEFAULT_REGION: vault.region,
      BACKUP_ENDPOINT: vault.endpoint,
      BACKUP_BUCKET: vault.bucketName,
      BACKUP_DAILY_PREFIX: vault.prefixes.daily,
      BACKUP_WEEKLY_PREFIX: vault.prefixes.weekly,
      BACKUP_MONTHLY_PREFIX: vault.prefixes.monthly,
      BACKUP_UPLOAD_ARGS: vault.uploadArgs.join(' '),
      ...credentials.plain,
    },
    secret: credentials.secret,
  };
  return {
    endpoint: vault.endpoint,
    bucket: vault.bucketName,
    region: vault.region,
    dailyPrefix: vault.prefixes.daily,
    weeklyPrefix: vault.prefixes.weekly,
    monthlyPrefix: vault.prefixes.monthly,
    uploadArgs: vault.uploadArgs,
    environment,
  };
}

/** Turns a grant id into a part of a resource name: lowercase letters, digits and dashes. */
export function nameSafe(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'grant';
}

/** Records a problem when a bucket name breaks the S3 (and Spaces) naming rules. */
export function checkBucketName(p: Problems, prop: string, name: string | undefined): void {
  if (name === undefined || isUnresolved(name)) return;
  const ok = typeof name === 'string' && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) && !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name);
  p.check(ok, prop, name, 'is not a valid bucket name',
    'use 3 to 63 lowercase letters, digits, dots and dashes, starting and ending with a letter or digit');
}
