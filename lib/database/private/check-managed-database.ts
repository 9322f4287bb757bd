import { IConstruct } from 'constructs';
import { Vpc } from '@cdktf/provider-digitalocean/lib/vpc';
import { DatabaseAccessSource, DatabaseEngineFamily } from '../../common/contracts';
import { PrivateNetwork } from '../../common/network';
import { DoRegion, checkRegion } from '../../common/region';
import { UUID } from '../../private/patterns';
import { utcTimeProblem } from '../../private/limits';
import {
  Problems, checkArray, checkInt, checkObject, checkString, isUnresolved, requireProps,
} from '../../private/validate';
import {
  ConnectionPoolMode, DatabaseSize, MySqlAuthPlugin, MySqlSqlMode, ValkeyEvictionPolicy,
} from '../engine';
import type { ConnectionPoolOptions, ManagedDatabaseProps, ReadReplicaOptions } from '../managed-database';
import { checkCoreProps, toAccessSources } from './core';

/** DigitalOcean's limit of rules (trusted sources) per database firewall. */
export const MAX_FIREWALL_RULES = 100;

const NAME_RE = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;

/**
 * Checks the props of a `ManagedDatabase` and throws one `ErpValidationError` naming
 * every problem; returns the firewall entries of `allowFrom`, parsed.
 */
export function checkManagedDatabaseProps(scope: IConstruct, props: ManagedDatabaseProps): DatabaseAccessSource[] {
  requireProps(scope, props, '{ name, engine, size, region }');
  const p = new Problems();
  checkCoreProps(p, props);
  checkRegion(p, 'region', props.region, { required: true });
  checkPlatformProps(p, props);
  const initial = toAccessSources(p, 'allowFrom', props.allowFrom ?? [], props.allowPublicInternet ?? false);
  p.check(initial.length <= MAX_FIREWALL_RULES, 'allowFrom', initial.length,
    `names more than DigitalOcean's ${MAX_FIREWALL_RULES} trusted sources`, 'admit a tag shared by the clients instead of each one');
  p.throwIfAny(scope);
  return initial;
}

function checkPlatformProps(p: Problems, props: ManagedDatabaseProps): void {
  const family = props.engine?.family;
  if (props.vpc !== undefined && !(props.vpc instanceof Vpc) && !(props.vpc instanceof PrivateNetwork) && typeof props.vpc !== 'string') {
    p.add('vpc', props.vpc, 'is not a VPC', 'pass a PrivateNetwork, the Vpc resource or its id (a UUID), or leave it out');
  }
  if (props.vpc instanceof PrivateNetwork && props.region instanceof DoRegion && !isUnresolved(props.region.slug)) {
    p.check(props.vpc.region.slug === props.region.slug, 'vpc', props.vpc.region.slug, `is a network of another region than the cluster (${props.region.slug})`,
      `pass the network of ${props.region.slug}, PrivateNetwork.of(stack, DoRegion.of('${props.region.slug}')), or leave vpc out`);
  }
  const vpcRegion = props.vpc instanceof Vpc ? props.vpc.regionInput : undefined;
  if (vpcRegion !== undefined && props.region instanceof DoRegion && !isUnresolved(props.region.slug) && !isUnresolved(vpcRegion)) {
    p.check(vpcRegion === props.region.slug, 'vpc', vpcRegion, `is a VPC of another region than the cluster (${props.region.slug})`,
      `pass a VPC in ${props.region.slug}, or leave vpc out`);
  }
  if (typeof props.vpc === 'string' && !isUnresolved(props.vpc)) {
    p.check(UUID.test(props.vpc), 'vpc', props.vpc, 'is not a VPC id', 'pass the Vpc resource, or its id (a UUID)');
  }
  if (checkString(p, 'projectId', props.projectId, { fix: 'use the project id (a UUID), for example project.id, or leave it out' })
    && !isUnresolved(props.projectId)) {
    p.check(UUID.test(props.projectId), 'projectId', props.projectId, 'is not a project id', 'use the project id (a UUID), for example project.id');
  }
  if (props.evictionPolicy !== undefined) {
    p.check(family === DatabaseEngineFamily.VALKEY, 'evictionPolicy', props.evictionPolicy, 'applies to Valkey only', 'remove evictionPolicy');
    p.check(Object.values(ValkeyEvictionPolicy).includes(props.evictionPolicy), 'evictionPolicy', props.evictionPolicy,
      'is not an eviction policy', 'use a ValkeyEvictionPolicy member');
  }
  const sqlModes = checkArray<unknown>(p, 'sqlModes', props.sqlModes, { fix: 'give a list of MySqlSqlMode members, or leave it out' });
  if (sqlModes.length > 0) {
    p.check(family === DatabaseEngineFamily.MYSQL, 'sqlModes', sqlModes, 'applies to MySQL only', 'remove sqlModes');
    sqlModes.forEach((m, i) => p.check(Object.values(MySqlSqlMode).includes(m as MySqlSqlMode), `sqlModes[${i}]`, m,
      'is not a MySQL SQL mode', 'use MySqlSqlMode members'));
  }
  if (props.mysqlAuthPlugin !== undefined) {
    p.check(family === DatabaseEngineFamily.MYSQL, 'mysqlAuthPlugin', props.mysqlAuthPlugin, 'applies to MySQL only', 'remove mysqlAuthPlugin');
    p.check(Object.values(MySqlAuthPlugin).includes(props.mysqlAuthPlugin), 'mysqlAuthPlugin', props.mysqlAuthPlugin,
      'is not a MySQL authentication plugin', 'use a MySqlAuthPlugin member');
  }
  const b = props.backupRestore;
  if (checkObject(p, 'backupRestore', b, { fix: "give { sourceClusterName: 'erp-prod-db' }, or leave it out" })) {
    p.check(typeof b.sourceClusterName === 'string' && NAME_RE.test(b.sourceClusterName), 'backupRestore.sourceClusterName',
      b.sourceClusterName, 'is not a cluster name', 'use the name of the cluster whose backup to restore');
    if (b.backupCreatedAt !== undefined && !isUnresolved(b.backupCreatedAt)) {
      // the API takes a real moment of a backup: `Date.parse` alone would roll 2026-02-30 over to 2 March
      const why = typeof b.backupCreatedAt === 'string' ? utcTimeProblem(b.backupCreatedAt)
        : { problem: 'is not an ISO 8601 time in UTC', fix: 'use a time like 2026-03-01T12:00:00Z' };
      if (why) p.add('backupRestore.backupCreatedAt', b.backupCreatedAt, why.problem, why.fix);
    }
  }
  checkPools(p, props);
  checkReplicas(p, props);
}

function checkPools(p: Problems, props: ManagedDatabaseProps): void {
  const pools = checkArray<ConnectionPoolOptions>(p, 'connectionPools', props.connectionPools,
    { fix: "give a list such as [{ name: 'erp-pool', database: 'erp', size: 20 }], or leave it out" });
  if (pools.length === 0) return;
  if (props.engine?.family !== DatabaseEngineFamily.POSTGRES) {
    p.add('connectionPools', pools.map((x) => (isRecord(x) ? x.name : x)), 'are only available for PostgreSQL',
      'remove connectionPools, or use DatabaseEngine.postgres()');
    return;
  }
  const dbs = new Set<unknown>(['defaultdb', ...stringsOf(props.databases)]);
  const users = new Set<unknown>(['doadmin', ...stringsOf(props.users)]);
  const names = new Set<unknown>();
  let total = 0;
  pools.forEach((pool, i) => {
    const at = `connectionPools[${i}]`;
    if (!isRecord(pool)) {
      p.add(at, pool, 'is not a connection pool', "give { name: 'erp-pool', database: 'erp', size: 20 }");
      return;
    }
    p.check(typeof pool.name === 'string' && /^[A-Za-z0-9_-]{1,60}$/.test(pool.name), `${at}.name`, pool.name,
      'is not a valid pool name', 'use up to 60 letters, digits, `_` and `-`');
    p.check(!names.has(pool.name), `${at}.name`, pool.name, 'is listed twice', 'give each pool its own name');
    names.add(pool.name);
    p.check(pool.size !== undefined, `${at}.size`, pool.size, 'is required', 'give the number of backend connections the pool holds');
    checkInt(p, `${at}.size`, pool.size, 1, 10000);
    if (typeof pool.size === 'number') total += pool.size;
    p.check(dbs.has(pool.database), `${at}.database`, pool.database, 'is not a database of this cluster',
      `use one of ${[...dbs].join(', ')} (add it to databases)`);
    if (pool.user !== undefined) {
      p.check(users.has(pool.user), `${at}.user`, pool.user, 'is not a user of this cluster', `use one of ${[...users].join(', ')} (add it to users)`);
    }
    if (pool.mode !== undefined) {
      p.check(Object.values(ConnectionPoolMode).includes(pool.mode), `${at}.mode`, pool.mode, 'is not a pool mode', 'use a ConnectionPoolMode member');
    }
  });
  const limit = props.size instanceof DatabaseSize ? props.size.poolConnectionLimit : undefined;
  if (limit !== undefined && total > limit) {
    p.add('connectionPools', total, `the pool sizes add up to more than the ${limit} backend connections of ${props.size.slug}`,
      `shrink the pools to ${limit} connections in all, or choose a larger size`);
  }
}

function checkReplicas(p: Problems, props: ManagedDatabaseProps): void {
  const replicas = checkArray<ReadReplicaOptions>(p, 'readReplicas', props.readReplicas,
    { fix: "give a list such as [{ name: 'erp-db-ro' }], or leave it out" });
  if (replicas.length === 0) return;
  if (props.engine?.family === DatabaseEngineFamily.VALKEY) {
    p.add('readReplicas', replicas.map((r) => (isRecord(r) ? r.name : r)), 'are only available for PostgreSQL and MySQL',
      'remove readReplicas for Valkey');
    return;
  }
  const names = new Set<unknown>([props.name]);
  replicas.forEach((r, i) => {
    const at = `readReplicas[${i}]`;
    if (!isRecord(r)) {
      p.add(at, r, 'is not a read replica', "give { name: 'erp-db-ro' }, with an optional size and region");
      return;
    }
    p.check(typeof r.name === 'string' && NAME_RE.test(r.name), `${at}.name`, r.name, 'is not a valid replica name',
      'use 3 to 63 lowercase letters, digits and hyphens, starting with a letter');
    p.check(!names.has(r.name), `${at}.name`, r.name, 'is already the name of the cluster or of another replica', 'give each replica its own name');
    names.add(r.name);
    checkRegion(p, `${at}.region`, r.region);
    if (r.size !== undefined && !(r.size instanceof DatabaseSize)) {
      p.add(`${at}.size`, r.size, 'is not a DatabaseSize', 'use a DatabaseSize member or DatabaseSize.of(slug)');
    }
  });
}

/** True for an object that is not a list (the shape of every options object). */
function isRecord(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The strings of a list, or nothing when the value is not one (its problems are recorded by checkCoreProps). */
function stringsOf(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
