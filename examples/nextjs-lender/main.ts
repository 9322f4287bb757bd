/**
 * A Next.js + Prisma lending app (PostgreSQL 17, migrations on every deploy,
 * `/api/health` checked every 30 s, Redis with append-only persistence,
 * non-root containers), as a cdktf program using cdktf-erp-constructs from npm.
 *
 * Two stacks: `dev` on one small droplet (Valkey as a container with
 * append-only persistence) and `local` on the developer's Docker engine.
 */
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import {
  AccessPolicy, AppProcesses, DatabaseEngine, DatabaseEngineFamily, DatabaseSize, DockerRuntime, DoRegion, DropletRuntime, S3ReleaseStore,
  DropletSize, ErpAppService, LocalDatabase, ManagedDatabase, S3BackupVault, TunnelIngress,
} from 'cdktf-erp-constructs';

/** The lender's processes, the same on every runtime. */
export const LENDER_PROCESSES: AppProcesses = {
  web: {
    image: 'ghcr.io/example/lender:3.2.0',
    port: 3000,
    healthCheck: { path: '/api/health', intervalSeconds: 30, timeoutSeconds: 10, retries: 3, startPeriodSeconds: 40 },
  },
  workers: [{ name: 'reminders', command: ['node', 'dist/workers/reminders.js'] }],
  scheduler: { entries: [{ name: 'late-fees', schedule: '0 6 * * *', command: ['node', 'dist/jobs/late-fees.js'] }] },
  release: { command: ['npx', 'prisma', 'migrate', 'deploy'] },
};

export class LenderDevStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new DigitaloceanProvider(this, 'digitalocean', {});
    new CloudflareProvider(this, 'cloudflare', {});
    new AwsProvider(this, 'aws', { region: 'us-east-2' });
    const nextAuthSecret = new TerraformVariable(this, 'nextauth_secret', { type: 'string', sensitive: true });

    const db = new ManagedDatabase(this, 'Database', {
      name: 'lender-dev-db', engine: DatabaseEngine.postgres(17), size: DatabaseSize.DB_S_1VCPU_1GB, region: DoRegion.SFO3,
      databases: ['lender'], users: ['lender'],
    });
    const vault = new S3BackupVault(this, 'Backups', { rootPrefix: 'lender', dailyRetentionDays: 7, weeklyRetentionWeeks: 4, monthlyRetentionMonths: 6 });
    const app = new ErpAppService(this, 'App', {
      name: 'lender',
      runtime: new DropletRuntime(this, 'Runtime', {
        name: 'lender-dev', region: DoRegion.SFO3, size: DropletSize.S_2VCPU_4GB, sshKeys: ['41234567'],
        releaseStore: new S3ReleaseStore(this, 'Releases', { name: 'lender-dev' }),
        adminCidrs: ['198.51.100.4/32'], vpcId: db.vpcId,
      }),
      processes: LENDER_PROCESSES,
      environment: { NODE_ENV: 'production', NEXTAUTH_URL: 'https://lender.example.com' },
      secrets: { NEXTAUTH_SECRET: nextAuthSecret.stringValue },
    });
    app.connectTo(db);
    app.backupTo(vault);
    const tunnel = new TunnelIngress(this, 'Tunnel', {
      accountId: '0123456789abcdef0123456789abcdef', zoneId: 'fedcba9876543210fedcba9876543210', zoneName: 'example.com', name: 'lender-dev',
      routes: [
        { hostname: 'lender.example.com', path: '/admin', service: app.internalUrl(), access: AccessPolicy.emailDomains('example.com') },
        { hostname: 'lender.example.com', service: app.internalUrl() },
      ],
    });
    app.serveThrough(tunnel);
  }
}

export class LenderLocalStack extends TerraformStack {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    new DockerProvider(this, 'docker', {});
    const runtime = new DockerRuntime(this, 'Runtime', { hostPort: 3000 });
    const db = new LocalDatabase(this, 'Database', { runtime, engine: DatabaseEngineFamily.POSTGRES, version: '17', databaseName: 'lender', user: 'lender' });
    const app = new ErpAppService(this, 'App', { name: 'lender', runtime, processes: LENDER_PROCESSES, environment: { NODE_ENV: 'development' } });
    app.connectTo(db);
  }
}

if (require.main === module) {
  const app = new App();
  new LenderDevStack(app, 'dev');
  new LenderLocalStack(app, 'local');
  app.synth();
}
