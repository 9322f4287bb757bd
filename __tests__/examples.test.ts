import { Testing, TerraformStack } from 'cdktf';
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
});
