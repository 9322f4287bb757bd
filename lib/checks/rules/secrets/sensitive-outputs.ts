import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { refLabel } from '../../private/values';
import { CheckSeverity } from '../../rule';

/**
 * ERP-SEC-3: outputs whose value reads a secret (a sensitive attribute, a sensitive
 * variable, a generated password) are marked sensitive.
 *
 * Terraform prints every other output in plan and apply logs, which CI and Terraform Cloud
 * keep.
 */
export class SecretOutputsSensitive extends ErpRule {
  public readonly id = 'ERP-SEC-3';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'Outputs that carry a secret are marked sensitive.';
  public readonly fix = 'make the TerraformOutput with sensitive: true';

  public check(m: ICheckedStack): RuleFinding[] {
    const out: RuleFinding[] = [];
    for (const o of m.outputs) {
      if (o.sensitive) continue;
      const refs = o.refs.filter((r) => m.isSecretReference(r));
      if (refs.length > 0) {
        out.push({ construct: o.construct, address: o.address, message: `the output shows ${refs.map(refLabel).join(', ')} in plan and apply logs` });
      }
    }
    return out;
  }
}
