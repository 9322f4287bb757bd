import { DOMAIN, EMAIL, HEX32, HOST_LABEL, UUID, dnsLabel, isIpv4Cidr, isIpv6Cidr, parseIpv4Cidr } from '../lib/private/patterns';

describe('the shared text patterns', () => {
  test('a UUID is 8-4-4-4-12 hex digits in either case', () => {
    expect(UUID.test('3f5c8a1e-9b2d-4e7f-a1c3-0d9e8f7a6b5c')).toBe(true);
    expect(UUID.test('3F5C8A1E-9B2D-4E7F-A1C3-0D9E8F7A6B5C')).toBe(true);
    expect(UUID.test('3f5c8a1e9b2d4e7fa1c30d9e8f7a6b5c')).toBe(false);
    expect(UUID.test('3f5c8a1e-9b2d-4e7f-a1c3-0d9e8f7a6b5')).toBe(false);
  });

  test('a Cloudflare id is 32 lowercase hex characters', () => {
    expect(HEX32.test('0123456789abcdef0123456789abcdef')).toBe(true);
    expect(HEX32.test('0123456789ABCDEF0123456789ABCDEF')).toBe(false);
    expect(HEX32.test('0123456789abcdef')).toBe(false);
  });

  test('an email address has a local part, @ and a domain of two labels or more', () => {
    expect(EMAIL.test('ops@example.com')).toBe(true);
    expect(EMAIL.test('first.last+erp@mail.example.co.uk')).toBe(true);
    for (const bad of ['ops@example', 'ops example.com', '@example.com', 'ops@-example.com', '"ops"@example.com']) expect(EMAIL.test(bad)).toBe(false);
  });

  test('a domain is lowercase labels ending in a letter label, without scheme, path or wildcard', () => {
    expect(DOMAIN.test('fact.example.com')).toBe(true);
    for (const bad of ['https://fact.example.com', 'fact.example.com/', '*.example.com', 'Example.com', 'localhost', `${'a'.repeat(64)}.com`]) {
      expect(DOMAIN.test(bad)).toBe(false);
    }
  });

  test('a hostname label may start with a digit; a DNS label name starts with a letter and keeps to its length', () => {
    expect(HOST_LABEL.test('1tenant')).toBe(true);
    expect(HOST_LABEL.test('-tenant')).toBe(false);
    expect(dnsLabel().test('queue-worker')).toBe(true);
    expect(dnsLabel().test('1queue')).toBe(false);
    expect(dnsLabel().test('queue-')).toBe(false);
    expect(dnsLabel(32).test('a'.repeat(32))).toBe(true);
    expect(dnsLabel(32).test('a'.repeat(33))).toBe(false);
    expect(dnsLabel().test('a'.repeat(63))).toBe(true);
    expect(dnsLabel().test('a'.repeat(64))).toBe(false);
  });

  test('an IPv4 address or block parses to its octets and prefix', () => {
    expect(parseIpv4Cidr('203.0.113.10/32')).toEqual({ octets: [203, 0, 113, 10], prefix: 32 });
    expect(parseIpv4Cidr('203.0.113.10')).toEqual({ octets: [203, 0, 113, 10], prefix: undefined });
    for (const bad of ['256.0.0.1/32', '10.0.0.0/33', '010.0.0.1/8', '10.0.0.0/08', '10.0.0/8', '10.0.0.0/']) expect(parseIpv4Cidr(bad)).toBeUndefined();
  });

  test('an IPv4 block is checked against a prefix range; a bare address only where allowed', () => {
    expect(isIpv4Cidr('10.20.0.0/20', { minPrefix: 16, maxPrefix: 28 })).toBe(true);
    expect(isIpv4Cidr('10.0.0.0/8', { minPrefix: 16, maxPrefix: 28 })).toBe(false);
    expect(isIpv4Cidr('10.20.0.0/29', { minPrefix: 16, maxPrefix: 28 })).toBe(false);
    expect(isIpv4Cidr('203.0.113.7')).toBe(false);
    expect(isIpv4Cidr('203.0.113.7', { addressAllowed: true })).toBe(true);
  });

  test('an IPv6 block has hex groups and a prefix up to 128', () => {
    expect(isIpv6Cidr('2001:db8::/32')).toBe(true);
    expect(isIpv6Cidr('2001:db8::/129')).toBe(false);
    expect(isIpv6Cidr('2001:db8::')).toBe(false);
  });
});
