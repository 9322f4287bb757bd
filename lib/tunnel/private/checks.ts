import { EMAIL, HOST_LABEL, UUID } from '../../private/patterns';
import { Problems, isUnresolved } from '../../private/validate';
import { CloudflarePlan } from '../zone-security';

/** Periods Cloudflare accepts for rate limiting rules, per plan. */
export const RATE_LIMIT_PERIODS: Record<CloudflarePlan, number[]> = {
  [CloudflarePlan.FREE]: [10],
  [CloudflarePlan.PRO]: [10, 60],
  [CloudflarePlan.BUSINESS]: [10, 60, 600],
  [CloudflarePlan.ENTERPRISE]: [10, 60, 120, 300, 600, 3600],
};

/** Mitigation timeouts Cloudflare accepts, per plan. */
export const RATE_LIMIT_TIMEOUTS: Record<CloudflarePlan, number[]> = {
  [CloudflarePlan.FREE]: [10],
  [CloudflarePlan.PRO]: [10, 60, 3600],
  [CloudflarePlan.BUSINESS]: [10, 60, 3600, 86400],
  [CloudflarePlan.ENTERPRISE]: [10, 60, 120, 300, 600, 3600, 86400],
};

/** How many rate limiting rules a zone may have, per plan. */
export const RATE_LIMIT_RULE_COUNT: Record<CloudflarePlan, number> = {
  [CloudflarePlan.FREE]: 1,
  [CloudflarePlan.PRO]: 2,
  [CloudflarePlan.BUSINESS]: 5,
  [CloudflarePlan.ENTERPRISE]: 100,
};

const ID32 = /^[0-9a-f]{32}$/;
/** A path made of plain URL characters only: a prefix, not a regular expression. */
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~/%@!$&'+,;=:]*$/;

/** Words that mark a route as an admin tool. */
export const ADMIN_WORDS = [
  'admin', 'administrator', 'phpmyadmin', 'pma', 'adminer', 'pgadmin', 'grafana', 'beholder', 'flower', 'horizon',
  'kibana', 'prometheus', 'portainer', 'traefik', 'telescope', 'rabbitmq', 'netdata', 'webmin', 'cpanel', 'mailhog',
];

/** True when a Cloudflare account or zone id looks right (32 lowercase hex digits), or is a token. */
export function checkCloudflareId(p: Problems, prop: string, value: string): void {
  p.check(typeof value === 'string' && ID32.test(value), prop, value,
    'is not a Cloudflare id (32 lowercase hexadecimal characters)',
    'copy the id from the Cloudflare dashboard (Overview page, right column), or pass a token');
}

/** True when the zone name is a domain (`example.com`). */
export function isDomain(name: string): boolean {
  if (typeof name !== 'string' || name.length > 253) return false;
  const labels = name.split('.');
  return labels.length >= 2 && labels.every((l) => HOST_LABEL.test(l)) && /[a-z]/.test(labels[labels.length - 1]);
}

/**
 * Checks a route hostname: a full name inside the zone, lowercase, with a
 * wildcard only as its whole leftmost label.
 */
export function checkHostname(p: Problems, prop: string, hostname: string, zoneName: string): void {
  // The zone as the examples in the fixes show it (a zone name that is not a domain is recorded on its own).
  const zone = typeof zoneName === 'string' && isDomain(zoneName) ? zoneName : 'example.com';
  if (isUnresolved(hostname)) return;
  if (typeof hostname !== 'string') {
    p.add(prop, hostname, hostname === undefined ? 'is required' : 'must be a string', `give the full hostname, for example "app.${zone}"`);
    return;
  }
  if (hostname.length === 0) {
    p.add(prop, hostname, 'is empty', `give the full hostname, for example "app.${zone}"`);
    return;
  }
  if (hostname !== hostname.toLowerCase()) {
    p.add(prop, hostname, 'has uppercase letters', `write it in lowercase: "${hostname.toLowerCase()}"`);
    return;
  }
  const labels = hostname.split('.');
  const badWildcard = labels.some((l, i) => l.includes('*') && (i !== 0 || l !== '*'));
  if (badWildcard) {
    p.add(prop, hostname, 'has a wildcard that is not the whole leftmost label',
      `use a wildcard only as the first label, for example "*.${zone}"`);
    return;
  }
  const rest = labels[0] === '*' ? labels.slice(1) : labels;
  if (hostname.length > 253 || !rest.every((l) => HOST_LABEL.test(l))) {
    p.add(prop, hostname, 'is not a valid hostname',
      'use labels of letters, digits and hyphens (1 to 63 characters, no hyphen at either end), separated by dots');
    return;
  }
  if (isUnresolved(zoneName) || !isDomain(zoneName)) return;
  const inside = hostname === zoneName || hostname.endsWith(`.${zoneName}`);
  p.check(inside, prop, hostname, `is not inside the zone "${zoneName}"`,
    `use a name ending in ".${zoneName}", or make a TunnelIngress for the zone that holds it`);
}

/**
 * The services a route may name, as the connector reads them (Cloudflare One docs, "Configuration file",
 * Supported protocols; cloudflared ingress/ingress.go): `http(s)://`, `tcp://`, `ssh://`, `rdp://` and
 * `smb://` URLs with a host and no path, `unix:` and `unix+tls:` socket paths, `http_status:NNN`,
 * `hello_world` (the built-in test server) and `bastion`. SOCKS is not a service: it is an origin
 * setting (`originRequest.proxyType: socks`), which TunnelRoute does not offer.
 */
const SERVICE_SCHEMES = ['http', 'https', 'tcp', 'ssh', 'rdp', 'smb'];

const SERVICE_FIX = 'use scheme://host[:port] with a scheme of http, https, tcp, ssh, rdp or smb (for example "http://web:8080"), '
  + 'unix:/path/to.sock or unix+tls:/path/to.sock, http_status:NNN, or hello_world';

/**
 * The API of a container engine: a unix socket named `docker.sock` (`/var/run/docker.sock`), `containerd.sock`
 * or `podman.sock`, or Docker's TCP ports 2375 (plain) and 2376 (TLS), which IANA registers for the Docker API.
 */
const ENGINE_SOCKET = /(^|\/)(docker|containerd|podman)\.sock$/;
const ENGINE_PORTS = ['2375', '2376'];
const ENGINE_WHY = 'exposes the container engine\'s API: whoever reaches it can start a privileged container and so owns the host '
  + '(root on the droplet, every container, every secret), and the tunnel puts it on a public hostname';
const ENGINE_FIX = 'route the tunnel to the app\'s HTTP services only (for example "http://web:8080"); manage the engine over SSH from adminCidrs, never through the tunnel';

/** Checks an origin service: `http://web:8080`, `tcp://db:5432`, `unix:/run/app.sock`, `http_status:404`, `hello_world`. */
export function checkService(p: Problems, prop: string, service: string): void {
  if (isUnresolved(service)) return;
  if (typeof service !== 'string') {
    p.add(prop, service, service === undefined ? 'is required' : 'must be a string', SERVICE_FIX);
    return;
  }
  if (service.length === 0) {
    p.add(prop, service, 'is empty', SERVICE_FIX);
    return;
  }
  const status = /^http_status:(\d+)$/.exec(service);
  if (status) {
    const code = Number(status[1]);
    p.check(code >= 100 && code <= 599, prop, service, 'is not an HTTP status between 100 and 599', 'use http_status:404 or another status');
    return;
  }
  if (service === 'hello_world') return;
  if (service === 'bastion') {
    p.add(prop, service, 'turns the connector into a jump host: "cloudflared will act like a jumphost, allowing access to any local address" '
      + '(Cloudflare One docs, Configuration file), so the hostname would reach every address the connector can',
    'route each hostname to one service (for example "http://web:8080")');
    return;
  }
  const unix = /^(unix|unix\+tls):(\/\/)?(\/.+)$/.exec(service);
  if (unix) {
    if (ENGINE_SOCKET.test(unix[3])) p.add(prop, service, ENGINE_WHY, ENGINE_FIX);
    return;
  }
  const m = /^([a-z][a-z0-9+]*):\/\/([^/:?#\s]+)(?::([^/?#]*))?(\/?)([^]*)$/.exec(service);
  if (!m) {
    p.add(prop, service, 'is not a service URL', SERVICE_FIX);
    return;
  }
  const [, scheme, host, port, , rest] = m;
  if (!SERVICE_SCHEMES.includes(scheme)) {
    const socks = scheme.startsWith('socks') ? ' (SOCKS is an origin setting of cloudflared, not a service)' : '';
    p.add(prop, service, `has the scheme "${scheme}", which a tunnel cannot forward to${socks}`, SERVICE_FIX);
    return;
  }
  const hostOk = /^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$/.test(host) || /^\[[0-9a-fA-F:.]+\]$/.test(host);
  p.check(hostOk, prop, service, `has the host "${host}", which is not a hostname or IP address`, SERVICE_FIX);
  if (port !== undefined) {
    const n = Number(port);
    p.check(/^\d+$/.test(port) && n >= 1 && n <= 65535, prop, service, `has the port "${port}", which is not 1 to 65535`,
      'give a port number from 1 to 65535, or leave it out for the scheme default');
    if (ENGINE_PORTS.includes(port)) p.add(prop, service, `${ENGINE_WHY} (port ${port} is the Docker API's)`, ENGINE_FIX);
  } else if (scheme === 'tcp') {
    p.add(prop, service, 'has no port', 'a tcp:// service needs a port, for example "tcp://db:5432"');
  }
  p.check(rest === '', prop, service, 'has a path, query or fragment, which the connector rejects in a service',
    'give only scheme://host:port; route paths with the route\'s path instead');
}

/** True when the path is a plain prefix (`/api`) rather than a regular expression (`^/api/v[0-9]+`). */
export function isPlainPath(path: string): boolean {
  return PLAIN_PATH.test(path);
}

/** Checks a route path: a plain prefix starting with `/`, or a regular expression. */
export function checkPath(p: Problems, prop: string, path: string | undefined): void {
  if (path === undefined || isUnresolved(path)) return;
  if (typeof path !== 'string') {
    p.add(prop, path, 'must be a string', 'give a prefix such as "/api" or a regular expression, or leave the path out to route the whole hostname');
    return;
  }
  if (path.length === 0) {
    p.add(prop, path, 'is empty', 'leave the path out to route the whole hostname, or give a prefix such as "/api"');
    return;
  }
  if (isPlainPath(path)) return;
  let ok = true;
  try {
    new RegExp(path);
  } catch {
    ok = false;
  }
  p.check(ok, prop, path, 'is neither a path prefix (starting with "/") nor a valid regular expression',
    'give a prefix such as "/api", or a regular expression such as "^/api/v[0-9]+"');
  p.check(!ok || !/\(\?[=!<]/.test(path), prop, path, 'uses a look-around, which the connector\'s RE2 regular expressions do not support',
    'rewrite the expression without (?=, (?! or (?<');
}

/**
 * The regular expression the connector matches a route's path with.
 * A plain prefix `/api` becomes `^/api(/|$)` (so it matches `/api` and `/api/...`
 * but not `/apix`); `/` and prefixes ending in `/` match everything below them.
 * A path that is already a regular expression is kept as given.
 */
export function pathToRegex(path: string): string {
  if (!isPlainPath(path)) return path;
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return path.endsWith('/') ? `^${escaped}` : `^${escaped}(/|$)`;
}

/** The Access domain of a route: `host` or `host/path` for a plain prefix. */
export function accessDomain(hostname: string, path: string | undefined): string {
  if (path === undefined || path === '/') return hostname;
  return `${hostname}${path.replace(/\/+$/, '')}`;
}

/** True when a hostname or path names an admin tool (phpMyAdmin, Grafana, `/admin`...). */
export function looksLikeAdmin(hostname: string, zoneName: string, path: string | undefined): string | undefined {
  const host = typeof hostname === 'string' && typeof zoneName === 'string' && hostname.endsWith(`.${zoneName}`)
    ? hostname.slice(0, -zoneName.length - 1) : String(hostname);
  const words = `${host} ${path ?? ''}`.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 0);
  return words.find((w) => ADMIN_WORDS.includes(w) || /^(php|pg|db|my|sys|site|web)?admin$/.test(w));
}

/** Checks the entries of an Access policy. */
export function checkEmails(p: Problems, prop: string, emails: readonly string[]): void {
  emails.forEach((e, i) => p.check(typeof e === 'string' && EMAIL.test(e), `${prop}.emails[${i}]`, e,
    'is not an email address', 'give an address such as "ana@example.com"'));
}

export function checkEmailDomains(p: Problems, prop: string, domains: readonly string[]): void {
  domains.forEach((d, i) => p.check(typeof d === 'string' && isDomain(d), `${prop}.emailDomains[${i}]`, d,
    'is not an email domain', 'give the domain after the @, such as "example.com"'));
}

export function checkGroupIds(p: Problems, prop: string, ids: readonly string[]): void {
  ids.forEach((g, i) => p.check(typeof g === 'string' && UUID.test(g), `${prop}.groupIds[${i}]`, g,
    'is not an Access group id (a UUID)', 'copy the group id from Zero Trust > Access > Access groups'));
}
