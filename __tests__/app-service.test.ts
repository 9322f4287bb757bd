// the module object itself (not an import namespace copy), so that a spy sees cdktf's calls
const childProcess: typeof import('child_process') = require('child_process');
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { Testing, TerraformStack } from 'cdktf';
import * as YAML from 'yaml';
import { createHash } from 'crypto';
import {
  DropletRuntime, DropletRuntimeProps, DropletSize, ErpAppService, ErpAppServiceProps, ProcessModel,
} from '../lib/app-service';
import { Weekday } from '../lib/common/weekday';
import { DatabaseAccessSourceType, DatabaseEngineFamily } from '../lib/common/contracts';
import { DoRegion } from '../lib/common/region';
import { FakeDatabase, FakeTunnel, FakeVault, SECRET, releaseStore } from './app-service-fakes';
import { AppSecret } from '../lib/app-service/secret';

type Json = Record<string, any>;

/** The Node ERP: API with 2 replicas, WebSocket server, cron jobs, PostgreSQL 15 behind a pool. */
export const NODE_ERP: ProcessModel = {
  processes: {
    web: {
      image: 'ghcr.io/servistech/erp-api:4.0.0',
      command: ['node', 'dist/server.js'],
      port: 3001,
      replicas: 2,
      healthCheck: { path: '/health' },
      resources: { cpus: 1, memoryMib: 1024 },
    },
    websocket: {
      image: 'ghcr.io/servistech/erp-websocket:4.0.0',
      command: ['node', 'server.js'],
      port: 3002,
      healthCheck: { path: '/health' },
      resources: { cpus: 0.5, memoryMib: 256 },
    },
    scheduler: {
      image: 'ghcr.io/servistech/erp-cron:4.0.0',
      entries: [
        { name: 'scrape-bcv', schedule: '0 8,13 * * MON-SAT', command: '/scripts/scrape-bcv.sh' },
        { name: 'update-binance', schedule: '*/30 7-19 * * 1-6', command: '/scripts/update-binance.sh' },
        { name: 'full-backup', schedule: '0 3 * * SUN', command: '/scripts/backup-database.sh --full' },
        { name: 'cleanup-backups', schedule: '0 4 * * *', command: '/scripts/cleanup-backups.sh' },
        { name: 'commissions', schedule: '59 23 * * *', command: '/scripts/calculate-commissions.sh' },
        { name: 'health-report', schedule: '0 9 * * *', command: '/scripts/health-report.sh' },
      ],
    },
    release: { command: ['npx', 'prisma', 'migrate', 'deploy'] },
  },
  environment: { NODE_ENV: 'production', TZ: 'America/Caracas' },
  secrets: { JWT_SECRET: AppSecret.unsafePlainText(SECRET.appKey) },
};

interface Built {
  stack: TerraformStack;
  app: ErpAppService;
  runtime: DropletRuntime;
  db: FakeDatabase;
  vault: FakeVault;
  synth: Json;
}

function build(model: ProcessModel = NODE_ERP, runtimeProps: Partial<DropletRuntimeProps> = {}, wire = true): Built {
  const stack = new TerraformStack(Testing.app(), 'dev');
  new DigitaloceanProvider(stack, 'digitalocean', {});
  new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
  const runtime = new DropletRuntime(stack, 'Runtime', {
    region: DoRegion.FRA1, size: DropletSize.S_2VCPU_4GB, sshKeys: ['41234567'],
    releaseStore: releaseStore(stack), adminCidrs: ['203.0.113.7/32'], ...runtimeProps,
  });
  const props: ErpAppServiceProps = { name: 'servistech', runtime, ...model };
  const app = new ErpAppService(stack, 'App', props);
  const db = new FakeDatabase(DatabaseEngineFamily.POSTGRES);
  const vault = new FakeVault();
  if (wire) {
    // intents after construction: the runtime must still see them
    app.connectTo(db);
    app.backupTo(vault);
    app.serveThrough(new FakeTunnel());
  }
  return { stack, app, runtime, db, vault, synth: JSON.parse(Testing.synth(stack)) };
}

function resources(synth: Json, type: string): Json[] {
  return Object.values(synth.resource?.[type] ?? {});
}

/**
 * A droplet's bootstrap (its user data, parsed) and its release as the store holds it: the text of every
 * object under the droplet's prefix, after Terraform's template escapes, by key.
 */
function dropletOf(synth: Json, n = 1): { config: Json; compose: Json; file: (key: string) => string | undefined } {
  const droplet = Object.values<Json>(synth.resource.digitalocean_droplet).find((d) => d.name === `servistech-${n}`)!;
  const text: string = droplet.user_data;
  expect(text.startsWith('#cloud-config\n')).toBe(true);
  const config = YAML.parse(text, { version: '1.1' });
  const objects = new Map<string, string>();
  for (const o of resources(synth, 'aws_s3_object')) {
    if (String(o.key).startsWith(`servistech-${n}/`)) {
      objects.set(String(o.key).slice(`servistech-${n}/`.length), String(o.content).replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{'));
    }
  }
  const file = (key: string) => objects.get(key);
  const composeText = file('compose.yaml');
  expect(composeText).toBeDefined();
  return { config, compose: YAML.parse(composeText!, { version: '1.1' }), file };
}

/**
 * What the container receives from a compose value: `$$` is one `$`; a single
 * `$` would be interpolated by Compose, which a literal value must never be.
 */
function unescape(values: string[]): string[] {
  return values.map((v) => v.replace(/\$(\$|[^$]|$)/g, (_match, next: string) => {
    if (next === '$') return '$';
    throw new Error(`compose would interpolate the unescaped "$" in ${JSON.stringify(v)}`);
  }));
}

describe('ErpAppService on DropletRuntime', () => {
  const built = build();
  const droplet = resources(built.synth, 'digitalocean_droplet')[0];
  const { config, compose, file } = dropletOf(built.synth);

  test('the bootstrap installs Docker and Compose from Ubuntu\'s archive, mounts the data volume and starts the agent\'s timer', () => {
    expect(config.apt).toBeUndefined();
    expect(config.packages).toEqual(['docker.io', 'docker-compose-v2', 'curl', 'cron']);
    expect(config.mounts).toEqual([['/dev/disk/by-id/scsi-0DO_Volume_servistech-1-data', '/mnt/data', 'ext4', 'defaults,nofail,discard,noatime', '0', '2']]);
    expect(config.runcmd).toContainEqual(['systemctl', 'enable', '--now', 'erp-agent.timer']);
    expect(config.ssh_pwauth).toBe(false);
    const paths = config.write_files.map((f: Json) => f.path);
    expect(paths).toEqual(['/etc/erp-agent/agent.env', '/usr/local/sbin/erp-agent', '/etc/systemd/system/erp-agent.service',
      '/etc/systemd/system/erp-agent.timer', '/etc/systemd/system/erp-metadata-guard.service']);
  });

  test('the bootstrap holds no app setting: only the store location and the droplet\'s own credential', () => {
    const env = config.write_files[0];
    expect(env.permissions).toBe('0600');
    expect(env.content).toContain("ERP_STORE_URL='https://${aws_s3_bucket.Releases_E6BA3EBF.bucket_regional_domain_name}/servistech-1'");
    expect(env.content).toContain("ERP_STORE_SECRET='${aws_iam_access_key.Runtime_Agent_AgentKey_41C3ABC0.secret}'");
    for (const text of ['ghcr.io', 'prisma', 'NODE_ENV', '0 2 * * *', 'cloudflared']) {
      expect([text, droplet.user_data.includes(text)]).toEqual([text, false]);
    }
  });

  test('the agent\'s credential reads its droplet\'s prefix and writes its status, nothing else', () => {
    const policy = JSON.parse(resources(built.synth, 'aws_iam_user_policy').find((x) => x.user.includes('Runtime_Agent'))!.policy);
    expect(policy.Statement).toEqual([
      { Sid: 'ReadOwnDesiredState', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['${aws_s3_bucket.Releases_E6BA3EBF.arn}/servistech-1/*'] },
      { Sid: 'ReportOwnStatus', Effect: 'Allow', Action: ['s3:PutObject'], Resource: ['${aws_s3_bucket.Releases_E6BA3EBF.arn}/servistech-1/status.json'] },
    ]);
  });

  test('containers cannot reach the metadata service that serves the bootstrap', () => {
    const guard = config.write_files.find((f: Json) => f.path === '/etc/systemd/system/erp-metadata-guard.service').content;
    expect(guard).toContain('iptables -I DOCKER-USER -d 169.254.169.254/32 -j REJECT');
    expect(config.runcmd).toContainEqual(['systemctl', 'enable', '--now', 'erp-metadata-guard.service']);
  });

  test('every process of the model is a compose service with its command, health check and restart policy', () => {
    const web = compose.services.web;
    expect(web.image).toBe('ghcr.io/servistech/erp-api:4.0.0');
    expect(web.command).toEqual(['node', 'dist/server.js']);
    expect(web.restart).toBe('unless-stopped');
    expect(web.deploy.replicas).toBe(2);
    expect(web.deploy.resources.limits).toEqual({ cpus: '1', memory: '1024M' });
    expect(web.healthcheck).toEqual({
      test: ['CMD-SHELL', expect.stringContaining('http://127.0.0.1:3001/health')],
      interval: '30s', timeout: '10s', retries: 3, start_period: '40s',
    });
    const ws = compose.services.websocket;
    expect(ws.command).toEqual(['node', 'server.js']);
    expect(ws.restart).toBe('unless-stopped');
    expect(ws.healthcheck.test[1]).toContain('http://127.0.0.1:3002/health');
    expect(ws.environment.PORT).toBe('3002');
    for (const entry of NODE_ERP.processes.scheduler!.entries!) {
      const svc = compose.services[entry.name];
      expect(svc).toBeDefined();
      expect(svc.image).toBe('ghcr.io/servistech/erp-cron:4.0.0');
      expect(svc.command).toEqual(['/bin/sh', '-c', entry.command]);
      expect(svc.restart).toBe('no');
      expect(svc.profiles).toEqual(['jobs']);
      expect(svc.labels['erp.schedule']).toBe(entry.schedule);
    }
    const release = compose.services.release;
    expect(release.command).toEqual(['npx', 'prisma', 'migrate', 'deploy']);
    expect(release.image).toBe('ghcr.io/servistech/erp-api:4.0.0');
    expect(release.profiles).toEqual(['release']);
    expect(release.restart).toBe('no');
  });

  test('every long-running service rotates its json-file logs', () => {
    for (const [name, svc] of Object.entries<Json>(compose.services)) {
      expect([name, svc.logging]).toEqual([name, { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } }]);
    }
  });

  test('the Cloudflare connector runs with its token from the tunnel env file', () => {
    const c = compose.services.cloudflared;
    expect(c.image).toBe('cloudflare/cloudflared:2025.4.0');
    expect(c.command).toEqual(expect.arrayContaining(['tunnel', '--no-autoupdate', 'run']));
    expect(c.restart).toBe('unless-stopped');
    expect(c.env_file).toEqual(['env/tunnel.env']);
    expect(c.environment).toBeUndefined();
  });

  test('the backup job dumps in the PostgreSQL image, uploads in the AWS CLI\'s, at 2 AM, started by the agent', () => {
    const dump = compose.services['backup.dump'];
    const b = compose.services.backup;
    expect(dump.profiles).toEqual(['jobs']);
    expect(b.labels['erp.schedule']).toBe('0 2 * * *');
    expect(dump).toMatchObject({ image: 'postgres:17.6-bookworm', entrypoint: ['bash'], command: ['/opt/erp-backup/erp-backup.sh', 'dump'] });
    expect(b).toMatchObject({ image: 'amazon/aws-cli:2.27.9', entrypoint: ['bash'], command: ['/opt/erp-backup/erp-backup.sh', 'upload'] });
    expect(b.environment).toMatchObject({
      BACKUP_BUCKET: 'erp-backups-vault', DB_HOST: 'db.internal', PGSSLMODE: 'require', BACKUP_DAILY_PREFIX: 'daily/', BACKUP_WEEKLY_PREFIX: 'weekly/',
      BACKUP_MONTHLY_PREFIX: 'monthly/', BACKUP_UPLOAD_ARGS: '--sse aws:kms --sse-kms-key-id arn:aws:kms:us-east-1:111122223333:key/fake',
    });
    expect(b.env_file).toEqual(['env/backup-backup.env']);
    expect(built.vault.grants).toEqual(['BackupWriter']);
    expect(built.vault.restoreGrants).toEqual(['BackupRestorer']);
    const cron = file('cron')!;
    expect(cron).toContain('0 2 * * * root flock -n /run/lock/servistech-backup.lock /usr/local/sbin/erp-agent run backup 2>&1');
  });

  test('host cron runs every scheduler entry as a fresh job container', () => {
    const cron = file('cron')!;
    for (const e of NODE_ERP.processes.scheduler!.entries!) {
      expect(cron).toContain(`${e.schedule} root flock -n /run/lock/servistech-${e.name}.lock docker compose -p servistech -f /var/lib/erp-agent/current/compose.yaml run --rm --no-deps ${e.name} 2>&1`);
    }
  });

  test('the manifest names the release, the release command, each file with its hash and each process with how it is replaced', () => {
    const manifest = file('manifest')!.split('\n');
    expect(manifest[1]).toMatch(/^release [0-9a-f]{12}$/);
    expect(manifest).toContain('label ghcr.io/servistech/erp-api:4.0.0');
    expect(manifest).toContain('health-timeout 300');
    expect(manifest).toContain('release-service release');
    for (const key of ['agent.sh', 'compose.yaml', 'cron', 'env/app.env', 'env/tunnel.env', 'env/backup-backup.env', 'env/restore-backup.env', 'files/erp-backup-script.sh']) {
      const hash = createHash('sha256').update(file(key)!, 'utf8').digest('hex');
      expect(manifest).toContain(`file ${key} ${hash}`);
    }
    expect(manifest.filter((l) => l.startsWith('service '))).toEqual([
      'service redis recreate 1 -', 'service web rolling 2 app', 'service websocket rolling 1 app', 'service cloudflared recreate 1 tunnel',
    ]);
  });

  test('without a managed cache a Valkey container with append-only persistence on the data volume runs, and the app gets REDIS_URL', () => {
    const r = compose.services.redis;
    expect(r.command).toEqual(['valkey-server', '--appendonly', 'yes', '--appendfsync', 'everysec']);
    expect(r.volumes).toEqual(['/mnt/data/cache:/data']);
    expect(r.restart).toBe('unless-stopped');
    expect(compose.volumes).toBeUndefined();
    expect(compose.services.web.environment.REDIS_URL).toBe('redis://redis:6379/0');
    expect(compose.services.web.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
  });

  test('connectTo admits the droplets through the database firewall and adds the connection environment', () => {
    expect(built.db.admitted).toHaveLength(1);
    expect(built.db.admitted[0]).toEqual({
      databaseAccessSources: [{ type: DatabaseAccessSourceType.DROPLET, value: expect.stringContaining('TfToken') }],
      network: { region: DoRegion.FRA1, vpcId: expect.stringContaining('TfToken') },
    });
    expect(compose.services.web.environment).toMatchObject({ DB_HOST: 'db.internal', DB_PORT: '25061', NODE_ENV: 'production' });
    expect(compose.services.web.environment.DB_PASSWORD).toBeUndefined();
    expect(compose.services.web.env_file).toEqual(['env/app.env']);
  });

  test('no secret value appears in user data, the compose file or anywhere but the env files of the release', () => {
    const envObjects = (synth: Json) => Object.values<Json>(synth.resource.aws_s3_object).filter((o) => /\/env\/[a-z0-9-]+\.env$/.test(o.key));
    const rest = JSON.parse(JSON.stringify(built.synth));
    for (const o of envObjects(rest)) delete o.content;
    const restText = JSON.stringify(rest);
    for (const value of Object.values(SECRET)) {
      expect([value, JSON.stringify(droplet.user_data).includes(value)]).toEqual([value, false]);
      expect([value, file('compose.yaml')!.includes(value)]).toEqual([value, false]);
      expect([value, restText.includes(value)]).toEqual([value, false]);
    }
    // and they do reach the droplet: through the env files of its release
    const contents = envObjects(built.synth).map((o) => o.content).join('\n');
    for (const value of [SECRET.dbPassword, SECRET.tunnelToken, SECRET.accessKey, SECRET.secretKey, SECRET.appKey]) {
      expect(contents).toContain(value);
    }
  });

  test('no provisioner and no SSH connection: Terraform only writes objects to the store', () => {
    const text = JSON.stringify(built.synth);
    expect(text).not.toMatch(/"provisioner"|"connection"/);
    expect(built.synth.resource.terraform_data).toBeUndefined();
    expect(built.synth.variable).toBeUndefined();
  });

  test('a changed secret changes the env file that holds it and the release id, and no attribute of the droplet', () => {
    const other = build(NODE_ERP, {}, false);
    other.app.connectTo(new FakeDatabase(DatabaseEngineFamily.POSTGRES, { plain: {}, secret: { DB_PASSWORD: 'another-password' } }));
    other.app.backupTo(new FakeVault());
    other.app.serveThrough(new FakeTunnel());
    const synth = JSON.parse(Testing.synth(other.stack));
    const o = dropletOf(synth);
    expect(o.file('env/app.env')).toContain("DB_PASSWORD='another-password'");
    expect(o.file('env/tunnel.env')).toBe(file('env/tunnel.env'));
    expect(o.file('manifest')!.split('\n')[1]).not.toBe(file('manifest')!.split('\n')[1]);
    expect(resources(synth, 'digitalocean_droplet')[0]).toEqual(droplet);
  });

  test('validating a stack of droplet apps runs no terraform binary', () => {
    const three = build(NODE_ERP, { count: 3 });
    const execSync = jest.spyOn(childProcess, 'execSync');
    const spawnSync = jest.spyOn(childProcess, 'spawnSync');
    try {
      JSON.parse(Testing.synth(three.stack, true));
      expect(execSync).not.toHaveBeenCalled();
      expect(spawnSync).not.toHaveBeenCalled();
    } finally {
      execSync.mockRestore();
      spawnSync.mockRestore();
    }
  });

  test('the droplet has monitoring, the agent, the SSH keys, the VPC and the app tag; its id is Resource', () => {
    expect(droplet).toMatchObject({
      size: 's-2vcpu-4gb', region: 'fra1', image: 'ubuntu-24-04-x64', monitoring: true, droplet_agent: true,
      ssh_keys: ['41234567'], tags: ['servistech'], backups: false, vpc_uuid: '${digitalocean_vpc.PrivateNetwork-fra1_6E0119FB.id}',
      volume_ids: ['${digitalocean_volume.Runtime_Data_B1DD75FD.id}'], lifecycle: { ignore_changes: ['ssh_keys'] },
    });
    expect(Object.keys(built.synth.resource.digitalocean_droplet)).toEqual(['Runtime_99E3DDFA']);
    expect(built.runtime.droplet.node.id).toBe('Resource');
  });

  test('the data volume outlives the droplet: protected from destroy, formatted once, named after the droplet', () => {
    expect(resources(built.synth, 'digitalocean_volume')).toEqual([expect.objectContaining({
      name: 'servistech-1-data', region: 'fra1', size: 10, initial_filesystem_type: 'ext4', lifecycle: { prevent_destroy: true },
    })]);
  });

  test('without admin CIDRs the cloud firewall opens no inbound port at all', () => {
    const fw = resources(build(NODE_ERP, { adminCidrs: undefined }).synth, 'digitalocean_firewall')[0];
    expect(fw.inbound_rule).toBeUndefined();
  });

  test('the cloud firewall opens no inbound port but SSH from the admin CIDRs, and allows all outbound', () => {
    const fw = resources(built.synth, 'digitalocean_firewall')[0];
    expect(fw.inbound_rule).toEqual([{ protocol: 'tcp', port_range: '22', source_addresses: ['203.0.113.7/32'] }]);
    expect(fw.droplet_ids).toEqual(['${digitalocean_droplet.Runtime_99E3DDFA.id}']);
    expect(fw.outbound_rule.map((r: Json) => r.protocol).sort()).toEqual(['icmp', 'tcp', 'udp']);
  });

  test('internalUrl points a tunnel route at the compose service', () => {
    expect(built.app.internalUrl()).toBe('http://web:3001');
    expect(built.app.internalUrl('websocket')).toBe('http://websocket:3002');
  });

  test('weekly droplet backups come with a backup policy when asked', () => {
    const d = resources(build(NODE_ERP, { backups: true, backupWeekday: Weekday.SATURDAY, backupHourUtc: 8 }).synth, 'digitalocean_droplet')[0];
    expect(d.backups).toBe(true);
    expect(d.backup_policy).toEqual({ plan: 'weekly', weekday: 'SAT', hour: 8 });
  });

  test('with two droplets only the first runs the release, the scheduler and the backup job; both run web and a connector', () => {
    const two = build(NODE_ERP, { count: 2 });
    const droplets = two.synth.resource.digitalocean_droplet;
    expect(Object.keys(droplets)).toHaveLength(2);
    const primary = dropletOf(two.synth, 1);
    const second = dropletOf(two.synth, 2);
    expect(Object.keys(primary.compose.services)).toEqual(expect.arrayContaining(['web', 'cloudflared', 'release', 'backup', 'scrape-bcv']));
    expect(Object.keys(second.compose.services).sort()).toEqual(['cloudflared', 'redis', 'web', 'websocket']);
    expect(second.file('cron')).toBeUndefined();
    expect(second.file('manifest')).not.toContain('release-service');
    expect(resources(two.synth, 'digitalocean_volume')).toHaveLength(2);
    expect(resources(two.synth, 'digitalocean_firewall')[0].droplet_ids).toHaveLength(2);
  });

  test('a managed cache replaces the Valkey container', () => {
    const b = build(NODE_ERP, {}, false);
    b.app.connectTo(new FakeDatabase(DatabaseEngineFamily.VALKEY));
    const { compose: c } = dropletOf(JSON.parse(Testing.synth(b.stack)));
    expect(c.services.redis).toBeUndefined();
    expect(c.volumes).toBeUndefined();
    expect(c.services.web.environment.REDIS_HOST).toBe('cache.internal');
    expect(c.services.web.environment.REDIS_URL).toBeUndefined();
  });

  test('a literal dollar sign in the environment reaches the container unchanged and Terraform does not read it as a template', () => {
    const b = build({ ...NODE_ERP, environment: { PRICE_FORMAT: '${amount} USD', PERCENT: '%{x}' } }, {}, false);
    const raw = resources(b.synth, 'aws_s3_object').find((o) => o.key === 'servistech-1/compose.yaml')!.content as string;
    expect(raw).toContain('$${amount}');
    expect(raw).toContain('%%{x}');
    // Terraform turns $${ into ${ and %%{ into %{; compose turns $$ into $
    const afterTerraform = raw.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
    const c = YAML.parse(afterTerraform, { version: '1.1' });
    expect(unescape([c.services.web.environment.PRICE_FORMAT, c.services.web.environment.PERCENT])).toEqual(['${amount} USD', '%{x}']);
  });

  test('the dev stack matches its snapshot', () => {
    expect(built.synth).toMatchSnapshot();
  });
});

test('the Node ERP compose document, as synthesized', () => {
  const { synth } = build();
  const text = dropletOf(synth).file('compose.yaml');
  expect(text).toMatchSnapshot();
});
