/**
 * The scale workload: one stack holding N complete ERP apps, N from
 * BENCH_APPS (default 10). Each app has its own PostgreSQL cluster (database,
 * user, connection pool), its S3 backup vault with the nightly dump job, its
 * Cloudflare Tunnel with hostname and path routes, and its app service on a
 * droplet (API, worker, WebSocket, scheduler, migrations, connector), all
 * built from the library's public API. The apps share the stack's providers
 * and one VPC, as apps of one team in one region would.
 *
 * Run compiled, as the app runs: `node dist-bench/bench/scale-main.js`
 * (CDKTF_OUTDIR picks the output folder).
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { Vpc } from '@cdktf/provider-digitalocean/lib/vpc';
import { App, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { DoRegion, DropletRuntime, DropletSize, ErpAppService, S3BackupVault, S3ReleaseStore, TunnelIngress } from '../lib';
import { DatabaseEngine, DatabaseSize, ManagedDatabase } from '../lib';
import { SCALE_STACK } from './scale-stack-name';
import { AppSecret } from '../lib/app-service/secret';

const ACCOUNT_ID = '0123456789abcdef0123456789abcdef';
const ZONE_ID = 'fedcba9876543210fedcba9876543210';
const ZONE_NAME = 'example.com';

/** What every app of the stack shares. */
interface Shared {
  readonly vpc: Vpc;
  readonly releases: S3ReleaseStore;
}

/** One complete ERP app: database, vault, tunnel routes and app service. */
export class BenchErpApp extends Construct {
  public readonly database: ManagedDatabase;
  public readonly vault: S3BackupVault;
  public readonly tunnel: TunnelIngress;
  public readonly service: ErpAppService;

  constructor(scope: Construct, id: string, index: number, shared: Shared) {
    super(scope, id);
    const name = `erp${index}`;
    this.database = new ManagedDatabase(this, 'Database', {
      name: `${name}-db`,
      engine: DatabaseEngine.postgres(16),
      size: DatabaseSize.DB_S_1VCPU_2GB,
      region: DoRegion.FRA1,
      vpc: shared.vpc,
      databases: ['erp'],
      users: ['erp_app'],
      connectionPools: [{ name: `${name}-pool`, database: 'erp', user: 'erp_app', size: 20 }],
    });
    this.vault = new S3BackupVault(this, 'Vault', { bucketPrefix: `${name}-backups-` });
    const runtime = new DropletRuntime(this, 'Runtime', {
      region: DoRegion.FRA1,
      size: DropletSize.S_2VCPU_4GB,
      vpcId: shared.vpc.id,
      name,
      sshKeys: ['12345678'],
      releaseStore: shared.releases,
    });
    this.service = new ErpAppService(this, 'App', {
      name,
      runtime,
      processes: {
        web: { image: `ghcr.io/acme/erp-api:1.${index}.0`, command: 'node dist/server.js', port: 3000, replicas: 2, healthCheck: { path: '/api/health' } },
        workers: [{ name: 'jobs', command: 'node dist/worker.js' }],
        websocket: { command: 'node dist/ws.js', port: 3001 },
        scheduler: { entries: [{ name: 'rates', schedule: '0 */6 * * *', command: 'node dist/jobs/rates.js' }, { name: 'cleanup', schedule: '0 4 * * *', command: 'node dist/jobs/cleanup.js' }] },
        release: { command: 'npx prisma migrate deploy' },
      },
      environment: { NODE_ENV: 'production', TZ: 'UTC' },
      secrets: { JWT_SECRET: AppSecret.unsafePlainText(`bench-jwt-secret-${index}`) },
    });
    this.service.connectTo(this.database);
    this.service.backupTo(this.vault);
    this.tunnel = new TunnelIngress(this, 'Tunnel', {
      accountId: ACCOUNT_ID,
      zoneId: ZONE_ID,
      zoneName: ZONE_NAME,
      name,
      routes: [
        { hostname: `${name}.${ZONE_NAME}`, path: '^/ws', service: this.service.internalUrl('websocket') },
        { hostname: `${name}.${ZONE_NAME}`, service: this.service.internalUrl('web') },
      ],
    });
    this.service.serveThrough(this.tunnel);
  }
}

/** The stack of N apps. */
export class ScaleStack extends TerraformStack {
  public readonly apps: BenchErpApp[] = [];

  constructor(scope: Construct, apps: number) {
    super(scope, SCALE_STACK);
    new DigitaloceanProvider(this, 'DigitalOcean');
    new CloudflareProvider(this, 'Cloudflare');
    new AwsProvider(this, 'Aws', { region: 'eu-central-1' });
    const releases = new S3ReleaseStore(this, 'Releases', { name: 'erp-apps' });
    const vpc = new Vpc(this, 'Vpc', { name: 'erp-apps', region: DoRegion.FRA1.slug });
    for (let i = 1; i <= apps; i++) this.apps.push(new BenchErpApp(this, `Erp${i}`, i, { vpc, releases }));
  }
}

/** Synthesizes the stack of BENCH_APPS apps (default 10). */
export function synthScaleStack(): void {
  const apps = Number(process.env.BENCH_APPS ?? 10);
  if (!Number.isInteger(apps) || apps < 1) throw new Error(`BENCH_APPS must be a whole number >= 1 (got ${process.env.BENCH_APPS})`);
  const app = new App();
  new ScaleStack(app, apps);
  app.synth();
}
