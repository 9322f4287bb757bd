/**
 * The physical names the tier stacks make from the description's `name` (stacks/parts.ts,
 * droplet-tier.ts, ha-platform.ts), checked here against the limits the constructs check them
 * with (lib/private/limits.ts and the constructs' check modules), so that a `name` whose derived
 * names cannot work fails the description's own validation, on the field `name`, instead of
 * failing inside a construct on a prop the description's author never wrote (`bucketPrefix`).
 *
 * The list mirrors the stacks; a test compares it with the names a synthesized stack holds.
 */
import { DatabaseEngineFamily } from '../../lib/common/contracts';
import { DROPLET_BASE_NAME } from '../../lib/app-service/runtimes/droplet/private/check-props';
import { DATABASE_NAME_RE } from '../../lib/database/private/core';
import { LimitProblem, fitBucketPrefix, iamNameProblem, s3BucketPrefixProblem, sqlDatabaseProblem, sqlUserProblem } from '../../lib/private/limits';
import { Problems } from '../../lib/private/validate';
import type { TierName } from './description';

/** The tiers whose stacks make cloud resources named after the app (`local` names only containers). */
const CLOUD_TIERS: readonly TierName[] = ['dev', 'prod', 'ha'];

/** One name a tier's stack makes from `name`, and the limit it must keep. */
export interface DerivedName {
  /** What it names (`the backup vault's bucket prefix`). */
  readonly what: string;
  readonly value: string;
  readonly check: (value: string) => LimitProblem | undefined;
}

/** Options of `derivedNames`: the parts of the description that add names. */
export interface DerivedNameOptions {
  /** The description has `uploads` (an AppFilesBucket per cloud tier). */
  readonly uploads?: boolean;
}

const label = (re: RegExp, problem: string, fix: string) => (value: string): LimitProblem | undefined =>
  (re.test(value) ? undefined : { problem, fix });

const clusterName = label(DATABASE_NAME_RE, 'is not a DigitalOcean database cluster name (3 to 63 lowercase letters, digits and hyphens)',
  'shorten the app name');
const dropletBase = label(DROPLET_BASE_NAME, 'is longer than the 46 characters droplet, volume and agent names are made from',
  'shorten the app name');
const identity = label(/^[A-Za-z0-9+=,.@_-]{1,40}$/, 'is longer than the 40 characters the backup vault\'s IAM users are named after',
  'shorten the app name');

/**
 * Every physical name the cloud tiers make from `name`, with the limit it must keep:
 * `<name>-<tier>` (droplets, the release store, the vault's IAM users, the tunnel, the cluster),
 * `<name>-<tier>-db`, `-cache`, `-db-replica` (database clusters), the bucket prefixes
 * `<name>-backups-` (cut to 37 by the stacks), `<name>-<tier>-releases-` and `<name>-<tier>-files-`
 * (cut to 37, with a hash, by the constructs).
 */
export function derivedNames(name: string, options: DerivedNameOptions = {}): DerivedName[] {
  const out: DerivedName[] = [
    { what: 'the backup vault\'s bucket prefix', value: `${name}-backups-`.slice(0, 37), check: s3BucketPrefixProblem },
  ];
  for (const tier of CLOUD_TIERS) {
    const base = `${name}-${tier}`;
    out.push(
      { what: `the ${tier} tier's backup identities`, value: base, check: identity },
      { what: `the ${tier} tier's database cluster`, value: `${base}-db`, check: clusterName },
      { what: `the ${tier} tier's cache cluster`, value: `${base}-cache`, check: clusterName },
      { what: `the ${tier} tier's app files bucket prefix`, value: fitBucketPrefix(`${base}-files-`), check: s3BucketPrefixProblem },
    );
    if (tier !== 'ha') {
      out.push(
        { what: `the ${tier} tier's droplets`, value: base, check: dropletBase },
        { what: `the ${tier} tier's agents' IAM users`, value: `${base}-20-agent`, check: (v) => iamNameProblem(v) },
        { what: `the ${tier} tier's release store bucket prefix`, value: fitBucketPrefix(`${base}-releases-`), check: s3BucketPrefixProblem },
      );
    } else {
      out.push({ what: 'the ha tier\'s read replica', value: `${base}-db-replica`, check: clusterName });
    }
  }
  return options.uploads ? out : out.filter((n) => !n.what.includes('app files'));
}

/**
 * Records, on `name`, each limit a derived name breaks (one problem per kind of trouble, naming the
 * derived names), and the database and user the stacks make from `name` when the description gives
 * none (`<name>` with `-` written `_`).
 */
export function checkDerivedNames(p: Problems, name: string, options: DerivedNameOptions & {
  readonly engine?: DatabaseEngineFamily;
  readonly databaseGiven?: boolean;
  readonly userGiven?: boolean;
} = {}): void {
  const byProblem = new Map<string, { fix: string; names: string[] }>();
  for (const d of derivedNames(name, options)) {
    const why = d.check(d.value);
    if (!why) continue;
    const entry = byProblem.get(why.problem) ?? { fix: why.fix, names: [] };
    entry.names.push(`${d.what} ${d.value}`);
    byProblem.set(why.problem, entry);
  }
  for (const [problem, { fix, names }] of byProblem) {
    p.add('name', name, `makes ${names.join(', ')}, which ${problem}`, `give the app another name (${fix})`);
  }
  if (options.engine === undefined) return;
  const sqlName = name.replace(/-/g, '_');
  if (!options.databaseGiven) {
    const why = sqlDatabaseProblem(options.engine, sqlName);
    if (why) p.add('name', name, `makes the database ${sqlName} (database.name is not given), which ${why.problem}`, `give database.name, or another app name (${why.fix})`);
  }
  if (!options.userGiven) {
    const why = sqlUserProblem(options.engine, sqlName);
    if (why) p.add('name', name, `makes the database user ${sqlName} (database.user is not given), which ${why.problem}`, `give database.user, or another app name (${why.fix})`);
  }
}
