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

/**
 * The AWS regions the pinned provider knows: the regions of the `aws`, `aws-cn` and `aws-us-gov`
 * partitions in the endpoint data of hashicorp/aws 5.100.0 (read from the provider's binary; the
 * AWS General Reference, "AWS Regions", lists the same). The provider refuses any other region at
 * `terraform plan` ("invalid AWS Region: <name>") unless its `skip_region_validation` is set.
 */
const AWS_REGION_NAMES: readonly string[] = [
  'af-south-1',
  'ap-east-1', 'ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7',
  'ca-central-1', 'ca-west-1',
  'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3',
  'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1', 'sa-east-1',
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'us-gov-east-1', 'us-gov-west-1', 'cn-north-1', 'cn-northwest-1',
];

/** The form of an AWS region name (`eu-central-1`, `us-gov-west-1`). */
const AWS_REGION_FORM = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

/** True when `name` is one of the AWS regions the pinned provider (hashicorp/aws 5.100.0) knows. */
export function isKnownAwsRegion(name: string): boolean {
  return AWS_REGION_NAMES.includes(name);
}

/** The AWS regions the pinned provider (hashicorp/aws 5.100.0) knows. */
export const AWS_REGIONS: readonly string[] = AWS_REGION_NAMES;

/**
 * @internal Records a problem when an AWS region name is not one the pinned provider knows. A
 * missing region passes, unless `options.required` is set. A region newer than the list is the
 * provider's business: set `skipRegionValidation` on your own provider (see `checkAwsProviderRegion`).
 */
export function checkAwsRegion(p: Problems, prop: string, region: unknown, options: { readonly required?: boolean } = {}): void {
  const fix = `use one of ${AWS_REGION_NAMES.join(', ')} (the regions hashicorp/aws 5.100.0 knows)`;
  if (region === undefined) {
    if (options.required) p.add(prop, region, 'is required', `give the AWS region: ${fix.slice(4)}`);
    return;
  }
  if (isUnresolved(region)) return;
  if (typeof region !== 'string' || !AWS_REGION_FORM.test(region)) {
    p.add(prop, region, 'is not an AWS region name', fix);
    return;
  }
  if (isKnownAwsRegion(region)) return;
  p.add(prop, region, 'is not an AWS region the pinned provider (hashicorp/aws 5.100.0) knows: `terraform plan` would fail with "invalid AWS Region"', fix);
}

/**
 * @internal Records a problem when an `AwsProvider` given to a construct is set to a region the
 * pinned provider does not know. A region that is a reference, or a provider with
 * `skipRegionValidation: true` (the provider's own escape for a newer region), is not checked.
 */
export function checkAwsProviderRegion(p: Problems, prop: string, provider: unknown): void {
  if (typeof provider !== 'object' || provider === null) return;
  const given = provider as { region?: unknown; skipRegionValidation?: unknown };
  let region: unknown;
  let skip: unknown;
  try {
    region = given.region;
    skip = given.skipRegionValidation;
  } catch {
    return;
  }
  if (skip === true || region === undefined || isUnresolved(region)) return;
  if (typeof region === 'string' && isKnownAwsRegion(region)) return;
  p.add(`${prop}.region`, region, 'is not an AWS region the pinned provider (hashicorp/aws 5.100.0) knows: `terraform plan` would fail with "invalid AWS Region"',
    `configure the provider with one of ${AWS_REGION_NAMES.join(', ')}, or set skipRegionValidation: true on it for a newer region`);
}
