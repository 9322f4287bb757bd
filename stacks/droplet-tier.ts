import { Construct } from 'constructs';
import { ErpAppService } from '../lib/app-service/app-service';
import { DropletRuntime } from '../lib/app-service/runtimes/droplet/droplet-runtime';
import { DropletSize } from '../lib/app-service/runtimes/droplet/droplet-size';
import { S3ReleaseStore } from '../lib/app-service/runtimes/droplet/release-store';
import { S3BackupVault } from '../lib/backup/s3-backup-vault';
import { DoRegion } from '../lib/common/region';
import { ManagedDatabase } from '../lib/database/managed-database';
import { TunnelIngress } from '../lib/tunnel/tunnel-ingress';
import { TierName } from './description/description';
import {
  DEFAULT_REGION, appProcesses, appUrls, backupOptions, backupVault, cloudProviders, managedCache, monitoring, privateNetwork,
  resourceName, sqlDatabase, stackOutputs, tunnelIngress, uploadsBucket,
} from './parts';
import { TierStack, TierStackProps } from './tier-stack';
import { appRegistries, appSecrets } from './secrets';

/**
 * A tier on droplets (`dev`, `prod`): the app's processes run with Docker
 * Compose on one or more droplets in a VPC, beside a managed database (and a
 * managed Valkey where the tier has one), behind a Cloudflare Tunnel, with
 * dumps in an S3 vault.
 */
export abstract class DropletTierStack extends TierStack {
  public readonly database: ManagedDatabase;
  /** Managed Valkey; undefined where the cache is a container on the droplet. */
  public readonly cache?: ManagedDatabase;
  public readonly vault: S3BackupVault;
  /** Where Terraform publishes the droplets' desired state. */
  public readonly releases: S3ReleaseStore;
  public readonly runtime: DropletRuntime;
  public readonly app: ErpAppService;
  public readonly tunnel: TunnelIngress;

  constructor(scope: Construct, tier: TierName, props: TierStackProps) {
    super(scope, tier, props);
    const d = this.description;
    const s = this.settings;
    const name = resourceName(d, tier);
    cloudProviders(this, d, tier);
    const vpc = privateNetwork(this, d, tier);
    this.database = sqlDatabase(this, d, tier, s, vpc);
    this.cache = managedCache(this, d, tier, s, vpc);
    this.vault = backupVault(this, d, tier, s);
    this.releases = new S3ReleaseStore(this, 'Releases', { name });
    this.runtime = new DropletRuntime(this, 'Runtime', {
      name,
      region: DoRegion.of(d.region ?? DEFAULT_REGION),
      size: DropletSize.of(s.dropletSize),
      count: s.dropletCount,
      releaseStore: this.releases,
      sshKeys: d.sshKeys,
      adminCidrs: d.adminCidrs,
      vpcId: vpc.id,
      backups: s.dropletBackups,
      tags: [name],
    });
    this.app = new ErpAppService(this, 'App', {
      name: d.name,
      runtime: this.runtime,
      processes: appProcesses(d, s),
      environment: d.environment,
      secrets: appSecrets(this, d, props.env), registries: appRegistries(this, d, props.env),
      timeZone: d.timeZone,
      persistentPaths: d.persistentPaths,
    });
    // the app reaches a PostgreSQL cluster through its pool when the tier has one (migrations and dumps connect directly)
    const [pool] = Object.keys(this.database.connectionPools);
    this.app.connectTo(this.database, {
      connection: pool ? this.database.poolConnection(pool) : undefined,
      uriParameters: d.database.uriParameters,
      aliases: d.database.aliases,
    });
    if (this.cache) this.app.connectTo(this.cache, { aliases: d.cache?.aliases });
    uploadsBucket(this, d, tier, this.app);
    this.app.backupTo(this.vault, backupOptions(this, d, props.env));
    this.tunnel = tunnelIngress(this, d, tier, this.app);
    this.app.serveThrough(this.tunnel, { connectors: s.connectors });
    monitoring(this, d, tier, name);
    stackOutputs(this, {
      urls: appUrls(d, tier),
      databaseHost: this.database.privateHost,
      databaseUri: this.database.privateUri,
      vaultBucket: this.vault.bucketName,
      tunnelId: this.tunnel.tunnelId,
      tunnelToken: this.tunnel.token,
      releaseId: this.runtime.releaseId,
      releaseStatusUrls: this.runtime.releaseUrls.map((u) => `${u}/status.json`),
      dropletAddresses: this.runtime.droplets.map((d) => d.ipv4Address),
    });
  }
}
