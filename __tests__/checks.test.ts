import { AnnotationMetadataEntryType, App, Aspects, TerraformOutput, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { ZeroTrustTunnelCloudflared } from '@cdktf/provider-cloudflare/lib/zero-trust-tunnel-cloudflared';
import { ZeroTrustTunnelCloudflaredConfigA } from '@cdktf/provider-cloudflare/lib/zero-trust-tunnel-cloudflared-config';
import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { DatabaseCluster } from '@cdktf/provider-digitalocean/lib/database-cluster';
import { DatabaseFirewall } from '@cdktf/provider-digitalocean/lib/database-firewall';
import { Droplet } from '@cdktf/provider-digitalocean/lib/droplet';
import { Firewall } from '@cdktf/provider-digitalocean/lib/firewall';
import { KubernetesCluster } from '@cdktf/provider-digitalocean/lib/kubernetes-cluster';
import { SpacesBucket } from '@cdktf/provider-digitalocean/lib/spaces-bucket';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { Container } from '@cdktf/provider-docker/lib/container';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { DeploymentV1 } from '@cdktf/provider-kubernetes/lib/deployment-v1';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { DropletRuntime, DropletSize, ErpAppService, S3ReleaseStore } from '../lib/app-service';
import { S3BackupVault, SpacesBackupVault } from '../lib/backup';
import { CheckSeverity, ChecksReport, ErpChecks, ErpChecksError, formatChecksReport, formatChecksRules } from '../lib/checks';
import { DoRegion } from '../lib/common/region';
import { DatabaseAccess, DatabaseEngine, DatabaseSize, ManagedDatabase } from '../lib/database';
import { ErpValidationError } from '../lib/errors';
import { AccessPolicy, TunnelIngress } from '../lib/tunnel';
import { AppSecret } from '../lib/app-service/secret';

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const ZONE = 'fedcba9876543210fedcba9876543210';

function newStack(name = 'checked'): { app: App; stack: TerraformStack; checks: ErpChecks } {
  const app = Testing.app();
  const stack = new TerraformStack(app, name);
  new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
  new DigitaloceanProvider(stack, 'digitalocean', {});
  new CloudflareProvider(stack, 'cloudflare', {});
  new RandomProvider(stack, 'random', {});
  new DockerProvider(stack, 'docker', {});
  new KubernetesProvider(stack, 'kubernetes', {});
  const checks = new ErpChecks();
  Aspects.of(stack).add(checks);
  return { app, stack, checks };
}

/** Every construct of the library, composed the way a production tier does. */
function secureApp(stack: TerraformStack) {
  const vault = new S3BackupVault(stack, 'Backups', { rootPrefix: 'erp' });
  const spaces = new SpacesBackupVault(stack, 'Spaces', { region: DoRegion.FRA1 });
  const db = new ManagedDatabase(stack, 'Database', {
    name: 'erp-db', engine: DatabaseEngine.postgres(16), size: DatabaseSize.DB_S_1VCPU_1GB, region: DoRegion.FRA1,
    databases: ['erp'], users: ['erp_app'],
  });
  const tunnel = new TunnelIngress(stack, 'Tunnel', {
    accountId: ACCOUNT, zoneId: ZONE, zoneName: 'example.com', name: 'erp',
    routes: [
      { hostname: 'pma.example.com', service: 'http://phpmyadmin:80', access: AccessPolicy.emailDomains('example.com') },
      { hostname: 'app.example.com', path: '/admin', service: 'http://web:8080', access: AccessPolicy.emails('ana@example.com') },
      { hostname: 'app.example.com', service: 'http://web:8080' },
    ],
  });
  const runtime = new DropletRuntime(stack, 'Runtime', {
    region: DoRegion.FRA1, size: DropletSize.S_2VCPU_4GB, sshKeys: ['12345'], releaseStore: new S3ReleaseStore(stack, 'Releases', { name: 'erp-prod' }), adminCidrs: ['203.0.113.7/32'],
  });
  const erp = new ErpAppService(stack, 'App', {
    name: 'erp', runtime,
    processes: { web: { image: 'ghcr.io/acme/erp:1.0.0', port: 8080, healthCheck: { path: '/health' } } },
    environment: { APP_ENV: 'production' },
    secrets: { APP_KEY: AppSecret.unsafePlainText('base64:Zm9vYmFyZm9vYmFy') },
  });
  erp.connectTo(db);
  erp.backupTo(vault);
  erp.serveThrough(tunnel);
  return { vault, spaces, db, tunnel, runtime, erp };
}

function ids(report: ChecksReport): string[] {
  return [...new Set(report.findings.map((f) => f.ruleId))].sort();
}

function findingsOf(report: ChecksReport, ruleId: string) {
  return report.findings.filter((f) => f.ruleId === ruleId);
}

function bareBucket(scope: Construct, id: string): S3Bucket {
  return new S3Bucket(scope, id, { bucket: `bucket-${id.toLowerCase()}` });
}

describe('the rule catalogue', () => {
  test('has at least 15 rules with unique ids, a severity, a description and a fix', () => {
    expect(ErpChecks.RULES.length).toBeGreaterThanOrEqual(15);
    expect(new Set(ErpChecks.RULES.map((r) => r.id)).size).toBe(ErpChecks.RULES.length);
    for (const r of ErpChecks.RULES) {
      expect(r.id).toMatch(/^ERP-[A-Z0-9]+-\d+$/);
      expect([CheckSeverity.ERROR, CheckSeverity.WARNING]).toContain(r.severity);
      expect(r.description.length).toBeGreaterThan(10);
      expect(r.fix.length).toBeGreaterThan(10);
    }
  });

  test('formats as a markdown table with one row per rule', () => {
    const table = formatChecksRules();
    const lines = table.split('\n');
    expect(lines[0]).toBe('| id | severity | what | fix |');
    expect(lines).toHaveLength(ErpChecks.RULES.length + 2);
    expect(table).toContain('| ERP-S3-1 | error |');
  });
});

describe('a stack built from the library constructs', () => {
  test('passes every rule with zero errors and synthesizes', () => {
    const { app, stack, checks } = newStack();
    secureApp(stack);
    expect(() => app.synth()).not.toThrow();
    const report = checks.report();
    expect(report.errorCount).toBe(0);
    expect(report.findings.filter((f) => f.severity === CheckSeverity.ERROR)).toEqual([]);
    // Object lock is advice: the default vault has none.
    expect(ids(report)).toEqual(['ERP-S3-7']);
    expect(report.rulesRun).toHaveLength(ErpChecks.RULES.length);
  });

  test('warnings become warning annotations on the offending construct', () => {
    const { app, stack } = newStack();
    const { vault } = secureApp(stack);
    app.synth();
    const warnings = vault.bucket.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data));
    expect(warnings.some((w) => w.startsWith('[ERP-S3-7]'))).toBe(true);
  });
});

describe('errors fail synthesis', () => {
  test('fails synth with an ErpChecksError that lists every finding with path, rule id, message and fix', () => {
    const { app, stack } = newStack();
    bareBucket(stack, 'Loose');
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ErpChecksError);
    expect(error).toBeInstanceOf(ErpValidationError);
    const e = error as ErpChecksError;
    expect(e.findings.map((f) => f.ruleId).sort()).toEqual(['ERP-DATA-1', 'ERP-S3-1', 'ERP-S3-2', 'ERP-S3-3', 'ERP-S3-5', 'ERP-S3-6']);
    expect(e.message).toContain('checked/Loose [ERP-S3-1]');
    expect(e.message).toContain('aws_s3_bucket.Loose');
    expect(e.message).toContain('Fix: add an aws_s3_bucket_public_access_block');
    expect(e.message).toContain("ErpChecks.suppress(construct, 'ERP-S3-1', '<reason>')");
  });

  test('fails synth of a stack whose tunnel has an admin route without Access', () => {
    const { app, stack } = newStack();
    new TunnelIngress(stack, 'Tunnel', {
      accountId: ACCOUNT, zoneId: ZONE, zoneName: 'example.com', name: 'erp',
      routes: [{ hostname: 'grafana.example.com', service: 'http://grafana:3000' }],
    });
    expect(() => app.synth()).toThrow(/ERP-CF-1.*grafana\.example\.com/s);
  });

  test('warningsAsErrors turns advice into a failure', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'strict');
    new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
    Aspects.of(stack).add(new ErpChecks({ warningsAsErrors: true }));
    new S3BackupVault(stack, 'Backups', {});
    expect(() => app.synth()).toThrow(/ERP-S3-7/);
  });
});

describe('S3 rules', () => {
  test('fails a bucket without public access block, policy, encryption, versioning and lifecycle', () => {
    const { stack, checks } = newStack();
    bareBucket(stack, 'Loose');
    const report = checks.report(stack);
    expect(ids(report)).toEqual(['ERP-DATA-1', 'ERP-S3-1', 'ERP-S3-2', 'ERP-S3-3', 'ERP-S3-5', 'ERP-S3-6', 'ERP-S3-7']);
    expect(findingsOf(report, 'ERP-S3-1')[0].path).toBe('checked/Loose');
  });

  test('fails a public access block that leaves one setting off, related to its bucket by reference', () => {
    const { stack, checks } = newStack();
    const bucket = bareBucket(stack, 'Half');
    new S3BucketPublicAccessBlock(stack, 'Pab', {
      bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: false,
    });
    const f = findingsOf(checks.report(stack), 'ERP-S3-1');
    expect(f).toHaveLength(1);
    expect(f[0].path).toBe('checked/Pab');
    expect(f[0].message).toContain('restrict_public_buckets');
  });

  test('relates a companion that names its bucket by a literal name', () => {
    const { stack, checks } = newStack();
    bareBucket(stack, 'Named');
    new S3BucketPublicAccessBlock(stack, 'Pab', {
      bucket: 'bucket-named', blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    });
    expect(findingsOf(checks.report(stack), 'ERP-S3-1')).toEqual([]);
  });

  test('warns when default encryption uses S3-managed keys instead of KMS', () => {
    const { stack, checks } = newStack();
    const bucket = bareBucket(stack, 'Aes');
    new S3BucketServerSideEncryptionConfigurationA(stack, 'Enc', {
      bucket: bucket.id, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }],
    });
    const report = checks.report(stack);
    expect(findingsOf(report, 'ERP-S3-3')).toEqual([]);
    expect(findingsOf(report, 'ERP-S3-4')).toEqual([expect.objectContaining({ severity: CheckSeverity.WARNING, path: 'checked/Enc' })]);
  });

  test('fails a vault whose owner opted out of destroy protection', () => {
    const { stack, checks } = newStack();
    new S3BackupVault(stack, 'Throwaway', { protectFromDestroy: false });
    const f = findingsOf(checks.report(stack), 'ERP-DATA-1');
    expect(f.map((x) => x.path).sort()).toEqual(['checked/Throwaway/Key', 'checked/Throwaway/Resource']);
  });

  test('accepts the vault with object lock without advice', () => {
    const { stack, checks } = newStack();
    new S3BackupVault(stack, 'Locked', { objectLock: { mode: 'COMPLIANCE' as any, days: 7 } });
    expect(checks.report(stack).findings).toEqual([]);
  });

  test('fails a public, unencrypted RDS instance without backups', () => {
    const { stack, checks } = newStack();
    new DbInstance(stack, 'Rds', {
      instanceClass: 'db.t4g.micro', engine: 'postgres', allocatedStorage: 20, publiclyAccessible: true, backupRetentionPeriod: 0,
      lifecycle: { preventDestroy: true },
    });
    expect(findingsOf(checks.report(stack), 'ERP-RDS-1').map((f) => f.message)).toEqual([
      'the instance is publicly accessible', 'storage is not encrypted', 'automated backups are off (backup_retention_period 0)',
    ]);
  });
});

describe('DigitalOcean rules', () => {
  test('fails a droplet without SSH keys', () => {
    const { stack, checks } = newStack();
    new Droplet(stack, 'Box', { name: 'box', image: 'ubuntu-24-04-x64', size: 's-1vcpu-1gb', region: 'fra1' });
    expect(findingsOf(checks.report(stack), 'ERP-DO-1')).toHaveLength(1);
  });

  test('fails a firewall that opens SSH and a database port to the world, including through a range', () => {
    const { stack, checks } = newStack();
    new Firewall(stack, 'Open', {
      name: 'open',
      inboundRule: [
        { protocol: 'tcp', portRange: '22', sourceAddresses: ['::/0'] },
        { protocol: 'tcp', portRange: '5000-6000', sourceAddresses: ['0.0.0.0/0'] },
        { protocol: 'tcp', portRange: '443', sourceAddresses: ['0.0.0.0/0', '::/0'] },
        { protocol: 'tcp', portRange: '22', sourceAddresses: ['203.0.113.7/32'] },
      ],
    });
    const report = checks.report(stack);
    expect(findingsOf(report, 'ERP-DO-2')).toHaveLength(1);
    expect(findingsOf(report, 'ERP-DO-3').map((f) => f.message)).toEqual([expect.stringContaining('database port 5432')]);
  });

  test('fails a database cluster without a firewall or private network, and a firewall open to 0.0.0.0/0', () => {
    const { stack, checks } = newStack();
    new DatabaseCluster(stack, 'Open', { name: 'open', engine: 'pg', version: '16', size: 'db-s-1vcpu-1gb', region: 'fra1', nodeCount: 1, lifecycle: { preventDestroy: true } });
    const walled = new DatabaseCluster(stack, 'Walled', { name: 'walled', engine: 'pg', version: '16', size: 'db-s-1vcpu-1gb', region: 'fra1', nodeCount: 1, privateNetworkUuid: 'x', lifecycle: { preventDestroy: true } });
    new DatabaseFirewall(stack, 'World', { clusterId: walled.id, rule: [{ type: 'ip_addr', value: '0.0.0.0/0' }] });
    const report = checks.report(stack);
    expect(findingsOf(report, 'ERP-DO-4').map((f) => f.path).sort()).toEqual(['checked/Open', 'checked/World']);
    expect(findingsOf(report, 'ERP-DO-6').map((f) => f.path)).toEqual(['checked/Open']);
  });

  test('fails a database an app connects to whose firewall admits nobody', () => {
    const { stack, checks } = newStack();
    const db = new ManagedDatabase(stack, 'Database', {
      name: 'erp-db', engine: DatabaseEngine.postgres(16), size: DatabaseSize.DB_S_1VCPU_1GB, region: DoRegion.FRA1,
    });
    const report0 = checks.report(stack);
    expect(findingsOf(report0, 'ERP-DO-5')).toEqual([]);
    new Droplet(stack, 'Client', {
      name: 'client', image: 'ubuntu-24-04-x64', size: 's-1vcpu-1gb', region: 'fra1', sshKeys: ['1'],
      tags: [db.privateHost],
    });
    const f = findingsOf(checks.report(stack), 'ERP-DO-5');
    expect(f).toHaveLength(1);
    expect(f[0].path).toBe('checked/Database/Firewall');
    expect(f[0].message).toContain('digitalocean_droplet.Client');
  });

  test('accepts the database once the app is admitted', () => {
    const { stack, checks } = newStack();
    const db = new ManagedDatabase(stack, 'Database', {
      name: 'erp-db', engine: DatabaseEngine.postgres(16), size: DatabaseSize.DB_S_1VCPU_1GB, region: DoRegion.FRA1,
    });
    new Droplet(stack, 'Client', { name: 'client', image: 'ubuntu-24-04-x64', size: 's-1vcpu-1gb', region: 'fra1', sshKeys: ['1'], tags: [db.privateHost] });
    db.allowFrom(DatabaseAccess.tag('erp-web'));
    expect(checks.report(stack).findings).toEqual([]);
  });

  test('fails a Kubernetes cluster without auto upgrade and with surge upgrade off', () => {
    const { stack, checks } = newStack();
    new KubernetesCluster(stack, 'K8s', {
      name: 'k', region: 'fra1', version: '1.33.1-do.0', surgeUpgrade: false,
      nodePool: { name: 'pool', size: 's-2vcpu-4gb', nodeCount: 3 },
    });
    expect(findingsOf(checks.report(stack), 'ERP-DO-7').map((f) => f.message)).toEqual([
      expect.stringContaining('auto_upgrade is off'), expect.stringContaining('surge_upgrade is off'),
    ]);
  });

  test('fails a public, unversioned Space', () => {
    const { stack, checks } = newStack();
    new SpacesBucket(stack, 'Public', { name: 'pub', region: 'fra1', acl: 'public-read', lifecycle: { preventDestroy: true } });
    const report = checks.report(stack);
    expect(findingsOf(report, 'ERP-DO-8')).toHaveLength(1);
    expect(findingsOf(report, 'ERP-DO-9')).toHaveLength(1);
  });
});

describe('Cloudflare rules', () => {
  test('fails an admin route without Access, and honours allowPublicAdmin', () => {
    const { stack, checks } = newStack();
    const tunnel = new TunnelIngress(stack, 'Tunnel', {
      accountId: ACCOUNT, zoneId: ZONE, zoneName: 'example.com', name: 'erp',
      routes: [
        { hostname: 'app.example.com', path: '/admin', service: 'http://web:8080' },
        { hostname: 'flower.example.com', service: 'http://flower:5555', allowPublicAdmin: true },
        { hostname: 'app.example.com', service: 'http://web:8080' },
      ],
    });
    const f = findingsOf(checks.report(stack), 'ERP-CF-1');
    expect(f).toHaveLength(1);
    expect(f[0].path).toBe(tunnel.config.node.path);
    expect(f[0].message).toContain('app.example.com/admin');
  });

  test('fails a tunnel configuration without a catch-all, a Cloudflare-managed tunnel without one, and an unproxied tunnel record', () => {
    const { stack, checks } = newStack();
    const t = new ZeroTrustTunnelCloudflared(stack, 'Tunnel', { accountId: ACCOUNT, name: 't', configSrc: 'cloudflare' });
    new ZeroTrustTunnelCloudflared(stack, 'Bare', { accountId: ACCOUNT, name: 'bare', configSrc: 'cloudflare' });
    new ZeroTrustTunnelCloudflaredConfigA(stack, 'Config', {
      accountId: ACCOUNT, tunnelId: t.id, config: { ingress: [{ hostname: 'app.example.com', service: 'http://web:8080' }] },
    });
    new DnsRecord(stack, 'Dns', { zoneId: ZONE, name: 'app.example.com', type: 'CNAME', content: `${t.id}.cfargotunnel.com`, ttl: 300 });
    const report = checks.report(stack);
    expect(findingsOf(report, 'ERP-CF-2').map((f) => f.path).sort()).toEqual(['checked/Bare', 'checked/Config']);
    expect(findingsOf(report, 'ERP-CF-3')).toEqual([expect.objectContaining({ severity: CheckSeverity.WARNING })]);
  });
});

describe('secret rules', () => {
  test('fails a secret attribute in droplet user data, a Kubernetes env value and a config map', () => {
    const { stack, checks } = newStack();
    const db = new ManagedDatabase(stack, 'Database', {
      name: 'erp-db', engine: DatabaseEngine.postgres(16), size: DatabaseSize.DB_S_1VCPU_1GB, region: DoRegion.FRA1,
      allowFrom: [DatabaseAccess.tag('erp')],
    });
    new Droplet(stack, 'Box', {
      name: 'box', image: 'ubuntu-24-04-x64', size: 's-1vcpu-1gb', region: 'fra1', sshKeys: ['1'],
      userData: `#cloud-config\nwrite_files:\n- path: /etc/erp.env\n  content: DATABASE_URL=${db.privateUri}\n`,
    });
    new DeploymentV1(stack, 'Web', {
      metadata: { name: 'web' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { container: [{ name: 'web', image: 'nginx:1.27', env: [
            { name: 'DB_PASSWORD', value: db.password },
            { name: 'API_TOKEN', value: 'hunter2' },
            { name: 'SMTP_PASS', value: 'hunter3' },
            { name: 'UPLOADS_ID', value: 'AKIAABCDEFGHIJKLMNOP' },
            { name: 'DB_PASSWORD_FILE', value: '/run/secrets/db' },
            { name: 'DB_HOST', value: db.privateHost },
          ] }] },
        },
      },
    });
    new ConfigMapV1(stack, 'Cfg', { metadata: { name: 'cfg' }, data: { DATABASE_URL: db.uri } });
    const f = findingsOf(checks.report(stack), 'ERP-SEC-1');
    expect(f.map((x) => `${x.path}: ${x.message}`)).toEqual([
      expect.stringMatching(/^checked\/Box: user_data holds digitalocean_database_cluster\.\S+\.private_uri in plain text$/),
      expect.stringMatching(/^checked\/Web: environment variable DB_PASSWORD holds digitalocean_database_cluster\.\S+\.password/),
      'checked/Web: environment variable API_TOKEN holds a literal secret value',
      'checked/Web: environment variable SMTP_PASS holds a literal secret value',
      'checked/Web: environment variable UPLOADS_ID holds a literal secret value',
      expect.stringMatching(/^checked\/Cfg: environment variable DATABASE_URL holds digitalocean_database_cluster\.\S+\.uri/),
    ]);
  });

  test('warns about secrets in local Docker container environments', () => {
    const { stack, checks } = newStack();
    const pw = new TerraformVariable(stack, 'db_password', { type: 'string', sensitive: true });
    new Container(stack, 'Web', { name: 'web', image: 'nginx:1.27', env: [`DB_PASSWORD=${pw.stringValue}`, 'APP_ENV=local', 'MYSQL_RANDOM_ROOT_PASSWORD=yes'] });
    const f = findingsOf(checks.report(stack), 'ERP-SEC-2');
    expect(f).toEqual([expect.objectContaining({ severity: CheckSeverity.WARNING, message: 'environment variable DB_PASSWORD holds var.db_password in plain text' })]);
  });

  test('fails an output that shows a secret unless it is sensitive', () => {
    const { stack, checks } = newStack();
    const db = new ManagedDatabase(stack, 'Database', {
      name: 'erp-db', engine: DatabaseEngine.postgres(16), size: DatabaseSize.DB_S_1VCPU_1GB, region: DoRegion.FRA1,
    });
    new TerraformOutput(stack, 'uri', { value: db.uri });
    new TerraformOutput(stack, 'uri_sensitive', { value: db.uri, sensitive: true });
    new TerraformOutput(stack, 'host', { value: db.host });
    const f = findingsOf(checks.report(stack), 'ERP-SEC-3');
    expect(f.map((x) => x.path)).toEqual(['checked/uri']);
  });
});

describe('suppressions', () => {
  test('silence a rule for the construct and its children, and are listed in the report with what they silenced', () => {
    const { app, stack, checks } = newStack();
    const { vault } = secureApp(stack);
    ErpChecks.suppress(vault, 'ERP-S3-7', 'dumps are also copied to a second account nightly');
    app.synth();
    const report = checks.report();
    expect(report.findings).toEqual([]);
    const own = report.suppressions.filter((s) => s.path === 'checked/Backups');
    expect(own).toEqual([expect.objectContaining({
      path: 'checked/Backups', ruleId: 'ERP-S3-7', reason: 'dumps are also copied to a second account nightly',
      suppressed: [expect.objectContaining({ ruleId: 'ERP-S3-7', path: 'checked/Backups/Resource' })],
    })]);
    // the release store and the droplet carry the library's own suppressions, each with its reason
    expect(report.suppressions.filter((s) => s !== own[0]).map((s) => `${s.path} ${s.ruleId}`).sort()).toEqual([
      'checked/Releases ERP-S3-4', 'checked/Releases ERP-S3-7', 'checked/Runtime/Resource ERP-SEC-1',
    ]);
    const text = formatChecksReport(report);
    expect(text).toMatch(/Stack checked: 0 errors, 0 warnings, \d+ suppressed/);
    expect(text).toContain('| ERP-S3-7 | checked/Backups | dumps are also copied to a second account nightly |');
  });

  test('let an error through synthesis once suppressed with a reason', () => {
    const { app, stack } = newStack();
    const vault = new S3BackupVault(stack, 'Scratch', { protectFromDestroy: false, objectLock: { mode: 'GOVERNANCE' as any, days: 1 } });
    expect(() => app.synth()).toThrow(ErpChecksError);
    const again = newStack('again');
    const v2 = new S3BackupVault(again.stack, 'Scratch', { protectFromDestroy: false, objectLock: { mode: 'GOVERNANCE' as any, days: 1 } });
    ErpChecks.suppress(v2, 'ERP-DATA-1', 'preview environment, destroyed every night');
    expect(() => again.app.synth()).not.toThrow();
    expect(again.checks.report().suppressions[0].suppressed).toHaveLength(2);
    expect(vault.node.path).toBe('checked/Scratch');
  });

  test('list a suppression that silences nothing as no longer needed', () => {
    const { stack, checks } = newStack();
    const { db } = secureApp(stack);
    ErpChecks.suppress(db, 'ERP-DO-6', 'kept from an older setup');
    expect(formatChecksReport(checks.report(stack))).toContain('nothing (no longer needed)');
  });

  test('fails a suppression without a reason', () => {
    const { stack } = newStack();
    const vault = new S3BackupVault(stack, 'Backups', {});
    expect(() => ErpChecks.suppress(vault, 'ERP-S3-7', '  ')).toThrow(ErpValidationError);
    expect(() => ErpChecks.suppress(vault, 'ERP-S3-7', '')).toThrow(/reason: is empty/);
  });

  test('fails a suppression of an unknown rule', () => {
    const { stack } = newStack();
    expect(() => ErpChecks.suppress(stack, 'ERP-S3-99', 'typo')).toThrow(/ruleId: is not the id of a rule/);
  });

  test('fails skipRules naming an unknown rule', () => {
    expect(() => new ErpChecks({ skipRules: ['NOPE'] })).toThrow(/skipRules\[0\]/);
  });
});

describe('scope', () => {
  test('reports only the resources below the construct the checks were added to', () => {
    const app = Testing.app();
    const stack = new TerraformStack(app, 'scoped');
    new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
    const inner = new Construct(stack, 'Inner');
    const checks = new ErpChecks();
    Aspects.of(inner).add(checks);
    new S3BackupVault(inner, 'Backups', {});
    bareBucket(stack, 'Outside');
    expect(() => app.synth()).not.toThrow();
    expect(checks.report().findings.map((f) => f.path)).toEqual(['scoped/Inner/Backups/Resource']);
  });

  test('fails report() before the checks have visited anything', () => {
    expect(() => new ErpChecks().report()).toThrow(/have not visited any stack yet/);
  });
});
