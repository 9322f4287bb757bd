import { CostEstimate, formatUsd, renderRows } from './estimate';
import { CostItem, CostItemStatus } from './item';

/** One line of a quoted plan (a price list someone wrote by hand), with the resources that build it. */
export interface PlanLine {
  /** What the plan calls it (`Managed PostgreSQL 2 vCPU / 4 GB + standby`). */
  readonly label: string;
  /** The plan's monthly figure, in USD. */
  readonly usd: number;
  /** Terraform addresses of the resources that build it (`digitalocean_droplet.App`); empty when nothing does. */
  readonly addresses: readonly string[];
  /**
   * Only the items of those resources whose catalogue key starts with this
   * (`digitalocean/droplet-backup/` for the backups of a droplet priced on another line).
   * @default - every item of the resources
   */
  readonly catalogueKeyPrefix?: string;
  /**
   * Why the estimate differs from the plan's figure, when it does.
   * @default - no explanation beyond the items
   */
  readonly why?: string;
}

/** One plan line beside the estimate of its resources. */
export interface PlanComparisonLine {
  readonly label: string;
  readonly planUsd: number;
  readonly estimateUsd: number;
  /** estimate minus plan. */
  readonly differenceUsd: number;
  /** The estimate's items of the line's resources. */
  readonly items: readonly CostItem[];
  readonly why?: string;
}

/** A quoted plan beside an estimate, line by line. */
export class PlanComparison {
  constructor(
    /** Each plan line with the estimate of its resources. */
    public readonly lines: readonly PlanComparisonLine[],
    /** Priced items of the estimate that no plan line names. */
    public readonly unplannedItems: readonly CostItem[],
    /** The estimate compared. */
    public readonly estimate: CostEstimate,
  ) {}

  /** The plan's total. */
  public get planTotalUsd(): number {
    return this.lines.reduce((s, l) => s + l.planUsd, 0);
  }

  /** The estimate's total. */
  public get estimateTotalUsd(): number {
    return this.estimate.totalUsd;
  }

  /** estimate minus plan. */
  public get differenceUsd(): number {
    return this.estimateTotalUsd - this.planTotalUsd;
  }

  /** A plain-text table of the lines that differ and why. */
  public toTable(title?: string): string {
    const out: string[] = [];
    if (title) out.push(title);
    const rows: string[][] = [['plan line', 'plan', 'estimate', 'difference', 'estimate items']];
    const sign = (n: number): string => (Math.abs(n) < 0.005 ? '0' : `${n > 0 ? '+' : ''}${formatUsd(n)}`);
    for (const l of this.lines) {
      rows.push([l.label, formatUsd(l.planUsd), formatUsd(l.estimateUsd), sign(l.differenceUsd),
        l.items.map((i) => `${i.description}${i.status === CostItemStatus.FREE ? ' (free)' : ''}`).join(' + ') || '(nothing built)']);
    }
    for (const i of this.unplannedItems) {
      rows.push([`(not in the plan) ${i.description}`, formatUsd(0), formatUsd(i.monthlyUsd ?? 0), sign(i.monthlyUsd ?? 0), i.address]);
    }
    rows.push(['total', formatUsd(this.planTotalUsd), formatUsd(this.estimateTotalUsd), sign(this.differenceUsd), '']);
    out.push(...renderRows(rows, [false, true, true, true, false]).map((r) => `  ${r}`));
    const explained = this.lines.filter((l) => Math.abs(l.differenceUsd) >= 0.005 && l.why);
    if (explained.length > 0) {
      out.push('  why the figures differ:');
      for (const l of explained) out.push(`    ${l.label} (${sign(l.differenceUsd)}): ${l.why}`);
    }
    return out.join('\n');
  }
}

/**
 * Sets a quoted plan beside an estimate: each plan line against the items of
 * the resources that build it, and the priced items the plan does not name.
 */
export function compareWithPlan(estimate: CostEstimate, plan: readonly PlanLine[]): PlanComparison {
  const claimed = new Set<CostItem>();
  const lines = plan.map((l): PlanComparisonLine => {
    const items = estimate.itemsOf(...l.addresses)
      .filter((i) => l.catalogueKeyPrefix === undefined || (i.catalogueKey ?? '').startsWith(l.catalogueKeyPrefix));
    items.forEach((i) => claimed.add(i));
    const estimateUsd = items.reduce((s, i) => s + (i.monthlyUsd ?? 0), 0);
    return { label: l.label, planUsd: l.usd, estimateUsd, differenceUsd: estimateUsd - l.usd, items, ...(l.why ? { why: l.why } : {}) };
  });
  const unplanned = estimate.pricedItems.filter((i) => !claimed.has(i) && (i.monthlyUsd ?? 0) > 0);
  return new PlanComparison(lines, unplanned, estimate);
}
