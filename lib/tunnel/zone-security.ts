/**
 * Zone-level protections a TunnelIngress can add in front of its hostnames:
 * rate limiting rules and security response headers (Cloudflare rulesets).
 */

/**
 * The Cloudflare plan of the zone. Rate limiting rules are limited by plan
 * (periods, mitigation timeouts, number of rules, fields in the expression);
 * naming the plan lets the construct check the rules before Cloudflare rejects them.
 */
export enum CloudflarePlan {
  FREE = 'free',
  PRO = 'pro',
  BUSINESS = 'business',
  ENTERPRISE = 'enterprise',
}

/** What Cloudflare does with a client once it passes a rate limit. */
export enum RateLimitAction {
  /** Answers 429 for the mitigation timeout. */
  BLOCK = 'block',
  /** Shows a managed challenge; the mitigation timeout does not apply. */
  MANAGED_CHALLENGE = 'managed_challenge',
}

/**
 * One rate limiting rule, counted per client IP address (and Cloudflare data
 * center, which Cloudflare requires on every plan below Enterprise).
 */
export interface RateLimitRule {
  /** A short name for the rule, shown in the Cloudflare dashboard (`api`, `login`). */
  readonly name: string;
  /** The path the rule counts: the path itself and everything below it (`/api` counts `/api` and `/api/...`). */
  readonly pathPrefix: string;
  /** How many requests a client may make in one period before the action applies. */
  readonly requestsPerPeriod: number;
  /**
   * The counting period in seconds: 10, 60, 120, 300, 600 or 3600.
   * Free zones may only use 10; Pro 10 and 60; Business 10, 60 and 600; Enterprise all of them.
   */
  readonly periodSeconds: number;
  /**
   * How long the action lasts once it applies, in seconds: 10, 60, 120, 300, 600, 3600 or 86400.
   * Free zones may only use 10; Pro 10, 60 and 3600; Business adds 86400.
   * @default - the period (ignored for a managed challenge)
   */
  readonly mitigationTimeoutSeconds?: number;
  /**
   * The action once the limit is passed.
   * @default RateLimitAction.BLOCK
   */
  readonly action?: RateLimitAction;
  /**
   * Counts only requests to this hostname (Pro plan and above).
   * @default - every hostname of the zone
   */
  readonly hostname?: string;
  /**
   * Counts only requests with these HTTP methods (Business plan and above).
   * @default - every method
   */
  readonly methods?: string[];
}

/**
 * Rate limiting for the zone, as one `http_ratelimit` ruleset.
 *
 * Cloudflare keeps one rate limiting ruleset per zone: if the zone already
 * has one made outside this app, import it or leave this prop out.
 *
 * The reference deployments limit the API to 10 requests a second and the
 * login to 5 a minute. A Pro zone (which allows two rules and 60 s periods) expresses that as:
 *
 *   rateLimits: {
 *     plan: CloudflarePlan.PRO,
 *     rules: [
 *       { name: 'api', pathPrefix: '/api', requestsPerPeriod: 100, periodSeconds: 10 },
 *       { name: 'login', pathPrefix: '/login', requestsPerPeriod: 5, periodSeconds: 60, mitigationTimeoutSeconds: 3600 },
 *     ],
 *   }
 *
 * A Free zone allows a single rule with a 10 s period and a 10 s timeout,
 * counted on the path only: keep the API rule (100 per 10 s) and protect the
 * login in the app itself.
 */
export interface ZoneRateLimits {
  /** The rules, evaluated in order. */
  readonly rules: RateLimitRule[];
  /**
   * The zone's plan; when given, periods, timeouts, the number of rules and
   * the fields used are checked against what the plan allows.
   * @default - checked only against what some plan allows
   */
  readonly plan?: CloudflarePlan;
}

/** The `X-Frame-Options` answer. */
export enum FrameOptions {
  /** No page may frame the app. */
  DENY = 'DENY',
  /** Only the app's own pages may frame it. */
  SAMEORIGIN = 'SAMEORIGIN',
}

/** The `Referrer-Policy` answer. */
export enum ReferrerPolicy {
  NO_REFERRER = 'no-referrer',
  SAME_ORIGIN = 'same-origin',
  STRICT_ORIGIN = 'strict-origin',
  STRICT_ORIGIN_WHEN_CROSS_ORIGIN = 'strict-origin-when-cross-origin',
}

/**
 * Security headers Cloudflare adds to every response of the tunnel's
 * hostnames, as one `http_response_headers_transform` ruleset.
 * Cloudflare keeps one such ruleset per zone: when several tunnels (environments,
 * apps) share a zone, give `securityHeaders` to one of them only, with the other
 * tunnels' hostnames in `additionalHostnames`.
 */
export interface SecurityHeaders {
  /**
   * Other hostnames of the zone that get the headers too (those of another environment's tunnel):
   * the zone has one such ruleset, so the tunnel that makes it covers them all.
   * @default - only this tunnel's hostnames
   */
  readonly additionalHostnames?: string[];
  /**
   * `Strict-Transport-Security` max-age, in seconds; 0 leaves the header out.
   * @default 31536000 (one year)
   */
  readonly hstsMaxAgeSeconds?: number;
  /**
   * Adds `includeSubDomains` to HSTS.
   * @default true
   */
  readonly hstsIncludeSubdomains?: boolean;
  /**
   * Adds `preload` to HSTS (only once the domain is submitted to the preload list).
   * @default false
   */
  readonly hstsPreload?: boolean;
  /**
   * The `X-Frame-Options` answer.
   * @default FrameOptions.SAMEORIGIN
   */
  readonly frameOptions?: FrameOptions;
  /**
   * The `Referrer-Policy` answer.
   * @default ReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN
   */
  readonly referrerPolicy?: ReferrerPolicy;
  /**
   * The `Permissions-Policy` answer.
   * @default 'camera=(), microphone=(), geolocation=(), payment=()'
   */
  readonly permissionsPolicy?: string;
}
