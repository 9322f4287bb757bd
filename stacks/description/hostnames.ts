/**
 * The hostnames each tier serves, and which stack owns the zone-level settings.
 *
 * Several environments (and apps) share one Cloudflare zone, so every tier serves
 * hostnames of its own: prod the description's `domain`, dev and ha a sibling of it
 * (`dev-fact.example.com`, `ha-fact.example.com`), unless `tiers.<tier>.domain` says
 * otherwise. A sibling keeps the tier's names as deep in the zone as prod's: one level
 * under the zone (covered by the free Universal certificate) when `domain` is, and its
 * admin tools and tenant wildcard (`pma.dev-fact.example.com`, `*.dev-fact.example.com`)
 * two levels deep, as prod's are. `dev.fact.example.com` would put the tier's own domain
 * two levels deep and its tenants three, each needing an Advanced certificate.
 */
import { DOMAIN, HOST_LABEL } from '../../lib/private/patterns';
import { Problems } from '../../lib/private/validate';
import type { AppDescription, TierName, ZoneSettingsStack } from './description';

/** The tiers that serve hostnames in the Cloudflare zone (`local` serves localhost). */
export const ZONE_TIERS: readonly TierName[] = ['dev', 'prod', 'ha'];

/** The stack that owns the zone-level settings when the description names none. */
export const DEFAULT_ZONE_SETTINGS_STACK: ZoneSettingsStack = 'prod';

/** One hostname a tier serves, and what it is for. */
export interface TierHostname {
  readonly hostname: string;
  /** What serves it: `its domain`, `its tenant wildcard`, `admin tool pma`. */
  readonly role: string;
}

/** The hostnames a tier serves. */
export interface TierHostnames {
  /** The tier's domain (`fact.example.com` on prod, `dev-fact.example.com` on dev). */
  readonly domain: string;
  /** The tenant wildcard (`*.dev-fact.example.com`), when the app has tenant subdomains. */
  readonly tenantWildcard?: string;
  /** Each admin tool's hostname (`pma.dev-fact.example.com`), by tool name. */
  readonly adminTools: Readonly<Record<string, string>>;
  /** Every hostname: the domain, the admin tools, the tenant wildcard. */
  readonly all: readonly TierHostname[];
}

/**
 * The domain a tier serves when the description gives it none: `domain` on prod;
 * on dev and ha, `<tier>-<first label of domain>.<rest>` (`dev-fact.example.com`),
 * or `<tier>.<zone>` when `domain` is the zone apex.
 */
export function defaultTierDomain(d: AppDescription, tier: TierName): string {
  if (tier === 'prod' || tier === 'local') return d.domain;
  if (d.domain === d.cloudflare.zoneName) return `${tier}.${d.domain}`;
  const [first, ...rest] = d.domain.split('.');
  return [`${tier}-${first}`, ...rest].join('.');
}

/** The domain a tier serves: `tiers.<tier>.domain`, or the default. */
export function tierDomain(d: AppDescription, tier: TierName): string {
  return d.tiers?.[tier]?.domain ?? defaultTierDomain(d, tier);
}

/** The hostnames a tier serves: its domain, its admin tools' hostnames and its tenant wildcard. */
export function tierHostnames(d: AppDescription, tier: TierName): TierHostnames {
  const domain = tierDomain(d, tier);
  const adminTools = Object.fromEntries((d.adminTools ?? []).map((t) => [t.name, `${t.name}.${domain}`]));
  const tenantWildcard = d.tenantSubdomains ? `*.${domain}` : undefined;
  return {
    domain,
    tenantWildcard,
    adminTools,
    all: [
      { hostname: domain, role: 'its domain' },
      ...Object.entries(adminTools).map(([name, hostname]) => ({ hostname, role: `admin tool ${name}` })),
      ...(tenantWildcard ? [{ hostname: tenantWildcard, role: 'its tenant wildcard' }] : []),
    ],
  };
}

/** The stack that creates the zone-level settings (the security-header ruleset): `cloudflare.zoneSettingsStack`, or prod. */
export function zoneSettingsStack(d: AppDescription): ZoneSettingsStack {
  return d.cloudflare.zoneSettingsStack ?? DEFAULT_ZONE_SETTINGS_STACK;
}

/** The values `cloudflare.zoneSettingsStack` takes. */
export const ZONE_SETTINGS_STACKS: readonly ZoneSettingsStack[] = ['dev', 'prod', 'ha', 'none'];

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks the hostnames of the tiers in a description read from JSON or YAML: each
 * `tiers.<tier>.domain` is a domain inside the zone, no two tiers serve one hostname
 * (their domains, admin tools and tenant wildcards), and `cloudflare.zoneSettingsStack`
 * names a stack. Runs on the raw input; fields already found malformed are skipped.
 */
export function checkTierHostnames(p: Problems, d: Obj): void {
  const cf = isObject(d.cloudflare) ? d.cloudflare : {};
  if (cf.zoneSettingsStack !== undefined && !ZONE_SETTINGS_STACKS.includes(cf.zoneSettingsStack as ZoneSettingsStack)) {
    p.add('cloudflare.zoneSettingsStack', cf.zoneSettingsStack, 'is not a stack that can own the zone settings',
      'use "prod" (the default), "dev" or "ha"; or "none" when another app\'s description in the same zone owns them');
  }
  const zone = typeof cf.zoneName === 'string' && DOMAIN.test(cf.zoneName) ? cf.zoneName : undefined;
  const domain = typeof d.domain === 'string' && DOMAIN.test(d.domain) ? d.domain : undefined;
  const tiers = isObject(d.tiers) ? d.tiers : {};
  const given: Partial<Record<TierName, string>> = {};
  let ok = true;
  for (const [tier, raw] of Object.entries(tiers)) {
    if (!isObject(raw) || raw.domain === undefined) continue;
    const at = `tiers.${tier}.domain`;
    if (tier === 'local') {
      p.add(at, raw.domain, 'is not used: the local tier serves http://localhost', 'remove it');
      continue;
    }
    if (!(ZONE_TIERS as readonly string[]).includes(tier)) continue;
    if (typeof raw.domain !== 'string' || !DOMAIN.test(raw.domain)) {
      p.add(at, raw.domain, 'is malformed', 'give a lowercase domain name inside the zone, such as "dev-fact.example.com" (no scheme, path or wildcard)');
      ok = false;
    } else if (zone && raw.domain !== zone && !raw.domain.endsWith(`.${zone}`)) {
      p.add(at, raw.domain, `is not inside the Cloudflare zone "${zone}"`,
        `use a name ending in ".${zone}": every tier is served through the description's zone`);
      ok = false;
    } else {
      given[tier as TierName] = raw.domain;
    }
  }
  if (!ok || !zone || !domain || (domain !== zone && !domain.endsWith(`.${zone}`))) return;
  const tools = (Array.isArray(d.adminTools) ? d.adminTools : []).filter(isObject).filter((t) => typeof t.name === 'string');
  const description = {
    ...d, domain, cloudflare: { ...cf, zoneName: zone }, adminTools: tools,
    tiers: Object.fromEntries(Object.entries(given).map(([t, dom]) => [t, { domain: dom }])),
  } as unknown as AppDescription;
  for (const tier of ZONE_TIERS) {
    if (given[tier] !== undefined || tier === 'prod') continue;
    const label = defaultTierDomain(description, tier).split('.')[0];
    if (!HOST_LABEL.test(label)) {
      p.add(`tiers.${tier}.domain`, undefined, `defaults to a name whose first label "${label}" is longer than 63 characters`,
        `give tiers.${tier}.domain, a domain of the ${tier} tier inside "${zone}"`);
      return;
    }
  }
  checkCollisions(p, description, given);
}

/** No hostname is served by two tiers; one problem per pair of tiers, on the field that sets a domain. */
function checkCollisions(p: Problems, d: AppDescription, given: Partial<Record<TierName, string>>): void {
  const seen = new Map<string, { tier: TierName; role: string }>();
  for (const tier of ZONE_TIERS) {
    const clashes = new Map<TierName, Array<{ hostname: string; here: string; there: string }>>();
    for (const h of tierHostnames(d, tier).all) {
      const first = seen.get(h.hostname);
      if (!first) {
        seen.set(h.hostname, { tier, role: h.role });
        continue;
      }
      if (!clashes.has(first.tier)) clashes.set(first.tier, []);
      clashes.get(first.tier)!.push({ hostname: h.hostname, here: h.role, there: first.role });
    }
    for (const [other, list] of clashes) {
      // The field to change: this tier's domain when the description sets it, else the other tier's, else this tier's default.
      const blameThis = given[tier] !== undefined || given[other] === undefined;
      const [blame, peer] = blameThis ? [tier, other] : [other, tier];
      const names = list.map((c) => `${c.hostname} (${blameThis ? c.here : c.there}; ${blameThis ? c.there : c.here} on ${peer})`);
      const fallback = defaultTierDomain(d, blame);
      const suggestion = fallback !== tierDomain(d, blame) ? `, or leave it out for the default "${fallback}"` : '';
      p.add(`tiers.${blame}.domain`, tierDomain(d, blame),
        `gives the ${blame} tier hostnames the ${peer} tier serves too: ${names.join(', ')}`,
        `give every tier a domain of its own inside the zone (one level under it, such as "${blame}-app.${d.cloudflare.zoneName}", needs no Advanced certificate)${suggestion}`);
    }
  }
}
