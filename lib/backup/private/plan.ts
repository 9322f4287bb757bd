import { AppEnvironment, BackupJobEnvironment } from '../../common/contracts';
import { Problems, checkBoolean, checkInt, checkObject, isUnresolved } from '../../private/validate';
import { BackupPrefixes, BackupVaultProps, ColdStorage, ObjectLockMode } from '../props';
import { s3BucketNameProblem } from '../../private/limits';

/** Defaults shared by the vault implementations. */
export const VAULT_DEFAULTS = {
  dailyRetentionDays: 30,
  weeklyRetentionWeeks: 12,
  monthlyRetentionMonths: 12,
  /**
   * Dumps are never overwritten, so a version becomes noncurrent only when lifecycle expires it (or
   * someone deletes it): 1 day later it is gone, and a dump lasts its tier's retention + 1 day.
   * 1 is the least S3 accepts: hashicorp/aws 5.100.0 `noncurrent_version_expiration.noncurrent_days`
   * "Must be a positive integer" (docs/r/s3_bucket_lifecycle_configuration; the schema validates
   * AtLeast(1)), and the S3 API's NoncurrentDays "must be a non-zero positive integer".
   */
  noncurrentVersionExpirationDays: 1,
  abortIncompleteUploadDays: 7,
  bucketPrefix: 'erp-backups-',
} as const;

/** One prefix's lifecycle, in days, after validation. */
export interface PrefixRule {
  /** `daily`, `weekly`, `monthly` or `safety` (a restore's dump of the database it replaces). */
  readonly name: 'daily' | 'weekly' | 'monthly' | 'safety';
  /** The key prefix, ending in `/`. */
  readonly prefix: string;
  /** The prop that sets the retention, for messages. */
  readonly retentionProp: string;
  /** Days the dump stays current (listed); its data is removed `noncurrentVersionExpirationDays` later. */
  readonly retentionDays: number;
  /** The prop that sets the transition, for messages. */
  readonly coldProp: string;
  readonly cold: ColdStorage;
}

/** What every vault implementation builds, the numbers checked to work together. */
export interface VaultPlan {
  /** The prefixes; `weekly` or `monthly` is empty when that tier is off. */
  readonly prefixes: BackupPrefixes;
  /** One rule per kept prefix (daily, weekly and monthly unless off, safety), in that order. */
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
  checkInt(p, 'weeklyRetentionWeeks', props.weeklyRetentionWeeks, 0, Math.floor(MAX_DAYS / 7),
    `use a whole number of weeks from 1 to ${Math.floor(MAX_DAYS / 7)}, or 0 to keep no weekly dumps`);
  checkInt(p, 'monthlyRetentionMonths', props.monthlyRetentionMonths, 0, 1200,
    'use a whole number of months from 1 to 1200, or 0 to keep no monthly dumps');
  // 0 turns a tier off; a value that is not a number (recorded above, NaN here) or a token keeps it on.
  const weeklyOn = weeklyWeeks !== 0;
  const monthlyOn = monthlyMonths !== 0;

  const noncurrent = props.noncurrentVersionExpirationDays ?? VAULT_DEFAULTS.noncurrentVersionExpirationDays;
  checkInt(p, 'noncurrentVersionExpirationDays', noncurrent, 1, MAX_DAYS);
  const abortDays = props.abortIncompleteUploadDays ?? VAULT_DEFAULTS.abortIncompleteUploadDays;
  checkInt(p, 'abortIncompleteUploadDays', abortDays, 1, 365);

  const root = normalizeRoot(p, props.rootPrefix);
  const prefixes: BackupPrefixes = {
    root,
    daily: `${root}daily/`,
    weekly: weeklyOn ? `${root}weekly/` : '',
    monthly: monthlyOn ? `${root}monthly/` : '',
    safety: `${root}safety/`,
  };

  const dailyCold = coldStorage(p, 'dailyColdStorage', props.dailyColdStorage, ColdStorage.NONE);
  const weeklyCold = coldStorage(p, 'weeklyColdStorage', props.weeklyColdStorage, ColdStorage.NONE);
  const monthlyCold = coldStorage(p, 'monthlyColdStorage', props.monthlyColdStorage, defaultMonthlyCold);
  if (!weeklyOn) rejectColdOfTierOff(p, 'weeklyColdStorage', props.weeklyColdStorage, 'weeklyRetentionWeeks', 'weekly');
  if (!monthlyOn) rejectColdOfTierOff(p, 'monthlyColdStorage', props.monthlyColdStorage, 'monthlyRetentionMonths', 'monthly');

  const rules: PrefixRule[] = [
    {
      name: 'daily', prefix: prefixes.daily, retentionProp: 'dailyRetentionDays', retentionDays: dailyDays,
      coldProp: 'dailyColdStorage', cold: dailyCold,
    },
  ];
  if (weeklyOn) {
    rules.push({
      name: 'weekly', prefix: prefixes.weekly, retentionProp: 'weeklyRetentionWeeks', retentionDays: weeklyWeeks * 7,
      coldProp: 'weeklyColdStorage', cold: weeklyCold,
    });
  }
  if (monthlyOn) {
    rules.push({
      name: 'monthly', prefix: prefixes.monthly, retentionProp: 'monthlyRetentionMonths', retentionDays: monthsToDays(monthlyMonths),
      coldProp: 'monthlyColdStorage', cold: monthlyCold,
    });
  }
  // A restore's safety dump is kept as long as a daily dump, in the hot class (it is the undo of a restore).
  rules.push({
    name: 'safety', prefix: prefixes.safety, retentionProp: 'dailyRetentionDays', retentionDays: dailyDays,
    coldProp: 'safety dumps (always in the hot class)', cold: ColdStorage.NONE,
  });
  for (const rule of rules) checkTransition(p, rule);
  checkObjectLock(p, props, rules, asNumber(noncurrent));
  checkBoolean(p, 'protectFromDestroy', props.protectFromDestroy);

  return {
    prefixes,
    rules,
    noncurrentVersionExpirationDays: noncurrent,
    abortIncompleteUploadDays: abortDays,
    protectFromDestroy: props.protectFromDestroy ?? true,
  };
}

/** The dump prefixes a vault keeps, in the order daily, weekly, monthly, safety (a tier that is off is left out). */
export function dumpPrefixes(prefixes: BackupPrefixes): string[] {
  return [prefixes.daily, prefixes.weekly, prefixes.monthly, prefixes.safety].filter((prefix) => prefix !== '');
}

/** Records a problem when a tier that is off (retention 0) is given a move to a colder class. */
function rejectColdOfTierOff(p: Problems, prop: string, value: ColdStorage | undefined, retentionProp: string, tier: string): void {
  if (!(value instanceof ColdStorage) || !value.storageClass) return;
  p.add(prop, { storageClass: value.storageClass.apiName, afterDays: value.afterDays },
    `moves ${tier} dumps to ${value.storageClass.displayName}, but ${retentionProp} is 0: this vault keeps no ${tier} dumps`,
    `remove \`${prop}\`, or keep ${tier} dumps (${retentionProp} of 1 or more)`);
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

function checkObjectLock(p: Problems, props: BackupVaultProps, rules: readonly PrefixRule[], noncurrentDays: number): void {
  const lock = props.objectLock;
  if (!checkObject(p, 'objectLock', lock, { fix: 'give { mode: ObjectLockMode.COMPLIANCE, days: 7 }, or leave it out' })) return;
  p.check(Object.values(ObjectLockMode).includes(lock.mode), 'objectLock.mode', lock.mode,
    'is not an object lock mode', 'use ObjectLockMode.GOVERNANCE or ObjectLockMode.COMPLIANCE');
  p.check(lock.days !== undefined, 'objectLock.days', lock.days, 'is required', 'give the days every backup stays locked, e.g. 7');
  checkInt(p, 'objectLock.days', lock.days, 1, MAX_DAYS);
  if (isUnresolved(lock.days) || !Number.isInteger(lock.days)) return;
  // Default retention locks every new version of every key. Expiry only puts a delete marker on top
  // (allowed under a lock); the version itself is removed noncurrentDays later, so the lock must end
  // by then: retention + noncurrentVersionExpirationDays, the dump's whole documented lifetime.
  const extra = Number.isInteger(noncurrentDays) && noncurrentDays >= 1 ? noncurrentDays : 0;
  // A retention that is itself invalid (recorded by checkInt) is left out of this comparison.
  const tooShort = rules.filter((r) => Number.isInteger(r.retentionDays) && r.retentionDays >= 1 && r.retentionDays + extra < lock.days);
  if (tooShort.length > 0) {
    const names = [...new Set(tooShort.map((r) => `${r.retentionProp} (${r.retentionDays} days)`))].join(', ');
    const longest = Math.min(...tooShort.map((r) => r.retentionDays)) + extra;
    p.add('objectLock.days', lock.days,
      `locks every backup for ${lock.days} days, longer than ${names} plus noncurrentVersionExpirationDays (${extra} ${extra === 1 ? 'day' : 'days'}): `
      + 'lifecycle could not remove those backups when they are due',
      `lock for ${longest} days or fewer, or keep those backups longer`);
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
      BACKUP_SAFETY_PREFIX: vault.prefixes.safety,
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
    safetyPrefix: vault.prefixes.safety,
    uploadArgs: vault.uploadArgs,
    environment,
  };
}

/** Turns a grant id into a part of a resource name: lowercase letters, digits and dashes. */
export function nameSafe(id: string): string {
  return id.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'grant';
}

/**
 * Records a problem when a bucket name breaks the S3 (and Spaces) naming rules; `awsReserved: false`
 * (Spaces) leaves out the prefixes and suffixes only AWS reserves (`xn--`, `-s3alias`, ...).
 */
export function checkBucketName(p: Problems, prop: string, name: string | undefined, awsReserved = true): void {
  if (name === undefined || isUnresolved(name)) return;
  const why = typeof name === 'string' ? s3BucketNameProblem(name, awsReserved)
    : { problem: 'is not a valid bucket name', fix: 'use 3 to 63 lowercase letters, digits, dots and dashes, starting and ending with a letter or digit' };
  if (why) p.add(prop, name, why.problem, why.fix);
}
