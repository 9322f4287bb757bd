import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { secretFindings } from '../../private/secrets';
import { CheckSeverity } from '../../rule';

/**
 * ERP-SEC-2 (warning): secrets in the environment of local Docker containers are flagged.
 *
 * The Docker provider has no secret store: container environment shows in `docker inspect`
 * and in the Terraform state. That is acceptable for development credentials only, which
 * the local tier states with a suppression.
 */
export class DockerDevelopmentSecrets extends ErpRule {
  public readonly id = 'ERP-SEC-2';
  public readonly severity = CheckSeverity.WARNING;
  public readonly description = 'Secrets in the environment of local Docker containers are development values only (they show in docker inspect and in the state).';
  public readonly fix = 'use development credentials in a local environment; never point it at production secrets';

  public check(m: ICheckedStack): RuleFinding[] {
    return secretFindings(m, (t) => t === 'docker_container');
  }
}
