import { ErpRule, RuleFinding } from '../../erp-rule';
import { CheckedResource, ICheckedStack } from '../../model';
import { databaseFirewalls } from '../../private/firewalls';
import { list } from '../../private/values';
import { CheckSeverity } from '../../rule';

/** The "nobody" entry a ManagedDatabase firewall holds while no client is admitted (TEST-NET-1, never routed). */
const NOBODY_SOURCES = new Set(['192.0.2.1', '192.0.2.1/32']);

/** The resources that connect to a database: anything outside the database's own resources that reads its host, URI, password or a user of it. */
function databaseUsers(m: ICheckedStack, db: CheckedResource): CheckedResource[] {
  const related = new Set<string>([db.address]);
  for (const type of ['digitalocean_database_user', 'digitalocean_database_connection_pool', 'digitalocean_database_db', 'digitalocean_database_replica']) {
    for (const el of m.ofType(type)) if (m.target(el.config.cluster_id, db.type) === db) related.add(el.address);
  }
  const connecting = ['host', 'private_host', 'uri', 'private_uri', 'password', 'port', 'user', 'name', 'database'];
  return m.resources.filter((e) => !e.type.startsWith('digitalocean_database_') && e.type !== 'digitalocean_project_resources'
    && e.refs.some((r) => related.has(r.address) && connecting.includes(r.attribute)));
}

/**
 * ERP-DO-5: a database cluster that some resource of the stack connects to (reads its host,
 * URI, password or a user) admits someone: its firewall holds a rule besides the "nobody"
 * placeholder ManagedDatabase starts with.
 *
 * Otherwise the deploy succeeds and the app cannot reach its database; the fix is one intent
 * call, which this finding names.
 */
export class DatabaseFirewallAdmitsApp extends ErpRule {
  public readonly id = 'ERP-DO-5';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'A database an app connects to admits that app: its firewall is not empty.';
  public readonly fix = 'call db.allowFrom(app) (ErpAppService.connectTo does it) so the firewall admits the app\'s droplets, tag or cluster';

  public check(m: ICheckedStack): RuleFinding[] {
    const out: RuleFinding[] = [];
    for (const db of m.ofType('digitalocean_database_cluster')) {
      const users = databaseUsers(m, db);
      if (users.length === 0) continue;
      for (const fw of databaseFirewalls(m, db)) {
        const real = list<any>(fw.config.rule).filter((r) => !(r.type === 'ip_addr' && NOBODY_SOURCES.has(String(r.value))));
        if (real.length === 0) {
          out.push(this.finding(fw, `the firewall admits nobody, yet ${users.map((u) => u.address).slice(0, 3).join(', ')} connect to ${db.address}: the app cannot reach its database`));
        }
      }
    }
    return out;
  }
}
