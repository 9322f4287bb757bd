import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { CheckSeverity } from '../../rule';

/**
 * ERP-DO-7: DigitalOcean Kubernetes clusters take patch releases automatically
 * (`auto_upgrade`) and upgrade with surge nodes (`surge_upgrade` not turned off).
 *
 * Security fixes of Kubernetes then land in the maintenance window without anyone acting,
 * and nodes are drained only once replacement capacity runs, so pods stay up.
 */
export class KubernetesAutoUpgrade extends ErpRule {
  public readonly id = 'ERP-DO-7';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'DigitalOcean Kubernetes clusters upgrade patch releases automatically, with surge upgrades.';
  public readonly fix = 'set auto_upgrade true with a maintenance_policy window, and leave surge_upgrade true (its default)';

  public check(m: ICheckedStack): RuleFinding[] {
    const out: RuleFinding[] = [];
    for (const k of m.ofType('digitalocean_kubernetes_cluster')) {
      if (k.config.auto_upgrade !== true) out.push(this.finding(k, 'auto_upgrade is off: security patches of Kubernetes wait for someone to apply them'));
      if (k.config.surge_upgrade === false) out.push(this.finding(k, 'surge_upgrade is off: upgrades drain nodes without replacement capacity, so pods go down'));
    }
    return out;
  }
}
