import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { CheckSeverity } from '../../rule';

/**
 * ERP-DO-6: DigitalOcean database clusters are placed in a VPC of their own
 * (`private_network_uuid` set).
 *
 * Without it a cluster joins the region's default VPC, shared with every other droplet of
 * the account, and apps of other environments sit on its private network.
 */
export class DatabasePrivateNetwork extends ErpRule {
  public readonly id = 'ERP-DO-6';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'DigitalOcean database clusters are in a private network (private_network_uuid set).';
  public readonly fix = 'give the cluster a VPC (ManagedDatabase creates one, or pass vpc) and connect apps on the private host';

  public check(m: ICheckedStack): RuleFinding[] {
    return m.ofType('digitalocean_database_cluster')
      .filter((db) => db.config.private_network_uuid === undefined || db.config.private_network_uuid === '')
      .map((db) => this.finding(db, 'the cluster has no private_network_uuid: it joins the region\'s default VPC, shared with every other droplet of the account'));
  }
}
