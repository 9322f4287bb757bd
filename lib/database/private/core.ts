import { Fn, Token } from 'cdktf';
import {
  AppEnvironment, DatabaseAccessSource, DatabaseAccessSourceType, DatabaseConnection, DatabaseEngineFamily,
} from '../../common/contracts';
import {
  Problems, checkArray, checkBoolean, checkInt, checkObject, isUnresolved,
} from '../../private/validate';
import { DO_TAG, UUID, parseIpv4Cidr } from '../../private/patterns';
import { LimitProblem, SqlPlatform, sqlDatabaseProblem, sqlUserProblem } from '../../private/limits';
import { Weekday } from '../../common/weekday';
import { DatabaseEngine, DatabaseSize } from '../engine';
import { DatabaseAccessEntry, DatabaseCoreProps } from '../props';

/** Where apps find the database CA certificate file that `DATABASE_CA_CERT` holds (MySQL clients verify the server with it). */
export const DATABASE_CA_CERT_PATH = '/etc/ssl/certs/database-ca.pem';

/** A DigitalOcean database cluster (or replica) name: 3 to 63 lowercase letters, digits and hyphens, a letter first (a DNS label: the cluster's host names start with it). */
export const DATABASE_NAME_RE = /^[a-z][a-z0-9-]{1,61}[a-z0-9]$/;
const NAME_RE = DATABASE_NAME_RE;
const SQL_NAME_RE = /^[A-Za-z_][A-Za-z0-9_-]{0,62}$/;
/** DigitalOcean tags (see `DO_TAG`): no dots, which the provider refuses (`erp.prod`). */
const TAG_RE = DO_TAG;

/** Checks the props every implementation shares; `platform` says whose reserved names apply. */
export function checkCoreProps(p: Problems, props: DatabaseCoreProps, platform: SqlPlatform = 'digitalocean'): void {
  if (!isUnresolved(props.name)) {
    p.check(typeof props.name === 'string' && NAME_RE.test(props.name), 'name', props.name,
      'is not a valid database name', 'use 3 to 63 lowercase letters, digits and hyphens, starting with a letter (`erp-prod-db`)');
  }
  const engine = props.engine;
  if (!(engine instanceof DatabaseEngine)) {
    p.add('engine', engine, 'is not a DatabaseEngine', 'use DatabaseEngine.postgres(16), DatabaseEngine.mysql() or DatabaseEngine.valkey()');
  } else if (!engine.versionSupported) {
    p.add('engine', engine.toString(), `version ${engine.version} is not offered for ${engine.family}`,
      `use one of versions ${engine.supportedVersions.join(', ')}`);
  }
  const size = props.size;
  if (!(size instanceof DatabaseSize)) {
    p.add('size', size, 'is not a DatabaseSize', "use a DatabaseSize member (DatabaseSize.DB_S_2VCPU_4GB) or DatabaseSize.of('<slug>')");
  } else if (!isUnresolved(size.slug)) {
    p.check(typeof size.slug === 'string' && /^[a-z0-9][a-z0-9_.-]*$/.test(size.slug), 'size', size.slug, 'is not a size slug',
      "use a DatabaseSize member or DatabaseSize.of('<slug>') with a slug like db-s-2vcpu-4gb");
  }
  const nodeCount = props.nodeCount ?? 1;
  checkInt(p, 'nodeCount', nodeCount, 1, 3, 'use 1 (primary only), 2 (one standby) or 3 (two standbys)');
  if (size === DatabaseSize.SMALLEST && typeof nodeCount === 'number' && nodeCount > 1) {
    p.add('nodeCount', nodeCount, `the smallest size ${size.slug} cannot have standby nodes`,
      'use nodeCount 1, or a larger size such as DatabaseSize.DB_S_1VCPU_2GB');
  }
  const sql = engine instanceof DatabaseEngine ? engine.isSql : true;
  const family = engine instanceof DatabaseEngine ? engine.family : undefined;
  checkNames(p, 'databases', props.databases, sql, family && ((n: string) => sqlDatabaseProblem(family, n, platform)));
  checkNames(p, 'users', props.users, sql, family && ((n: string) => sqlUserProblem(family, n, platform)));
  const mw = props.maintenanceWindow;
  if (checkObject(p, 'maintenanceWindow', mw, { fix: "give { day: Weekday.SUNDAY, hourUtc: 3 }, or leave it out" })) {
    p.check(Object.values(Weekday).includes(mw.day), 'maintenanceWindow.day', mw.day, 'is not a day of the week',
      'use a Weekday member (Weekday.SUNDAY)');
    p.check(mw.hourUtc !== undefined, 'maintenanceWindow.hourUtc', mw.hourUtc, 'is required', 'give the starting hour in UTC, 0 to 23');
    checkInt(p, 'maintenanceWindow.hourUtc', mw.hourUtc, 0, 23);
  }
  checkBoolean(p, 'allowPublicInternet', props.allowPublicInternet);
  checkBoolean(p, 'preventDestroy', props.preventDestroy);
  checkArray<unknown>(p, 'tags', props.tags, { fix: "give tags as a list of strings, e.g. ['erp'], or leave it out" }).forEach((tag, i) => {
    if (!isUnresolved(tag)) {
      p.check(typeof tag === 'string' && TAG_RE.test(tag), `tags[${i}]`, tag, 'is not a valid tag',
        'use letters, digits, `_`, `:` and `-` (at most 255; no dots: DigitalOcean refuses them in tags)');
    }
  });
}

function checkNames(p: Problems, prop: string, value: unknown, sql: boolean, limit?: (name: string) => LimitProblem | undefined): void {
  const names = checkArray<unknown>(p, prop, value, { fix: `give ${prop} as a list of names, e.g. ['erp'], or leave it out` });
  if (names.length === 0) return;
  if (!sql) {
    p.add(prop, names, 'is only supported for PostgreSQL and MySQL', `remove ${prop} for Valkey`);
    return;
  }
  const seen = new Set<unknown>();
  names.forEach((n, i) => {
    if (isUnresolved(n)) return;
    const shaped = typeof n === 'string' && SQL_NAME_RE.test(n);
    p.check(shaped, `${prop}[${i}]`, n, 'is not a valid name',
      'use up to 63 letters, digits, `_` and `-`, starting with a letter or `_`');
    const why = shaped && limit ? limit(n as string) : undefined;
    if (why) p.add(`${prop}[${i}]`, n, why.problem, why.fix);
    p.check(!seen.has(n), `${prop}[${i}]`, n, 'is listed twice', 'list each name once');
    seen.add(n);
  });
}

/** Flattens clients and sources into firewall entries, recording problems under `prop[i]`. */
export function toAccessSources(
  p: Problems, prop: string, entries: DatabaseAccessEntry[], allowPublicInternet: boolean,
): DatabaseAccessSource[] {
  return checkArray<DatabaseAccessEntry>(p, prop, entries, { fix: 'give a list such as [DatabaseAccess.tag(\'erp-web\')], or leave it out' }).flatMap((entry, i) => entrySources(p, `${prop}[${i}]`, entry, allowPublicInternet));
}

/** The valid firewall entries of one client or source, recording problems under `where`. */
export function entrySources(
  p: Problems, where: string, entry: DatabaseAccessEntry, allowPublicInternet: boolean,
): DatabaseAccessSource[] {
  const client = isClient(entry);
  const sources: DatabaseAccessSource[] = client ? entry.databaseAccessSources : [entry as DatabaseAccessSource];
  const out: DatabaseAccessSource[] = [];
  sources.forEach((s, j) => {
    const at = client ? `${where}.databaseAccessSources[${j}]` : where;
    if (checkAccessSource(p, at, s, allowPublicInternet)) out.push({ type: s.type, value: s.value });
  });
  return out;
}

function isClient(entry: DatabaseAccessEntry): entry is { databaseAccessSources: DatabaseAccessSource[] } {
  return typeof entry === 'object' && entry !== null && Array.isArray((entry as { databaseAccessSources?: unknown }).databaseAccessSources);
}

/** Records a problem and returns false when a firewall entry is malformed. */
function checkAccessSource(p: Problems, prop: string, s: DatabaseAccessSource, allowPublicInternet: boolean): boolean {
  const before = p.count;
  if (s === null || typeof s !== 'object' || !Object.values(DatabaseAccessSourceType).includes(s.type)) {
    p.add(prop, s, 'is not a database access source',
      'use DatabaseAccess.tag(...), .droplet(...), .kubernetes(...), .app(...) or .cidr(...), or a client with databaseAccessSources');
    return false;
  }
  const v = s.value;
  if (isUnresolved(v)) return true;
  if (typeof v !== 'string' || v.length === 0) {
    p.add(`${prop}.value`, v, 'is empty', 'give the id, tag or CIDR to admit');
    return false;
  }
  switch (s.type) {
    case DatabaseAccessSourceType.IP_ADDRESS:
      checkCidr(p, `${prop}.value`, v, allowPublicInternet);
      break;
    case DatabaseAccessSourceType.DROPLET:
      p.check(/^\d+$/.test(v), `${prop}.value`, v, 'is not a droplet id', 'use the numeric droplet id (droplet.id)');
      break;
    case DatabaseAccessSourceType.TAG:
      p.check(TAG_RE.test(v), `${prop}.value`, v, 'is not a valid tag', 'use letters, digits, `_`, `:` and `-` (at most 255; no dots: DigitalOcean refuses them in tags)');
      break;
    case DatabaseAccessSourceType.KUBERNETES:
    case DatabaseAccessSourceType.APP:
      p.check(UUID.test(v), `${prop}.value`, v, `is not a ${s.type === DatabaseAccessSourceType.APP ? 'App Platform app' : 'Kubernetes cluster'} id`,
        'use the id (a UUID) of the resource, for example cluster.id');
      break;
  }
  return p.count === before;
}

/** Records a problem when `v` is not an IPv4 address or CIDR block, or is the whole internet without the escape. */
export function checkCidr(p: Problems, prop: string, v: string, allowPublicInternet: boolean): void {
  const cidr = parseIpv4Cidr(v);
  if (!cidr) {
    p.add(prop, v, 'is not an IPv4 address or CIDR block (IPv6 is not accepted by DigitalOcean database firewalls)',
      'use an address like 203.0.113.7 or a block like 203.0.113.0/24');
    return;
  }
  if (cidr.prefix === 0 && !allowPublicInternet) {
    p.add(prop, v, 'admits the whole internet', 'name the addresses that need access, or set allowPublicInternet: true to opt out on purpose');
  }
}

/** Percent-encodes a URI component, also when it is a token. */
function uriPart(value: string): string {
  return Token.isUnresolved(value) ? Fn.urlencode(value) : encodeURIComponent(value);
}

/** The parts an implementation knows about how to reach its database. */
export interface ConnectionParts {
  readonly engine: DatabaseEngine;
  readonly host: string;
  readonly port: string;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** The CA certificate (PEM) that signs the server certificate, when the platform exposes it. */
  readonly caCertificate?: string;
  /** A URL to download the CA bundle from, when the platform publishes one instead. */
  readonly caCertificateUrl?: string;
  /** Extra plain variables (for example where the rotated password lives). */
  readonly extraPlain?: Record<string, string>;
}

/**
 * Builds the connection an app uses, with TLS required everywhere:
 * `sslmode=require` (PostgreSQL), `ssl-mode=REQUIRED` (MySQL), `rediss://` (Valkey).
 */
export function buildConnection(c: ConnectionParts): DatabaseConnection {
  const auth = `${uriPart(c.user)}:${uriPart(c.password)}`;
  const plain: Record<string, string> = {};
  const secret: Record<string, string> = {};
  let uri: string;
  switch (c.engine.family) {
    case DatabaseEngineFamily.POSTGRES:
      uri = `postgresql://${auth}@${c.host}:${c.port}/${c.database}?sslmode=require`;
      Object.assign(plain, sqlPlain('pgsql', c), {
        DB_SSLMODE: 'require',
        PGHOST: c.host, PGPORT: c.port, PGDATABASE: c.database, PGUSER: c.user, PGSSLMODE: 'require',
      });
      Object.assign(secret, { DB_PASSWORD: c.password, PGPASSWORD: c.password, DATABASE_URL: uri });
      break;
    case DatabaseEngineFamily.MYSQL:
      uri = `mysql://${auth}@${c.host}:${c.port}/${c.database}?ssl-mode=REQUIRED`;
      Object.assign(plain, sqlPlain('mysql', c), { MYSQL_ATTR_SSL_CA: DATABASE_CA_CERT_PATH });
      if (c.caCertificate !== undefined) plain.DATABASE_CA_CERT = c.caCertificate;
      if (c.caCertificateUrl !== undefined) plain.DATABASE_CA_CERT_URL = c.caCertificateUrl;
      Object.assign(secret, { DB_PASSWORD: c.password, DATABASE_URL: uri });
      break;
    default:
      uri = `rediss://${auth}@${c.host}:${c.port}`;
      Object.assign(plain, { REDIS_HOST: c.host, REDIS_PORT: c.port, REDIS_USERNAME: c.user, REDIS_SCHEME: 'tls' });
      Object.assign(secret, { REDIS_PASSWORD: c.password, REDIS_URL: uri });
      break;
  }
  Object.assign(plain, c.extraPlain ?? {});
  const environment: AppEnvironment = { plain, secret };
  return {
    engine: c.engine.family, engineVersion: c.engine.version, host: c.host, port: c.port, user: c.user, password: c.password,
    database: c.database, uri, environment,
  };
}

function sqlPlain(connection: string, c: ConnectionParts): Record<string, string> {
  return {
    DB_CONNECTION: connection, DB_HOST: c.host, DB_PORT: c.port, DB_DATABASE: c.database, DB_USERNAME: c.user,
  };
}

/** A stable, readable construct id fragment for a name or firewall value. */
export function idPart(value: string): string {
  return Token.isUnresolved(value) ? '' : value.replace(/[^A-Za-z0-9_-]/g, '_');
}
