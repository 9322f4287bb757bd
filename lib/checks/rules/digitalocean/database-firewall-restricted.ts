import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { WORLD, databaseFirewalls } from '../../private/firewalls';
import { list } from '../../private/values';
import { CheckSeverity } from '../../rule';

/**
 * ERP-DO-4: every DigitalOcean database cluster and read replica has a
 * `digitalocean_database_firewall`, and no rule of any database firewall admits the whole
 * internet (0.0.0.0/0, ::/0 or any `/0`).
 *
 * A managed database without firewall rules accepts connections from any address.
 */
export class DatabaseFirewallRestricted extends ErpRule {
  public readonly id = 'ERP-DO-4';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'Every DigitalOcean database cluster and replica has a firewall, and no firewall rule admits 0.0.0.0/0 or ::/0.';
  public readonly fix = 'add a digitalocean_database_firewall (ManagedDatabase makes one) and admit clients by droplet, tag or Kubernetes cluster (db.allowFrom(app))';

  public check(m: ICheckedStack): RuleFinding[] {
    const out: RuleFinding[] = [];
    for (const db of [...m.ofType('digitalocean_database_cluster'), ...m.ofType('digitalocean_database_replica')]) {
      if (databaseFirewalls(m, db).length === 0) {
        out.push(this.finding(db, 'the database has no firewall: DigitalOcean then accepts connections from any source'));
      }
    }
    for (const fw of m.ofType('digitalocean_database_firewall')) {
      const open = list<any>(fw.config.rule).filter((r) => r.type === 'ip_addr' && (WORLD.includes(r.value) || /\/0$/.test(String(r.value))));
      if (open.length > 0) out.push(this.finding(fw, `the firewall admits ${open.map((r) => r.value).join(', ')}: the whole internet`));
    }
    return out;
  }
}
