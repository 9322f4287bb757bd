import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { secretFindings } from '../../private/secrets';
import { CheckSeverity } from '../../rule';

/**
 * ERP-SEC-1: no secret sits in droplet user data, in a plain Kubernetes `env` value or in a
 * config map: neither a reference to a secret (a password, a URI with credentials, a token,
 * a sensitive variable) nor a literal value under a secret's name (`DB_PASSWORD=...`).
 *
 * User data is readable from the droplet's metadata service and the control panel; config
 * maps and pod specs are readable by anyone who may list them. Secrets travel as files over
 * SSH or as Kubernetes Secrets instead.
 */
export class NoPlainSecrets extends ErpRule {
  public readonly id = 'ERP-SEC-1';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'Secrets (passwords, URIs with credentials, tokens, keys) are never in droplet user data or in plain Kubernetes environment values or config maps.';
  public readonly fix = 'pass secrets through the app\'s secrets (ErpAppService secrets / connectTo): env files of the release on droplets (S3ReleaseStore), Kubernetes Secrets read with value_from';

  public check(m: ICheckedStack): RuleFinding[] {
    return secretFindings(m, (t) => t === 'digitalocean_droplet' || (t.startsWith('kubernetes_') && !/^kubernetes_secret/.test(t)));
  }
}
