/**
 * Which plausible changes to an app description replace something stateful. The address manifest
 * (__tests__/addresses.json) catches resources that move; this catches resources that stay at their address
 * but get a new value for an argument the pinned provider marks ForceNew (stacks/replacements.ts, the
 * replacement manifest, cites each one).
 *
 * Each change synthesizes every tier from the built-in description and from the changed one, and compares
 * each resource's force-new arguments (following references: a new VPC region replaces the clusters in it).
 * A change must either replace nothing the manifest protects, or fail synth against the stacks lock
 * (stacks/stacks-lock.ts) with an ErpValidationError that says what would be replaced and how to do it safely.
 * The table of changes, replaced resources and outcomes is printed at the end.
 */
import { App, TerraformStack, Testing } from 'cdktf';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { DoRegion } from '../lib/common/region';
import { DatabaseEngine, DatabaseSize } from '../lib/database/engine';
import { ManagedDatabase, ManagedDatabaseProps } from '../lib/database/managed-database';
import { RdsDatabase, RdsDatabaseProps } from '../lib/database/rds-database';
import { ErpValidationError } from '../lib/errors';
import { AppDescription, LARAVEL_INVOICING_EXAMPLE, STACKS_LOCK_ENV, buildStacks } from '../stacks';
import { REPLACEMENT_MANIFEST, Replacement, ReplacementLoss, describeReplacement, replacementRule, replacementsBetween } from '../stacks/replacements';
import { checkStacksLock, lockedInputs, readStacksLock } from '../stacks/stacks-lock';

type Json = Record<string, any>;

const base = LARAVEL_INVOICING_EXAMPLE;
/** The example on PostgreSQL with a connection pool (the Node ERP and the lender app of the reference run PostgreSQL). */
const postgres: AppDescription = { ...base, database: { engine: 'postgres', version: 16, name: 'facturador', user: 'facturador', poolSize: 20 } };
const twoDroplets: AppDescription = { ...base, tiers: { prod: { dropletCount: 2 } } };

const synthesized = new Map<AppDescription, Record<string, Json>>();

/** Every tier stack's Terraform JSON, by stack name (each description is synthesized once). */
function synthTiers(d: AppDescription): Record<string, Json> {
  if (!synthesized.has(d)) {
    const stacks = buildStacks(Testing.app() as App, d, {});
    synthesized.set(d, Object.fromEntries(stacks.map((s) => [s.stackName, JSON.parse(Testing.synth(s))])));
  }
  return synthesized.get(d)!;
}

/** One stack holding a construct, by the stack's name. */
function synthOne(name: string, build: (stack: TerraformStack) => void): Record<string, Json> {
  const stack = new TerraformStack(Testing.app(), name);
  new DigitaloceanProvider(stack, 'digitalocean', {});
  new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
  build(stack);
  return { [name]: JSON.parse(Testing.synth(stack)) };
}

const DB: ManagedDatabaseProps = {
  name: 'erp-prod-db', engine: DatabaseEngine.postgres(16), size: DatabaseSize.DB_S_2VCPU_4GB, nodeCount: 2, region: DoRegion.FRA1,
  databases: ['erp'], users: ['erp_app'], tags: ['erp-prod'],
};
const RDS: RdsDatabaseProps = {
  name: 'erp-db', engine: DatabaseEngine.postgres(16), size: DatabaseSize.DB_S_2VCPU_4GB, nodeCount: 2, databases: ['erp'],
  vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0aaa', 'subnet-0bbb'],
};

/** A plausible change: what the user edits, the description before and after (or two construct synths), and the expected outcome. */
interface Change {
  readonly change: string;
  readonly before: () => Record<string, Json>;
  readonly after: () => Record<string, Json>;
  /** For tier changes: the descriptions, to check the stacks lock with. */
  readonly descriptions?: readonly [AppDescription, AppDescription];
  readonly expect: 'kept' | 'refused';
  /** Text the refusal names: the description field and a replaced resource. */
  readonly refusal?: readonly RegExp[];
}

const tiers = (before: AppDescription, after: AppDescription): Pick<Change, 'before' | 'after' | 'descriptions'> =>
  ({ before: () => synthTiers(before), after: () => synthTiers(after), descriptions: [before, after] });

const CHANGES: readonly Change[] = [
  { change: 'rename the app (`name`: there is no separate display name)', ...tiers(base, { ...base, name: 'facturas' }), expect: 'refused',
    refusal: [/name: differs from "facturador"/, /database cluster facturas-dev-db/, /it is the app's identifier, not a display name/] },
  { change: 'resize the droplet (tiers.prod.dropletSize)', ...tiers(base, { ...base, tiers: { prod: { dropletSize: 's-8vcpu-32gb' } } }), expect: 'kept' },
  { change: 'add a droplet (tiers.prod.dropletCount 1 → 2)', ...tiers(base, twoDroplets), expect: 'kept' },
  { change: 'remove a droplet (tiers.prod.dropletCount 2 → 1)', ...tiers(twoDroplets, base), expect: 'refused',
    refusal: [/destroys the data volume facturador-prod-2-data/] },
  { change: 'resize the database (tiers.prod/ha.databaseSize)',
    ...tiers(base, { ...base, tiers: { prod: { databaseSize: 'db-s-4vcpu-8gb' }, ha: { databaseSize: 'db-s-4vcpu-8gb' } } }), expect: 'kept' },
  { change: 'add a standby node (tiers.prod.databaseNodeCount 2 → 3)', ...tiers(base, { ...base, tiers: { prod: { databaseNodeCount: 3 } } }), expect: 'kept' },
  { change: 'resize the cache (tiers.prod.cacheSize)', ...tiers(base, { ...base, tiers: { prod: { cacheSize: 'db-s-1vcpu-2gb' } } }), expect: 'kept' },
  { change: 'resize the HA nodes (tiers.ha.nodeSize)', ...tiers(base, { ...base, tiers: { ha: { nodeSize: 's-8vcpu-16gb' } } }), expect: 'kept' },
  { change: 'scale the HA node pool (tiers.ha.minNodes/maxNodes)', ...tiers(base, { ...base, tiers: { ha: { minNodes: 4, maxNodes: 8 } } }), expect: 'kept' },
  { change: 'upgrade PostgreSQL 16 → 17 (database.version)',
    ...tiers(postgres, { ...postgres, database: { ...postgres.database, version: 17 } }), expect: 'kept' },
  { change: 'resize the connection pool (database.poolSize 20 → 15)',
    ...tiers(postgres, { ...postgres, database: { ...postgres.database, poolSize: 15 } }), expect: 'kept' },
  { change: 'add a read replica (ManagedDatabase readReplicas)',
    before: () => synthOne('prod', (s) => new ManagedDatabase(s, 'Database', DB)),
    after: () => synthOne('prod', (s) => new ManagedDatabase(s, 'Database', { ...DB, readReplicas: [{ name: 'erp-prod-db-replica' }] })),
    expect: 'kept' },
  { change: 'rotate the SSH key (sshKeys)', ...tiers(base, { ...base, sshKeys: ['41234567'] }), expect: 'kept' },
  { change: 'change the region (region fra1 → ams3)', ...tiers(base, { ...base, region: 'ams3' }), expect: 'refused',
    refusal: [/region: differs from "fra1"/, /replaces the VPC facturador-dev-vpc/, /To move regions, deploy the app under another `name`/] },
  { change: 'change the vault\'s AWS region (awsRegion)', ...tiers(base, { ...base, awsRegion: 'eu-west-3' }), expect: 'refused',
    refusal: [/awsRegion: differs from "eu-central-1"/, /\(provider region\) "eu-central-1" → "eu-west-3"/] },
  { change: 'change a retention (backups.dailyRetentionDays 30 → 14)',
    ...tiers(base, { ...base, backups: { ...base.backups, dailyRetentionDays: 14 } }), expect: 'kept' },
  { change: 'change the domain (domain)', ...tiers(base, { ...base, domain: 'facturas.example.com' }), expect: 'kept' },
  { change: 'change one tier\'s domain (tiers.dev.domain)', ...tiers(base, { ...base, tiers: { dev: { domain: 'pruebas.example.com' } } }), expect: 'kept' },
  { change: 'release a new image (processes.web.image)',
    ...tiers(base, { ...base, processes: { ...base.processes, web: { ...base.processes.web, image: 'ghcr.io/example/facturador:2.5.0' } } }), expect: 'kept' },
  { change: 'add an uploads bucket (uploads)', ...tiers(base, { ...base, uploads: {} }), expect: 'kept' },
  { change: 'add persistent paths (persistentPaths)', ...tiers(base, { ...base, persistentPaths: { storage: '/var/www/html/storage/app' } }), expect: 'kept' },
  { change: 'rename the database (database.name)', ...tiers(base, { ...base, database: { ...base.database, name: 'facturas' } }), expect: 'refused',
    refusal: [/database\.name: differs from "facturador"/, /destroys the database facturador/] },
  { change: 'rename the database user (database.user)', ...tiers(base, { ...base, database: { ...base.database, user: 'facturas' } }), expect: 'refused',
    refusal: [/database\.user: differs from "facturador"/, /destroys the database user facturador/] },
  { change: 'switch engines (database.engine mysql → postgres)', ...tiers(base, { ...base, database: { ...base.database, engine: 'postgres', version: 16 } }),
    expect: 'refused', refusal: [/database\.engine: differs from "mysql"/, /engine "mysql" → "pg"/] },
  { change: 'drop the cache (cache)', ...tiers(base, { ...base, cache: undefined }), expect: 'refused',
    refusal: [/destroys the database cluster facturador-prod-cache/] },
  { change: 'lengthen a generated secret (secrets.APP_KEY.generate.bytes 32 → 64)',
    ...tiers(base, { ...base, secrets: { APP_KEY: { generate: { bytes: 64, encoding: 'base64', prefix: 'base64:' } } } }), expect: 'refused',
    refusal: [/replaces the generated secret \(data\): length 32 → 64/] },
  { change: 'upgrade RDS PostgreSQL 16 → 17 (RdsDatabase engine)',
    before: () => synthOne('rds', (s) => new RdsDatabase(s, 'Database', RDS)),
    after: () => synthOne('rds', (s) => new RdsDatabase(s, 'Database', { ...RDS, engine: DatabaseEngine.postgres(17) })),
    expect: 'kept' },
];

/** The replacements in every stack, by stack. */
function replacements(before: Record<string, Json>, after: Record<string, Json>): Array<{ stack: string; r: Replacement }> {
  return Object.keys(before).flatMap((stack) => (after[stack] ? replacementsBetween(before[stack], after[stack]) : [])
    .map((r) => ({ stack, r })));
}

/** The lock of the `before` description, then the check of `after` against it: undefined when kept, else the error. */
function lockOutcome(before: AppDescription, after: AppDescription, beforeJson: Record<string, Json>, afterJson: Record<string, Json>): ErpValidationError | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'erp-lock-'));
  try {
    const file = join(dir, 'erp-stacks.lock.json');
    for (const [stack, tf] of Object.entries(beforeJson)) checkStacksLock(file, stack, lockedInputs(before), tf);
    for (const [stack, tf] of Object.entries(afterJson)) checkStacksLock(file, stack, lockedInputs(after), tf);
    return undefined;
  } catch (err) {
    if (err instanceof ErpValidationError) return err;
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Per stack: the stateful resources replaced (`database cluster facturas-dev-db`), then how many others (not stateful). */
function summary(found: Array<{ stack: string; r: Replacement }>): string {
  const parts: string[] = [];
  for (const stack of [...new Set(found.map((f) => f.stack))]) {
    const mine = found.filter((f) => f.stack === stack);
    const stateful = mine.filter((f) => f.r.rule.protect).map((f) => `${f.r.removed ? 'destroyed ' : ''}${f.r.rule.what}${f.r.label ? ` ${f.r.label}` : ''}`);
    const other = mine.filter((f) => !f.r.rule.protect).map((f) => f.r.rule.what);
    const others = other.length > 0 ? `${stateful.length > 0 ? ' + ' : ''}not stateful: ${[...new Set(other)].join(', ')}` : '';
    parts.push(`${stack}: ${stateful.join(', ')}${others}`);
  }
  return parts.length > 0 ? parts.join('; ') : '-';
}

const rows: string[][] = [];

describe('a plausible change replaces nothing stateful, or fails synth saying what and how', () => {
  afterAll(() => {
    const header = ['change', 'resources whose force-new arguments change', 'outcome'];
    const width = [0, 1].map((i) => Math.max(header[i].length, ...rows.map((r) => Math.min(r[i].length, 90))));
    const line = (r: string[]) => `| ${r[0].padEnd(width[0])} | ${r[1].padEnd(width[1])} | ${r[2]}`;
    process.stdout.write(`\n${[line(header), `|${'-'.repeat(width[0] + 2)}|${'-'.repeat(width[1] + 2)}|---`, ...rows.map(line)].join('\n')}\n\n`);
  });

  for (const c of CHANGES) {
    test(`${c.change}: ${c.expect === 'kept' ? 'nothing stateful is replaced' : 'fails synth, naming what would be replaced and the safe way'}`, () => {
      const before = c.before();
      const after = c.after();
      const found = replacements(before, after);
      const stateful = found.filter((f) => f.r.rule.protect);
      const listed = summary(found);
      if (c.expect === 'kept') {
        expect(stateful.map((f) => `${f.stack} ${describeReplacement(f.r)}`)).toEqual([]);
      } else {
        expect(stateful.length).toBeGreaterThan(0);
      }
      let outcome = c.expect === 'kept' ? 'kept' : 'plan error (prevent_destroy)';
      if (c.descriptions) {
        const err = lockOutcome(c.descriptions[0], c.descriptions[1], before, after);
        if (c.expect === 'kept') {
          expect(err?.message).toBeUndefined();
        } else {
          expect(err).toBeInstanceOf(ErpValidationError);
          for (const re of c.refusal ?? []) expect(err!.message).toMatch(re);
          outcome = `fails: ${err!.problems[0].prop}: ${err!.problems[0].problem.replace(/ \(".*?" in erp-stacks\.lock\.json\)/, '')}`;
        }
      }
      rows.push([c.change, listed, outcome]);
    });
  }
});

describe('the replacement manifest', () => {
  test('names every resource type of the tier stacks that holds data, an identity, a server or a network', () => {
    // Types that hold nothing a replacement loses: settings, DNS, workloads re-created from the description.
    const stateless = [
      /^aws_s3_bucket_/, /^aws_s3_object$/, /^aws_iam_(user|role)_policy$/, /^aws_iam_role$/, /^cloudflare_/, /^kubernetes_/,
      /^digitalocean_(firewall|monitor_alert|uptime_alert|uptime_check|container_registry_docker_credentials)$/,
      /^docker_(container|image|network)$/,
    ];
    const types = new Set<string>();
    for (const d of [base, postgres, { ...base, uploads: {}, persistentPaths: { storage: '/var/www/html/storage/app' } }]) {
      for (const tf of Object.values(synthTiers(d))) for (const t of Object.keys(tf.resource ?? {})) types.add(t);
    }
    const unclassified = [...types].filter((t) => !replacementRule(t) && !stateless.some((re) => re.test(t)));
    expect(unclassified).toEqual([]);
  });

  test('every rule cites its provider source and says how to make the change safely', () => {
    for (const rule of REPLACEMENT_MANIFEST) {
      expect(rule.source).toMatch(/terraform-provider-[a-z]+|kreuzwerker/);
      expect(rule.safely.length).toBeGreaterThan(20);
      expect(Object.values(ReplacementLoss)).toContain(rule.loss);
    }
  });
});

describe('the stacks lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'erp-stacks-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const synthWithLock = (d: AppDescription, lockFile: string, only?: string): void => {
    for (const s of buildStacks(Testing.app() as App, d, {}, { lockFile })) if (!only || s.stackName === only) Testing.synth(s, true);
  };

  test('the first synth records every stack; the same description synthesizes again and leaves the file as it was', () => {
    const file = join(dir, 'erp-stacks.lock.json');
    synthWithLock(base, file);
    const lock = readStacksLock(file);
    expect(Object.keys(lock.stacks).sort()).toEqual(['dev', 'ha', 'ha-platform', 'local', 'prod']);
    expect(lock.stacks.dev.inputs).toMatchObject({ name: 'facturador', region: 'fra1' });
    expect(lock.stacks.dev.resources['digitalocean_database_cluster.Database_B269D8BB']).toMatchObject({
      type: 'digitalocean_database_cluster', label: 'facturador-dev-db', values: { name: 'facturador-dev-db', engine: 'mysql', region: 'fra1' },
    });
    const text = readFileSync(file, 'utf8');
    synthWithLock(base, file);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  test('fails: a renamed app fails synth of the first stack with an ErpValidationError that names the field, each resource and the safe way', () => {
    const file = join(dir, 'erp-stacks.lock.json');
    synthWithLock(base, file);
    let caught: unknown;
    try {
      synthWithLock({ ...base, name: 'facturas' }, file);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ErpValidationError);
    const err = caught as ErpValidationError;
    expect(err.where).toBe(`dev (stacks lock ${file})`);
    expect(err.problems[0]).toMatchObject({ prop: 'name', value: 'facturas' });
    expect(err.problems.map((p) => p.prop)).toEqual(expect.arrayContaining([
      'dev: digitalocean_database_cluster.Database_B269D8BB', 'dev: digitalocean_volume.Runtime_Data_B1DD75FD', 'dev: aws_s3_bucket.Backups_9A29A52D',
    ]));
    expect(err.message).toMatch(/accept the replacement by deleting "digitalocean_database_cluster\.Database_B269D8BB" from the resources of "dev"/);
    // a refused synth does not touch the lock
    expect(readStacksLock(file).stacks.dev.inputs.name).toBe('facturador');
  });

  test('deleting a resource from the lock accepts its replacement, and the lock then records the new value', () => {
    const file = join(dir, 'erp-stacks.lock.json');
    synthWithLock(base, file, 'dev');
    const longer: AppDescription = { ...base, secrets: { APP_KEY: { generate: { bytes: 64, encoding: 'base64', prefix: 'base64:' } } } };
    expect(() => synthWithLock(longer, file, 'dev')).toThrow(/replaces the generated secret \(data\): length 32 → 64/);
    const lock = JSON.parse(readFileSync(file, 'utf8'));
    const address = Object.keys(lock.stacks.dev.resources).find((a) => a.startsWith('random_bytes.'))!;
    delete lock.stacks.dev.resources[address];
    writeFileSync(file, JSON.stringify(lock));
    synthWithLock(longer, file, 'dev');
    expect(readStacksLock(file).stacks.dev.resources[address].values).toEqual({ length: 64 });
  });

  test('buildStacks takes the lock file from ERP_STACKS_LOCK; without one nothing is written and nothing is checked', () => {
    const file = join(dir, 'from-env.lock.json');
    for (const s of buildStacks(Testing.app() as App, base, { [STACKS_LOCK_ENV]: file })) Testing.synth(s, true);
    expect(existsSync(file)).toBe(true);
    const copy = join(dir, 'copy.json');
    copyFileSync(file, copy);
    for (const s of buildStacks(Testing.app() as App, { ...base, name: 'facturas' }, {})) Testing.synth(s, true);
    expect(readFileSync(file, 'utf8')).toBe(readFileSync(copy, 'utf8'));
  });

  test('fails: a lock file that is not a stacks lock is refused with the way out', () => {
    const file = join(dir, 'erp-stacks.lock.json');
    writeFileSync(file, '{"stacks": 3}');
    expect(() => synthWithLock(base, file, 'dev')).toThrow(/version: is not a stacks lock of version 1.*delete it to record every stack again/);
  });
});

describe('fixes the replacements the table showed', () => {
  test('the DOKS cluster refuses destroy, and a node size change replaces only the app\'s node pool, created before the old one goes', () => {
    const before = synthTiers(base)['ha-platform'];
    const after = synthTiers({ ...base, tiers: { ha: { nodeSize: 's-8vcpu-16gb' } } })['ha-platform'];
    const cluster = Object.values<Json>(after.resource.digitalocean_kubernetes_cluster)[0];
    expect(cluster.lifecycle).toEqual({ prevent_destroy: true });
    expect(cluster.node_pool).toMatchObject({ name: 'facturador-ha-system', size: 's-2vcpu-4gb' });
    const pool = Object.values<Json>(after.resource.digitalocean_kubernetes_node_pool)[0];
    expect(pool).toMatchObject({ name: 'facturador-ha-s-8vcpu-16gb', size: 's-8vcpu-16gb', lifecycle: { create_before_destroy: true } });
    expect(replacementsBetween(before, after).map((r) => r.rule.type)).toEqual(['digitalocean_kubernetes_node_pool']);
  });

  test('RDS: the parameter group has a name prefix with its family and is created before the old one goes; the instance allows a major upgrade, at apply', () => {
    const json = synthOne('rds', (s) => new RdsDatabase(s, 'Database', RDS)).rds;
    const group = Object.values<Json>(json.resource.aws_db_parameter_group)[0];
    expect(group).toMatchObject({ name_prefix: 'erp-db-postgres16-tls-', family: 'postgres16', lifecycle: { create_before_destroy: true } });
    expect(group.name).toBeUndefined();
    const mysql = Object.values<Json>(synthOne('rds', (s) => new RdsDatabase(s, 'Database', { ...RDS, engine: DatabaseEngine.mysql(8) }))
      .rds.resource.aws_db_parameter_group)[0];
    expect(mysql).toMatchObject({ name_prefix: 'erp-db-mysql8-0-tls-', family: 'mysql8.0' });
    const instance = Object.values<Json>(json.resource.aws_db_instance)[0];
    expect(instance).toMatchObject({ allow_major_version_upgrade: true, apply_immediately: true, lifecycle: { prevent_destroy: true } });
    expect(instance.parameter_group_name).toMatch(/^\$\{aws_db_parameter_group\.[\w-]+\.name\}$/);
  });

  test('RDS: a major upgrade replaces only the parameter group, and changes the instance\'s engine_version in place', () => {
    const before = synthOne('rds', (s) => new RdsDatabase(s, 'Database', RDS)).rds;
    const after = synthOne('rds', (s) => new RdsDatabase(s, 'Database', { ...RDS, engine: DatabaseEngine.postgres(17) })).rds;
    expect(replacementsBetween(before, after).map((r) => `${r.rule.type}: ${r.changes.map((c) => c.attribute).join(',')}`))
      .toEqual(['aws_db_parameter_group: family,name_prefix']);
    expect(Object.values<Json>(after.resource.aws_db_instance)[0].engine_version).toBe('17');
  });
});
