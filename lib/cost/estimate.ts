import { DefaultTokenResolver, StringConcat, TerraformProvider, TerraformResource, TerraformStack, Tokenization } from 'cdktf';
import { IConstruct } from 'constructs';
import { S3StorageClass } from '../common/storage-class';
import { PriceCatalogue, PriceSource } from './catalogue';
import { CostAssumptions, CostItem, CostItemStatus } from './item';
import { priceResources } from './private/pricers';
import { Problems } from '../private/validate';

/** Options of an estimate. */
export interface EstimateOptions {
  /**
   * The prices to use.
   * @default PriceCatalogue.standard()
   */
  readonly catalogue?: PriceCatalogue;
  /**
   * Usage assumptions.
   * @default - the defaults of each `CostAssumptions` field
   */
  readonly assumptions?: CostAssumptions;
}

/** The resolved assumptions, defaults filled in. */
export const DEFAULT_ASSUMPTIONS: Required<Omit<CostAssumptions, 's3StorageGibByAddress'>> = {
  s3StorageGibPerBucket: 50,
  s3StorageClassShares: { [S3StorageClass.STANDARD]: 1 },
  spacesStorageGib: 250,
  defaultAwsRegion: 'us-east-1',
};

const round2 = (n: number): number => Math.round(n * 100) / 100;

/** Formats US dollars: `$1,234.50` (4 decimals below a dollar when cents would round it). */
export function formatUsd(usd: number): string {
  const abs = Math.abs(usd);
  const digits = abs < 1 && Math.abs(round2(abs) - abs) > 1e-9 ? 4 : 2;
  // Rounds the printed decimal half up, as en-US number formatting does, without loading ICU's
  // number formats: shifting the decimal point in the text keeps 4.825 from rounding as 4.82499...
  const text = String(abs);
  const scaled = text.includes('e') ? Math.round(abs * 10 ** digits) : Math.round(Number(`${text}e${digits}`));
  const padded = String(scaled).padStart(digits + 1, '0');
  const whole = padded.slice(0, -digits).replace(/\B(?=(\d{3})+$)/g, ',');
  return `${usd < 0 ? '-' : ''}$${whole}.${padded.slice(-digits)}`;
}

/** The itemized monthly cost of one stack. */
export class CostEstimate {
  constructor(
    /** Every item, in the order of the resource addresses. */
    public readonly items: readonly CostItem[],
  ) {}

  /** Items with a price (from the resource's fields or a usage assumption). */
  public get pricedItems(): readonly CostItem[] {
    return this.items.filter((i) => i.status === CostItemStatus.PRICED || i.status === CostItemStatus.USAGE_ASSUMED);
  }

  /** Items known to cost nothing. */
  public get freeItems(): readonly CostItem[] {
    return this.items.filter((i) => i.status === CostItemStatus.FREE);
  }

  /** Items with no known price, left out of the total. */
  public get unknownItems(): readonly CostItem[] {
    return this.items.filter((i) => i.status === CostItemStatus.NO_KNOWN_PRICE);
  }

  /** The monthly total in USD (autoscaling at its minimum), without the items that have no known price. */
  public get totalUsd(): number {
    return this.items.reduce((sum, i) => sum + (i.monthlyUsd ?? 0), 0);
  }

  /** The monthly total in USD with every autoscaling group at its maximum. */
  public get maxTotalUsd(): number {
    return this.items.reduce((sum, i) => sum + (i.maxMonthlyUsd ?? i.monthlyUsd ?? 0), 0);
  }

  /** Items of the resources at these addresses (`digitalocean_droplet.App`). */
  public itemsOf(...addresses: string[]): readonly CostItem[] {
    return this.items.filter((i) => addresses.includes(i.address));
  }

  /** The sum of the monthly figures of the resources at these addresses. */
  public totalOf(...addresses: string[]): number {
    return this.itemsOf(...addresses).reduce((sum, i) => sum + (i.monthlyUsd ?? 0), 0);
  }

  /** One line: `$247.20/month (up to $343.20 with autoscaling); 1 item with no known price`. */
  public summary(): string {
    let s = `${formatUsd(this.totalUsd)}/month`;
    if (round2(this.maxTotalUsd) !== round2(this.totalUsd)) s += ` (up to ${formatUsd(this.maxTotalUsd)} with autoscaling)`;
    const n = this.unknownItems.length;
    if (n > 0) s += `; ${n} ${n === 1 ? 'item' : 'items'} with no known price`;
    return s;
  }

  /** A plain-text table: priced items, free items, items with no known price, total, sources. */
  public toTable(title?: string): string {
    const lines: string[] = [];
    if (title) lines.push(title);
    const sources: string[] = [];
    const ref = (s: PriceSource | undefined): string => {
      if (!s) return '';
      const text = `${s.url} (list price as of ${s.asOf})`;
      let i = sources.indexOf(text);
      if (i < 0) i = sources.push(text) - 1;
      return `[${i + 1}]`;
    };
    const rows: string[][] = [['item', 'resource', 'quantity', 'unit price', 'monthly', 'source']];
    for (const i of this.pricedItems) {
      const qty = i.maxQuantity !== undefined && i.maxQuantity !== i.quantity
        ? `${trimNumber(i.quantity)} (max ${trimNumber(i.maxQuantity)})`
        : trimNumber(i.quantity);
      const monthly = i.maxMonthlyUsd !== undefined && round2(i.maxMonthlyUsd) !== round2(i.monthlyUsd ?? 0)
        ? `${formatUsd(i.monthlyUsd ?? 0)} (max ${formatUsd(i.maxMonthlyUsd)})`
        : formatUsd(i.monthlyUsd ?? 0);
      rows.push([
        i.description + (i.status === CostItemStatus.USAGE_ASSUMED ? ' *' : ''),
        i.address,
        `${qty} ${plural(i.unit, i.maxQuantity ?? i.quantity)}`,
        formatUsd(i.unitPriceUsd ?? 0),
        monthly,
        ref(i.source),
      ]);
    }
    lines.push(...renderRows(rows, [false, false, true, true, true, false]).map((l) => `  ${l}`));
    const assumed = this.items.filter((i) => i.status === CostItemStatus.USAGE_ASSUMED);
    for (const i of assumed) lines.push(`  * ${i.address}: ${i.notes.join('; ')}`);
    if (this.freeItems.length > 0) {
      lines.push('  free:');
      for (const i of this.freeItems) lines.push(`    ${i.address}: ${i.description}${i.notes.length ? ` (${i.notes.join('; ')})` : ''} ${ref(i.source)}`);
    }
    lines.push(`  no known price (not in the total): ${this.unknownItems.length === 0 ? 'none' : ''}`);
    for (const i of this.unknownItems) lines.push(`    ${i.address}: ${i.description} (${i.notes.join('; ')})`);
    lines.push(`  total: ${this.summary()}`);
    if (sources.length > 0) {
      lines.push('  sources:');
      sources.forEach((s, i) => lines.push(`    [${i + 1}] ${s}`));
    }
    return lines.join('\n');
  }

  /** A plain object for JSON (totals rounded to cents). */
  public toJSON(): { totalUsd: number; maxTotalUsd: number; items: readonly CostItem[] } {
    return { totalUsd: round2(this.totalUsd), maxTotalUsd: round2(this.maxTotalUsd), items: this.items };
  }
}

function plural(unit: string, n: number): string {
  return n === 1 || unit === 'GiB' ? unit : `${unit}s`;
}

function trimNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(round2(n));
}

/** @internal Left- or right-aligned columns. */
export function renderRows(rows: readonly string[][], rightAligned: readonly boolean[]): string[] {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (rightAligned[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
}

/**
 * Itemizes the monthly cost of a synthesized stack: the `cdk.tf.json` object
 * (or its text), walking `resource.<type>.<name>` and the `provider` blocks.
 */
export function estimateTerraformJson(tfJson: unknown, options: EstimateOptions = {}): CostEstimate {
  const doc = typeof tfJson === 'string' ? JSON.parse(tfJson) : tfJson;
  const root = (doc && typeof doc === 'object' ? doc : {}) as Record<string, unknown>;
  const catalogue = options.catalogue ?? PriceCatalogue.standard();
  const assumptions = { ...DEFAULT_ASSUMPTIONS, ...stripUndefined(options.assumptions ?? {}) };
  checkAssumptions(assumptions);
  return new CostEstimate(priceResources(root, catalogue, assumptions));
}

/**
 * Itemizes the monthly cost of a live stack. Resolves only the stack's
 * resources and providers (never its outputs), so a stack may put the estimate
 * into a `TerraformOutput` through `Lazy` without recursing.
 */
export function estimateStack(stack: TerraformStack, options: EstimateOptions = {}): CostEstimate {
  const resolver = new DefaultTokenResolver(new StringConcat());
  const resolve = (obj: unknown): unknown => Tokenization.resolve(obj, { scope: stack, resolver, preparing: false });
  const resource: Record<string, Record<string, unknown>> = {};
  const provider: Record<string, unknown[]> = {};
  const visit = (c: IConstruct): void => {
    if (c instanceof TerraformResource) {
      const tf = resolve(c.toTerraform()) as { resource?: Record<string, Record<string, unknown>> };
      for (const [type, byName] of Object.entries(tf.resource ?? {})) {
        resource[type] = { ...(resource[type] ?? {}), ...byName };
      }
    } else if (c instanceof TerraformProvider) {
      const tf = resolve(c.toTerraform()) as { provider?: Record<string, unknown[]> };
      for (const [name, blocks] of Object.entries(tf.provider ?? {})) {
        provider[name] = [...(provider[name] ?? []), ...blocks];
      }
    }
    for (const child of c.node.children) {
      // A nested stack is its own configuration.
      if (!(child instanceof TerraformStack)) visit(child);
    }
  };
  visit(stack);
  return estimateTerraformJson({ resource, provider }, options);
}

/** Throws an ErpValidationError naming every assumption that cannot be used. */
function checkAssumptions(a: CostAssumptions): void {
  const p = new Problems();
  const gib = (prop: string, v: unknown): void => {
    p.check(typeof v === 'number' && Number.isFinite(v) && v >= 0, prop, v, 'must be a number of GiB, 0 or more', 'give the expected stored GiB, e.g. 50');
  };
  gib('assumptions.s3StorageGibPerBucket', a.s3StorageGibPerBucket);
  gib('assumptions.spacesStorageGib', a.spacesStorageGib);
  for (const [address, v] of Object.entries(a.s3StorageGibByAddress ?? {})) gib(`assumptions.s3StorageGibByAddress.${address}`, v);
  const shares = a.s3StorageClassShares ?? {};
  const known = Object.values(S3StorageClass) as string[];
  for (const [cls, v] of Object.entries(shares)) {
    p.check(known.includes(cls), `assumptions.s3StorageClassShares.${cls}`, cls, 'is not an S3 storage class the catalogue prices', `use one of ${known.join(', ')}`);
    p.check(typeof v === 'number' && v >= 0 && v <= 1, `assumptions.s3StorageClassShares.${cls}`, v, 'must be a share from 0 to 1', 'give the share of the stored bytes, e.g. 0.7');
  }
  const sum = Object.values(shares).reduce((s: number, v) => s + (typeof v === 'number' ? v : 0), 0);
  p.check(Math.abs(sum - 1) < 1e-6, 'assumptions.s3StorageClassShares', shares, `shares must add up to 1 (they add up to ${sum})`, 'make the shares of all classes add up to 1');
  p.check(typeof a.defaultAwsRegion === 'string' && /^[a-z]{2}(-[a-z]+)+-\d$/.test(a.defaultAwsRegion), 'assumptions.defaultAwsRegion', a.defaultAwsRegion, 'is not an AWS region name', "use a region name such as 'eu-central-1'");
  p.throwIfAny('cost estimate');
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
