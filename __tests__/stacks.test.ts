import { resolve } from 'path';
import { App, Testing } from 'cdktf';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { estimateTerraformJson } from '../lib/cost/estimate';
import { ErpValidationError } from '../lib/errors';
import { undeclaredReferences } from '../lib/private/terraform-refs';
import { AppDescription } from '../stacks/description/description';
import { LARAVEL_INVOICING_EXAMPLE } from '../stacks/description/laravel-example';
import { HaPlatformStack, HaStack, buildStacks } from '../stacks';

type Json = Record<string, any>;

/** Every stack's Terraform JSON, by stack name (`ha-platform` and `ha` are the HA tier's two stacks). */
function synthAll(env: NodeJS.ProcessEnv = {}, description: AppDescription = LARAVEL_INVOICING_EXAMPLE): Record<string, Json> {
  const app = Testing.app();
  const stacks = buildStacks(app as App, description, env);
  return Object.fromEntries(stacks.map((s) => [s.stackName, JSON.parse(Testing.synth(s))]));
}

/** The description with the HA tier's node size overridden. */
function withHaNodeSize(nodeSize: string): AppDescription {
  return { ...LARAVEL_INVOICING_EXAMPLE, tiers: { ...LARAVEL_INVOICING_EXAMPLE.tiers, ha: { ...LARAVEL_INVOICING_EXAMPLE.tiers?.ha, nodeSize } } };
}

/** Every `${...}` reference in a stack's JSON, with the address it names (`type.name` or `data.type.name`). */
function referencedAddresses(json: Json): string[] {
  const out = new Set<string>();
  const text = JSON.stringify({ ...json, terraform: undefined });
  for (const m of text.matchAll(/\$\{(?:[a-z0-9_]+\()*((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z0-9_-]+)/g)) {
    if (!/^(var|local|each|count|path|self|module|terraform)\./.test(m[1])) out.add(m[1]);
  }
  return [...out].sort();
}

/** Every address a stack declares. */
function declaredAddresses(json: Json): string[] {
  const out: string[] = [];
  for (const [type, all] of Object.entries<Json>(json.resource ?? {})) for (const name of Object.keys(all)) out.push(`${type}.${name}`);
  for (const [type, all] of Object.entries<Json>(json.data ?? {})) for (const name of Object.keys(all)) out.push(`data.${type}.${name}`);
  return out.sort();
}

function resources(stack: Json, type: string): Json[] {
  return Object.values(stack.resource?.[type] ?? {});
}

describe('the tier stacks', () => {
  const stacks = synthAll();

  test('the app builds the stacks dev, prod, ha-platform, ha and local, in deploy order', () => {
    expect(Object.keys(stacks)).toEqual(['dev', 'prod', 'ha-platform', 'ha', 'local']);
  });

  test.each(['dev', 'prod', 'ha-platform', 'ha', 'local'])('the %s stack matches its snapshot', (tier) => {
    expect(stacks[tier]).toMatchSnapshot();
  });

  test('dev runs one s-4vcpu-8gb droplet without droplet backups and a one-node database', () => {
    const droplets = resources(stacks.dev, 'digitalocean_droplet');
    expect(droplets.map((d) => d.size)).toEqual(['s-4vcpu-8gb']);
    expect(droplets[0].backups).toBeFalsy();
    const [db] = resources(stacks.dev, 'digitalocean_database_cluster');
    expect(db).toMatchObject({ engine: 'mysql', node_count: 1, size: 'db-s-1vcpu-1gb' });
  });

  test('prod has a standby database node, managed Valkey and object lock; no droplet backups, as the droplet holds nothing a new one would not rebuild', () => {
    const clusters = resources(stacks.prod, 'digitalocean_database_cluster');
    expect(clusters.find((c) => c.engine === 'mysql')).toMatchObject({ node_count: 2, size: 'db-s-2vcpu-4gb' });
    expect(clusters.find((c) => c.engine === 'valkey')).toBeDefined();
    const [droplet] = resources(stacks.prod, 'digitalocean_droplet');
    expect(droplet).toMatchObject({ size: 's-8vcpu-16gb', backups: false });
    expect(resources(stacks.prod, 'digitalocean_volume')).toEqual([expect.objectContaining({ name: 'facturador-prod-1-data', lifecycle: { prevent_destroy: true } })]);
    const [lock] = resources(stacks.prod, 'aws_s3_bucket_object_lock_configuration');
    expect(lock.rule.default_retention).toMatchObject({ mode: 'COMPLIANCE', days: 30 });
  });

  test('ha has three database nodes, a read replica, the HA control plane, at least 3 nodes, object lock and replication', () => {
    const db = resources(stacks.ha, 'digitalocean_database_cluster').find((c) => c.engine === 'mysql')!;
    expect(db.node_count).toBe(3);
    expect(resources(stacks.ha, 'digitalocean_database_replica')).toHaveLength(1);
    const [cluster] = resources(stacks['ha-platform'], 'digitalocean_kubernetes_cluster');
    expect(cluster.ha).toBe(true);
    const [pool] = resources(stacks['ha-platform'], 'digitalocean_kubernetes_node_pool');
    expect(pool).toMatchObject({ auto_scale: true, min_nodes: 3, max_nodes: 6, size: 's-4vcpu-8gb' });
    // the vault and its replica in the second region are both locked
    expect(resources(stacks.ha, 'aws_s3_bucket_object_lock_configuration')).toHaveLength(2);
    expect(resources(stacks.ha, 'aws_s3_bucket_replication_configuration')).toHaveLength(1);
    expect(resources(stacks.ha, 'digitalocean_droplet')).toHaveLength(0);
  });

  test('ha-platform holds the VPC and the cluster, protected from destroy, and nothing of the app', () => {
    expect(Object.keys(stacks['ha-platform'].resource).sort()).toEqual(['digitalocean_kubernetes_cluster', 'digitalocean_kubernetes_node_pool', 'digitalocean_vpc']);
    const [cluster] = resources(stacks['ha-platform'], 'digitalocean_kubernetes_cluster');
    expect(cluster).toMatchObject({ name: 'facturador-ha', lifecycle: { prevent_destroy: true } });
    expect(resources(stacks['ha-platform'], 'digitalocean_vpc').map((v) => v.name)).toEqual(['facturador-ha-vpc']);
    expect(Object.keys(stacks['ha-platform'].provider)).toEqual(['digitalocean']);
    expect(Object.keys(stacks['ha-platform'].output).sort()).toEqual(['cluster_id', 'cluster_name', 'monthly_cost_estimate', 'node_pool', 'vpc_id']);
  });

  test('the ha stack creates no cluster and no VPC: it reads both by name with data sources', () => {
    expect(stacks.ha.resource.digitalocean_kubernetes_cluster).toBeUndefined();
    expect(stacks.ha.resource.digitalocean_kubernetes_node_pool).toBeUndefined();
    expect(stacks.ha.resource.digitalocean_vpc).toBeUndefined();
    expect(Object.values(stacks.ha.data.digitalocean_kubernetes_cluster)).toEqual([{ name: 'facturador-ha' }]);
    expect(Object.values(stacks.ha.data.digitalocean_vpc)).toEqual([{ name: 'facturador-ha-vpc' }]);
    const vpcId = `\${data.digitalocean_vpc.${Object.keys(stacks.ha.data.digitalocean_vpc)[0]}.id}`;
    for (const db of resources(stacks.ha, 'digitalocean_database_cluster')) expect(db.private_network_uuid).toBe(vpcId);
  });

  test('the ha stack configures the Kubernetes provider from the cluster data source, and every workload names it', () => {
    const id = Object.keys(stacks.ha.data.digitalocean_kubernetes_cluster)[0];
    const data = `data.digitalocean_kubernetes_cluster.${id}`;
    expect(stacks.ha.provider.kubernetes).toEqual([{
      host: `\${${data}.endpoint}`,
      token: `\${${data}.kube_config[0].token}`,
      cluster_ca_certificate: `\${base64decode(${data}.kube_config[0].cluster_ca_certificate)}`,
    }]);
    const workloads = Object.keys(stacks.ha.resource).filter((t) => t.startsWith('kubernetes_'));
    expect(workloads.length).toBeGreaterThan(5);
    for (const type of workloads) for (const r of resources(stacks.ha, type)) expect(r.provider).toBe('kubernetes');
  });

  test('the database firewalls of ha admit the cluster by the id the data source reads', () => {
    const id = Object.keys(stacks.ha.data.digitalocean_kubernetes_cluster)[0];
    const rules = resources(stacks.ha, 'digitalocean_database_firewall').flatMap((f) => f.rule);
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) expect(rule).toEqual({ type: 'k8s', value: `\${data.digitalocean_kubernetes_cluster.${id}.id}` });
  });

  test('a new node size leaves the cluster resource byte-identical and changes only the node pool\'s name and size', () => {
    const resized = synthAll({}, withHaNodeSize('s-8vcpu-16gb'));
    const before = stacks['ha-platform'];
    const after = resized['ha-platform'];
    expect(JSON.stringify(after.resource.digitalocean_kubernetes_cluster)).toBe(JSON.stringify(before.resource.digitalocean_kubernetes_cluster));
    // One pool at one address: Terraform replaces it (size is ForceNew), the new one first (create_before_destroy).
    const key = Object.keys(before.resource.digitalocean_kubernetes_node_pool);
    expect(Object.keys(after.resource.digitalocean_kubernetes_node_pool)).toEqual(key);
    const [oldPool] = resources(before, 'digitalocean_kubernetes_node_pool');
    const [newPool] = resources(after, 'digitalocean_kubernetes_node_pool');
    expect(oldPool).toMatchObject({ name: 'facturador-ha-s-4vcpu-8gb', size: 's-4vcpu-8gb', lifecycle: { create_before_destroy: true } });
    expect(newPool).toEqual({ ...oldPool, name: 'facturador-ha-s-8vcpu-16gb', size: 's-8vcpu-16gb' });
    // Beside the pool, only its output and the priced estimate change; the workloads stack does not change at all.
    const { resource: r1, output: o1, ...rest1 } = before;
    const { resource: r2, output: o2, ...rest2 } = after;
    expect(rest2).toEqual(rest1);
    expect({ ...r2, digitalocean_kubernetes_node_pool: undefined }).toEqual({ ...r1, digitalocean_kubernetes_node_pool: undefined });
    expect(Object.keys(o2)).toEqual(Object.keys(o1));
    expect(JSON.stringify(resized.ha)).toBe(JSON.stringify(stacks.ha));
  });

  test('no reference crosses stacks: each stack refers only to what it declares, and reads no other stack\'s state', () => {
    for (const [name, json] of Object.entries(stacks)) {
      const declared = declaredAddresses(json);
      expect([name, referencedAddresses(json).filter((a) => !declared.includes(a))]).toEqual([name, []]);
      expect([name, undeclaredReferences(json)]).toEqual([name, []]);
      expect([name, json.data?.terraform_remote_state]).toEqual([name, undefined]);
    }
    // The workloads reach the cluster and the VPC only through their own data sources.
    const refs = referencedAddresses(stacks.ha);
    expect(refs).toContain(`data.digitalocean_kubernetes_cluster.${Object.keys(stacks.ha.data.digitalocean_kubernetes_cluster)[0]}`);
    expect(refs).toContain('data.digitalocean_vpc.Vpc');
    expect(refs.filter((a) => /^digitalocean_(vpc|kubernetes_cluster|kubernetes_node_pool)\./.test(a))).toEqual([]);
  });

  test('ha depends on ha-platform, so that cdktf deploys the platform first', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'erp-stacks-'));
    try {
      const app = new App({ outdir, stackTraces: false });
      const built = buildStacks(app, LARAVEL_INVOICING_EXAMPLE, {});
      const ha = built.find((s) => s.stackName === 'ha')!;
      const platform = built.find((s) => s.stackName === 'ha-platform')!;
      expect(ha.dependencies).toEqual([platform]);
      expect(built.indexOf(platform)).toBeLessThan(built.indexOf(ha));
      app.synth();
      const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8'));
      expect(manifest.stacks.ha.dependencies).toEqual(['ha-platform']);
      expect(manifest.stacks['ha-platform'].dependencies).toEqual([]);
      for (const other of ['dev', 'prod', 'local']) expect(manifest.stacks[other].dependencies).toEqual([]);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('the ha tier\'s estimate across its two stacks is the one-stack figure plus the system node', () => {
    const platform = estimateTerraformJson(stacks['ha-platform']);
    const workloads = estimateTerraformJson(stacks.ha);
    // Control plane ($40) + the system pool's s-2vcpu-4gb node ($24) + 3 to 6 app nodes of s-4vcpu-8gb ($48 each).
    expect(platform.totalUsd).toBeCloseTo(40 + 24 + 3 * 48, 10);
    expect(platform.maxTotalUsd).toBeCloseTo(40 + 24 + 6 * 48, 10);
    expect(workloads.items.some((i) => i.address.includes('kubernetes_cluster'))).toBe(false);
    expect([...platform.unknownItems, ...workloads.unknownItems]).toEqual([]);
    // Before the split, the one ha stack was $419.38 (up to $563.38); the fixed system node (+$24) is the difference,
    // with Advanced Certificate Manager (+$10) for the tier's own certificate pack.
    expect(platform.totalUsd + workloads.totalUsd).toBeCloseTo(419.38 + 24 + 10, 2);
    expect(platform.maxTotalUsd + workloads.maxTotalUsd).toBeCloseTo(563.38 + 24 + 10, 2);
  });

  test('fails when the ha stack is given the platform stack of another app description', () => {
    const make = () => {
      const app = Testing.app();
      const platform = new HaPlatformStack(app, { description: { ...LARAVEL_INVOICING_EXAMPLE, name: 'other-app' }, env: {} });
      return new HaStack(app, { description: LARAVEL_INVOICING_EXAMPLE, env: {}, platform });
    };
    expect(make).toThrow(ErpValidationError);
    expect(make).toThrow(/platform: creates the cluster other-app-ha, not facturador-ha.*Fix: build the platform stack and this stack from one app description/s);
  });

  test('local runs on the Docker engine only (and the random provider, which generates the secrets here), with the web process on a localhost port', () => {
    const types = Object.keys(stacks.local.resource);
    expect(types.every((t) => t.startsWith('docker_') || t === 'random_bytes' || t === 'random_password')).toBe(true);
    const published = resources(stacks.local, 'docker_container').flatMap((c) => c.ports ?? []);
    expect(published).toEqual([expect.objectContaining({ external: 8080, ip: '127.0.0.1' })]);
  });

  test('every cloud stack outputs the URLs, the database host, the vault bucket, the tunnel id and the cost estimate; droplet tiers the release', () => {
    for (const tier of ['dev', 'prod', 'ha']) {
      const release = tier === 'ha' ? [] : ['droplet_addresses', 'release_id', 'release_status_urls'];
      expect(Object.keys(stacks[tier].output).sort()).toEqual(
        ['app_urls', 'backup_vault_bucket', 'database_host', 'database_uri', 'monthly_cost_estimate', ...release, 'tunnel_id', 'tunnel_token'].sort(),
      );
      expect(stacks[tier].output.database_uri.sensitive).toBe(true);
      expect(stacks[tier].output.tunnel_token.sensitive).toBe(true);
      expect(stacks[tier].output.monthly_cost_estimate.value).toMatch(/^\$\d+\.\d\d\/month/);
    }
  });

  test('the database firewall admits the droplets on droplet tiers and the cluster on ha, nothing else', () => {
    const rules = (stack: Json) => resources(stack, 'digitalocean_database_firewall').flatMap((f) => f.rule);
    expect(rules(stacks.prod).every((r: Json) => r.type === 'droplet' || r.type === 'tag')).toBe(true);
    expect(rules(stacks.ha).every((r: Json) => r.type === 'k8s')).toBe(true);
  });

  test('every tier passes the secure-default checks with zero errors', () => {
    const app = Testing.app();
    const built = buildStacks(app as App, LARAVEL_INVOICING_EXAMPLE, {});
    app.synth();
    for (const stack of built) {
      const report = stack.checks.report();
      expect([stack.stackName, report.errorCount]).toEqual([stack.stackName, 0]);
      expect(report.rulesRun.length).toBeGreaterThanOrEqual(15);
    }
  });

  test('state is local by default, one file per stack, in the project root and not in the build folder a clean build deletes', () => {
    const path = stacks.prod.terraform.backend.local.path;
    // Terraform resolves it from the stack's working directory, cdktf.out/stacks/prod
    expect(resolve('/project/cdktf.out/stacks/prod', path)).toBe('/project/terraform.prod.tfstate');
  });

  test('the ha-platform stack keeps its own state: its own file, workspace and S3 key', () => {
    expect(stacks['ha-platform'].terraform.backend.local.path).toBe('../../../terraform.ha-platform.tfstate');
    expect(stacks.ha.terraform.backend.local.path).toBe('../../../terraform.ha.tfstate');
    const s3 = synthAll({ ERP_TF_BACKEND: 's3', ERP_TF_STATE_BUCKET: 'acme-tf-state' });
    expect(s3['ha-platform'].terraform.backend.s3.key).toBe('facturador/ha-platform.tfstate');
  });

  test('Terraform Cloud gets one workspace per app and stack when the environment asks for it', () => {
    const cloud = synthAll({ ERP_TF_BACKEND: 'cloud', TF_CLOUD_ORGANIZATION: 'acme' });
    expect(cloud.prod.terraform.cloud).toEqual({ organization: 'acme', workspaces: { name: 'facturador-prod' } });
    expect(cloud.ha.terraform.cloud.workspaces.name).toBe('facturador-ha');
    expect(cloud['ha-platform'].terraform.cloud.workspaces.name).toBe('facturador-ha-platform');
  });

  test('an S3 backend keeps each stack under its own key, encrypted and locked', () => {
    const s3 = synthAll({ ERP_TF_BACKEND: 's3', ERP_TF_STATE_BUCKET: 'acme-tf-state' });
    expect(s3.dev.terraform.backend.s3).toMatchObject({ bucket: 'acme-tf-state', key: 'facturador/dev.tfstate', encrypt: true, use_lockfile: true });
  });

  test('fails on a cloud backend without an organization, naming the variable to set', () => {
    expect(() => synthAll({ ERP_TF_BACKEND: 'cloud' })).toThrow(/backend\.organization.*TF_CLOUD_ORGANIZATION/s);
  });

  test('fails on an unknown backend in the environment', () => {
    expect(() => synthAll({ ERP_TF_BACKEND: 'consul' })).toThrow(/ERP_TF_BACKEND: is not a backend/);
  });
});
