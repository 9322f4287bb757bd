import { CheckedResource, ICheckedStack } from '../model';
import { list } from './values';

/** Words that name an admin tool in a hostname or path. */
const ADMIN_WORDS = [
  'admin', 'administrator', 'phpmyadmin', 'pma', 'adminer', 'pgadmin', 'grafana', 'beholder', 'flower', 'horizon',
  'kibana', 'prometheus', 'portainer', 'traefik', 'telescope', 'rabbitmq', 'netdata', 'webmin', 'cpanel', 'mailhog',
];

/** The Access application domains of the stack, as host and path prefix. */
export function accessDomains(m: ICheckedStack): Array<{ host: string; path: string }> {
  const out: Array<{ host: string; path: string }> = [];
  for (const app of m.ofType('cloudflare_zero_trust_access_application')) {
    const domains = [app.config.domain, ...list<any>(app.config.destinations).map((d) => d.uri), ...list<string>(app.config.self_hosted_domains)];
    for (const d of domains) {
      if (typeof d !== 'string' || d === '') continue;
      const slash = d.indexOf('/');
      out.push(slash < 0 ? { host: d, path: '' } : { host: d.slice(0, slash), path: d.slice(slash).replace(/\/+$/, '') });
    }
  }
  return out;
}

/** True when a hostname pattern (`app.example.com`, `*.example.com`) matches a host. */
export function hostMatches(pattern: string, host: string): boolean {
  if (pattern === host) return true;
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1));
  return false;
}

/** The plain path prefix of an ingress path (`^/admin(/|$)` -> `/admin`), or the path as written. */
export function plainPath(path: unknown): string {
  if (typeof path !== 'string') return '';
  const mm = /^\^?((?:\/[A-Za-z0-9._~-]*)*?)\/?(?:\(\/\|\$\))?$/.exec(path.replace(/\\(.)/g, '$1'));
  return mm ? mm[1] : path;
}

/** The word of a hostname or path that names an admin tool, if any. */
export function adminWord(hostname: string, path: string): string | undefined {
  const words = `${hostname} ${path}`.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 0);
  return words.find((w) => ADMIN_WORDS.includes(w) || /^(php|pg|db|my|sys|site|web)?admin$/.test(w));
}

/** Routes a TunnelIngress was told are public on purpose (`allowPublicAdmin`), as `host path`. */
export function publicOnPurpose(config: CheckedResource): Set<string> {
  const scope = config.construct.node.scope as any;
  const routes: unknown = scope?.routes;
  const out = new Set<string>();
  if (Array.isArray(routes)) {
    for (const r of routes) if (r && r.allowPublicAdmin === true) out.add(`${r.hostname} ${plainPath(r.path)}`);
  }
  return out;
}
