import { App, Testing } from 'cdktf';
import { AppDescription } from '../stacks/description/description';
import { LARAVEL_INVOICING_EXAMPLE } from '../stacks/description/laravel-example';
import { buildStacks } from '../stacks';

type Json = Record<string, any>;

function synthAll(env: NodeJS.ProcessEnv = {}, description: AppDescription = LARAVEL_INVOICING_EXAMPLE): Record<string, Json> {
  const app = Testing.app();
  const stacks = buildStacks(app as App, description, env);
  return Object.fromEntries(stacks.map((s) => [s.tier, JSON.parse(Testing.synth(s))]));
}

function resources(stack: Json, type: string): Json[] {
  return Object.values(stack.resource?.[type] ?? {});
}

describe('the tier stacks', () => {
  const stacks = synthAll();

  test('the app builds the stacks dev, prod, ha and local', () => {
    expect(Object.keys(stacks)).toEqual(['dev', 'prod', 'ha', 'local']);
  });

  test.each(['dev', 'prod', 'ha', 'local'])('the %s stack matches its snapshot', (tier) => {
    expect(stacks[tier]).toMatchSnapshot();
  });

  test('dev runs one s-4vcpu-8gb droplet without droplet backups and a one-node database', () => {
    const droplets = resources(stacks.dev, 'digitalocean_droplet');
    expect(droplets.map((d) => d.size)).toEqual(['s-4vcpu-8gb']);
    expect(droplets[0].backups).toBeFalsy();
    const [db] = resources(stacks.dev, 'digitalocean_database_cluster');
    expect(db).toMatchObject({ engine: 'mysql', node_count: 1, size: 'db-s-1vcpu-1gb' });
  });

  test('prod has a standby database node, managed Valkey, weekly droplet backups and object lock', () => {
    const clusters = resources(stacks.prod, 'digitalocean_database_cluster');
    expect(clusters.find((c) => c.engine === 'mysql')).toMatchObject({ node_count: 2, size: 'db-s-2vcpu-4gb' });
    expect(clusters.find((c) => c.engine === 'valkey')).toBeDefined();
    const [droplet] = resources(stacks.prod, 'digitalocean_droplet');
    expect(droplet).toMatchObject({ size: 's-8vcpu-16gb', backups: true });
    const [lock] = resources(stacks.prod, 'aws_s3_bucket_object_lock_configuration');
    expect(lock.rule.default_retention).toMatchObject({ mode: 'COMPLIANCE', days: 30 });
  });

  test('ha has three database nodes, a read replica, the HA control plane, at least 3 nodes, object lock and replication', () => {
    const db = resources(stacks.ha, 'digitalocean_database_cluster').find((c) => c.engine === 'mysql')!;
    expect(db.node_count).toBe(3);
    expect(resources(stacks.ha, 'digitalocean_database_replica')).toHaveLength(1);
    const [cluster] = resources(stacks.ha, 'digitalocean_kubernetes_cluster');
    expect(cluster.ha).toBe(true);
    expect(cluster.node_pool.min_nodes).toBeGreaterThanOrEqual(3);
    // the vault and its replica in the second region are both locked
    expect(resources(stacks.ha, 'aws_s3_bucket_object_lock_configuration')).toHaveLength(2);
    expect(resources(stacks.ha, 'aws_s3_bucket_replication_configuration')).toHaveLength(1);
    expect(resources(stacks.ha, 'digitalocean_droplet')).toHaveLength(0);
  });

  test('local runs on the Docker engine only, with the web process on a localhost port', () => {
    const types = Object.keys(stacks.local.resource);
    expect(types.every((t) => t.startsWith('docker_'))).toBe(true);
    const published = resources(stacks.local, 'docker_container').flatMap((c) => c.ports ?? []);
    expect(published).toEqual([expect.objectContaining({ external: 8080, ip: '127.0.0.1' })]);
  });

  test('every cloud stack outputs the URLs, the database host, the vault bucket, the tunnel id and the cost estimate', () => {
    for (const tier of ['dev', 'prod', 'ha']) {
      expect(Object.keys(stacks[tier].output).sort()).toEqual(
        ['app_urls', 'backup_vault_bucket', 'database_host', 'database_uri', 'monthly_cost_estimate', 'tunnel_id', 'tunnel_token'],
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
      expect([stack.tier, report.errorCount]).toEqual([stack.tier, 0]);
      expect(report.rulesRun.length).toBeGreaterThanOrEqual(15);
    }
  });

  test('state is local by default, one file per stack', () => {
    expect(stacks.prod.terraform.backend.local.path).toBe('terraform.prod.tfstate');
  });

  test('Terraform Cloud gets one workspace per app and stack when the environment asks for it', () => {
    const cloud = synthAll({ ERP_TF_BACKEND: 'cloud', TF_CLOUD_ORGANIZATION: 'acme' });
    expect(cloud.prod.terraform.cloud).toEqual({ organization: 'acme', workspaces: { name: 'facturador-prod' } });
    expect(cloud.ha.terraform.cloud.workspaces.name).toBe('facturador-ha');
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
