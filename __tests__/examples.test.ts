import { Testing, TerraformStack } from 'cdktf';
import { FastApiIspPlatformStack, FastApiIspStack } from '../examples/fastapi-isp/main';
import { LaravelInvoicingStack } from '../examples/laravel-invoicing/main';
import { LenderDevStack, LenderLocalStack } from '../examples/nextjs-lender/main';
import { NodeErpStack } from '../examples/node-erp/main';

type Json = Record<string, any>;

function synth(make: (app: ReturnType<typeof Testing.app>) => TerraformStack): Json {
  const stack = make(Testing.app());
  const out = Testing.synth(stack);
  return JSON.parse(out);
}

function types(stack: Json): string[] {
  return Object.keys(stack.resource ?? {}).sort();
}

describe('the example apps', () => {
  test('the Node ERP synthesizes: droplet, PostgreSQL 15 with a pool and a standby, Valkey, vault, tunnel with rate limits', () => {
    const out = synth((app) => new NodeErpStack(app, 'prod'));
    expect(types(out)).toEqual(expect.arrayContaining([
      'digitalocean_droplet', 'digitalocean_database_cluster', 'digitalocean_database_connection_pool', 'aws_s3_bucket',
      'cloudflare_zero_trust_tunnel_cloudflared', 'cloudflare_ruleset',
    ]));
    const pg = Object.values<Json>(out.resource.digitalocean_database_cluster).find((c) => c.engine === 'pg');
    expect(pg).toMatchObject({ version: '15', node_count: 2 });
  });

  test('the Next.js lender synthesizes a dev stack on a droplet and a local stack on Docker', () => {
    const dev = synth((app) => new LenderDevStack(app, 'dev'));
    const pg = Object.values<Json>(dev.resource.digitalocean_database_cluster)[0];
    expect(pg).toMatchObject({ engine: 'pg', version: '17' });
    expect(dev.resource.cloudflare_zero_trust_access_application).toBeDefined();
    const local = synth((app) => new LenderLocalStack(app, 'local'));
    expect(types(local).every((t) => t.startsWith('docker_'))).toBe(true);
  });

  test('the Laravel invoicing app synthesizes: tenant wildcard, phpMyAdmin behind Access, managed MySQL and Valkey, object lock', () => {
    const out = synth((app) => new LaravelInvoicingStack(app, 'prod'));
    const names = Object.values<Json>(out.resource.cloudflare_dns_record).map((r) => r.name).sort();
    expect(names).toEqual(['*.fact.example.com', 'fact.example.com', 'pma.fact.example.com']);
    expect(Object.values<Json>(out.resource.cloudflare_zero_trust_access_application).map((a) => a.domain)).toEqual(['pma.fact.example.com']);
    expect(Object.values<Json>(out.resource.digitalocean_database_cluster).map((c) => c.engine).sort()).toEqual(['mysql', 'valkey']);
    expect(out.resource.aws_s3_bucket_object_lock_configuration).toBeDefined();
  });

  test('the FastAPI ISP manager synthesizes on Kubernetes, on the cluster of its platform stack: /api, /beholder behind Access, / to the frontend', () => {
    const out = synth((app) => new FastApiIspStack(app, 'ha'));
    const deployments = Object.values<Json>(out.resource.kubernetes_deployment_v1).map((d) => d.metadata.name).sort();
    expect(deployments).toEqual(expect.arrayContaining(['web', 'frontend', 'monitor', 'celery', 'celery-beat', 'cloudflared']));
    const [config] = Object.values<Json>(out.resource.cloudflare_zero_trust_tunnel_cloudflared_config);
    const ingress = config.config.ingress.map((r: Json) => [r.path ?? '', r.service]);
    expect(ingress.map((r: string[]) => r[0])).toEqual(['^/api(/|$)', '^/beholder(/|$)', '', '']);
    expect(ingress[ingress.length - 1][1]).toBe('http_status:404');
    // The cluster and the VPC are the platform stack's, read here by name.
    expect(out.resource.digitalocean_kubernetes_cluster).toBeUndefined();
    expect(Object.values<Json>(out.data.digitalocean_kubernetes_cluster)).toEqual([{ name: 'emerald-ha' }]);
    const platform = synth((app) => new FastApiIspPlatformStack(app, 'ha-platform'));
    const [cluster] = Object.values<Json>(platform.resource.digitalocean_kubernetes_cluster);
    expect(cluster).toMatchObject({ name: 'emerald-ha', ha: true, lifecycle: { prevent_destroy: true } });
    expect(Object.keys(platform.resource).filter((t) => t.startsWith('kubernetes_'))).toEqual([]);
  });
});
