import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { list } from '../../private/values';
import { CheckSeverity } from '../../rule';

/**
 * ERP-CF-2: every tunnel whose configuration Cloudflare manages (`config_src = "cloudflare"`)
 * has an ingress configuration, and every ingress list ends with a catch-all rule (no
 * hostname, no path).
 *
 * cloudflared refuses an ingress list without a final catch-all, so the tunnel would not
 * serve at all; the catch-all (a 404) also keeps unknown hostnames from reaching an origin.
 */
export class TunnelCatchAllRule extends ErpRule {
  public readonly id = 'ERP-CF-2';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'Every Cloudflare Tunnel managed by Cloudflare has an ingress configuration that ends with a catch-all rule (no hostname, no path).';
  public readonly fix = 'end the ingress list with { service = "http_status:404" } (TunnelIngress adds it)';

  public check(m: ICheckedStack): RuleFinding[] {
    const out: RuleFinding[] = [];
    const configs = m.ofType('cloudflare_zero_trust_tunnel_cloudflared_config');
    for (const cfg of configs) {
      const ingress = list<any>(list<any>(cfg.config.config)[0]?.ingress);
      const last = ingress[ingress.length - 1];
      if (!last || (last.hostname !== undefined && last.hostname !== '') || (last.path !== undefined && last.path !== '')) {
        out.push(this.finding(cfg, ingress.length === 0 ? 'the tunnel configuration has no ingress rules'
          : `the last ingress rule matches ${last.hostname ?? ''}${last.path ?? ''} only: requests for other hostnames have no rule`));
      }
    }
    for (const t of m.ofType('cloudflare_zero_trust_tunnel_cloudflared')) {
      if (t.config.config_src !== 'cloudflare') continue;
      if (!configs.some((c) => m.target(c.config.tunnel_id, t.type) === t)) {
        out.push(this.finding(t, 'the tunnel\'s configuration is managed by Cloudflare but the stack gives it none'));
      }
    }
    return out;
  }
}
