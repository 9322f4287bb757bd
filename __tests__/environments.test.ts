import { App, Testing } from 'cdktf';
import { AppDescription } from '../stacks/description/description';
import { LARAVEL_INVOICING_EXAMPLE } from '../stacks/description/laravel-example';
import { tierHostnames } from '../stacks/description/hostnames';
import { validateAppDescription } from '../stacks/description/validate';
import { buildStacks } from '../stacks';

type Json = Record<string, any>;

/** Every cloud stack of a description (the local tier runs on a developer's own Docker engine, in no shared account). */
function cloudStacks(description: AppDescription): Record<string, Json> {
  const app = Testing.app();
  const stacks = buildStacks(app as App, validateAppDescription(description, description.name), {});
  return Object.fromEntries(stacks.filter((s) => s.tier !== 'local').map((s) => [`${description.name}/${s.stackName}`, JSON.parse(Testing.synth(s))]));
}

function resources(stack: Json, type: string): Json[] {
  return Object.values(stack.resource?.[type] ?? {});
}

/**
 * The names each provider keeps unique in an account, a region or a zone, as `namespace: name` keys;
 * two resources with one key, anywhere among the stacks, fail the second apply (or take over the first's).
 */
function uniqueNames(stack: Json): string[] {
  const keys: string[] = [];
  const add = (type: string, key: (r: Json) => unknown): void => {
    for (const r of resources(stack, type)) keys.push(`${type}: ${String(key(r))}`);
  };
  // Cloudflare: DNS names per zone, tunnels and Access applications (by name and by domain) per account.
  add('cloudflare_dns_record', (r) => `${r.zone_id}/${r.name}`);
  add('cloudflare_zero_trust_tunnel_cloudflared', (r) => `${r.account_id}/${r.name}`);
  add('cloudflare_zero_trust_access_application', (r) => `${r.account_id}/${r.name}`);
  add('cloudflare_zero_trust_access_application', (r) => `${r.account_id}/domain ${r.domain}`);
  add('cloudflare_zero_trust_access_policy', (r) => `${r.account_id}/${r.name}`);
  // DigitalOcean: VPC, cluster and database names per account, volumes per region; droplets, firewalls and checks by name.
  add('digitalocean_vpc', (r) => r.name);
  add('digitalocean_database_cluster', (r) => r.name);
  add('digitalocean_database_replica', (r) => r.name);
  add('digitalocean_kubernetes_cluster', (r) => r.name);
  add('digitalocean_kubernetes_node_pool', (r) => r.name);
  add('digitalocean_volume', (r) => `${r.region}/${r.name}`);
  add('digitalocean_droplet', (r) => r.name);
  add('digitalocean_firewall', (r) => r.name);
  add('digitalocean_uptime_check', (r) => r.name);
  add('digitalocean_uptime_alert', (r) => r.name);
  // The tags that select droplets for alerts: another stack's droplets must not match them.
  add('digitalocean_monitor_alert', (r) => `${(r.tags ?? []).join(',')} ${r.type}`);
  // AWS: IAM user names per account; exact bucket names worldwide (prefixes get a unique suffix from S3).
  add('aws_iam_user', (r) => r.name);
  for (const r of resources(stack, 'aws_s3_bucket')) if (r.bucket) keys.push(`aws_s3_bucket: ${r.bucket}`);
  return keys;
}

/** The zone-level rulesets: one entry point ruleset per zone and phase. */
function zoneRulesets(stack: Json): string[] {
  return resources(stack, 'cloudflare_ruleset').filter((r) => r.kind === 'zone').map((r) => `${r.zone_id}/${r.phase}`);
}

/** Keys that more than one resource has, with the stacks that declare them. */
function collisions(stacks: Record<string, Json>, keysOf: (stack: Json) => string[]): Record<string, string[]> {
  const owners = new Map<string, string[]>();
  for (const [name, json] of Object.entries(stacks)) for (const key of keysOf(json)) owners.set(key, [...(owners.get(key) ?? []), name]);
  return Object.fromEntries([...owners].filter(([, who]) => who.length > 1));
}

/** A second app (or the staging copy of the first) in the same accounts and zone, which leaves the zone settings to the first. */
const STAGING: AppDescription = {
  ...LARAVEL_INVOICING_EXAMPLE,
  name: 'facturador-staging',
  domain: 'staging-fact.example.com',
  cloudflare: { ...LARAVEL_INVOICING_EXAMPLE.cloudflare, zoneSettingsStack: 'none' },
};

describe('several environments and apps in one DigitalOcean account, one AWS account and one Cloudflare zone', () => {
  const example = cloudStacks(LARAVEL_INVOICING_EXAMPLE);
  const both = { ...example, ...cloudStacks(STAGING) };

  test('each tier of the example serves its own hostnames, one level under the zone like prod\'s domain', () => {
    const names = (stack: string) => resources(example[stack], 'cloudflare_dns_record').map((r) => r.name).sort();
    expect(names('facturador/prod')).toEqual(['*.fact.example.com', 'fact.example.com', 'pma.fact.example.com']);
    expect(names('facturador/dev')).toEqual(['*.dev-fact.example.com', 'dev-fact.example.com', 'pma.dev-fact.example.com']);
    expect(names('facturador/ha')).toEqual(['*.ha-fact.example.com', 'ha-fact.example.com', 'pma.ha-fact.example.com']);
  });

  test.each(['dev', 'prod', 'ha'] as const)('the %s stack\'s DNS records, tunnel routes, Access applications, uptime check and app_urls use its hostnames only', (tier) => {
    const stack = example[`facturador/${tier}`];
    const own = tierHostnames(LARAVEL_INVOICING_EXAMPLE, tier).all.map((h) => h.hostname);
    const [config] = resources(stack, 'cloudflare_zero_trust_tunnel_cloudflared_config');
    const used = [
      ...resources(stack, 'cloudflare_dns_record').map((r) => r.name),
      ...config.config.ingress.map((i: Json) => i.hostname).filter((h: unknown) => h !== undefined),
      ...resources(stack, 'cloudflare_zero_trust_access_application').map((r) => r.domain),
      ...resources(stack, 'digitalocean_uptime_check').map((r) => new URL(r.target).hostname),
      ...stack.output.app_urls.value.map((u: string) => u.replace(/^https:\/\//, '')),
    ];
    expect(used.length).toBeGreaterThan(8);
    expect(used.filter((h) => !own.includes(h))).toEqual([]);
  });

  test('no DNS name, tunnel, Access application, DigitalOcean name or IAM user collides between the tiers of one app', () => {
    expect(collisions(example, uniqueNames)).toEqual({});
  });

  test('no DNS name, tunnel, Access application, DigitalOcean name or IAM user collides between two apps in the same accounts and zone', () => {
    expect(Object.keys(both)).toHaveLength(8);
    expect(collisions(both, uniqueNames)).toEqual({});
  });

  test('the collision check finds what two stacks would share: the same app twice, built without validation', () => {
    const twice = (suffix: string): Record<string, Json> => {
      const app = Testing.app();
      const stacks = buildStacks(app as App, { ...LARAVEL_INVOICING_EXAMPLE, tiers: { dev: { domain: 'fact.example.com' } } }, {});
      return Object.fromEntries(stacks.filter((s) => s.tier === 'dev' || s.tier === 'prod').map((s) => [`${s.stackName}${suffix}`, JSON.parse(Testing.synth(s))]));
    };
    const found = collisions({ ...twice(''), ...twice('-again') }, uniqueNames);
    expect(found['cloudflare_dns_record: fedcba9876543210fedcba9876543210/fact.example.com']).toEqual(['dev', 'prod', 'dev-again', 'prod-again']);
    expect(found['digitalocean_vpc: facturador-prod-vpc']).toEqual(['prod', 'prod-again']);
    expect(found['aws_iam_user: facturador-prod-writer-backupwriter']).toEqual(['prod', 'prod-again']);
    expect(collisions({ ...twice(''), ...twice('-again') }, zoneRulesets)).toEqual({
      'fedcba9876543210fedcba9876543210/http_response_headers_transform': ['prod', 'prod-again'],
    });
  });

  test('exactly one stack of the zone makes the zone-level rulesets, and its security headers cover every tier\'s hostnames', () => {
    expect(collisions(both, zoneRulesets)).toEqual({});
    const owners = Object.entries(both).filter(([, json]) => zoneRulesets(json).length > 0).map(([name]) => name);
    expect(owners).toEqual(['facturador/prod']);
    const [headers] = resources(both['facturador/prod'], 'cloudflare_ruleset');
    expect(headers.phase).toBe('http_response_headers_transform');
    for (const host of ['fact.example.com', 'dev-fact.example.com', 'pma.ha-fact.example.com']) expect(headers.rules[0].expression).toContain(`"${host}"`);
    expect(headers.rules[0].expression).toContain('ends_with(http.host, ".dev-fact.example.com")');
  });

  test('cloudflare.zoneSettingsStack moves the zone-level rulesets to the stack it names, or to none', () => {
    const owned = (zoneSettingsStack: 'ha' | 'none') => {
      const stacks = cloudStacks({ ...LARAVEL_INVOICING_EXAMPLE, cloudflare: { ...LARAVEL_INVOICING_EXAMPLE.cloudflare, zoneSettingsStack } });
      return Object.entries(stacks).filter(([, json]) => zoneRulesets(json).length > 0).map(([name]) => name);
    };
    expect(owned('ha')).toEqual(['facturador/ha']);
    expect(owned('none')).toEqual([]);
  });

  test('each stack orders an Advanced certificate pack for its own hostnames two levels under the zone, and no host is in two packs', () => {
    const hosts = (json: Json): string[] => resources(json, 'cloudflare_certificate_pack').flatMap((p) => p.hosts.filter((h: string) => h !== 'example.com'));
    expect(hosts(example['facturador/dev'])).toEqual(['pma.dev-fact.example.com', '*.dev-fact.example.com']);
    expect(hosts(example['facturador/prod'])).toEqual(['pma.fact.example.com', '*.fact.example.com']);
    expect(collisions(both, hosts)).toEqual({});
    expect(resources(example['facturador/ha-platform'], 'cloudflare_certificate_pack')).toEqual([]);
  });

  test('without advancedCertificate no pack is ordered', () => {
    const stacks = cloudStacks({ ...LARAVEL_INVOICING_EXAMPLE, cloudflare: { ...LARAVEL_INVOICING_EXAMPLE.cloudflare, advancedCertificate: false } });
    for (const json of Object.values(stacks)) expect(json.resource.cloudflare_certificate_pack).toBeUndefined();
  });

  test('the backup writer\'s IAM user and the AWS tags carry the app and the tier', () => {
    expect(resources(both['facturador/prod'], 'aws_iam_user').map((u) => u.name)).toContain('facturador-prod-writer-backupwriter');
    expect(resources(both['facturador-staging/prod'], 'aws_iam_user').map((u) => u.name)).toContain('facturador-staging-prod-writer-backupwriter');
    expect(both['facturador/dev'].provider.aws[0].default_tags).toEqual([{ tags: { app: 'facturador', environment: 'dev', 'managed-by': 'cdktf-erp-constructs' } }]);
  });

  test('a tier domain given in the description is served by that tier', () => {
    const stacks = cloudStacks({ ...LARAVEL_INVOICING_EXAMPLE, tiers: { dev: { domain: 'staging.example.com' } } });
    expect(resources(stacks['facturador/dev'], 'cloudflare_dns_record').map((r) => r.name).sort())
      .toEqual(['*.staging.example.com', 'pma.staging.example.com', 'staging.example.com']);
  });

  test('an app on the zone apex gets <tier>.<zone> on dev and ha', () => {
    const apex = { ...LARAVEL_INVOICING_EXAMPLE, domain: 'example.com', adminTools: [], tenantSubdomains: false };
    expect(tierHostnames(apex, 'dev').domain).toBe('dev.example.com');
    expect(tierHostnames(apex, 'ha').domain).toBe('ha.example.com');
    expect(tierHostnames(apex, 'prod').domain).toBe('example.com');
  });
});

describe('per-tier values in the environment', () => {
  test('{{url}} and {{domain}} become each tier\'s own: APP_URL and phpMyAdmin\'s absolute URI are right on every tier', () => {
    const stacks = buildStacks(Testing.app() as App, LARAVEL_INVOICING_EXAMPLE, {});
    const by = Object.fromEntries(stacks.map((s) => [s.node.id, s]));
    expect(by.dev.description.environment!.APP_URL).toBe('https://dev-fact.example.com');
    expect(by.prod.description.environment!.APP_URL).toBe('https://fact.example.com');
    expect(by.ha.description.environment!.APP_URL).toBe('https://ha-fact.example.com');
    expect(by.local.description.environment!.APP_URL).toBe('http://localhost:8080');
    expect(by.dev.description.adminTools![0].environment!.PMA_ABSOLUTE_URI).toBe('https://pma.dev-fact.example.com/');
    const dev = JSON.parse(Testing.synth(by.dev));
    expect(JSON.stringify(dev)).not.toMatch(/\{\{(domain|url)\}\}/);
  });

  test('fails on a placeholder the stacks do not fill', () => {
    expect(() => validateAppDescription({ ...LARAVEL_INVOICING_EXAMPLE, environment: { APP_URL: '{{host}}' } }))
      .toThrow(/environment\.APP_URL: holds a placeholder the stacks do not fill.*\{\{domain\}\}/);
  });
});
