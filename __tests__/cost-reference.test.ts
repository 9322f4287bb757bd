import { Testing, TerraformStack } from 'cdktf';
import {
  CostItemStatus, DatabaseNodeRole, DropletBackupPlan, PriceCatalogue,
  estimateStack, estimateTerraformJson,
} from '../lib/cost';
import { DatabaseEngineFamily } from '../lib/common/contracts';
import { compareWithPlan } from '../fixtures/reference/compare';
import { buildReferenceStacks } from '../fixtures/reference/stacks';
import { REFERENCE_TIERS, ReferenceTier } from '../fixtures/reference/plan';

const prices = PriceCatalogue.standard();
const p = (e: { price: number } | undefined): number => {
  if (!e) throw new Error('catalogue entry missing');
  return e.price;
};
const pg = (slug: string, role: DatabaseNodeRole): number => p(prices.databaseNode(DatabaseEngineFamily.POSTGRES, slug, role));
const valkey = (slug: string, role: DatabaseNodeRole): number => p(prices.databaseNode(DatabaseEngineFamily.VALKEY, slug, role));

function reference(name: string): { tier: ReferenceTier; stack: TerraformStack; tf: unknown } {
  const app = buildReferenceStacks(Testing.app());
  const stack = app.node.findChild(name) as TerraformStack;
  const tier = REFERENCE_TIERS.find((t) => t.stackName === name)!;
  return { tier, stack, tf: JSON.parse(Testing.synth(stack)) };
}

describe('reference plan fixture', () => {
  test('builds the three tiers the plan prices at $80, $208 and $475', () => {
    const app = buildReferenceStacks(Testing.app());
    expect(app.node.children.map((c) => c.node.id)).toEqual(['reference-single-droplet', 'reference-production', 'reference-ha']);
    expect(REFERENCE_TIERS.map((t) => t.referenceTotalUsd)).toEqual([80, 208, 475]);
    for (const tier of REFERENCE_TIERS) {
      expect(tier.lines.reduce((s, l) => s + l.usd, 0)).toBe(tier.referenceTotalUsd);
    }
  });

  test('estimates the single-droplet tier from the catalogue', () => {
    const { tier, stack, tf } = reference('reference-single-droplet');
    const e = estimateTerraformJson(tf, { assumptions: tier.assumptions });
    const expected = p(prices.droplet('s-4vcpu-8gb')) + pg('db-s-1vcpu-1gb', DatabaseNodeRole.PRIMARY)
      + p(prices.spacesSubscription()) + p(prices.loadBalancerNode());
    expect(e.totalUsd).toBeCloseTo(expected, 10);
    expect(e.unknownItems).toEqual([]);
    expect(estimateStack(stack, { assumptions: tier.assumptions }).items).toEqual(e.items);
  });

  test('estimates the production tier with the standby node and weekly backups', () => {
    const { tier, stack, tf } = reference('reference-production');
    const e = estimateTerraformJson(tf, { assumptions: tier.assumptions });
    const droplet = p(prices.droplet('s-8vcpu-16gb'));
    const expected = droplet * (1 + p(prices.dropletBackup(DropletBackupPlan.WEEKLY)))
      + pg('db-s-2vcpu-4gb', DatabaseNodeRole.PRIMARY) + pg('db-s-2vcpu-4gb', DatabaseNodeRole.STANDBY)
      + valkey('db-s-1vcpu-1gb', DatabaseNodeRole.PRIMARY) + p(prices.spacesSubscription()) + p(prices.loadBalancerNode());
    expect(e.totalUsd).toBeCloseTo(expected, 10);
    expect(e.itemsOf('digitalocean_database_cluster.Database').map((i) => i.description)).toEqual([
      'PostgreSQL primary node db-s-2vcpu-4gb', 'PostgreSQL standby node db-s-2vcpu-4gb',
    ]);
    expect(estimateStack(stack, { assumptions: tier.assumptions }).items).toEqual(e.items);
  });

  test('estimates the HA tier at the autoscaling minimum, with the HA control plane and the Spaces storage the plan implies', () => {
    const { tier, stack, tf } = reference('reference-ha');
    const e = estimateTerraformJson(tf, { assumptions: tier.assumptions });
    const node = p(prices.kubernetesNode('s-4vcpu-8gb'));
    const spaces = p(prices.spacesSubscription()) + (1000 - 250) * p(prices.spacesExtraStorage());
    const fixed = p(prices.kubernetesHaControlPlane())
      + pg('db-s-4vcpu-8gb', DatabaseNodeRole.PRIMARY) + 2 * pg('db-s-4vcpu-8gb', DatabaseNodeRole.STANDBY)
      + valkey('db-s-2vcpu-4gb', DatabaseNodeRole.PRIMARY) + valkey('db-s-2vcpu-4gb', DatabaseNodeRole.STANDBY)
      + 5 * p(prices.loadBalancerNode()) + spaces + p(prices.find('digitalocean/uptime-check'));
    expect(e.totalUsd).toBeCloseTo(fixed + 3 * node, 10);
    expect(e.maxTotalUsd).toBeCloseTo(fixed + 5 * node, 10);
    expect(e.freeItems.map((i) => i.address)).toEqual([
      'digitalocean_cdn.Cdn', 'digitalocean_monitor_alert.CpuAlert', 'digitalocean_uptime_alert.HealthAlert',
    ]);
    expect(e.unknownItems).toEqual([]);
    expect(e.items.filter((i) => i.status === CostItemStatus.USAGE_ASSUMED).map((i) => i.address)).toEqual(['digitalocean_spaces_bucket.Files']);
    expect(estimateStack(stack, { assumptions: tier.assumptions }).items).toEqual(e.items);
  });

  test('every priced item of each tier is named by a plan line or listed as not in the plan', () => {
    for (const name of ['reference-single-droplet', 'reference-production', 'reference-ha']) {
      const { tier, tf } = reference(name);
      const e = estimateTerraformJson(tf, { assumptions: tier.assumptions });
      const c = compareWithPlan(e, tier.lines);
      const claimed = c.lines.reduce((s, l) => s + l.estimateUsd, 0) + c.unplannedItems.reduce((s, i) => s + (i.monthlyUsd ?? 0), 0);
      expect(claimed).toBeCloseTo(e.totalUsd, 10);
      expect(c.planTotalUsd).toBe(tier.referenceTotalUsd);
      for (const line of c.lines) {
        if (Math.abs(line.differenceUsd) >= 0.005) expect(line.why).toBeDefined();
      }
    }
  });

  test('lists the HA control plane as the one priced item the HA plan leaves out', () => {
    const { tier, tf } = reference('reference-ha');
    const c = compareWithPlan(estimateTerraformJson(tf, { assumptions: tier.assumptions }), tier.lines);
    expect(c.unplannedItems.map((i) => i.description)).toEqual(['DOKS high-availability control plane']);
  });
});
