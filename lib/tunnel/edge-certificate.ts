/**
 * Edge certificates for hostnames the free Universal certificate does not cover.
 *
 * Cloudflare's Universal certificate covers the zone apex and one level below it
 * (`example.com`, `*.example.com`). A hostname two or more levels below the zone
 * (`pma.fact.example.com`, a tenant wildcard `*.fact.example.com`) needs an Advanced
 * certificate: a certificate pack ordered through Advanced Certificate Manager, a
 * per-zone subscription ($10 a month at list price).
 */

/** The certificate authority that issues an advanced certificate pack. */
export enum CertificateAuthority {
  /** Let's Encrypt: 90-day certificates only. */
  LETS_ENCRYPT = 'lets_encrypt',
  /** Google Trust Services: 14, 30 or 90 days. */
  GOOGLE = 'google',
  /** SSL.com: 14, 30, 90 or 365 days. */
  SSL_COM = 'ssl_com',
}

/** How the certificate authority checks that the zone controls the hostnames (domain control validation). */
export enum CertificateValidationMethod {
  /**
   * A TXT record; on a zone whose DNS Cloudflare runs, Cloudflare adds and renews it itself.
   * The only method that covers wildcard hostnames.
   */
  TXT = 'txt',
  /** A file served over HTTP on each hostname; not for wildcard hostnames. */
  HTTP = 'http',
  /** An email to the domain's administrative addresses, answered by a person. */
  EMAIL = 'email',
}

/**
 * Orders an Advanced certificate pack for the hostnames of a tunnel that lie two
 * or more levels below the zone. The zone must subscribe to Advanced Certificate
 * Manager: without it Cloudflare refuses the order.
 */
export interface AdvancedCertificateOptions {
  /**
   * The certificate authority.
   * @default CertificateAuthority.LETS_ENCRYPT
   */
  readonly certificateAuthority?: CertificateAuthority;
  /**
   * How long each certificate is valid, in days: 14, 30, 90 or 365, as the authority allows
   * (Let's Encrypt: 90 only; Google Trust Services: 14, 30 or 90). Cloudflare renews it before it expires.
   * @default 90
   */
  readonly validityDays?: number;
  /**
   * How the authority validates the hostnames.
   * @default CertificateValidationMethod.TXT
   */
  readonly validationMethod?: CertificateValidationMethod;
}

/** The validity periods each authority issues, in days (Cloudflare, "Certificate authorities", developers.cloudflare.com/ssl/reference/certificate-authorities/). */
export const CERTIFICATE_VALIDITY_DAYS: Readonly<Record<CertificateAuthority, readonly number[]>> = {
  [CertificateAuthority.LETS_ENCRYPT]: [90],
  [CertificateAuthority.GOOGLE]: [14, 30, 90],
  [CertificateAuthority.SSL_COM]: [14, 30, 90, 365],
};

/** The most hostnames one certificate pack may hold, the zone apex included (`hosts` of `cloudflare_certificate_pack`, provider v5.14.0). */
export const MAX_CERTIFICATE_PACK_HOSTS = 50;

/**
 * True when a hostname lies two or more levels below the zone (`pma.fact.example.com`,
 * `*.fact.example.com` under `example.com`): the Universal certificate does not cover it.
 */
export function isDeepHostname(hostname: string, zoneName: string): boolean {
  if (typeof hostname !== 'string' || typeof zoneName !== 'string' || !hostname.endsWith(`.${zoneName}`)) return false;
  return hostname.slice(0, -zoneName.length - 1).split('.').length >= 2;
}
