import { AnnotationMetadataEntryType, TerraformStack, Testing } from 'cdktf';
import { AccessPolicy, CloudflarePlan, TunnelIngress } from '../lib/tunnel';

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const ZONE = 'fedcba9876543210fedcba9876543210';

/** `type.name` of every resource and data source in a synthesized stack, sorted. */
function resourceList(json: any): string[] {
  const out: string[] = [];
  for (const [kind, prefix] of [['resource', ''], ['data', 'data.']] as const) {
    for (const [type, byName] of Object.entries(json[kind] ?? {})) {
      for (const name of Object.keys(byName as object)) out.push(`${prefix}${type}.${name}`);
    }
  }
  return out.sort();
}

function warnings(tunnel: TunnelIngress): string[] {
  return tunnel.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data));
}

describe('reference configurations', () => {
  test('the Laravel invoicing app: tenant wildcard and phpMyAdmin behind Access', () => {
    const stack = new TerraformStack(Testing.app(), 'facturador');
    const tunnel = new TunnelIngress(stack, 'Tunnel', {
      accountId: ACCOUNT,
      zoneId: ZONE,
      zoneName: 'example.com',
      name: 'facturador-prod',
      accessTeamName: 'facturador',
      deepHostnameCertificates: true,
      routes: [
        { hostname: 'pma.fact.example.com', service: 'http://phpmyadmin:80', access: AccessPolicy.emailDomains('example.com') },
        { hostname: 'fact.example.com', service: 'http://web:8080' },
      ],
      securityHeaders: {},
      rateLimits: {
        plan: CloudflarePlan.PRO,
        rules: [
          { name: 'api', pathPrefix: '/api', requestsPerPeriod: 100, periodSeconds: 10 },
          { name: 'login', pathPrefix: '/login', requestsPerPeriod: 5, periodSeconds: 60, mitigationTimeoutSeconds: 3600 },
        ],
      },
    });
    // The app service adds the tenants' wildcard after construction.
    tunnel.addRoute({ hostname: '*.fact.example.com', service: 'http://web:8080' });

    const json = JSON.parse(Testing.synth(stack));
    const list = resourceList(json);
    console.log(`Laravel invoicing app (${list.length}):\n${list.join('\n')}`);
    expect(list).toEqual([
      'cloudflare_dns_record.Tunnel_Dns-fact-example-com_4BB608C1',
      'cloudflare_dns_record.Tunnel_Dns-pma-fact-example-com_2345FD76',
      'cloudflare_dns_record.Tunnel_Dns-wildcard-fact-example-com_E6681930',
      'cloudflare_ruleset.Tunnel_RateLimits_D20F5ABD',
      'cloudflare_ruleset.Tunnel_SecurityHeaders_F0F158C3',
      'cloudflare_zero_trust_access_application.Tunnel_Access-pma-fact-example-com_4FC4C8F5',
      'cloudflare_zero_trust_access_policy.Tunnel_AccessPolicy-pma-fact-example-com_8BA06B30',
      'cloudflare_zero_trust_tunnel_cloudflared.Tunnel_208A5559',
      'cloudflare_zero_trust_tunnel_cloudflared_config.Tunnel_Config_5C958DA3',
      'data.cloudflare_zero_trust_tunnel_cloudflared_token.Tunnel_Token_4AB2A72A',
    ]);

    const ingress = (Object.values(json.resource.cloudflare_zero_trust_tunnel_cloudflared_config)[0] as any).config.ingress;
    expect(ingress.map((r: any) => [r.hostname, r.service])).toEqual([
      ['pma.fact.example.com', 'http://phpmyadmin:80'],
      ['fact.example.com', 'http://web:8080'],
      ['*.fact.example.com', 'http://web:8080'],
      [undefined, 'http_status:404'],
    ]);
    expect(ingress[0].origin_request.access.required).toBe(true);
    const app = Object.values(json.resource.cloudflare_zero_trust_access_application)[0] as any;
    expect(app.domain).toBe('pma.fact.example.com');
    const policy = Object.values(json.resource.cloudflare_zero_trust_access_policy)[0] as any;
    expect(policy.include).toEqual([{ email_domain: { domain: 'example.com' } }]);
    expect(warnings(tunnel)).toEqual([]);
    expect(tunnel.node.validate()).toEqual([]);
  });

  test('the FastAPI ISP manager: path routes with the monitor behind Access', () => {
    const stack = new TerraformStack(Testing.app(), 'emerald');
    const tunnel = new TunnelIngress(stack, 'Tunnel', {
      accountId: ACCOUNT,
      zoneId: ZONE,
      zoneName: 'example.com',
      name: 'emerald-prod',
      routes: [
        { hostname: 'isp.example.com', path: '/api', service: 'http://backend:8000' },
        { hostname: 'isp.example.com', path: '/beholder', service: 'http://monitor:3001', access: AccessPolicy.emails('noc@example.com') },
        { hostname: 'isp.example.com', path: '/', service: 'http://frontend:80' },
      ],
      rateLimits: {
        plan: CloudflarePlan.FREE,
        rules: [{ name: 'api', pathPrefix: '/api', requestsPerPeriod: 100, periodSeconds: 10 }],
      },
    });

    const json = JSON.parse(Testing.synth(stack));
    const list = resourceList(json);
    console.log(`FastAPI ISP manager (${list.length}):\n${list.join('\n')}`);
    expect(list).toEqual([
      'cloudflare_dns_record.Tunnel_Dns-isp-example-com_212080B9',
      'cloudflare_ruleset.Tunnel_RateLimits_D20F5ABD',
      'cloudflare_zero_trust_access_application.Tunnel_Access-isp-example-com-beholder_62912701',
      'cloudflare_zero_trust_access_policy.Tunnel_AccessPolicy-isp-example-com-beholder_BB615862',
      'cloudflare_zero_trust_tunnel_cloudflared.Tunnel_208A5559',
      'cloudflare_zero_trust_tunnel_cloudflared_config.Tunnel_Config_5C958DA3',
      'data.cloudflare_zero_trust_tunnel_cloudflared_token.Tunnel_Token_4AB2A72A',
    ]);

    const ingress = (Object.values(json.resource.cloudflare_zero_trust_tunnel_cloudflared_config)[0] as any).config.ingress;
    expect(ingress).toEqual([
      { hostname: 'isp.example.com', path: '^/api(/|$)', service: 'http://backend:8000' },
      { hostname: 'isp.example.com', path: '^/beholder(/|$)', service: 'http://monitor:3001' },
      { hostname: 'isp.example.com', path: '^/', service: 'http://frontend:80' },
      { service: 'http_status:404' },
    ]);
    const app = Object.values(json.resource.cloudflare_zero_trust_access_application)[0] as any;
    expect(app.domain).toBe('isp.example.com/beholder');
    expect(tunnel.hostnames).toEqual(['isp.example.com']);
    expect(warnings(tunnel)).toEqual([]);
  });
});
