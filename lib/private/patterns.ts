/**
 * The text patterns the constructs and the app description check, each written once:
 * ids, names, addresses and ranges. Checks that need more than the form (a prefix
 * range, the whole internet) build on these.
 */

/** A UUID, 8-4-4-4-12 hex digits in either case: DigitalOcean VPC, project and cluster ids, Access group ids. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** 32 lowercase hex characters: Cloudflare account and zone ids. */
export const HEX32 = /^[0-9a-f]{32}$/;

/** An email address: a local part without spaces, quotes or brackets, `@`, a domain of two labels or more. */
export const EMAIL = /^[^\s@"<>(),;:\\[\]]+@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/i;

/** A domain name: lowercase labels of up to 63 characters, 253 in all, the last of letters (no scheme, path or wildcard). */
export const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/** One label of a hostname (RFC 1123): lowercase letters, digits and inner hyphens, 1 to 63 characters. */
export const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A name that is a DNS label starting with a letter (Kubernetes, Compose and resource names):
 * lowercase letters, digits and inner hyphens, at most `maxLength` characters (2 to 63).
 */
export function dnsLabel(maxLength = 63): RegExp {
  const n = Math.min(63, Math.max(2, Math.floor(maxLength)));
  return new RegExp(`^[a-z](?:[a-z0-9-]{0,${n - 2}}[a-z0-9])?$`);
}

/** An IPv4 address with an optional prefix length, as numbers. */
export interface Ipv4Cidr {
  readonly octets: readonly number[];
  /** The prefix length; undefined for a bare address. */
  readonly prefix?: number;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

/** Parses `a.b.c.d` or `a.b.c.d/n` (octets up to 255, prefix up to 32); undefined when it is neither. */
export function parseIpv4Cidr(text: string): Ipv4Cidr | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  const octets = [m[1], m[2], m[3], m[4]].map(Number);
  const prefix = m[5] === undefined ? undefined : Number(m[5]);
  if (octets.some((o) => o > 255) || (prefix !== undefined && prefix > 32)) return undefined;
  // No leading zeros: 010 reads as octal to some tools and as decimal to others.
  if ([m[1], m[2], m[3], m[4], m[5] ?? ''].some((o) => o.length > 1 && o.startsWith('0'))) return undefined;
  return { octets, prefix };
}

/** Options of `isIpv4Cidr`. */
export interface Ipv4CidrRule {
  /** Smallest prefix length allowed. @default 0 */
  readonly minPrefix?: number;
  /** Largest prefix length allowed. @default 32 */
  readonly maxPrefix?: number;
  /** Accept a bare address (no `/n`). @default false */
  readonly addressAllowed?: boolean;
}

/** True when `text` is an IPv4 CIDR block (or, with `addressAllowed`, an address) within the prefix range. */
export function isIpv4Cidr(text: string, rule: Ipv4CidrRule = {}): boolean {
  const c = parseIpv4Cidr(text);
  if (!c) return false;
  if (c.prefix === undefined) return rule.addressAllowed === true;
  return c.prefix >= (rule.minPrefix ?? 0) && c.prefix <= (rule.maxPrefix ?? 32);
}

/** An IPv6 CIDR block: hex groups and colons, then `/0` to `/128`. */
const IPV6_CIDR = /^[0-9a-fA-F:]+:[0-9a-fA-F:]*\/(12[0-8]|1[01]\d|[1-9]?\d)$/;

/** True when `text` is an IPv6 CIDR block. */
export function isIpv6Cidr(text: string): boolean {
  return IPV6_CIDR.test(text);
}

/**
 * A DigitalOcean tag: letters, digits, `:`, `-` and `_`, 1 to 255 characters. The provider refuses anything
 * else ("tags may contain lowercase letters, numbers, colons, dashes, and underscores; there is a limit of
 * 255 characters per tag": terraform-provider-digitalocean v2.71.0, digitalocean/tag/tags.go, `tagNameRe`),
 * so `erp.prod` fails `terraform validate`.
 */
export const DO_TAG = /^[A-Za-z0-9:_-]{1,255}$/;
