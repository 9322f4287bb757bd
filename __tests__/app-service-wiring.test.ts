import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { App, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import * as YAML from 'yaml';
import {
  DatabaseEngine, DatabaseSize, DoRegion, DropletRuntime, DropletSize, ErpAppService, ManagedDatabase, S3BackupVault,
  S3ReleaseStore, TunnelIngress,
} from 'cdktf-erp-constructs';

import { releaseObjects } from './app-service-fakes';

type Json = Record<string, any>;

/**
 * The Node ERP (API with 2 replicas, WebSocket server, cron jobs, PostgreSQL 15
 * behind a connection pool), on one droplet, wired to the real database,
 * vault and tunnel constructs through the public API only.
 */
function nodeErpDev(): { stack: TerraformStack; app: ErpAppService; synth: Json } {
  const stack = new TerraformStack(new App({ outdir: Testing.app().outdir }), 'dev');
  new DigitaloceanProvider(stack, 'digitalocean', {});
  new AwsProvider(stack, 'aws', { region: 'us-east-1' });
  new CloudflareProvider(stack, 'cloudflare', {});
  const jwtSecret = new TerraformVariable(stack, 'jwt_secret', { type: 'string', sensitive: true }).stringValue;

  const db = new ManagedDatabase(stack, 'Database', {
    name: 'servistech-db',
    engine: DatabaseEngine.postgres(15),
    size: DatabaseSize.DB_S_1VCPU_1GB,
    region: DoRegion.FRA1,
    databases: ['servistech_erp'],
    users: ['servistech'],
    connectionPools: [{ name: 'servistech-pool', database: 'servistech_erp', user: 'servistech', size: 20 }],
  });
  const vault = new S3BackupVault(stack, 'Vault', {});
  const tunnel = new TunnelIngress(stack, 'Tunnel', {
    accountId: '0123456789abcdef0123456789abcdef', zoneId: 'fedcba9876543210fedcba9876543210', zoneName: 'servistech.example', name: 'servistech-dev',
  });
  const runtime = new DropletRuntime(stack, 'Runtime', {
    region: DoRegion.FRA1, size: DropletSize.S_2VCPU_4GB, sshKeys: ['41234567'], releaseStore: new S3ReleaseStore(stack, 'Releases', { name: 'erp-dev' }), adminCidrs: ['203.0.113.7/32'],
  });
  const app = new ErpAppService(stack, 'App', {
    name: 'servistech',
    runtime,
    processes: {
      web: {
        image: 'ghcr.io/servistech/erp-api:4.0.0', command: ['node', 'dist/server.js'], port: 3001, replicas: 2,
        healthCheck: { path: '/health' }, resources: { cpus: 1, memoryMib: 1024 },
      },
      websocket: { image: 'ghcr.io/servistech/erp-websocket:4.0.0', command: ['node', 'server.js'], port: 3002, healthCheck: { path: '/health' } },
      scheduler: {
        image: 'ghcr.io/servistech/erp-cron:4.0.0',
        entries: [
          { name: 'scrape-bcv', schedule: '0 8,13 * * MON-SAT', command: '/scripts/scrape-bcv.sh' },
          { name: 'update-binance', schedule: '*/30 7-19 * * 1-6', command: '/scripts/update-binance.sh' },
          { name: 'cleanup-backups', schedule: '0 4 * * *', command: '/scripts/cleanup-backups.sh' },
        ],
      },
      release: { command: ['npx', 'prisma', 'migrate', 'deploy'] },
    },
    environment: { NODE_ENV: 'production' },
    secrets: { JWT_SECRET: jwtSecret },
  });
  app.connectTo(db, { connection: db.poolConnection('servistech-pool') });
  app.backupTo(vault);
  app.backupTo(vault, { name: 'full-backup', schedule: '0 3 * * SUN' });
  tunnel.addRoute({ hostname: 'api.servistech.example', service: app.internalUrl() });
  tunnel.addRoute({ hostname: 'ws.servistech.example', service: app.internalUrl('websocket') });
  app.serveThrough(tunnel);
  return { stack, app, synth: JSON.parse(Testing.synth(stack)) };
}

describe('the Node ERP wired to ManagedDatabase, S3BackupVault and TunnelIngress', () => {
  const { synth } = nodeErpDev();
  const droplet = Object.values<Json>(synth.resource.digitalocean_droplet)[0];
  const release = releaseObjects(synth, 'servistech-1');
  const compose = YAML.parse(release['compose.yaml'], { version: '1.1' });
  const envFiles = release;

  test('the database firewall admits the droplet', () => {
    const fw = Object.values<Json>(synth.resource.digitalocean_database_firewall)[0];
    expect(fw.rule).toEqual([{ type: 'droplet', value: '${digitalocean_droplet.Runtime_99E3DDFA.id}' }]);
  });

  test('the app reaches PostgreSQL through the pool; its password is only in the secrets env file', () => {
    const env = compose.services.web.environment;
    expect(env.DB_HOST).toMatch(/^\$\{digitalocean_database_connection_pool\..*\.private_host\}$/);
    expect(env.DB_PASSWORD).toBeUndefined();
    expect(envFiles['env/app.env']).toMatch(/DB_PASSWORD='\$\{digitalocean_database_user\..*\.password\}'/);
    expect(envFiles['env/app.env']).toContain("JWT_SECRET='${var.jwt_secret}'");
  });

  test('the release command (migrations) connects directly, not through the transaction pool', () => {
    expect(compose.services.release.environment.DB_HOST).toMatch(/^\$\{digitalocean_database_cluster\..*\.private_host\}$/);
    expect(compose.services.release.env_file).toEqual(['env/release.env']);
    expect(envFiles['env/release.env']).toContain("JWT_SECRET='${var.jwt_secret}'");
    expect(envFiles['env/release.env']).toMatch(/DATABASE_URL='\$\{digitalocean_database_cluster\..*\.private_uri\}|DATABASE_URL='postgresql:\/\/.*digitalocean_database_cluster\./);
  });

  test('both backup jobs dump the database directly (not through the pool) with the vault writer keys in their own env files', () => {
    expect(compose.services.backup.environment.DB_HOST).toMatch(/^\$\{digitalocean_database_cluster\..*\.private_host\}$/);
    expect(compose.services['full-backup'].labels['erp.schedule']).toBe('0 3 * * SUN');
    for (const job of ['backup', 'full-backup']) {
      expect(compose.services[job].environment.BACKUP_BUCKET).toMatch(/^\$\{aws_s3_bucket\./);
      expect(envFiles[`env/backup-${job}.env`]).toMatch(/AWS_SECRET_ACCESS_KEY='\$\{aws_iam_access_key\..*\.secret\}'/);
    }
    // a writer and a restorer (which may read dumps; the writer may not) per backup job
    expect(Object.keys(synth.resource.aws_iam_user ?? {}).filter((k) => k.startsWith('Vault_')).sort()).toEqual([
      'Vault_BackupRestorer-full-backupRestorer_User_BC2DD7D0', 'Vault_BackupRestorerRestorer_User_57E3979B',
      'Vault_BackupWriter-full-backupWriter_User_64A69CA8', 'Vault_BackupWriterWriter_User_BAF83B8B',
    ]);
  });

  test('the connector runs with the tunnel token from its env file, and the routes point at the compose services', () => {
    expect(compose.services.cloudflared.env_file).toEqual(['env/tunnel.env']);
    expect(envFiles['env/tunnel.env']).toMatch(/TUNNEL_TOKEN='\$\{.*\}'/);
    const config = JSON.stringify(synth.resource.cloudflare_zero_trust_tunnel_cloudflared_config);
    expect(config).toContain('http://web:3001');
    expect(config).toContain('http://websocket:3002');
  });

  test('user data and the compose file reference no sensitive attribute but the agent\'s own store credential', () => {
    const agentSecret = /\$\{aws_iam_access_key\.Runtime_Agent_AgentKey_[0-9A-F]+\.secret\}/g;
    for (const sensitive of ['.password', '.uri}', '.secret}', 'tunnel_token', 'var.jwt_secret']) {
      expect([sensitive, droplet.user_data.replace(agentSecret, '').includes(sensitive)]).toEqual([sensitive, false]);
      expect([sensitive, release['compose.yaml'].includes(sensitive)]).toEqual([sensitive, false]);
    }
  });
});

/**
 * The Laravel invoicing app on managed MySQL with phpMyAdmin beside it: the
 * database's CA certificate is a Terraform reference that resolves to a PEM of
 * several lines, and must reach every app container as a file.
 */
describe('the Laravel invoicing app wired to a managed MySQL database, with phpMyAdmin', () => {
  const stack = new TerraformStack(new App({ outdir: Testing.app().outdir }), 'dev');
  new DigitaloceanProvider(stack, 'digitalocean', {});
  const db = new ManagedDatabase(stack, 'Database', {
    name: 'facturador-db', engine: DatabaseEngine.mysql(), size: DatabaseSize.DB_S_1VCPU_1GB, region: DoRegion.NYC3,
    databases: ['facturador'], users: ['facturador'],
  });
  const runtime = new DropletRuntime(stack, 'Runtime', {
    region: DoRegion.NYC3, size: DropletSize.S_2VCPU_4GB, sshKeys: ['41234567'], releaseStore: new S3ReleaseStore(stack, 'Releases', { name: 'erp-dev' }), adminCidrs: ['203.0.113.7/32'],
  });
  const app = new ErpAppService(stack, 'App', {
    name: 'facturador',
    runtime,
    processes: {
      web: { image: 'ghcr.io/facturador/app:3.1.0', port: 8080, healthCheck: { path: '/up' } },
      workers: [{ name: 'queue', command: 'php artisan queue:work --tries=3', replicas: 2 }],
      scheduler: { everyMinute: ['php', 'artisan', 'schedule:run'] },
      release: { command: ['php', 'artisan', 'migrate', '--force'] },
      services: [{
        name: 'phpmyadmin', image: 'phpmyadmin:5.2.1', port: 80, healthCheck: { path: '/' },
        environmentFrom: { PMA_HOST: 'DB_HOST', PMA_PORT: 'DB_PORT' },
        environment: { PMA_SSL: '1', PMA_PRICE_NOTE: 'costs ${amount}' },
      }],
    },
    environment: { APP_ENV: 'production' },
  });
  app.connectTo(db);
  const synth: Json = JSON.parse(Testing.synth(stack));
  const rawObject = (key: string): string => Object.values<Json>(synth.resource.aws_s3_object).find((o) => o.key === `facturador-1/${key}`)!.content;
  const caData = Object.keys(synth.data.digitalocean_database_ca)[0];
  const reference = `\${data.digitalocean_database_ca.${caData}.certificate}`;

  test('the release writes the CA certificate from a reference to the database CA data source; literal "${" elsewhere is escaped', () => {
    expect(rawObject('files/database-ca.pem')).toBe(reference);
    expect(rawObject('compose.yaml')).toContain('costs $$${amount}');
    expect(rawObject('compose.yaml')).not.toContain('.certificate');
  });

  test('after Terraform fills in the references, the compose file is still valid YAML and Compose reads the literal "$" unchanged', () => {
    const applied = rawObject('compose.yaml').replace(/\$\$\{/g, '${');
    const compose = YAML.parse(applied, { version: '1.1' });
    expect(compose.services.phpmyadmin.environment.PMA_PRICE_NOTE).toBe('costs $${amount}');
  });

  test('web, the queue workers, the scheduler, the release and phpMyAdmin mount it read-only where MYSQL_ATTR_SSL_CA points', () => {
    const compose = YAML.parse(releaseObjects(synth, 'facturador-1')['compose.yaml'], { version: '1.1' });
    for (const name of ['web', 'queue', 'schedule-run', 'release', 'phpmyadmin']) {
      expect([name, compose.services[name].volumes]).toEqual([name, ['./files/database-ca.pem:/etc/ssl/certs/database-ca.pem:ro']]);
    }
    expect(compose.services.web.environment.MYSQL_ATTR_SSL_CA).toBe('/etc/ssl/certs/database-ca.pem');
    expect(compose.services.web.environment.DATABASE_CA_CERT).toBeUndefined();
  });

  test('phpMyAdmin takes the private host and port of the cluster, and no app secret', () => {
    const compose = YAML.parse(releaseObjects(synth, 'facturador-1')['compose.yaml'], { version: '1.1' });
    const pma = compose.services.phpmyadmin;
    expect(pma.environment.PMA_HOST).toMatch(/^\$\{digitalocean_database_cluster\..*\.private_host\}$/);
    expect(pma.environment.PMA_PORT).toMatch(/^\$\{digitalocean_database_cluster\..*\.port\}$/);
    expect(pma.env_file).toBeUndefined();
  });
});

describe('connector replicas', () => {
  test('serveThrough with two connectors runs two cloudflared replicas in the compose project', () => {
    const { stack, app } = nodeErpDevWithoutTunnel();
    const tunnel = { connector: { tunnelId: 'tid', token: 'tok', image: 'cloudflare/cloudflared:2025.11.1' } };
    app.serveThrough(tunnel, { connectors: 2 });
    const synth = JSON.parse(Testing.synth(stack));
    const compose = YAML.parse(releaseObjects(synth, 'servistech-1')['compose.yaml'], { version: '1.1' });
    expect(compose.services.cloudflared.deploy.replicas).toBe(2);
  });

  test('fails on zero connectors, naming the option', () => {
    const { app } = nodeErpDevWithoutTunnel();
    const tunnel = { connector: { tunnelId: 'tid', token: 'tok', image: 'cloudflare/cloudflared:2025.11.1' } };
    expect(() => app.serveThrough(tunnel, { connectors: 0 })).toThrow(/serveThrough\.options\.connectors/);
  });
});

function nodeErpDevWithoutTunnel(): { stack: TerraformStack; app: ErpAppService } {
  const stack = new TerraformStack(new App({ outdir: Testing.app().outdir }), 'dev');
  new DigitaloceanProvider(stack, 'digitalocean', {});
  const runtime = new DropletRuntime(stack, 'Runtime', { region: DoRegion.FRA1, sshKeys: ['41234567'], releaseStore: new S3ReleaseStore(stack, 'Releases', { name: 'erp-dev' }), adminCidrs: ['203.0.113.7/32'] });
  const app = new ErpAppService(stack, 'App', {
    name: 'servistech', runtime, processes: { web: { image: 'ghcr.io/servistech/erp-api:4.0.0', port: 3001 } },
  });
  return { stack, app };
}
