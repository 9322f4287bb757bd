/**
 * Container image references, by the grammar of the distribution project
 * (`docker/distribution/reference`):
 *
 *   reference  := name [ ":" tag ] [ "@" digest ]
 *   name       := [ domain "/" ] path-component ( "/" path-component )*
 *   domain     := host [ ":" port ]          (first component with "." or ":", or "localhost")
 *   path-comp  := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
 *   tag        := [\w][\w.-]{0,127}
 *   digest     := algorithm ":" hex          (sha256: 64 hex digits, sha512: 128)
 */

export interface ImageReference {
  /** Registry host (and port) when given. */
  readonly domain?: string;
  /** Repository path without the domain. */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: string;
}

export type ImageParseResult = { ok: true; ref: ImageReference } | { ok: false; error: string };

const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_RE = new RegExp(`^(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?$`);
const PATH_COMPONENT_RE = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG_RE = /^[\w][\w.-]{0,127}$/;
const DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]+$/;

export function parseImageReference(text: string): ImageParseResult {
  if (typeof text !== 'string' || text.length === 0) return { ok: false, error: 'is empty' };
  if (/\s/.test(text)) return { ok: false, error: 'contains whitespace' };
  let rest = text;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST_RE.test(digest)) return { ok: false, error: `digest "${digest}" is not algorithm:hex` };
    const [alg, hex] = digest.split(':');
    if (alg === 'sha256' && hex.length !== 64) return { ok: false, error: 'a sha256 digest has 64 hex digits' };
    if (alg === 'sha512' && hex.length !== 128) return { ok: false, error: 'a sha512 digest has 128 hex digits' };
    if (hex.length < 32) return { ok: false, error: 'a digest has at least 32 hex digits' };
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG_RE.test(tag)) return { ok: false, error: `tag "${tag}" must be letters, digits, "_", "." or "-" (up to 128, not starting with "." or "-")` };
  }
  if (rest.length === 0) return { ok: false, error: 'has no repository name' };
  if (rest.length > 255) return { ok: false, error: 'repository name is longer than 255 characters' };
  const parts = rest.split('/');
  let domain: string | undefined;
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === 'localhost' || /[A-Z]/.test(parts[0]))) {
    domain = parts.shift();
    if (!DOMAIN_RE.test(domain!)) return { ok: false, error: `registry "${domain}" is not a host name with an optional port` };
  }
  for (const c of parts) {
    if (!PATH_COMPONENT_RE.test(c)) {
      return { ok: false, error: `repository component "${c}" must be lowercase letters and digits, separated by ".", "_", "__" or "-"` };
    }
  }
  return { ok: true, ref: { domain, path: parts.join('/'), tag, digest } };
}
