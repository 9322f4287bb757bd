import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { CheckSeverity } from '../../rule';

/** The resource types that hold data or the keys to it, on every provider. */
const STATEFUL = [
  'aws_s3_bucket', 'aws_kms_key', 'aws_db_instance', 'aws_rds_cluster',
  'digitalocean_database_cluster', 'digitalocean_database_replica', 'digitalocean_database_db', 'digitalocean_spaces_bucket', 'digitalocean_volume',
];

/**
 * ERP-DATA-1: databases, buckets, volumes and KMS keys (AWS and DigitalOcean) carry
 * `lifecycle.prevent_destroy` and no `force_destroy`.
 *
 * A `terraform destroy`, or a change to an attribute that forces replacement, would otherwise
 * delete the data with no question asked; `force_destroy` empties a bucket on the way.
 */
export class StatefulPreventDestroy extends ErpRule {
  public readonly id = 'ERP-DATA-1';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'Databases, backup buckets and their keys are protected with prevent_destroy and are never force-destroyed.';
  public readonly fix = 'keep the constructs\' default (preventDestroy / protectFromDestroy true); for a throwaway environment suppress this rule on it with the reason';

  public check(m: ICheckedStack): RuleFinding[] {
    const out: RuleFinding[] = [];
    for (const el of m.resources.filter((e) => !e.isData && STATEFUL.includes(e.type))) {
      if (el.config.lifecycle?.prevent_destroy !== true) out.push(this.finding(el, `${el.type} is not protected with lifecycle.prevent_destroy: a destroy or a replacement deletes its data`));
      if (el.config.force_destroy === true) out.push(this.finding(el, `${el.type} has force_destroy: destroying it deletes every object in it`));
    }
    return out;
  }
}
