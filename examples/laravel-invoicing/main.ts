/**
 * A multi-tenant Laravel e-invoicing app (nginx + php-fpm in one image, queue
 * workers, the Laravel scheduler, MySQL, Redis, a tenant per subdomain,
 * phpMyAdmin for admins), as a cdktf program using cdktf-erp-constructs from npm.
 *
 * Production tier: one droplet runs the processes with Docker Compose; managed
 * MySQL with a standby and managed Valkey in a VPC; phpMyAdmin is reachable
 * only through Cloudflare Access; dumps go to an S3 vault with object lock.
 */
import { App, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { Vpc } from '@cdktf/provider-digitalocean/lib/vpc';
import {
  AccessPolicy, AppMonitoring, DatabaseEngine, DatabaseSize, DoRegion, DropletRuntime, DropletSize, ErpAppService, S3ReleaseStore,
  ManagedDatabase, ObjectLockMode, S3BackupVault, TunnelIngress,
} from 'cdktf-erp-constructs';

export class LaravelInvoicingStack extends TerraformStack {
  public readonly app: ErpAppService;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    new DigitaloceanProvider(this, 'digitalocean', {});
    new CloudflareProvider(this, 'cloudflare', {});
    new AwsProvider(this, 'aws', { region: 'eu-central-1' });
    const appKey = new TerraformVariable(this, 'app_key', { type: 'string', sensitive: true, description: 'Laravel APP_KEY (base64:...)' });

    const vpc = new Vpc(this, 'Vpc', { name: 'facturador-prod', region: 'fra1' });
    const db = new ManagedDatabase(this, 'Database', {
      name: 'facturador-db', engine: DatabaseEngine.mysql(8), size: DatabaseSize.DB_S_2VCPU_4GB, nodeCount: 2,
      region: DoRegion.FRA1, vpc, databases: ['facturador'], users: ['facturador'],
    });
    const cache = new ManagedDatabase(this, 'Cache', {
      name: 'facturador-cache', engine: DatabaseEngine.valkey(8), size: DatabaseSize.DB_S_1VCPU_1GB, region: DoRegion.FRA1, vpc,
    });
    const vault = new S3BackupVault(this, 'Backups', { rootPrefix: 'facturador', objectLock: { mode: ObjectLockMode.COMPLIANCE, days: 30 } });

    this.app = new ErpAppService(this, 'App', {
      name: 'facturador',
      runtime: new DropletRuntime(this, 'Runtime', {
        name: 'facturador-prod', region: DoRegion.FRA1, size: DropletSize.S_8VCPU_16GB, sshKeys: ['41234567'],
        releaseStore: new S3ReleaseStore(this, 'Releases', { name: 'facturador-prod' }),
        adminCidrs: ['203.0.113.10/32'], vpcId: vpc.id, tags: ['facturador-prod'],
      }),
      processes: {
        web: { image: 'ghcr.io/example/facturador:2.4.1', port: 8080, healthCheck: { path: '/health' } },
        workers: [{ name: 'queue', command: ['php', 'artisan', 'queue:work', 'redis', '--sleep=3', '--tries=3'], replicas: 2 }],
        scheduler: { everyMinute: ['php', 'artisan', 'schedule:run'] },
        release: { command: ['php', 'artisan', 'migrate', '--force'] },
        services: [{
          name: 'pma', image: 'phpmyadmin:5.2.1', port: 80,
          environmentFrom: { PMA_HOST: 'DB_HOST', PMA_PORT: 'DB_PORT' },
          environment: { PMA_ABSOLUTE_URI: 'https://pma.fact.example.com/' },
        }],
      },
      environment: { APP_ENV: 'production', APP_URL: 'https://fact.example.com', QUEUE_CONNECTION: 'redis', CACHE_DRIVER: 'redis' },
      secrets: { APP_KEY: appKey.stringValue },
    });
    this.app.connectTo(db);
    this.app.connectTo(cache);
    this.app.backupTo(vault);

    const tunnel = new TunnelIngress(this, 'Tunnel', {
      accountId: '0123456789abcdef0123456789abcdef', zoneId: 'fedcba9876543210fedcba9876543210', zoneName: 'example.com',
      name: 'facturador-prod',
      deepHostnameCertificates: true, // an Advanced certificate covers *.fact.example.com
      routes: [
        { hostname: 'pma.fact.example.com', service: this.app.internalUrl('pma'), access: AccessPolicy.emailDomains('example.com') },
        { hostname: 'fact.example.com', service: this.app.internalUrl() },
        { hostname: '*.fact.example.com', service: this.app.internalUrl() }, // a tenant per subdomain
      ],
      securityHeaders: {},
    });
    this.app.serveThrough(tunnel);
    new AppMonitoring(this, 'Monitoring', {
      name: 'facturador-prod', healthUrls: ['https://fact.example.com/health'], alertEmails: ['ops@example.com'], dropletTag: 'facturador-prod',
    });
  }
}

if (require.main === module) {
  const app = new App();
  new LaravelInvoicingStack(app, 'prod');
  app.synth();
}
