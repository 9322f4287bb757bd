import { ErpRule, RuleFinding } from '../../erp-rule';
import { ICheckedStack } from '../../model';
import { accessDomains, adminWord, hostMatches, plainPath, publicOnPurpose } from '../../private/tunnel-routes';
import { isRef, list } from '../../private/values';
import { CheckSeverity } from '../../rule';

/**
 * ERP-CF-1: tunnel ingress routes whose hostname or path names an admin tool (phpMyAdmin,
 * Adminer, Grafana, Flower, `/admin`...) are covered by a Cloudflare Access application.
 *
 * A tunnel publishes whatever it routes to the whole internet; admin tools hold the
 * database and the users, so they sit behind a login at Cloudflare's edge. A route a
 * TunnelIngress marks `allowPublicAdmin` is public on purpose and not reported.
 */
export class TunnelAdminRoutesBehindAccess extends ErpRule {
  public readonly id = 'ERP-CF-1';
  public readonly severity = CheckSeverity.ERROR;
  public readonly description = 'Tunnel routes whose hostname or path looks like an admin tool (phpMyAdmin, Grafana, /admin...) are behind Cloudflare Access.';
  public readonly fix = 'give the route access (TunnelRoute.access: AccessPolicy.emails / emailDomains / groups); if it is public on purpose set allowPublicAdmin: true';

  public check(m: ICheckedStack): RuleFinding[] {
    const out: RuleFinding[] = [];
    const domains = accessDomains(m);
    for (const cfg of m.ofType('cloudflare_zero_trust_tunnel_cloudflared_config')) {
      const purposely = publicOnPurpose(cfg);
      for (const rule of list<any>(list<any>(cfg.config.config)[0]?.ingress)) {
        const host = rule.hostname;
        if (typeof host !== 'string' || host === '' || isRef(host)) continue;
        const path = plainPath(rule.path);
        const word = adminWord(host, path);
        if (!word || purposely.has(`${host} ${path}`)) continue;
        const covered = domains.some((d) => hostMatches(d.host, host) && (d.path === '' || path === d.path || path.startsWith(`${d.path}/`)));
        if (!covered) out.push(this.finding(cfg, `route ${host}${path} -> ${rule.service} looks like an admin tool ("${word}") and no Access application covers it`));
      }
    }
    return out;
  }
}
