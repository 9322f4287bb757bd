import { AnnotationMetadataEntryType, App, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import { ErpValidationError } from '../lib/errors';
import {
  AccessPolicy, CertificateAuthority, CertificateValidationMethod, CloudflarePlan, DEFAULT_CLOUDFLARED_IMAGE, FrameOptions,
  RateLimitAction, TunnelIngress, TunnelIngressProps, TunnelSecret,
} from '../lib/tunnel';

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const ZONE = 'fedcba9876543210fedcba9876543210';
const GROUP = '2cd9a1b4-3c4f-4c4e-9a36-0f3b8d7c1e52';

function base(extra: Partial<TunnelIngressProps> = {}): TunnelIngressProps {
  return { accountId: ACCOUNT, zoneId: ZONE, zoneName: 'example.com', name: 'erp-prod', ...extra };
}

function make(extra: Partial<TunnelIngressProps> = {}) {
  const app: App = Testing.app();
  const stack = new TerraformStack(app, 'test');
  const tunnel = new TunnelIngress(stack, 'Tunnel', base(extra));
  return { stack, tunnel };
}

function synth(stack: TerraformStack): any {
  return JSON.parse(Testing.synth(stack));
}

function only<T = any>(json: any, type: string): T {
  const all = Object.values(json.resource?.[type] ?? {});
  expect(all).toHaveLength(1);
  return all[0] as T;
}

function warnings(tunnel: TunnelIngress): string[] {
  return tunnel.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data));
}

function errorOf(fn: () => unknown): ErpValidationError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ErpValidationError) return e;
    throw e;
  }
  throw new Error('expected an ErpValidationError');
}

describe('TunnelIngress', () => {
  test('the tunnel is managed by Cloudflare and has the id Resource', () => {
    const { stack, tunnel } = make({ routes: [{ hostname: 'app.example.com', service: 'http://web:8080' }] });
    expect(tunnel.tunnel.node.id).toBe('Resource');
    const t = only(synth(stack), 'cloudflare_zero_trust_tunnel_cloudflared');
    expect(t).toEqual({ account_id: ACCOUNT, name: 'erp-prod', config_src: 'cloudflare' });
  });

  test('routes keep their order and the 404 catch-all is always last, also for routes added later', () => {
    const { stack, tunnel } = make({
      routes: [
        { hostname: 'isp.example.com', path: '/api', service: 'http://backend:8000' },
        { hostname: 'isp.example.com', path: '/', service: 'http://frontend:80' },
      ],
    });
    tunnel.addRoute({ hostname: 'ws.example.com', service: 'http://websocket:6001' });
    const cfg = only(synth(stack), 'cloudflare_zero_trust_tunnel_cloudflared_config');
    expect(cfg.source).toBe('cloudflare');
    expect(cfg.config.ingress).toEqual([
      { hostname: 'isp.example.com', path: '^/api(/|$)', service: 'http://backend:8000' },
      { hostname: 'isp.example.com', path: '^/', service: 'http://frontend:80' },
      { hostname: 'ws.example.com', service: 'http://websocket:6001' },
      { service: 'http_status:404' },
    ]);
  });

  test('a regular-expression path is passed to the connector as given', () => {
    const { stack } = make({ routes: [{ hostname: 'app.example.com', path: '^/api/v[0-9]+/', service: 'http://api:8000' }] });
    const cfg = only(synth(stack), 'cloudflare_zero_trust_tunnel_cloudflared_config');
    expect(cfg.config.ingress[0].path).toBe('^/api/v[0-9]+/');
  });

  test('origin options are written with the v5 field names', () => {
    const { stack } = make({
      routes: [{
        hostname: 'app.example.com', service: 'https://web:8443',
        origin: { connectTimeoutSeconds: 10, noTlsVerify: true, httpHostHeader: 'web.internal', originServerName: 'web.internal' },
      }],
    });
    const cfg = only(synth(stack), 'cloudflare_zero_trust_tunnel_cloudflared_config');
    expect(cfg.config.ingress[0].origin_request).toEqual({
      connect_timeout: 10, no_tls_verify: true, http_host_header: 'web.internal', origin_server_name: 'web.internal',
    });
  });

  test('every distinct hostname gets one proxied CNAME to the tunnel, plain and wildcard names alike', () => {
    const { stack, tunnel } = make({
      deepHostnameCertificates: true,
      routes: [
        { hostname: 'fact.example.com', service: 'http://web:8080' },
        { hostname: '*.fact.example.com', service: 'http://web:8080' },
        { hostname: 'isp.example.com', path: '/api', service: 'http://backend:8000' },
        { hostname: 'isp.example.com', service: 'http://frontend:80' },
      ],
    });
    const records = Object.values(synth(stack).resource.cloudflare_dns_record) as any[];
    expect(records.map((r) => r.name).sort()).toEqual(['*.fact.example.com', 'fact.example.com', 'isp.example.com']);
    for (const r of records) {
      expect(r).toMatchObject({ zone_id: ZONE, type: 'CNAME', proxied: true, ttl: 1 });
      expect(r.content).toBe('${cloudflare_zero_trust_tunnel_cloudflared.Tunnel_208A5559.id}.cfargotunnel.com');
    }
    expect(tunnel.hostnames).toEqual(['fact.example.com', '*.fact.example.com', 'isp.example.com']);
    expect(Object.keys(tunnel.dnsRecords)).toEqual(tunnel.hostnames);
  });

  test('a route added later gets its DNS record', () => {
    const { stack, tunnel } = make({ routes: [{ hostname: 'app.example.com', service: 'http://web:8080' }] });
    tunnel.addRoute({ hostname: 'api.example.com', service: 'http://api:8000' });
    const names = Object.values(synth(stack).resource.cloudflare_dns_record).map((r: any) => r.name);
    expect(names.sort()).toEqual(['api.example.com', 'app.example.com']);
    expect(tunnel.hostnames).toEqual(['app.example.com', 'api.example.com']);
  });

  test('the connector carries the tunnel id, the token from the data source and a pinned image', () => {
    const { stack, tunnel } = make({ routes: [{ hostname: 'app.example.com', service: 'http://web:8080' }] });
    new TerraformOutput(stack, 'token', { value: tunnel.connector.token, sensitive: true });
    new TerraformOutput(stack, 'tunnel_id', { value: tunnel.connector.tunnelId });
    new TerraformOutput(stack, 'cname', { value: tunnel.cnameTarget });
    const json = synth(stack);
    const data = Object.values(json.data.cloudflare_zero_trust_tunnel_cloudflared_token) as any[];
    expect(data).toHaveLength(1);
    expect(data[0]).toEqual({ account_id: ACCOUNT, tunnel_id: '${cloudflare_zero_trust_tunnel_cloudflared.Tunnel_208A5559.id}' });
    expect(json.output.token.value).toBe('${data.cloudflare_zero_trust_tunnel_cloudflared_token.Tunnel_Token_4AB2A72A.token}');
    expect(json.output.tunnel_id.value).toBe('${cloudflare_zero_trust_tunnel_cloudflared.Tunnel_208A5559.id}');
    expect(json.output.cname.value).toBe('${cloudflare_zero_trust_tunnel_cloudflared.Tunnel_208A5559.id}.cfargotunnel.com');
    expect(tunnel.connector.image).toBe(DEFAULT_CLOUDFLARED_IMAGE);
    expect(DEFAULT_CLOUDFLARED_IMAGE).toMatch(/^cloudflare\/cloudflared:\d{4}\.\d+\.\d+$/);
  });

  test('TunnelSecret.random makes a 32-byte random_bytes secret for the tunnel', () => {
    const { stack } = make({ tunnelSecret: TunnelSecret.random(), routes: [{ hostname: 'app.example.com', service: 'http://web:8080' }] });
    const json = synth(stack);
    expect(only(json, 'random_bytes')).toEqual({ length: 32 });
    const bytesKey = Object.keys(json.resource.random_bytes)[0];
    expect(only(json, 'cloudflare_zero_trust_tunnel_cloudflared').tunnel_secret).toBe(`\${random_bytes.${bytesKey}.base64}`);
  });

  test('an admin route gets an Access application and a reusable allow policy attached by id', () => {
    const { stack, tunnel } = make({
      accessSessionHours: 4,
      routes: [{
        hostname: 'isp.example.com', path: '/beholder', service: 'http://monitor:3001',
        access: AccessPolicy.anyOf(AccessPolicy.emails('noc@example.com'), AccessPolicy.emailDomains('example.com'), AccessPolicy.groups(GROUP)),
      }],
    });
    const json = synth(stack);
    const policy = only(json, 'cloudflare_zero_trust_access_policy');
    expect(policy).toMatchObject({ account_id: ACCOUNT, decision: 'allow' });
    expect(policy.include).toEqual([
      { email: { email: 'noc@example.com' } },
      { email_domain: { domain: 'example.com' } },
      { group: { id: GROUP } },
    ]);
    const app = only(json, 'cloudflare_zero_trust_access_application');
    expect(app).toMatchObject({
      account_id: ACCOUNT, type: 'self_hosted', domain: 'isp.example.com/beholder', session_duration: '4h',
      destinations: [{ type: 'public', uri: 'isp.example.com/beholder' }],
    });
    const policyKey = Object.keys(json.resource.cloudflare_zero_trust_access_policy)[0];
    expect(app.policies).toEqual([{ id: `\${cloudflare_zero_trust_access_policy.${policyKey}.id}`, precedence: 1 }]);
    expect(tunnel.accessGates.map((g) => g.domain)).toEqual(['isp.example.com/beholder']);
    expect(warnings(tunnel)).toEqual([]);
  });

  test('with a team name the connector also requires the Access token of the admin route', () => {
    const { stack } = make({
      accessTeamName: 'acme',
      routes: [{ hostname: 'grafana.example.com', service: 'http://grafana:3000', access: AccessPolicy.emails('ops@example.com') }],
    });
    const json = synth(stack);
    const appKey = Object.keys(json.resource.cloudflare_zero_trust_access_application)[0];
    const cfg = only(json, 'cloudflare_zero_trust_tunnel_cloudflared_config');
    expect(cfg.config.ingress[0].origin_request.access).toEqual({
      required: true, team_name: 'acme', aud_tag: [`\${cloudflare_zero_trust_access_application.${appKey}.aud}`],
    });
  });

  test('an admin-looking route without Access raises a warning', () => {
    const { tunnel } = make({
      routes: [
        { hostname: 'pma.example.com', service: 'http://phpmyadmin:80' },
        { hostname: 'app.example.com', path: '/admin', service: 'http://web:8080' },
        { hostname: 'app.example.com', service: 'http://web:8080' },
      ],
    });
    tunnel.addRoute({ hostname: 'flower.example.com', service: 'http://flower:5555' });
    const w = warnings(tunnel);
    expect(w).toHaveLength(3);
    expect(w[0]).toContain('pma.example.com -> http://phpmyadmin:80 looks like an admin tool ("pma")');
    expect(w[1]).toContain('app.example.com/admin');
    expect(w[2]).toContain('flower.example.com');
  });

  test('allowPublicAdmin silences the admin warning, and an ordinary route raises none', () => {
    const { tunnel } = make({
      routes: [
        { hostname: 'grafana.example.com', service: 'http://grafana:3000', allowPublicAdmin: true },
        { hostname: 'shop.example.com', service: 'http://web:8080' },
      ],
    });
    expect(warnings(tunnel)).toEqual([]);
  });

  test('a hostname two levels below the zone warns about the Universal SSL certificate', () => {
    const { tunnel } = make({ routes: [{ hostname: '*.fact.example.com', service: 'http://web:8080' }] });
    expect(warnings(tunnel)).toEqual([expect.stringContaining('Universal SSL certificate covers only example.com and *.example.com')]);
  });

  test('advancedCertificate orders one advanced pack for the zone apex and the hostnames two levels deep, made before the old one goes', () => {
    const { stack, tunnel } = make({
      advancedCertificate: {},
      routes: [
        { hostname: 'pma.fact.example.com', service: 'http://pma:80', access: AccessPolicy.emailDomains('example.com') },
        { hostname: 'fact.example.com', service: 'http://web:8080' },
        { hostname: '*.fact.example.com', service: 'http://web:8080' },
      ],
    });
    tunnel.addRoute({ hostname: 'api.isp.example.com', service: 'http://web:8080' });
    const pack = only(synth(stack), 'cloudflare_certificate_pack');
    expect(pack).toEqual({
      zone_id: ZONE, type: 'advanced', certificate_authority: 'lets_encrypt', validity_days: 90, validation_method: 'txt',
      cloudflare_branding: false, hosts: ['example.com', 'pma.fact.example.com', '*.fact.example.com', 'api.isp.example.com'],
      lifecycle: { create_before_destroy: true },
    });
    expect(tunnel.certificatePack?.node.id).toBe('Certificate');
    expect(warnings(tunnel)).toEqual([]);
  });

  test('advancedCertificate orders no pack while every hostname is one level below the zone', () => {
    const { stack, tunnel } = make({ advancedCertificate: { certificateAuthority: CertificateAuthority.GOOGLE, validityDays: 30 },
      routes: [{ hostname: 'fact.example.com', service: 'http://web:8080' }] });
    expect(synth(stack).resource.cloudflare_certificate_pack).toBeUndefined();
    expect(tunnel.certificatePack).toBeUndefined();
  });

  test('rate limits become one http_ratelimit ruleset counted per IP and data center', () => {
    const { stack } = make({
      routes: [{ hostname: 'app.example.com', service: 'http://web:8080' }],
      rateLimits: {
        plan: CloudflarePlan.PRO,
        rules: [
          { name: 'api', pathPrefix: '/api', requestsPerPeriod: 100, periodSeconds: 10 },
          { name: 'login', pathPrefix: '/login', requestsPerPeriod: 5, periodSeconds: 60, mitigationTimeoutSeconds: 3600, hostname: 'app.example.com' },
        ],
      },
    });
    const rs = only(synth(stack), 'cloudflare_ruleset');
    expect(rs).toMatchObject({ zone_id: ZONE, kind: 'zone', phase: 'http_ratelimit' });
    expect(rs.rules).toEqual([
      {
        ref: 'rate_limit_api', description: 'erp-prod: api', action: 'block', enabled: true,
        expression: '(http.request.uri.path eq "/api" or starts_with(http.request.uri.path, "/api/"))',
        ratelimit: { characteristics: ['cf.colo.id', 'ip.src'], period: 10, requests_per_period: 100, mitigation_timeout: 10 },
      },
      {
        ref: 'rate_limit_login', description: 'erp-prod: login', action: 'block', enabled: true,
        expression: '(http.host eq "app.example.com") and (http.request.uri.path eq "/login" or starts_with(http.request.uri.path, "/login/"))',
        ratelimit: { characteristics: ['cf.colo.id', 'ip.src'], period: 60, requests_per_period: 5, mitigation_timeout: 3600 },
      },
    ]);
  });

  test('a managed challenge rule has no mitigation timeout', () => {
    const { stack } = make({
      routes: [{ hostname: 'app.example.com', service: 'http://web:8080' }],
      rateLimits: { rules: [{ name: 'api', pathPrefix: '/api', requestsPerPeriod: 50, periodSeconds: 10, action: RateLimitAction.MANAGED_CHALLENGE }] },
    });
    const rs = only(synth(stack), 'cloudflare_ruleset');
    expect(rs.rules[0].action).toBe('managed_challenge');
    expect(rs.rules[0].ratelimit.mitigation_timeout).toBe(0);
  });

  test('security headers are set on the tunnel hostnames, including wildcards and routes added later', () => {
    const { stack, tunnel } = make({
      deepHostnameCertificates: true,
      routes: [{ hostname: 'fact.example.com', service: 'http://web:8080' }, { hostname: '*.fact.example.com', service: 'http://web:8080' }],
      securityHeaders: { frameOptions: FrameOptions.DENY },
    });
    tunnel.addRoute({ hostname: 'isp.example.com', service: 'http://frontend:80' });
    const rs = only(synth(stack), 'cloudflare_ruleset');
    expect(rs.phase).toBe('http_response_headers_transform');
    expect(rs.rules[0].expression).toBe('(http.host in {"fact.example.com" "isp.example.com"}) or (ends_with(http.host, ".fact.example.com"))');
    expect(rs.rules[0].action_parameters.headers).toEqual({
      'Strict-Transport-Security': { operation: 'set', value: 'max-age=31536000; includeSubDomains' },
      'X-Content-Type-Options': { operation: 'set', value: 'nosniff' },
      'X-Frame-Options': { operation: 'set', value: 'DENY' },
      'Referrer-Policy': { operation: 'set', value: 'strict-origin-when-cross-origin' },
      'Permissions-Policy': { operation: 'set', value: 'camera=(), microphone=(), geolocation=(), payment=()' },
    });
  });

  test('security headers cover the additional hostnames of other tunnels in the zone, as the zone has one such ruleset', () => {
    const { stack } = make({
      routes: [{ hostname: 'fact.example.com', service: 'http://web:8080' }],
      securityHeaders: { additionalHostnames: ['dev-fact.example.com', '*.dev-fact.example.com', 'fact.example.com'] },
    });
    expect(only(synth(stack), 'cloudflare_ruleset').rules[0].expression)
      .toBe('(http.host in {"fact.example.com" "dev-fact.example.com"}) or (ends_with(http.host, ".dev-fact.example.com"))');
  });

  test('ids and names given as tokens are not checked', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'test');
    const { TerraformVariable } = require('cdktf');
    const account = new TerraformVariable(stack, 'account', { type: 'string' });
    const zone = new TerraformVariable(stack, 'zone', { type: 'string' });
    expect(() => new TunnelIngress(stack, 'Tunnel', {
      accountId: account.stringValue, zoneId: zone.stringValue, zoneName: 'example.com', name: 'erp',
      routes: [{ hostname: 'app.example.com', service: 'http://web:8080' }],
    })).not.toThrow();
  });
});

describe('TunnelIngress validation', () => {
  test('fails on account and zone ids that are not 32 lowercase hex characters, naming both props', () => {
    const e = errorOf(() => make({ accountId: 'ABC', zoneId: '0123456789ABCDEF0123456789ABCDEF' }));
    expect(e.problems.map((p) => p.prop)).toEqual(['accountId', 'zoneId']);
    expect(e.message).toContain('accountId: is not a Cloudflare id');
    expect(e.message).toContain('test/Tunnel');
  });

  test('fails on a zone name that is not a domain', () => {
    expect(() => make({ zoneName: 'example' })).toThrow(/zoneName: is not a domain name/);
  });

  test('fails on a tunnel name with spaces', () => {
    expect(() => make({ name: 'erp prod' })).toThrow(/name: is not a tunnel name/);
  });

  test('fails on a hostname outside the zone', () => {
    expect(() => make({ routes: [{ hostname: 'app.example.org', service: 'http://web:8080' }] }))
      .toThrow(/routes\[0\]\.hostname: is not inside the zone "example.com"/);
  });

  test('fails on a wildcard that is not the whole leftmost label', () => {
    const e = errorOf(() => make({
      routes: [
        { hostname: 'app.*.example.com', service: 'http://web:8080' },
        { hostname: '*app.example.com', service: 'http://web:8080' },
      ],
    }));
    expect(e.problems.map((p) => p.prop)).toEqual(['routes[0].hostname', 'routes[1].hostname']);
    expect(e.message).toContain('wildcard that is not the whole leftmost label');
  });

  test('fails on a hostname with uppercase letters or a bad label', () => {
    const e = errorOf(() => make({
      routes: [{ hostname: 'App.example.com', service: 'http://web:8080' }, { hostname: '-app.example.com', service: 'http://web:8080' }],
    }));
    expect(e.problems.map((p) => [p.prop, p.problem])).toEqual([
      ['routes[0].hostname', 'has uppercase letters'],
      ['routes[1].hostname', 'is not a valid hostname'],
    ]);
  });

  test('fails on malformed service URLs, naming each one', () => {
    const e = errorOf(() => make({
      routes: [
        { hostname: 'a.example.com', service: 'web:8080' },
        { hostname: 'b.example.com', service: 'ftp://files:21' },
        { hostname: 'c.example.com', service: 'http://web:99999' },
        { hostname: 'd.example.com', service: 'http://web:8080/app' },
        { hostname: 'e.example.com', service: 'tcp://db' },
        { hostname: 'f.example.com', service: 'http_status:999' },
      ],
    }));
    expect(e.problems.map((p) => p.prop)).toEqual([0, 1, 2, 3, 4, 5].map((i) => `routes[${i}].service`));
    expect(e.problems.map((p) => p.problem)).toEqual([
      'is not a service URL',
      'has the scheme "ftp", which a tunnel cannot forward to',
      'has the port "99999", which is not 1 to 65535',
      'has a path, query or fragment, which the connector rejects in a service',
      'has no port',
      'is not an HTTP status between 100 and 599',
    ]);
  });

  test('accepts the service forms the connector supports', () => {
    expect(() => make({
      routes: [
        { hostname: 'a.example.com', service: 'https://web:8443' },
        { hostname: 'b.example.com', service: 'tcp://db:5432' },
        { hostname: 'c.example.com', service: 'ssh://bastion:22' },
        { hostname: 'd.example.com', service: 'unix:/run/app.sock' },
        { hostname: 'e.example.com', service: 'http_status:503' },
        { hostname: 'f.example.com', service: 'http://10.0.0.5' },
      ],
    })).not.toThrow();
  });

  test('fails on a duplicate hostname and path, also when added later', () => {
    expect(() => make({
      routes: [
        { hostname: 'isp.example.com', path: '/api', service: 'http://backend:8000' },
        { hostname: 'isp.example.com', path: '/api/', service: 'http://backend:8001' },
      ],
    })).toThrow(/routes\[1\]\.hostname: repeats the hostname and path of route 0/);
    const { tunnel } = make({ routes: [{ hostname: 'app.example.com', service: 'http://web:8080' }] });
    expect(() => tunnel.addRoute({ hostname: 'app.example.com', service: 'http://web:9090' }))
      .toThrow(/route\.hostname: repeats the hostname and path of route 0/);
  });

  test('fails on a route that an earlier route always takes first', () => {
    const e = errorOf(() => make({
      routes: [
        { hostname: '*.fact.example.com', service: 'http://web:8080' },
        { hostname: 'pma.fact.example.com', service: 'http://phpmyadmin:80', access: AccessPolicy.emailDomains('example.com') },
        { hostname: 'isp.example.com', service: 'http://frontend:80' },
        { hostname: 'isp.example.com', path: '/api', service: 'http://backend:8000' },
      ],
    }));
    expect(e.problems.map((p) => p.prop)).toEqual(['routes[1].hostname', 'routes[3].hostname']);
    expect(e.message).toContain('is never reached: route 0 (*.fact.example.com) comes first');
  });

  test('fails on an invalid path regular expression or an empty path', () => {
    const e = errorOf(() => make({
      routes: [
        { hostname: 'a.example.com', path: '^/api/(v1', service: 'http://api:8000' },
        { hostname: 'b.example.com', path: '', service: 'http://api:8000' },
      ],
    }));
    expect(e.problems.map((p) => p.prop)).toEqual(['routes[0].path', 'routes[1].path']);
  });

  test('fails on Access for a regular-expression path', () => {
    expect(() => make({
      routes: [{ hostname: 'app.example.com', path: '^/admin/.*', service: 'http://web:8080', access: AccessPolicy.emails('a@example.com') }],
    })).toThrow(/routes\[0\]\.path: is a regular expression, which Cloudflare Access cannot protect/);
  });

  test('fails on invalid emails, email domains and group ids, and on a policy that admits nobody', () => {
    const e = errorOf(() => make({
      routes: [
        {
          hostname: 'pma.example.com', service: 'http://phpmyadmin:80',
          access: AccessPolicy.anyOf(AccessPolicy.emails('ana@', 'luis@example.com'), AccessPolicy.emailDomains('@example.com'), AccessPolicy.groups('admins')),
        },
        { hostname: 'adminer.example.com', service: 'http://adminer:8080', access: AccessPolicy.emails() },
      ],
    }));
    expect(e.problems.map((p) => p.prop)).toEqual([
      'routes[0].access.emails[0]', 'routes[0].access.emailDomains[0]', 'routes[0].access.groupIds[0]', 'routes[1].access',
    ]);
  });

  test('fails on rate limit periods and timeouts the plan does not allow', () => {
    const e = errorOf(() => make({
      routes: [{ hostname: 'app.example.com', service: 'http://web:8080' }],
      rateLimits: {
        plan: CloudflarePlan.FREE,
        rules: [
          { name: 'login', pathPrefix: '/login', requestsPerPeriod: 5, periodSeconds: 60, mitigationTimeoutSeconds: 600, methods: ['POST'] },
          { name: 'api', pathPrefix: 'api', requestsPerPeriod: 0, periodSeconds: 10, hostname: 'app.example.com' },
        ],
      },
    }));
    expect(e.problems.map((p) => p.prop)).toEqual([
      'rateLimits.rules',
      'rateLimits.rules[0].periodSeconds',
      'rateLimits.rules[0].mitigationTimeoutSeconds',
      'rateLimits.rules[0].methods',
      'rateLimits.rules[1].pathPrefix',
      'rateLimits.rules[1].requestsPerPeriod',
      'rateLimits.rules[1].hostname',
    ]);
    expect(e.message).toContain('periodSeconds: is not a period a free zone allows (got 60). Fix: use one of 10 seconds');
  });

  test('fails on a rate limit period no plan allows', () => {
    expect(() => make({
      routes: [{ hostname: 'app.example.com', service: 'http://web:8080' }],
      rateLimits: { rules: [{ name: 'api', pathPrefix: '/api', requestsPerPeriod: 10, periodSeconds: 1 }] },
    })).toThrow(/rateLimits\.rules\[0\]\.periodSeconds: is not a period Cloudflare allows \(got 1\)\. Fix: use one of 10, 60, 120, 300, 600, 3600 seconds/);
  });

  test('fails on HSTS preload without a year and subdomains', () => {
    expect(() => make({ securityHeaders: { hstsPreload: true, hstsMaxAgeSeconds: 600 } }))
      .toThrow(/securityHeaders\.hstsPreload: needs a max-age of at least one year/);
  });

  test('fails on a connector image that is not pinned, and on a bad access session length', () => {
    const e = errorOf(() => make({ connectorImage: 'cloudflare/cloudflared:latest', accessSessionHours: 0 }));
    expect(e.problems.map((p) => p.prop)).toEqual(['connectorImage', 'accessSessionHours']);
  });

  test('fails on a tunnel secret shorter than 32 bytes without echoing it', () => {
    const e = errorOf(() => make({ tunnelSecret: TunnelSecret.fromValue(Buffer.from('short').toString('base64')) }));
    expect(e.problems.map((p) => p.prop)).toEqual(['tunnelSecret']);
    expect(e.message).not.toContain(Buffer.from('short').toString('base64'));
  });

  test('fails on an advanced certificate validity its authority does not issue, and on an unknown authority', () => {
    const err = errorOf(() => make({ advancedCertificate: { validityDays: 30 }, routes: [{ hostname: 'a.example.com', service: 'http://web:80' }] }));
    expect(err.message).toMatch(/advancedCertificate\.validityDays: is not a validity the authority lets_encrypt issues \(got 30\).*use one of 90 days/);
    const bad = errorOf(() => make({ advancedCertificate: { certificateAuthority: 'digicert' as CertificateAuthority } }));
    expect(bad.problems.map((p) => p.prop)).toContain('advancedCertificate.certificateAuthority');
  });

  test('fails on a wildcard hostname with an advanced certificate validated over HTTP, also when added later', () => {
    const props = { advancedCertificate: { validationMethod: CertificateValidationMethod.HTTP } };
    expect(() => make({ ...props, routes: [{ hostname: '*.fact.example.com', service: 'http://web:80' }] }))
      .toThrow(/routes\[0\]\.hostname: is a wildcard, which the certificate pack cannot validate over HTTP.*TXT/s);
    const { tunnel } = make({ ...props, routes: [{ hostname: 'pma.fact.example.com', service: 'http://pma:80', allowPublicAdmin: true }] });
    expect(() => tunnel.addRoute({ hostname: '*.fact.example.com', service: 'http://web:80' })).toThrow(/route\.hostname: is a wildcard/);
  });

  test('fails on additional security-header hostnames outside the zone', () => {
    expect(() => make({ routes: [{ hostname: 'a.example.com', service: 'http://web:80' }], securityHeaders: { additionalHostnames: ['a.example.org'] } }))
      .toThrow(/securityHeaders\.additionalHostnames\[0\]: is not inside the zone "example\.com"/);
  });

  test('fails at synth when the advanced certificate pack would hold more than 50 hostnames', () => {
    const { stack } = make({
      advancedCertificate: {},
      routes: Array.from({ length: 50 }, (_, i) => ({ hostname: `t${i}.fact.example.com`, service: 'http://web:80' })),
    });
    const tunnel = stack.node.findChild('Tunnel') as TunnelIngress;
    expect(tunnel.node.validate()).toEqual([expect.stringContaining('advancedCertificate: the certificate pack would hold 51 hostnames')]);
  });

  test('fails at synth when the tunnel has no routes at all', () => {
    const { tunnel } = make();
    expect(tunnel.node.validate()).toEqual([expect.stringContaining('the tunnel has no routes')]);
  });
});

describe('TunnelIngress props of the wrong shape', () => {
  // Props as plain JavaScript or a parsed config file may hand them over, past the type checker.
  const props = (extra: Record<string, unknown>) => extra as Partial<TunnelIngressProps>;
  const web = { hostname: 'app.example.com', service: 'http://web:8080' };

  test('fails on routes given as an object, naming routes', () => {
    const e = errorOf(() => make(props({ routes: { 0: web } })));
    expect(e.problems.map((p) => `${p.prop} ${p.problem}`)).toEqual(['routes must be a list']);
  });

  test('fails on a route path that is a list or null, naming the path, and compares no later route with it', () => {
    const e = errorOf(() => make(props({ routes: [web, { ...web, path: [[]] }, { ...web, path: null }, { ...web, path: '/api' }] })));
    expect(e.problems.map((p) => p.prop)).toEqual(['routes[1].path', 'routes[2].path', 'routes[3].hostname']);
    expect(e.problems[2].problem).toMatch(/is never reached: route 0/);
  });

  test('fails on origin settings that are not data (a function for noTlsVerify), instead of an error from synthesis', () => {
    const e = errorOf(() => make(props({ routes: [{ ...web, origin: { noTlsVerify: () => true, http2Origin: 'yes', originServerName: 7 } }] })));
    expect(e.problems.map((p) => `${p.prop} ${p.problem}`)).toEqual([
      'routes[0].origin.noTlsVerify must be true or false',
      'routes[0].origin.http2Origin must be true or false',
      'routes[0].origin.originServerName must be a string',
    ]);
  });

  test('fails on a hostname that is not a string while the zone name is a symbol, naming both', () => {
    const e = errorOf(() => make(props({ zoneName: Symbol.for('erp'), routes: [{ ...web, hostname: 42 }] })));
    expect(e.problems.map((p) => p.prop)).toEqual(['zoneName', 'routes[0].hostname']);
  });

  test('fails on rate limits and security headers of the wrong shape', () => {
    const e = errorOf(() => make(props({
      routes: [web],
      rateLimits: { plan: 'gold', rules: [null, { name: 'login', pathPrefix: '/login', requestsPerPeriod: 5, periodSeconds: 60, methods: 'POST' }] },
      securityHeaders: { hstsPreload: 'yes', hstsMaxAgeSeconds: Symbol.for('erp') },
    })));
    expect(e.problems.map((p) => p.prop)).toEqual([
      'rateLimits.plan', 'rateLimits.rules[0]', 'rateLimits.rules[1].methods',
      'securityHeaders.hstsPreload', 'securityHeaders.hstsMaxAgeSeconds',
    ]);
  });
});
