/**
 * The pieces the tier stacks share: providers, the database, the cache, the
 * backup vault, the tunnel, monitoring and outputs, each built from the app
 * description and the tier's settings. Construct ids here are part of the
 * stacks' Terraform addresses: renaming one replaces real infrastructure.
 */
import { TerraformOutput, TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { Vpc } from '@cdktf/provider-digitalocean/lib/vpc';
import { AppFile } from '../lib/app-service/app-file';
import { AppProcesses, MountedFile } from '../lib/app-service/process-model';
import { BackupOptions, ErpAppService } from '../lib/app-service/app-service';
import { backupHeartbeatUrl } from './secrets';
import { S3BackupVault } from '../lib/backup/s3-backup-vault';
import { ObjectLockMode } from '../lib/backup/props';
import { DoRegion } from '../lib/common/region';
import { AppDescription, DescriptionFile, TierName } from './description/description';
import { ZONE_TIERS, tierHostnames, zoneSettingsStack } from './description/hostnames';
import { DatabaseEngine, DatabaseSize } from '../lib/database/engine';
import { ManagedDatabase } from '../lib/database/managed-database';
import { AppMonitoring } from '../lib/monitoring/app-monitoring';
import { AccessPolicy } from '../lib/tunnel/access';
import { TunnelIngress, TunnelRoute } from '../lib/tunnel/tunnel-ingress';
import { TierStack } from './tier-stack';
import { TierSettings } from './tiers';
import { AppFilesBucket } from '../lib/storage/app-files-bucket';

/** The default DigitalOcean region when the description names none. */
export const DEFAULT_REGION = 'fra1';
/** The default AWS region of the backup vault. */
export const DEFAULT_AWS_REGION = 'eu-central-1';
/** The default AWS region backups are replicated to (HA tier). */
export const DEFAULT_AWS_REPLICA_REGION = 'eu-west-1';

/**
 * `<app>-<tier>`: names resources, tags and workspaces. Every physical name that must be unique in
 * a DigitalOcean account (VPC, database clusters, volumes, the Kubernetes cluster), an AWS account
 * (IAM users) or a Cloudflare account (tunnels, Access applications) starts with it, so that the
 * environments of one app, and several apps, share the accounts without colliding.
 */
export function resourceName(d: AppDescription, tier: TierName): string {
  return `${d.name}-${tier}`;
}

/** The DigitalOcean, Cloudflare and AWS providers; credentials come from the environment. AWS resources are tagged with the app and the tier. */
export function cloudProviders(stack: TerraformStack, d: AppDescription, tier: TierName): { aws: AwsProvider } {
  new DigitaloceanProvider(stack, 'digitalocean', {});
  new CloudflareProvider(stack, 'cloudflare', {});
  const aws = new AwsProvider(stack, 'aws', {
    region: d.awsRegion ?? DEFAULT_AWS_REGION,
    defaultTags: [{ tags: { app: d.name, environment: tier, 'managed-by': 'cdktf-erp-constructs' } }],
  });
  return { aws };
}

/** The name of a tier's private network: `<app>-<tier>-vpc`. */
export function vpcName(d: AppDescription, tier: TierName): string {
  return `${resourceName(d, tier)}-vpc`;
}

/** The private network droplets, the cluster and databases share. */
export function privateNetwork(stack: Construct, d: AppDescription, tier: TierName): Vpc {
  return new Vpc(stack, 'Vpc', {
    name: vpcName(d, tier),
    region: d.region ?? DEFAULT_REGION,
    description: `Private network of ${d.name} (${tier})`,
  });
}

/** The app's SQL database, sized for the tier, in the tier's VPC (a `Vpc` of the stack, or a VPC id). */
export function sqlDatabase(stack: Construct, d: AppDescription, tier: TierName, s: TierSettings, vpc: Vpc | string): ManagedDatabase {
  const db = d.database;
  const name = db.name ?? d.name.replace(/-/g, '_');
  const user = db.user ?? d.name.replace(/-/g, '_');
  const engine = db.engine === 'postgres' ? DatabaseEngine.postgres(db.version) : DatabaseEngine.mysql(db.version);
  return new ManagedDatabase(stack, 'Database', {
    name: `${resourceName(d, tier)}-db`,
    engine,
    size: DatabaseSize.of(s.databaseSize),
    nodeCount: s.databaseNodeCount,
    region: DoRegion.of(d.region ?? DEFAULT_REGION),
    vpc,
    databases: [name],
    users: [user],
    connectionPools: s.poolSize ? [{ name: `${d.name}-pool`, size: s.poolSize, database: name, user }] : undefined,
    readReplicas: s.readReplica ? [{ name: `${resourceName(d, tier)}-db-replica` }] : undefined,
    tags: [resourceName(d, tier)],
  });
}

/**
 * Where the app reads from the read replica, when the tier buys one: `DATABASE_READ_HOST` and
 * `DATABASE_READ_PORT` (private network). The app's user and database are the same there, so
 * the app connects with its own credentials (Laravel: `read.host` of the connection; Django:
 * a second database alias; Prisma: `@prisma/extension-read-replicas`).
 */
export function readReplicaEnvironment(db: ManagedDatabase): Record<string, string> {
  const [replica] = Object.values(db.replicas);
  if (replica === undefined) return {};
  return { DATABASE_READ_HOST: replica.privateHost, DATABASE_READ_PORT: Token.asString(replica.port) };
}

/**
 * The app's uploads bucket on a cloud tier, when the description asks for one, handed to the app
 * (`<envPrefix>BUCKET`, region, endpoint, and a read/write key as secrets).
 */
export function uploadsBucket(stack: Construct, d: AppDescription, tier: TierName, app: ErpAppService): AppFilesBucket | undefined {
  if (!d.uploads) return undefined;
  const bucket = new AppFilesBucket(stack, 'Uploads', {
    name: resourceName(d, tier),
    cors: d.uploads.browserUploads ? { allowedOrigins: [`https://${tierHostnames(d, tier).domain}`] } : undefined,
  });
  app.storeFilesIn(bucket, { envPrefix: d.uploads.envPrefix ?? 'UPLOADS_' });
  return bucket;
}

/** Managed Valkey for the tiers that have one; undefined keeps the cache as a container. */
export function managedCache(stack: Construct, d: AppDescription, tier: TierName, s: TierSettings, vpc: Vpc | string): ManagedDatabase | undefined {
  if (!d.cache || !s.cacheSize) return undefined;
  return new ManagedDatabase(stack, 'Cache', {
    name: `${resourceName(d, tier)}-cache`,
    engine: DatabaseEngine.valkey(8),
    size: DatabaseSize.of(s.cacheSize),
    region: DoRegion.of(d.region ?? DEFAULT_REGION),
    vpc,
    tags: [resourceName(d, tier)],
  });
}

/**
 * The off-site backup vault, with the description's retention and the tier's object lock and replication.
 * Its IAM users are named `<app>-<tier>-writer-…` (IAM user names are unique in the AWS account). The bucket
 * prefix stays `<app>-backups-`: S3 appends a unique suffix to it, and a new prefix would replace the bucket,
 * which holds the dumps (and refuses to go, under object lock and `prevent_destroy`).
 */
export function backupVault(stack: Construct, d: AppDescription, tier: TierName, s: TierSettings, replicaProvider?: AwsProvider): S3BackupVault {
  const b = d.backups ?? {};
  const daily = b.dailyRetentionDays ?? 30;
  return new S3BackupVault(stack, 'Backups', {
    identityName: resourceName(d, tier),
    bucketPrefix: `${d.name}-backups-`.slice(0, 37),
    rootPrefix: d.name,
    dailyRetentionDays: daily,
    weeklyRetentionWeeks: b.weeklyRetentionWeeks,
    monthlyRetentionMonths: b.monthlyRetentionMonths,
    objectLock: s.objectLockDays ? { mode: ObjectLockMode.COMPLIANCE, days: Math.min(s.objectLockDays, daily) } : undefined,
    replication: replicaProvider ? { provider: replicaProvider } : undefined,
  });
}

/** The options of the app's backups: the description's schedule, heartbeat, drill and scratch size. */
export function backupOptions(stack: TerraformStack, d: AppDescription, env?: NodeJS.ProcessEnv): BackupOptions {
  const b = d.backups ?? {};
  return {
    schedule: b.schedule ?? '0 2 * * *',
    heartbeatUrl: backupHeartbeatUrl(stack, d, env),
    restoreDrillSchedule: b.restoreDrillSchedule,
    scratchSizeGib: b.scratchSizeGib,
  };
}

/** The description's processes in the process model of ErpAppService. */
export function appProcesses(d: AppDescription, s: TierSettings): AppProcesses {
  const p = d.processes;
  const sched = p.scheduler;
  return {
    web: { image: p.web.image, command: p.web.command, port: p.web.port, healthCheck: p.web.healthCheck, replicas: s.webReplicas, container: p.web.container },
    workers: p.workers?.map((w) => ({ name: w.name, image: w.image, command: w.command, replicas: w.replicas, container: w.container })),
    scheduler: sched ? {
      everyMinute: sched.everyMinute, entries: sched.jobs?.map((j) => ({ name: j.name, schedule: j.schedule, command: j.command, timeZone: j.timeZone })),
      container: sched.container,
    } : undefined,
    websocket: p.websocket ? { image: p.websocket.image, command: p.websocket.command, port: p.websocket.port, container: p.websocket.container } : undefined,
    release: p.release ? { command: p.release } : undefined,
    services: [
      ...(p.services ?? []).map((svc) => ({
        name: svc.name, image: svc.image, command: svc.command, port: svc.port, healthCheck: svc.healthCheck,
        environment: svc.environment, receivesAppEnvironment: svc.appEnvironment ?? false, files: mountedFiles(svc.files),
        container: svc.container,
      })),
      // Admin tools run beside the app on the private network; the tunnel puts Access in front of them.
      ...(d.adminTools ?? []).map((tool) => ({
        name: tool.name, image: tool.image, port: tool.port, healthCheck: tool.healthCheck,
        environment: tool.environment, environmentFrom: tool.environmentFrom, files: mountedFiles(tool.files),
        container: tool.container,
      })),
    ],
  };
}

/** A description's files as mounted files: inline text, or a file read at synth (its `source` made absolute by the loader). */
function mountedFiles(files: DescriptionFile[] | undefined): MountedFile[] | undefined {
  return files?.map((f) => ({ path: f.path, content: f.source !== undefined ? AppFile.fromPath(f.source) : f.content ?? '' }));
}

/**
 * The tunnel and its routes, most specific first (cloudflared takes the first
 * match): admin tools on their own hostnames behind Access, then the app's
 * path routes (longest path first), the app itself, and the tenant wildcard last.
 * Every hostname is the tier's own (`tierHostnames`), so tiers share the zone.
 *
 * The zone-level settings are made by one stack of the zone only: a zone keeps one
 * entry point ruleset per phase ("Each phase has at most one entry point ruleset at
 * the account level and at the zone level", Cloudflare Ruleset Engine docs; a second
 * `cloudflare_ruleset` of kind `zone` for the phase, provider v5.14.0, fails with
 * error 20217). The stack named by `cloudflare.zoneSettingsStack` (prod by default)
 * makes the security-header ruleset, covering every tier's hostnames; the others make
 * none. No stack makes a rate-limiting ruleset. Advanced certificate packs are not
 * zone-level (a zone holds many): each stack orders its own, for its own hostnames, so
 * a change to one tier's hostnames never replaces another tier's certificate.
 */
export function tunnelIngress(stack: Construct, d: AppDescription, tier: TierName, app: ErpAppService): TunnelIngress {
  const h = tierHostnames(d, tier);
  const routes: TunnelRoute[] = [];
  for (const tool of d.adminTools ?? []) {
    const policies = [
      ...(tool.allowEmails?.length ? [AccessPolicy.emails(...tool.allowEmails)] : []),
      ...(tool.allowEmailDomains?.length ? [AccessPolicy.emailDomains(...tool.allowEmailDomains)] : []),
    ];
    routes.push({
      hostname: h.adminTools[tool.name],
      service: app.internalUrl(tool.name),
      access: policies.length === 1 ? policies[0] : AccessPolicy.anyOf(...policies),
    });
  }
  const pathRoutes: Array<{ path: string; route: TunnelRoute }> = [];
  if (d.processes.websocket) {
    const path = d.processes.websocket.path ?? '/ws';
    pathRoutes.push({ path, route: { hostname: h.domain, path, service: app.internalUrl('websocket') } });
  }
  for (const svc of d.processes.services ?? []) {
    if (svc.path === '/') continue;
    const route: TunnelRoute = { hostname: h.domain, path: svc.path, service: app.internalUrl(svc.name) };
    pathRoutes.push({ path: svc.path, route: svc.admin ? { ...route, access: adminPolicy(d) } : route });
  }
  pathRoutes.sort((a, b) => b.path.length - a.path.length).forEach((r) => routes.push(r.route));
  const root = (d.processes.services ?? []).find((svc) => svc.path === '/');
  if (root) {
    routes.push({ hostname: h.domain, path: d.processes.web.path ?? '/api', service: app.internalUrl('web') });
    routes.push({ hostname: h.domain, service: app.internalUrl(root.name) });
  } else {
    routes.push({ hostname: h.domain, service: app.internalUrl('web') });
  }
  if (h.tenantWildcard) routes.push({ hostname: h.tenantWildcard, service: app.internalUrl('web') });
  const ownsZoneSettings = zoneSettingsStack(d) === tier;
  return new TunnelIngress(stack, 'Tunnel', {
    accountId: d.cloudflare.accountId,
    zoneId: d.cloudflare.zoneId,
    zoneName: d.cloudflare.zoneName,
    name: resourceName(d, tier),
    routes,
    securityHeaders: ownsZoneSettings ? { additionalHostnames: otherTiersHostnames(d, tier) } : undefined,
    advancedCertificate: d.cloudflare.advancedCertificate ? {} : undefined,
  });
}

/** The hostnames the other tiers of the zone serve, which the zone settings of `tier`'s stack cover too. */
function otherTiersHostnames(d: AppDescription, tier: TierName): string[] {
  return ZONE_TIERS.filter((t) => t !== tier).flatMap((t) => tierHostnames(d, t).all.map((x) => x.hostname));
}

/** Access for a path marked admin: the first admin tool's allow list, or the domain of the alert email. */
function adminPolicy(d: AppDescription): AccessPolicy {
  const tool = d.adminTools?.[0];
  if (tool?.allowEmails?.length) return AccessPolicy.emails(...tool.allowEmails);
  if (tool?.allowEmailDomains?.length) return AccessPolicy.emailDomains(...tool.allowEmailDomains);
  return AccessPolicy.emails(d.alertEmail ?? `admin@${d.cloudflare.zoneName}`);
}

/** The public health URL uptime checks probe, on the tier's domain. */
export function healthUrl(d: AppDescription, tier: TierName): string {
  return `https://${tierHostnames(d, tier).domain}${d.processes.web.healthCheck?.path ?? '/'}`;
}

/** Uptime checks and alerts (and droplet alerts when a tag is given), when the description names an email. */
export function monitoring(stack: Construct, d: AppDescription, tier: TierName, dropletTag?: string): AppMonitoring | undefined {
  if (!d.alertEmail) return undefined;
  return new AppMonitoring(stack, 'Monitoring', {
    name: resourceName(d, tier),
    healthUrls: [healthUrl(d, tier)],
    alertEmails: [d.alertEmail],
    dropletTag,
  });
}

/** What a tier stack reports after apply. */
export interface StackOutputs {
  readonly urls: string[];
  readonly databaseHost: string;
  readonly databaseUri: string;
  readonly vaultBucket: string;
  readonly tunnelId?: string;
  readonly tunnelToken?: string;
  /** The release the (first) droplet is asked to run. */
  readonly releaseId?: string;
  /** Where each droplet's agent publishes its status. */
  readonly releaseStatusUrls?: string[];
  /** The droplets' public IPv4 addresses (for `npm run ops`, over SSH from `adminCidrs`). */
  readonly dropletAddresses?: string[];
}

/** The stack's outputs: URLs, database host, vault bucket, tunnel id, the monthly estimate; secrets marked sensitive. */
export function stackOutputs(stack: TierStack, o: StackOutputs): void {
  new TerraformOutput(stack, 'app_urls', { value: o.urls, description: 'Public URLs of the app' });
  new TerraformOutput(stack, 'database_host', { value: o.databaseHost, description: 'Database host (private network)' });
  new TerraformOutput(stack, 'database_uri', { value: o.databaseUri, sensitive: true, description: 'Database connection URI (TLS required)' });
  new TerraformOutput(stack, 'backup_vault_bucket', { value: o.vaultBucket, description: 'Bucket that holds the database dumps' });
  if (o.tunnelId) new TerraformOutput(stack, 'tunnel_id', { value: o.tunnelId, description: 'Cloudflare Tunnel id' });
  if (o.tunnelToken) new TerraformOutput(stack, 'tunnel_token', { value: o.tunnelToken, sensitive: true, description: 'Connector token of the tunnel' });
  if (o.releaseId) new TerraformOutput(stack, 'release_id', { value: o.releaseId, description: 'Release the droplets are asked to run (the agent reports the one it runs in status.json)' });
  if (o.releaseStatusUrls) new TerraformOutput(stack, 'release_status_urls', { value: o.releaseStatusUrls, description: 'Status each droplet\'s agent publishes (read with the AWS CLI: aws s3 cp s3://<bucket>/<droplet>/status.json -)' });
  if (o.dropletAddresses) new TerraformOutput(stack, 'droplet_addresses', { value: o.dropletAddresses, description: 'Public IPv4 addresses of the droplets, first the one that runs the release command and the jobs (npm run ops)' });
  stack.addCostEstimateOutput('monthly_cost_estimate', 'Itemized monthly list-price estimate of this stack (USD)');
}

/** The public URLs of the app on a tier: its domain, tenant wildcard and admin tools. */
export function appUrls(d: AppDescription, tier: TierName): string[] {
  const h = tierHostnames(d, tier);
  return [
    `https://${h.domain}`,
    ...(h.tenantWildcard ? [`https://${h.tenantWildcard}`] : []),
    ...Object.values(h.adminTools).map((host) => `https://${host}`),
  ];
}
