import { Problems, isUnresolved } from '../private/validate';

/**
 * A DigitalOcean region. Use a static member; `DoRegion.of('xyz1')` is the
 * escape for a region slug this catalogue does not know yet.
 */
export class DoRegion {
  public static readonly NYC1 = new DoRegion('nyc1', true);
  public static readonly NYC3 = new DoRegion('nyc3', true);
  public static readonly SFO2 = new DoRegion('sfo2', true);
  public static readonly SFO3 = new DoRegion('sfo3', true);
  public static readonly AMS3 = new DoRegion('ams3', true);
  public static readonly SGP1 = new DoRegion('sgp1', true);
  public static readonly LON1 = new DoRegion('lon1', true);
  public static readonly FRA1 = new DoRegion('fra1', true);
  public static readonly TOR1 = new DoRegion('tor1', true);
  public static readonly BLR1 = new DoRegion('blr1', true);
  public static readonly SYD1 = new DoRegion('syd1', true);
  public static readonly ATL1 = new DoRegion('atl1', true);

  /** Every region this catalogue knows. */
  public static readonly ALL: readonly DoRegion[] = [
    DoRegion.NYC1, DoRegion.NYC3, DoRegion.SFO2, DoRegion.SFO3, DoRegion.AMS3, DoRegion.SGP1,
    DoRegion.LON1, DoRegion.FRA1, DoRegion.TOR1, DoRegion.BLR1, DoRegion.SYD1, DoRegion.ATL1,
  ];

  /** A known region by slug, or a new slug (three letters and a digit) the catalogue does not know yet. */
  public static of(slug: string): DoRegion {
    const known = DoRegion.ALL.find((r) => r.slug === slug);
    return known ?? new DoRegion(slug, false);
  }

  /** True when the slug is one of the catalogue's regions. */
  public static isKnown(slug: string): boolean {
    return DoRegion.ALL.some((r) => r.slug === slug);
  }

  private constructor(
    /** The region slug, as the DigitalOcean API names it (`fra1`). */
    public readonly slug: string,
    /** True when the slug is in this catalogue. */
    public readonly known: boolean,
  ) {}

  public toString(): string {
    return this.slug;
  }
}

/**
 * @internal Records a problem when a region slug is malformed or the value is not a region.
 * Unknown but well-formed slugs made with `DoRegion.of` pass. A missing region passes,
 * unless `options.required` is set: then it is recorded as "is required".
 */
export function checkRegion(
  p: Problems, prop: string, region: DoRegion | string | undefined, options: { readonly required?: boolean } = {},
): void {
  const fix = `use one of ${DoRegion.ALL.map((r) => r.slug).join(', ')} (or DoRegion.of('<slug>') for a new region)`;
  if (region === undefined) {
    if (options.required) p.add(prop, region, 'is required', `give the region: ${fix.slice(4)}`);
    return;
  }
  const slug: unknown = typeof region === 'string' ? region
    : typeof region === 'object' && region !== null ? (region as { slug?: unknown }).slug : undefined;
  if (isUnresolved(slug)) return;
  const isObject = region instanceof DoRegion;
  const ok = typeof slug === 'string' && /^[a-z]{3}[0-9]$/.test(slug) && (isObject || DoRegion.isKnown(slug));
  p.check(ok, prop, region instanceof DoRegion ? slug : region, 'is not a DigitalOcean region', fix);
}
