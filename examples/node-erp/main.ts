/**
 * A Node.js ERP (API with 2 replicas, a WebSocket server, cron jobs for
 * exchange rates and clean-up, PostgreSQL 15 behind PgBouncer, Redis), as a
 * cdktf program that uses cdktf-erp-constructs from npm:
 *
 *   npm install cdktf cdktf-erp-constructs @cdktf/provider-digitalocean @cdktf/provider-aws @cdktf/provider-cloudflare
 *
 * One production droplet runs the processes with Docker Compose; the database
 * and Valkey are managed; dumps go to S3 at 02:00 daily and 03:00 on Sundays;
 * Cloudflare Tunnel serves the API and the WebSocket server, with the rate
 * limits and security headers the team ran behind nginx.
 */
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { Vpc } from '@cdktf/provider-digitalocean/lib/vpc';
import {
  CloudflarePlan, DatabaseEngine, DatabaseSize, DoRegion, DropletRuntime, DropletSize, ErpAppService, ManagedDatabase,
  ObjectLockMode, S3BackupVault, S3ReleaseStore, TunnelIngress,
} from 'cdktf-erp-constructs';

export class NodeErpStack extends TerraformStack {
  public readonly app: ErpAppService;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new DigitaloceanProvider(this, 'digitalocean', {});
    new CloudflareProvider(this, 'cloudflare', {});
    new AwsProvider(this, 'aws', { region: 'us-east-1' });
    const jwtSecret = new TerraformVariable(this, 'jwt_secret', { type: 'string', sensitive: true });

    const vpc = new Vpc(this, 'Vpc', { name: 'servistech-prod', region: 'nyc3' });
    const db = new ManagedDatabase(this, 'Database', {
      name: 'servistech-db',
      engine: DatabaseEngine.postgres(15),
      size: DatabaseSize.DB_S_2VCPU_4GB,
      nodeCount: 2,
      region: DoRegion.NYC3,
      vpc,
      databases: ['servistech_erp'],
      users: ['servistech'],
      connectionPools: [{ name: 'servistech-pool', database: 'servistech_erp', user: 'servistech', size: 40 }],
    });
    const cache = new ManagedDatabase(this, 'Cache', {
      name: 'servistech-cache', engine: DatabaseEngine.valkey(8), size: DatabaseSize.DB_S_1VCPU_1GB, region: DoRegion.NYC3, vpc,
    });
    const vault = new S3BackupVault(this, 'Backups', {
      rootPrefix: 'servistech',
      objectLock: { mode: ObjectLockMode.GOVERNANCE, days: 30 },
    });
    const runtime = new DropletRuntime(this, 'Runtime', {
      region: DoRegion.NYC3,
      size: DropletSize.S_8VCPU_16GB,
      name: 'servistech-prod',
      releaseStore: new S3ReleaseStore(this, 'Releases', { name: 'servistech-prod' }),
      sshKeys: ['41234567'],
      adminCidrs: ['203.0.113.7/32'],
      vpcId: vpc.id,
    });
    this.app = new ErpAppService(this, 'App', {
      name: 'servistech',
      runtime,
      processes: {
        web: {
          image: 'ghcr.io/servistech/erp-api:4.0.0', command: ['node', 'dist/server.js'], port: 3001, replicas: 2,
          healthCheck: { path: '/health' }, resources: { cpus: 2, memoryMib: 2048 },
        },
        websocket: { image: 'ghcr.io/servistech/erp-websocket:4.0.0', command: ['node', 'server.js'], port: 3002, healthCheck: { path: '/health' } },
        scheduler: {
          image: 'ghcr.io/servistech/erp-cron:4.0.0',
          entries: [
            { name: 'scrape-rates', schedule: '0 8,13 * * MON-SAT', command: ['/scripts/scrape-rates.sh'] },
            { name: 'cleanup', schedule: '0 4 * * *', command: ['/scripts/cleanup.sh'] },
          ],
        },
        release: { command: ['npx', 'prisma', 'migrate', 'deploy'] },
      },
      environment: { NODE_ENV: 'production' },
      secrets: { JWT_SECRET: jwtSecret.stringValue },
    });
    this.app.connectTo(db, { connection: db.poolConnection('servistech-pool') });
    this.app.connectTo(cache);
    this.app.backupTo(vault);
    this.app.backupTo(vault, { name: 'full-backup', schedule: '0 3 * * SUN' });

    const tunnel = new TunnelIngress(this, 'Tunnel', {
      accountId: '0123456789abcdef0123456789abcdef',
      zoneId: 'fedcba9876543210fedcba9876543210',
      zoneName: 'example.com',
      name: 'servistech-prod',
      routes: [
        { hostname: 'erp.example.com', path: '/ws', service: this.app.internalUrl('websocket') },
        { hostname: 'erp.example.com', service: this.app.internalUrl() },
      ],
      // The limits the team ran in nginx: 10 requests/s on the API, 5 a minute on login.
      rateLimits: {
        plan: CloudflarePlan.PRO,
        rules: [
          { name: 'api', pathPrefix: '/api', requestsPerPeriod: 100, periodSeconds: 10 },
          { name: 'login', pathPrefix: '/api/auth/login', requestsPerPeriod: 5, periodSeconds: 60 },
        ],
      },
      securityHeaders: {},
    });
    this.app.serveThrough(tunnel);
  }
}

if (require.main === module) {
  const app = new App();
  new NodeErpStack(app, 'prod');
  app.synth();
}
