import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { isRef, list } from '../../private/values';
import { CheckSeverity } from '../../rule';

/**
 * ERP-DO-1: droplets are created with SSH keys.
 *
 * A droplet without keys gets a root password that DigitalOcean sends by email, and SSH
 * accepts passwords. Keys known only at apply time count as keys.
 */
export class DropletSshKeys extends ErpRule {
  public readonly id = 'ERP-DO-1';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'Droplets are created with SSH keys (no root password sent by email).';
  public readonly fix = 'give ssh_keys (DropletRuntime: sshKeys) with the ids or fingerprints of your team\'s keys';

  public check(m: ICheckedStack): RuleFinding[] {
    return m.ofType('digitalocean_droplet')
      .filter((d) => !isRef(d.config.ssh_keys) && list(d.config.ssh_keys).length === 0)
      .map((d) => this.finding(d, 'the droplet has no SSH key: DigitalOcean sets a root password and emails it'));
  }
}
