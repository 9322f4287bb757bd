import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { worldOpenFindings } from '../../private/firewalls';
import { CheckSeverity } from '../../rule';

/**
 * ERP-DO-2: no DigitalOcean firewall opens SSH (port 22, alone or in a range) to
 * 0.0.0.0/0 or ::/0.
 *
 * An SSH port open to the internet is scanned and brute-forced within minutes; admins come
 * from known addresses, and releases need no inbound access at all.
 */
export class FirewallSshNotPublic extends ErpRule {
  public readonly id = 'ERP-DO-2';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'No DigitalOcean firewall opens SSH (22) to 0.0.0.0/0 or ::/0.';
  public readonly fix = 'admit SSH only from your admin addresses (DropletRuntime: adminCidrs), or reach the droplets through the tunnel';

  public check(m: ICheckedStack): RuleFinding[] {
    return worldOpenFindings(m, [22], 'SSH port');
  }
}
