import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { list } from '../../private/values';
import { CheckSeverity } from '../../rule';

/**
 * ERP-DO-9: Spaces buckets are versioned (`versioning { enabled = true }`).
 *
 * As with S3, versioning is what lets an overwritten or deleted backup be restored.
 */
export class SpacesVersioningEnabled extends ErpRule {
  public readonly id = 'ERP-DO-9';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'Spaces buckets are versioned.';
  public readonly fix = 'set versioning { enabled = true } on the Space (SpacesBackupVault does this)';

  public check(m: ICheckedStack): RuleFinding[] {
    return m.ofType('digitalocean_spaces_bucket')
      .filter((b) => !list<any>(b.config.versioning).some((v) => v.enabled === true))
      .map((b) => this.finding(b, 'the Space is not versioned: an overwrite or delete cannot be undone'));
  }
}
