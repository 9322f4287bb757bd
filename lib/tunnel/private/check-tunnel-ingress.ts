import { IConstruct } from 'constructs';
import {
  Problems, checkArray, checkBoolean, checkInt, checkObject, checkString, isUnresolved, requireProps,
} from '../../private/validate';
import { AccessPolicy } from '../access';
import {
  AdvancedCertificateOptions, CERTIFICATE_VALIDITY_DAYS, CertificateAuthority, CertificateValidationMethod, isDeepHostname,
} from '../edge-certificate';
import { DEFAULT_CLOUDFLARED_IMAGE, TunnelIngressProps, TunnelOriginOptions, TunnelRoute, TunnelSecret } from '../tunnel-ingress';
import {
  CloudflarePlan, FrameOptions, RateLimitAction, RateLimitRule, ReferrerPolicy, SecurityHeaders, ZoneRateLimits,
} from '../zone-security';
import {
  RATE_LIMIT_PERIODS, RATE_LIMIT_RULE_COUNT, RATE_LIMIT_TIMEOUTS,
  checkCloudflareId, checkEmailDomains, checkEmails, checkGroupIds, checkHostname, checkPath, checkService, isDomain, isPlainPath,
} from './checks';

/**
 * Checks the props of a `TunnelIngress` and throws one `ErpValidationError` naming every
 * problem; returns where the tunnel secret comes from.
 */
export function checkTunnelIngressProps(scope: IConstruct, props: TunnelIngressProps): TunnelSecret {
requireProps(scope, props, '{ accountId, zoneId, zoneName, name, routes }');
  const p = new Problems();
  checkCloudflareId(p, 'accountId', props.accountId);
  checkCloudflareId(p, 'zoneId', props.zoneId);
  p.check(typeof props.zoneName === 'string' && isDomain(props.zoneName), 'zoneName', props.zoneName,
    'is not a domain name', 'give the zone\'s domain in lowercase, as the Cloudflare dashboard lists it (for example "example.com")');
  p.check(typeof props.name === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(props.name), 'name', props.name,
    'is not a tunnel name', 'use 1 to 63 letters, digits, dots, hyphens or underscores, starting with a letter or digit');
  if (checkString(p, 'connectorImage', props.connectorImage, { fix: `give a pinned image, for example "${DEFAULT_CLOUDFLARED_IMAGE}", or leave it out` })) {
    p.check(/^[^\s:@]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[0-9a-f]{64})?$/.test(props.connectorImage)
      && /(:|@sha256:)/.test(props.connectorImage) && !/:latest$/.test(props.connectorImage),
    'connectorImage', props.connectorImage, 'is not a pinned image',
    `give a release tag or digest, for example "${DEFAULT_CLOUDFLARED_IMAGE}"`);
  }
  checkInt(p, 'accessSessionHours', props.accessSessionHours, 1, 720, 'use a whole number of hours from 1 to 720');
  if (checkString(p, 'accessTeamName', props.accessTeamName, { fix: 'give the part before ".cloudflareaccess.com", or leave it out' })) {
    p.check(/^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(props.accessTeamName), 'accessTeamName', props.accessTeamName,
      'is not a Zero Trust team name', 'give the part before ".cloudflareaccess.com" (Zero Trust > Settings > Custom pages)');
  }
  let secretSource = props.tunnelSecret ?? TunnelSecret.cloudflareGenerated();
  if (!(secretSource instanceof TunnelSecret)) {
    p.add('tunnelSecret', secretSource, 'is not a TunnelSecret',
      'use TunnelSecret.cloudflareGenerated(), TunnelSecret.random() or TunnelSecret.fromValue(...), or leave it out');
    secretSource = TunnelSecret.cloudflareGenerated();
  }
  if (secretSource.source === 'value' && !isUnresolved(secretSource.value)) {
    const v = typeof secretSource.value === 'string' ? secretSource.value : '';
    const ok = /^[A-Za-z0-9+/]+={0,2}$/.test(v) && v.length % 4 === 0 && Buffer.from(v, 'base64').length >= 32;
    p.check(ok, 'tunnelSecret', '<redacted>', 'is not a base64 encoding of at least 32 bytes',
      'generate one with `openssl rand -base64 32`, or use TunnelSecret.random()');
  }
  if (checkObject(p, 'rateLimits', props.rateLimits, { fix: 'give { rules: [...] }, or leave rateLimits out' })) {
    checkRateLimits(p, props.rateLimits, props.zoneName);
  }
  if (checkObject(p, 'securityHeaders', props.securityHeaders, { fix: 'give {} for the defaults, or leave securityHeaders out' })) {
    checkSecurityHeaders(p, props.securityHeaders, props.zoneName);
  }
  checkBoolean(p, 'deepHostnameCertificates', props.deepHostnameCertificates);
  const certificate = checkObject(p, 'advancedCertificate', props.advancedCertificate,
    { fix: 'give {} for a Let\'s Encrypt pack of 90 days validated by TXT record, or leave advancedCertificate out' })
    ? checkAdvancedCertificate(p, props.advancedCertificate) : undefined;
  const routes = checkArray<TunnelRoute>(p, 'routes', props.routes,
    { fix: "give a list such as [{ hostname: 'app.example.com', service: 'http://web:8080' }], or leave it out" });
  // Well-formed routes by index (undefined for a malformed one), so later routes are compared only with those.
  const checked: Array<TunnelRoute | undefined> = [];
  routes.forEach((r, i) => checked.push(checkRoute(p, `routes[${i}]`, r, checked, props.zoneName, certificate) ? r : undefined));
  p.throwIfAny(scope);
  return secretSource;
}

/**
 * Checks one route, and that no route before it repeats or shadows it; false when the route is malformed.
 * With `certificate` (the tunnel's `advancedCertificate`), also that the pack can cover its hostname.
 */
export function checkRoute(
  p: Problems, prefix: string, route: TunnelRoute, before: ReadonlyArray<TunnelRoute | undefined>, zoneName: string,
  certificate?: AdvancedCertificateOptions,
): boolean {
  if (route === undefined || route === null || typeof route !== 'object' || Array.isArray(route)) {
    p.add(prefix, route, 'is not a route', 'give { hostname, service } and optionally path, origin and access');
    return false;
  }
  const problemsBefore = p.count;
  checkHostname(p, `${prefix}.hostname`, route.hostname, zoneName);
  checkPath(p, `${prefix}.path`, route.path);
  checkService(p, `${prefix}.service`, route.service);
  checkBoolean(p, `${prefix}.allowPublicAdmin`, route.allowPublicAdmin);
  checkOrigin(p, `${prefix}.origin`, route.origin);
  if (route.access !== undefined) checkAccess(p, prefix, route);
  // The order checks below read hostname and path as strings: only a route without problems gets them.
  if (p.count > problemsBefore) return false;
  if (isUnresolved(route.hostname) || isUnresolved(route.path)) return true;
  if (certificate?.validationMethod === CertificateValidationMethod.HTTP && route.hostname.startsWith('*.')
    && isDeepHostname(route.hostname, zoneName)) {
    p.add(`${prefix}.hostname`, route.hostname, 'is a wildcard, which the certificate pack cannot validate over HTTP',
      'use advancedCertificate.validationMethod CertificateValidationMethod.TXT (the default), which covers wildcards');
  }
  const key = routeKey(route);
  const dup = before.findIndex((r) => r && !isUnresolved(r.hostname) && !isUnresolved(r.path) && routeKey(r) === key);
  if (dup >= 0) {
    p.add(`${prefix}.hostname`, `${route.hostname}${route.path ?? ''}`, `repeats the hostname and path of route ${dup}`,
      'keep one route per hostname and path, or give a different path');
    return true;
  }
  const shadow = before.map((r, i) => ({ r, i }))
    .find((x): x is { r: TunnelRoute; i: number } => x.r !== undefined && shadows(x.r, route));
  if (shadow) {
    p.add(`${prefix}.hostname`, `${route.hostname}${route.path ?? ''}`,
      `is never reached: route ${shadow.i} (${shadow.r.hostname}${shadow.r.path ?? ''}) comes first and matches every request this one would`,
      'put the more specific route before the general one (specific hostnames before wildcards, longer paths before "/")');
  }
  return true;
}

function checkOrigin(p: Problems, prop: string, o: TunnelOriginOptions | undefined): void {
  if (checkObject(p, `${prop}`, o, { fix: 'give { connectTimeoutSeconds: 10, ... }, or leave origin out' })) {
    checkInt(p, `${prop}.connectTimeoutSeconds`, o.connectTimeoutSeconds, 1, 300);
    checkInt(p, `${prop}.tlsTimeoutSeconds`, o.tlsTimeoutSeconds, 1, 300);
    checkInt(p, `${prop}.keepAliveTimeoutSeconds`, o.keepAliveTimeoutSeconds, 1, 3600);
    checkBoolean(p, `${prop}.noTlsVerify`, o.noTlsVerify);
    checkBoolean(p, `${prop}.http2Origin`, o.http2Origin);
    checkBoolean(p, `${prop}.disableChunkedEncoding`, o.disableChunkedEncoding);
    if (checkString(p, `${prop}.httpHostHeader`, o.httpHostHeader) && !isUnresolved(o.httpHostHeader)) {
      p.check(/^[A-Za-z0-9.:\[\]*-]{1,255}$/.test(o.httpHostHeader), `${prop}.httpHostHeader`, o.httpHostHeader,
        'is not a Host header', 'give a hostname, optionally with a port, for example "app.internal:8080"');
    }
    if (checkString(p, `${prop}.originServerName`, o.originServerName) && !isUnresolved(o.originServerName)) {
      p.check(/^[a-z0-9*]([a-z0-9.-]*[a-z0-9])?$/i.test(o.originServerName), `${prop}.originServerName`,
        o.originServerName, 'is not a hostname', 'give the name on the origin certificate, for example "web.internal"');
    }
  }
}

function checkAccess(p: Problems, prefix: string, route: TunnelRoute): void {
    const a = route.access;
  if (!(a instanceof AccessPolicy) || a.isEmpty) {
    p.add(`${prefix}.access`, a, 'admits nobody', 'use AccessPolicy.emails(...), AccessPolicy.emailDomains(...) or AccessPolicy.groups(...) with at least one entry');
  } else {
    checkEmails(p, `${prefix}.access`, a.emails);
    checkEmailDomains(p, `${prefix}.access`, a.emailDomains);
    checkGroupIds(p, `${prefix}.access`, a.groupIds);
  }
  if (route.path !== undefined && !isUnresolved(route.path) && !isPlainPath(route.path)) {
    p.add(`${prefix}.path`, route.path, 'is a regular expression, which Cloudflare Access cannot protect',
      'give a plain path prefix such as "/admin" on a route with access');
  }
}

function routeKey(route: TunnelRoute): string {
  return `${route.hostname}|${route.path === undefined || route.path === '/' ? '' : route.path.replace(/\/+$/, '')}`;
}

/** True when every request `later` would take is taken first by `earlier`. */
function shadows(earlier: TunnelRoute, later: TunnelRoute): boolean {
  if (typeof earlier.hostname !== 'string' || typeof later.hostname !== 'string') return false;
  const hostCovered = earlier.hostname === later.hostname
    || (earlier.hostname.startsWith('*.') && later.hostname.endsWith(earlier.hostname.slice(1)));
  if (!hostCovered) return false;
  if (earlier.path === undefined || earlier.path === '/') return true;
  if (later.path === undefined || !isPlainPath(earlier.path) || !isPlainPath(later.path)) return false;
  const a = earlier.path.replace(/\/+$/, '');
  return later.path === a || later.path.startsWith(`${a}/`);
}

function checkRateLimits(p: Problems, limits: ZoneRateLimits, zoneName: string): void {
  // An unknown plan is recorded below and checked as Cloudflare at large.
  const plan = Object.values(CloudflarePlan).includes(limits.plan as CloudflarePlan) ? limits.plan : undefined;
  const allPeriods = RATE_LIMIT_PERIODS[CloudflarePlan.ENTERPRISE];
  const allTimeouts = RATE_LIMIT_TIMEOUTS[CloudflarePlan.ENTERPRISE];
  const periods = plan ? RATE_LIMIT_PERIODS[plan] : allPeriods;
  const timeouts = plan ? RATE_LIMIT_TIMEOUTS[plan] : allTimeouts;
  const planText = plan ? `a ${plan} zone` : 'Cloudflare';
  if (limits.plan !== undefined) {
    p.check(plan !== undefined, 'rateLimits.plan', limits.plan, 'is not a Cloudflare plan', 'use a CloudflarePlan member');
  }
  if (!Array.isArray(limits.rules) || limits.rules.length === 0) {
    p.add('rateLimits.rules', limits.rules, 'is empty', 'give at least one rule, or leave rateLimits out');
    return;
  }
  if (plan && RATE_LIMIT_RULE_COUNT[plan] !== undefined) {
    p.check(limits.rules.length <= RATE_LIMIT_RULE_COUNT[plan], 'rateLimits.rules', limits.rules.length,
      `has more rules than a ${plan} zone allows (${RATE_LIMIT_RULE_COUNT[plan]})`, 'drop rules or move the zone to a larger plan');
  }
  const names = new Set<string>();
  const allowed: PlanLimits = { plan, periods, timeouts, planText };
  limits.rules.forEach((r, i) => {
    const at = `rateLimits.rules[${i}]`;
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      p.add(at, r, 'is not a rate limit rule', "give { name: 'login', pathPrefix: '/login', requestsPerPeriod: 10, periodSeconds: 60 }");
      return;
    }
    p.check(!names.has(r.name), `${at}.name`, r.name, 'repeats the name of an earlier rule', 'give each rule its own name');
    names.add(r.name);
    checkRateLimitRule(p, at, r, allowed, zoneName);
  });
}

/** What a zone's plan allows a rate limit rule. */
interface PlanLimits {
  readonly plan?: CloudflarePlan;
  readonly periods: readonly number[];
  readonly timeouts: readonly number[];
  readonly planText: string;
}

/** One rate limit rule against what the zone's plan allows. */
function checkRateLimitRule(p: Problems, at: string, r: RateLimitRule, allowed: PlanLimits, zoneName: string): void {
  const { plan, periods, timeouts, planText } = allowed;
  p.check(typeof r.name === 'string' && /^[A-Za-z0-9_-]{1,40}$/.test(r.name), `${at}.name`, r.name,
    'is not a rule name', 'use 1 to 40 letters, digits, hyphens or underscores');
  p.check(typeof r.pathPrefix === 'string' && /^\/[A-Za-z0-9\-._~/%@!$&'+,;=:]*$/.test(r.pathPrefix), `${at}.pathPrefix`, r.pathPrefix,
    'is not a path prefix', 'give a path starting with "/", such as "/api" or "/login"');
  p.check(r.requestsPerPeriod !== undefined, `${at}.requestsPerPeriod`, r.requestsPerPeriod, 'is required', 'give the requests allowed per period');
  checkInt(p, `${at}.requestsPerPeriod`, r.requestsPerPeriod, 1, 1000000);
  p.check(periods.includes(r.periodSeconds), `${at}.periodSeconds`, r.periodSeconds,
    `is not a period ${planText} allows`, `use one of ${periods.join(', ')} seconds`
    + (plan === CloudflarePlan.FREE ? ' (a free zone only counts over 10 s: scale the limit to 10 s)' : ''));
  if (r.mitigationTimeoutSeconds !== undefined) {
    p.check((r.action ?? RateLimitAction.BLOCK) === RateLimitAction.BLOCK, `${at}.mitigationTimeoutSeconds`, r.mitigationTimeoutSeconds,
      'is set on a challenge rule, where it does not apply', 'leave it out, or use RateLimitAction.BLOCK');
    p.check(timeouts.includes(r.mitigationTimeoutSeconds), `${at}.mitigationTimeoutSeconds`, r.mitigationTimeoutSeconds,
      `is not a mitigation timeout ${planText} allows`, `use one of ${timeouts.join(', ')} seconds`);
  } else if ((r.action ?? RateLimitAction.BLOCK) === RateLimitAction.BLOCK && periods.includes(r.periodSeconds)) {
    p.check(timeouts.includes(r.periodSeconds), `${at}.mitigationTimeoutSeconds`, r.mitigationTimeoutSeconds,
      `defaults to the period (${r.periodSeconds} s), which ${planText} does not allow as a timeout`,
      `set it to one of ${timeouts.join(', ')} seconds`);
  }
  if (r.action !== undefined) {
    p.check(Object.values(RateLimitAction).includes(r.action), `${at}.action`, r.action, 'is not a rate limit action', 'use a RateLimitAction member');
  }
  if (r.hostname !== undefined) {
    checkHostname(p, `${at}.hostname`, r.hostname, zoneName);
    p.check(plan !== CloudflarePlan.FREE, `${at}.hostname`, r.hostname,
      'needs the Pro plan or above (a free zone can count on the path only)', 'leave hostname out on a free zone');
  }
  if (r.methods !== undefined) {
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
    checkArray<unknown>(p, `${at}.methods`, r.methods, { fix: "give a list such as ['POST'], or leave methods out" }).forEach((m, j) => p.check(typeof m === 'string' && methods.includes(m.toUpperCase()), `${at}.methods[${j}]`, m,
      'is not an HTTP method', `use ${methods.join(', ')}`));
    p.check(plan !== CloudflarePlan.FREE && plan !== CloudflarePlan.PRO, `${at}.methods`, r.methods,
      `needs the Business plan or above (a ${plan} zone cannot count by method)`, 'leave methods out on this plan');
  }
}

/** The pack's authority, validity and validation method; returns the options once they are an object. */
function checkAdvancedCertificate(p: Problems, c: AdvancedCertificateOptions): AdvancedCertificateOptions {
  const authorities = Object.values(CertificateAuthority);
  const authority = c.certificateAuthority ?? CertificateAuthority.LETS_ENCRYPT;
  p.check(authorities.includes(authority), 'advancedCertificate.certificateAuthority', c.certificateAuthority,
    'is not a certificate authority Cloudflare orders from', 'use CertificateAuthority.LETS_ENCRYPT, GOOGLE or SSL_COM');
  if (c.validityDays !== undefined && !isUnresolved(c.validityDays) && authorities.includes(authority)) {
    const allowed = CERTIFICATE_VALIDITY_DAYS[authority];
    p.check(allowed.includes(c.validityDays), 'advancedCertificate.validityDays', c.validityDays,
      `is not a validity the authority ${authority} issues`, `use one of ${allowed.join(', ')} days`);
  }
  if (c.validationMethod !== undefined) {
    p.check(Object.values(CertificateValidationMethod).includes(c.validationMethod), 'advancedCertificate.validationMethod',
      c.validationMethod, 'is not a validation method', 'use CertificateValidationMethod.TXT (the default), HTTP or EMAIL');
  }
  return c;
}

function checkSecurityHeaders(p: Problems, h: SecurityHeaders, zoneName: string): void {
  checkArray<string>(p, 'securityHeaders.additionalHostnames', h.additionalHostnames,
    { fix: "give a list of hostnames of the zone, such as ['dev-app.example.com'], or leave it out" })
    .forEach((host, i) => checkHostname(p, `securityHeaders.additionalHostnames[${i}]`, host, zoneName));
  checkBoolean(p, 'securityHeaders.hstsIncludeSubdomains', h.hstsIncludeSubdomains);
  checkBoolean(p, 'securityHeaders.hstsPreload', h.hstsPreload);
  checkInt(p, 'securityHeaders.hstsMaxAgeSeconds', h.hstsMaxAgeSeconds, 0, 63072000,
    'use a whole number of seconds from 0 (no HSTS) to 63072000 (two years); 31536000 is one year');
  if (h.hstsPreload === true) {
    const maxAge: unknown = h.hstsMaxAgeSeconds ?? 31536000;
    p.check(typeof maxAge === 'number' && maxAge >= 31536000 && (h.hstsIncludeSubdomains ?? true) === true,
      'securityHeaders.hstsPreload', h.hstsPreload, 'needs a max-age of at least one year and includeSubDomains',
      'set hstsMaxAgeSeconds to 31536000 or more and keep hstsIncludeSubdomains, or drop hstsPreload');
  }
  if (h.frameOptions !== undefined) {
    p.check(Object.values(FrameOptions).includes(h.frameOptions), 'securityHeaders.frameOptions', h.frameOptions,
      'is not an X-Frame-Options value', 'use FrameOptions.DENY or FrameOptions.SAMEORIGIN');
  }
  if (h.referrerPolicy !== undefined) {
    p.check(Object.values(ReferrerPolicy).includes(h.referrerPolicy), 'securityHeaders.referrerPolicy', h.referrerPolicy,
      'is not a Referrer-Policy value', 'use a ReferrerPolicy member');
  }
  if (h.permissionsPolicy !== undefined) {
    p.check(typeof h.permissionsPolicy === 'string' && h.permissionsPolicy.length > 0 && !/[\r\n"]/.test(h.permissionsPolicy),
      'securityHeaders.permissionsPolicy', h.permissionsPolicy, 'is not a header value',
      'give directives such as "camera=(), microphone=()" on one line, without double quotes');
  }
}
