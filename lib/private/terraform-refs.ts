/**
 * References in synthesized Terraform JSON, read the way Terraform reads them:
 * inside `${ ... }` interpolations (not the escaped `$${`), outside quoted
 * strings, to a resource type of one of the configuration's providers.
 */

/** A reference from a block of the configuration to a resource or data source. */
export interface TerraformReference {
  /** Where it is: `resource.digitalocean_droplet.App` (the block holding it). */
  readonly from: string;
  /** What it names: `digitalocean_vpc.Network` or `data.aws_region.Current`. */
  readonly address: string;
}

type Json = Record<string, any>;

/**
 * The references to resources and data sources the configuration does not
 * declare. Terraform refuses such a configuration ("Reference to undeclared
 * resource"); for cdktf they mean a value taken from another stack without
 * cdktf's cross-stack wiring.
 */
export function undeclaredReferences(tf: Json): TerraformReference[] {
  const declared = new Set<string>();
  for (const [type, byName] of Object.entries<Json>(tf.resource ?? {})) for (const name of Object.keys(byName)) declared.add(`${type}.${name}`);
  for (const [type, byName] of Object.entries<Json>(tf.data ?? {})) for (const name of Object.keys(byName)) declared.add(`data.${type}.${name}`);
  // Resource types start with their provider's name; `terraform_data` is Terraform's own.
  const prefixes = new Set<string>(['terraform', ...Object.keys(tf.provider ?? {}), ...Object.keys(tf.terraform?.required_providers ?? {})]);
  const out: TerraformReference[] = [];
  const blocks: Array<[string, unknown]> = [];
  for (const kind of ['resource', 'data']) {
    for (const [type, byName] of Object.entries<Json>(tf[kind] ?? {})) {
      for (const [name, body] of Object.entries(byName)) blocks.push([`${kind}.${type}.${name}`, body]);
    }
  }
  for (const kind of ['output', 'locals', 'module', 'provider']) {
    for (const [name, body] of Object.entries(tf[kind] ?? {})) blocks.push([`${kind}.${name}`, body]);
  }
  for (const [from, body] of blocks) {
    const seen = new Set<string>();
    visitStrings(body, (text) => {
      for (const address of referencedAddresses(text, prefixes)) {
        if (!declared.has(address) && !seen.has(address)) {
          seen.add(address);
          out.push({ from, address });
        }
      }
    });
  }
  return out;
}

function visitStrings(value: unknown, fn: (text: string) => void): void {
  if (typeof value === 'string') {
    if (value.includes('${')) fn(value);
  } else if (Array.isArray(value)) {
    for (const v of value) visitStrings(v, fn);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (k !== '//') visitStrings(v, fn);
  }
}

const ADDRESS = /(?<![\w.:])(data\.)?([a-z][a-z0-9]*)(_[a-z0-9_]+)\.([A-Za-z_][\w-]*)(?!\s*\()/g;

/** The resource and data source addresses the interpolations of `text` name. */
export function referencedAddresses(text: string, providerPrefixes: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (const expression of interpolations(text)) {
    for (const m of withoutStringLiterals(expression).matchAll(ADDRESS)) {
      const [, data, prefix, rest, name] = m;
      if (!providerPrefixes.has(prefix)) continue;
      out.push(`${data ?? ''}${prefix}${rest}.${name}`);
    }
  }
  return out;
}

/** The expressions of the `${ ... }` interpolations of a template string (`$${` is a literal). */
export function interpolations(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  while ((i = text.indexOf('${', i)) >= 0) {
    if (i > 0 && text[i - 1] === '$') {
      i += 2;
      continue;
    }
    let depth = 1;
    let j = i + 2;
    let quoted = false;
    for (; j < text.length && depth > 0; j++) {
      const c = text[j];
      if (quoted) {
        if (c === '\\') j++;
        else if (c === '"') quoted = false;
      } else if (c === '"') quoted = true;
      else if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    out.push(text.slice(i + 2, depth === 0 ? j - 1 : j));
    i = j;
  }
  return out;
}

/** The expression with the text of its quoted strings blanked (their own interpolations kept). */
function withoutStringLiterals(expression: string): string {
  let out = '';
  let quoted = false;
  for (let j = 0; j < expression.length; j++) {
    const c = expression[j];
    if (quoted) {
      if (c === '\\') j++;
      else if (c === '"') {
        quoted = false;
        out += c;
      } else if (c === '$' && expression[j + 1] === '{') {
        // a nested interpolation inside a string: keep it
        let depth = 0;
        for (; j < expression.length; j++) {
          out += expression[j];
          if (expression[j] === '{') depth++;
          else if (expression[j] === '}' && --depth === 0) break;
        }
      } else out += ' ';
    } else {
      if (c === '"') quoted = true;
      out += c;
    }
  }
  return out;
}
