/**
 * The stacks lock: what each stack was synthesized with, kept in a committed file (like cdk.context.json or
 * .terraform.lock.hcl), so that a later synth can refuse a change that would replace a database, a volume, a
 * bucket, a key, a droplet or a cluster it made before.
 *
 * Synth cannot see the Terraform state, and a resource that keeps its address but gets a new force-new argument
 * (a new cluster name after the app is renamed, a new region) is invisible to the address manifest. The lock
 * keeps, per stack, the snapshot of `replacements.ts` (the force-new arguments of every resource the replacement
 * manifest protects) and the description fields the physical names come from. At each synth of a stack:
 * - no entry yet (the first synth): the stack's snapshot is recorded;
 * - an entry: the new stack is compared with it; when a protected resource would be replaced or destroyed, synth
 *   fails with an `ErpValidationError` naming the description field that changed, each resource, what it loses and
 *   the safe way; otherwise the entry is updated (new resources are added).
 *
 * To accept a replacement on purpose (the stack was never applied, or the data has been moved first), delete the
 * resource's entry, or the stack's, from the file and synthesize again.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErpValidationError, ValidationProblem } from '../lib/errors';
import { AppDescription } from './description/description';
import { Replacement, ResourceSnapshot, StackSnapshot, replacementReason, replacementsBetween, snapshotOf } from './replacements';

/** The environment variable that turns the lock on and names its file (relative to the working directory). */
export const STACKS_LOCK_ENV = 'ERP_STACKS_LOCK';
/** The cdktf.json context key that turns the lock on and names its file. */
export const STACKS_LOCK_CONTEXT_KEY = 'stacksLock';
/** The file name the repository's app uses, beside cdktf.json. */
export const DEFAULT_STACKS_LOCK_FILE = 'erp-stacks.lock.json';

/** The description fields the physical names and the stateful settings come from, as a stack was synthesized with them. */
export type LockedInputs = Readonly<Record<string, string | number | undefined>>;

/** One stack's entry in the lock. */
export interface LockedStack extends StackSnapshot {
  /** The description fields behind the physical names (`name`, `region`, ...), to explain a refused change. */
  readonly inputs: LockedInputs;
}

/** The lock file. */
export interface StacksLock {
  readonly version: 1;
  readonly stacks: Record<string, LockedStack>;
}

const HEADER = 'Written by cdktf-erp-constructs at synth (stacks/stacks-lock.ts). Commit it. It records what each stack was '
  + 'synthesized with, so that a change which would replace a database, volume, bucket, key, droplet or cluster fails synth instead. '
  + 'To accept such a replacement on purpose, delete the resource (or the whole stack) from "stacks" and synthesize again.';

/** The description fields that decide the physical names and the stateful settings of a tier's resources. */
export function lockedInputs(d: AppDescription): LockedInputs {
  return {
    name: d.name,
    region: d.region ?? 'fra1',
    awsRegion: d.awsRegion ?? 'eu-central-1',
    awsReplicaRegion: d.awsReplicaRegion ?? 'eu-west-1',
    'database.engine': d.database.engine,
    'database.name': d.database.name ?? d.name.replace(/-/g, '_'),
    'database.user': d.database.user ?? d.name.replace(/-/g, '_'),
  };
}

/** What a changed input means and how to make it safely, by input. */
const INPUT_FIXES: Record<string, (was: unknown) => string> = {
  name: (was) => `keep name ${JSON.stringify(was)}: it is the app's identifier, not a display name. Every physical name `
    + '(database clusters, volumes, droplets, buckets, IAM users, the Kubernetes cluster, the tunnel), the Terraform Cloud workspace '
    + 'and the S3 state key are made from it, so a new name is a new deployment. To move the app to a new name, deploy it under the new '
    + 'name beside the old one, restore the newest dump into the new database (backup-restore), point the domain at the new stacks, then retire the old ones',
  region: (was) => `keep region ${JSON.stringify(was)}: a VPC, a volume, a droplet and a Kubernetes cluster belong to one region, and `
    + 'the clusters sit in the VPC. To move regions, deploy the app under another `name` in the new region, restore the newest dump there, '
    + 'switch the domain over, then retire the old stacks',
  awsRegion: (was) => `keep awsRegion ${JSON.stringify(was)}: the backup vault's bucket and key (and the release store) live in that region, `
    + 'and a provider of another region creates new, empty ones. To move the vault, deploy a second app description with the new region '
    + 'and keep the old vault until its dumps expire',
  awsReplicaRegion: (was) => `keep awsReplicaRegion ${JSON.stringify(was)}: the replica bucket and its key live there`,
  'database.engine': (was) => `keep database.engine ${JSON.stringify(was)}: a cluster's engine is fixed; to change engines, dump the `
    + 'database, deploy a new app description with the new engine, and load the data with the engine\'s migration tools',
  'database.name': (was) => `keep database.name ${JSON.stringify(was)}: a new name creates an empty database and drops the old one; `
    + 'set database.name to the old value explicitly if the default (the app name) changed',
  'database.user': (was) => `keep database.user ${JSON.stringify(was)}: the old user is dropped and owns the app's tables on PostgreSQL; `
    + 'set database.user to the old value explicitly if the default (the app name) changed',
};

/** Reads the lock file; a missing file is an empty lock. */
export function readStacksLock(file: string): StacksLock {
  if (!fs.existsSync(file)) return { version: 1, stacks: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ErpValidationError(file, [{
      prop: '(file)', value: path.basename(file), problem: `does not parse: ${(err as Error).message.split('\n')[0]}`,
      fix: 'restore it from version control, or delete it to record every stack again at the next synth',
    }]);
  }
  const lock = parsed as Partial<StacksLock>;
  if (lock === null || typeof lock !== 'object' || lock.version !== 1 || typeof lock.stacks !== 'object' || lock.stacks === null) {
    throw new ErpValidationError(file, [{
      prop: 'version', value: (lock as { version?: unknown } | null)?.version, problem: 'is not a stacks lock of version 1',
      fix: 'restore it from version control, or delete it to record every stack again at the next synth',
    }]);
  }
  return { version: 1, stacks: lock.stacks };
}

function writeStacksLock(file: string, lock: StacksLock): void {
  const stacks: Record<string, LockedStack> = {};
  for (const name of Object.keys(lock.stacks).sort()) stacks[name] = lock.stacks[name];
  const text = `${JSON.stringify({ '//': HEADER, version: 1, stacks }, null, 2)}\n`;
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

/** The replacements of protected resources that a stack's new synth would make, against its locked entry. */
export function lockedReplacements(locked: LockedStack | undefined, tf: Record<string, any>): Replacement[] {
  if (!locked) return [];
  return replacementsBetween({ resources: locked.resources }, snapshotOf(tf)).filter((r) => r.rule.protect);
}

/**
 * Checks a stack's synthesized JSON against its entry in the lock file and records it: throws an
 * `ErpValidationError` when a protected resource would be replaced or destroyed, else writes the stack's
 * current snapshot (the file is created at the first synth).
 */
export function checkStacksLock(file: string, stackName: string, inputs: LockedInputs, tf: Record<string, any>): void {
  const lock = readStacksLock(file);
  const locked = lock.stacks[stackName];
  const replaced = lockedReplacements(locked, tf);
  if (replaced.length > 0) throw new ErpValidationError(`${stackName} (stacks lock ${file})`, refusal(file, stackName, locked!, inputs, replaced));
  const snapshot = snapshotOf(tf);
  const resources: Record<string, ResourceSnapshot> = { ...snapshot.resources };
  writeStacksLock(file, { version: 1, stacks: { ...lock.stacks, [stackName]: { inputs, resources } } });
}

function refusal(file: string, stack: string, locked: LockedStack, inputs: LockedInputs, replaced: Replacement[]): ValidationProblem[] {
  const where = `"${stack}" in ${path.basename(file)}`;
  const what = replaced.map((r) => `${r.rule.what} ${r.label ?? r.address}`);
  const removed = replaced.filter((r) => r.removed).length;
  const verb = removed === 0 ? 'replaces' : removed === replaced.length ? 'destroys' : 'replaces or destroys';
  const problems: ValidationProblem[] = [];
  for (const [input, was] of Object.entries(locked.inputs ?? {})) {
    if (inputs[input] === was) continue;
    problems.push({
      prop: input,
      value: inputs[input],
      problem: `differs from ${JSON.stringify(was)}, the value stack ${stack} was synthesized with (${where}): the change ${verb} `
        + `${what.length === 1 ? what[0] : `${what.length} resources that hold data or run the app (${what.join(', ')})`}`,
      fix: (INPUT_FIXES[input] ?? ((w: unknown) => `keep ${input} ${JSON.stringify(w)}`))(was),
    });
  }
  for (const r of replaced) {
    problems.push({
      prop: `${stack}: ${r.address}`,
      value: r.label ?? r.rule.type,
      problem: `${r.removed ? 'destroys' : 'replaces'} the ${r.rule.what}${r.label ? ` ${r.label}` : ''} (${r.rule.loss}): ${replacementReason(r)}`,
      fix: `${r.rule.safely}. If the stack was never applied, or the data has been moved first, accept the replacement by deleting `
        + `"${r.address}" from the resources of ${where} and synthesizing again`,
    });
  }
  return problems;
}
