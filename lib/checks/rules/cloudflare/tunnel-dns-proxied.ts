import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { CheckSeverity } from '../../rule';

/**
 * ERP-CF-3 (warning): DNS records that point at a tunnel (`<id>.cfargotunnel.com`) are
 * proxied.
 *
 * An unproxied record does not resolve for browsers (the tunnel host has no public address)
 * and publishes the tunnel id.
 */
export class TunnelDnsProxied extends ErpRule {
  public readonly id = 'ERP-CF-3';
  public readonly severity = CheckSeverity.WARNING;
  public readonly description = 'DNS records that point at a tunnel (*.cfargotunnel.com) are proxied.';
  public readonly fix = 'set proxied true on the record (TunnelIngress does this)';

  public check(m: ICheckedStack): RuleFinding[] {
    return m.ofType('cloudflare_dns_record')
      .filter((r) => typeof r.config.content === 'string' && r.config.content.includes('cfargotunnel.com') && r.config.proxied !== true)
      .map((r) => this.finding(r, `the record ${r.config.name} points at the tunnel but is not proxied: it does not resolve for browsers and reveals the tunnel id`));
  }
}
