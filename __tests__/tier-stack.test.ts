import { DatabaseCluster } from '@cdktf/provider-digitalocean/lib/database-cluster';
import { App, DefaultTokenResolver, StringConcat, TerraformOutput, Testing, Tokenization } from 'cdktf';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LARAVEL_INVOICING_EXAMPLE } from '../stacks/description/laravel-example';
import { estimateStack } from '../lib/cost/estimate';
import { buildStacks } from '../stacks';
import { TierStack } from '../stacks/tier-stack';

// Synthesis of a tier stack resolves it once for the checks and writes that JSON, and prices
// the cost output from it; these tests hold that the output is what a plain resolve gives.

function build(): { app: App; stacks: TierStack[]; outdir: string } {
  const outdir = mkdtempSync(join(tmpdir(), 'erp-tier-stack-'));
  const app = new App({ outdir, stackTraces: false });
  return { app, stacks: buildStacks(app, LARAVEL_INVOICING_EXAMPLE, {}), outdir };
}

function written(outdir: string, tier: string): Record<string, any> {
  return JSON.parse(readFileSync(join(outdir, 'stacks', tier, 'cdk.tf.json'), 'utf8'));
}

/** The JSON without cdktf's "//" metadata, as Testing.synth gives it. */
function withoutMetadata(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(withoutMetadata);
  if (json === null || typeof json !== 'object') return json;
  return Object.fromEntries(Object.entries(json).filter(([k]) => k !== '//').map(([k, v]) => [k, withoutMetadata(v)]));
}

describe('tier stack synthesis', () => {
  const { app, stacks, outdir } = build();
  app.synth();
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  test.each(['dev', 'prod', 'ha-platform', 'ha', 'local'])('the %s stack written after its checks equals the stack resolved without them', (name) => {
    const fresh = build();
    const stack = fresh.stacks.find((s) => s.stackName === name)!;
    // Testing.synth runs the aspects but no validation: no checks, nothing kept from them.
    expect(withoutMetadata(written(outdir, name))).toEqual(JSON.parse(Testing.synth(stack)));
    rmSync(fresh.outdir, { recursive: true, force: true });
  });

  test.each(['dev', 'prod', 'ha-platform', 'ha'])('the cost output of %s is the estimate of the live stack', (name) => {
    const stack = stacks.find((s) => s.stackName === name)!;
    expect(written(outdir, name).output.monthly_cost_estimate.value).toBe(estimateStack(stack).summary());
  });

  test('the cost output resolved outside synthesis (HCL output) is the estimate, not a placeholder', () => {
    const stack = stacks.find((s) => s.tier === 'prod')!;
    const output = stack.node.findChild('monthly_cost_estimate') as TerraformOutput;
    const resolved = Tokenization.resolve(output.value, { scope: stack, resolver: new DefaultTokenResolver(new StringConcat()) });
    expect(resolved).toBe(estimateStack(stack).summary());
  });

  test('a construct added after the checks ran is written: the JSON they read is not reused', () => {
    const fresh = build();
    const stack = fresh.stacks.find((s) => s.tier === 'dev')!;
    fresh.app.synth();
    stack.runAllValidations();
    new TerraformOutput(stack, 'added_after_checks', { value: 'late' });
    expect(stack.toTerraform().output.added_after_checks).toEqual({ value: 'late' });
    rmSync(fresh.outdir, { recursive: true, force: true });
  });

  test('fails to add a second cost estimate output, naming the stack and the first output', () => {
    const stack = stacks.find((s) => s.tier === 'dev')!;
    expect(() => stack.addCostEstimateOutput('another_estimate', 'again')).toThrow(/dev already has a cost estimate output \(monthly_cost_estimate\)/);
  });
});

describe('the app command', () => {
  const root = resolve(__dirname, '..');
  const appCommand = JSON.parse(readFileSync(join(root, 'cdktf.json'), 'utf8')).app as string;
  const synthScript = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.synth as string;
  const nodeRun = (cmd: string) => cmd.split('&&').pop()!.trim().replace(/^(\w+=\S+\s+)+/, '');

  const buildScript = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.build as string;
  const buildPart = (cmd: string) => cmd.split('&&').slice(0, -1).join('&&').trim();

  test('cdktf synth builds with the build step (tsc --incremental first when it is not compiled yet), then runs the compiled app with node', () => {
    expect(appCommand).toMatch(
      /^\{ test -f dist\/tools\/build\.js \|\| node_modules\/\.bin\/tsc -p tsconfig\.json --incremental --tsBuildInfoFile dist\/tsconfig\.tsbuildinfo; \} && node dist\/tools\/build\.js && node( --[\w-]+(=\S+)?)* dist\/main\.js$/,
    );
  });

  test('npm run synth builds as cdktf synth does, and runs the app with the same node flags', () => {
    expect(buildPart(synthScript)).toBe(buildPart(appCommand));
    expect(nodeRun(synthScript)).toBe(nodeRun(appCommand));
  });

  test('npm run build is the build step of the app command', () => {
    expect(buildScript).toBe(buildPart(appCommand));
  });
});

describe('references between stacks', () => {
  test('fails on a value taken from a resource another stack declares, naming the block, the address and the fix', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'erp-tier-stack-'));
    const app = new App({ outdir, stackTraces: false });
    const [dev, prod] = buildStacks(app, LARAVEL_INVOICING_EXAMPLE, {});
    const onlyInProd = new DatabaseCluster(prod, 'OnlyInProd', { name: 'only-in-prod', engine: 'mysql', version: '8', size: 'db-s-1vcpu-1gb', region: 'fra1', nodeCount: 1 });
    new TerraformOutput(dev, 'from_prod', { value: onlyInProd.host });
    expect(() => app.synth()).toThrow(/Invalid input at dev \(1 problem\):\n {2}- output\.from_prod: refers to a resource this stack does not declare \(one of another stack\?\) \(got "digitalocean_database_cluster\.OnlyInProd"\)\. Fix: create the resource in this stack/);
    rmSync(outdir, { recursive: true, force: true });
  });
});
