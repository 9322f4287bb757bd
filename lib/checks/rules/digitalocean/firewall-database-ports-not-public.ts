import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { worldOpenFindings } from '../../private/firewalls';
import { CheckSeverity } from '../../rule';

/** MySQL, PostgreSQL, Redis and the DigitalOcean managed database ports. */
const DATABASE_PORTS = [3306, 5432, 6379, 25060, 25061];

/**
 * ERP-DO-3: no DigitalOcean firewall opens a database port (3306, 5432, 6379, 25060,
 * 25061) to 0.0.0.0/0 or ::/0.
 *
 * Databases are reached over the private network; a database port open to the internet
 * invites password guessing and exploits of the server itself.
 */
export class FirewallDatabasePortsNotPublic extends ErpRule {
  public readonly id = 'ERP-DO-3';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'No DigitalOcean firewall opens database ports (3306, 5432, 6379, 25060, 25061) to 0.0.0.0/0 or ::/0.';
  public readonly fix = 'remove the rule: apps reach databases over the private network; admit admins by their address only';

  public check(m: ICheckedStack): RuleFinding[] {
    return worldOpenFindings(m, DATABASE_PORTS, 'database port');
  }
}
