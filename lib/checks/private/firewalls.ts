import { CheckedResource, ICheckedStack } from '../model';
import { RuleFinding } from '../erp-rule';
import { findingOn, list } from './values';

/** The sources that mean "the whole internet". */
export const WORLD = ['0.0.0.0/0', '::/0'];

/** The ports of a firewall rule's `port_range` (`22`, `8000-8100`, `all` or none: every port); undefined when unreadable. */
function portsOf(range: unknown): [number, number] | undefined {
  if (range === undefined || range === null || range === '' || range === 'all' || range === '0') return [1, 65535];
  const text = String(range);
  const mm = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!mm) return undefined;
  return [Number(mm[1]), Number(mm[2] ?? mm[1])];
}

/** Findings on every DigitalOcean firewall whose inbound rules open one of `checkPorts` to the world. */
export function worldOpenFindings(m: ICheckedStack, checkPorts: number[], label: string): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const fw of m.ofType('digitalocean_firewall')) {
    for (const rule of list<any>(fw.config.inbound_rule)) {
      if (rule.protocol === 'icmp') continue;
      const world = list<string>(rule.source_addresses).filter((a) => WORLD.includes(a));
      if (world.length === 0) continue;
      const range = portsOf(rule.port_range);
      if (!range) continue;
      const hit = checkPorts.filter((p) => p >= range[0] && p <= range[1]);
      if (hit.length > 0) {
        out.push(findingOn(fw, `inbound ${rule.protocol} ${rule.port_range ?? 'all'} is open to ${world.join(' and ')}: ${label} ${hit.join(', ')} reachable from the whole internet`));
      }
    }
  }
  return out;
}

/** The firewalls of a database cluster or replica. */
export function databaseFirewalls(m: ICheckedStack, db: CheckedResource): CheckedResource[] {
  return m.ofType('digitalocean_database_firewall').filter((fw) => {
    const t = m.target(fw.config.cluster_id, db.type);
    return t === db;
  });
}
