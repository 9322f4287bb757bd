// the module object itself (not an import namespace copy), so that a spy sees cdktf's calls
const childProcess: typeof import('child_process') = require('child_process');
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { Testing, TerraformStack } from 'cdktf';
import * as YAML from 'yaml';
import {
  DropletRuntime, DropletRuntimeProps, DropletSize, ErpAppService, ErpAppServiceProps, ProcessModel,
} from '../lib/app-service';
import { Weekday } from '../lib/common/weekday';
import { DatabaseAccessSourceType, DatabaseEngineFamily } from '../lib/common/contracts';
import { DoRegion } from '../lib/common/region';
import { FakeDatabase, FakeTunnel, FakeVault, SECRET, sshKeyVariable } from './app-service-fakes';

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
  secrets: { JWT_SECRET: SECRET.appKey },
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
  const runtime = new DropletRuntime(stack, 'Runtime', {
    region: DoRegion.FRA1, size: DropletSize.S_2VCPU_4GB, sshKeys: ['41234567'],
    sshPrivateKey: sshKeyVariable(stack), adminCidrs: ['203.0.113.7/32'], ...runtimeProps,
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

/** Parses the droplet's user_data and the compose document inside it. */
function cloudInit(droplet: Json): { config: Json; compose: Json; file: (path: string) => string | undefined } {
  const text: string = droplet.user_data;
  expect(text.startsWith('#cloud-config\n')).toBe(true);
  const config = YAML.parse(text, { version: '1.1' });
  const file = (path: string) => config.write_files.find((f: Json) => f.path === path)?.content;
  const composeText = file('/opt/servistech/compose.yaml');
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
  const { config, compose, file } = cloudInit(droplet);

  test('cloud-init installs Docker Engine and the Compose plugin from Docker\'s apt repository', () => {
    expect(config.apt.sources['docker.list'].source).toContain('https://download.docker.com/linux/ubuntu');
    expect(config.apt.sources['docker.list'].keyid).toBe('9DC858229FC7DD38854AE2D88D81803C0EBFCD88');
    expect(config.packages).toEqual(expect.arrayContaining(['docker-ce', 'containerd.io', 'docker-compose-plugin']));
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
    expect(c.env_file).toEqual(['/etc/servistech/tunnel.env']);
    expect(c.environment).toBeUndefined();
  });

  test('the backup job dumps with pg_dump, gzips and uploads to daily, weekly on Sundays and monthly on the 1st, at 2 AM', () => {
    const b = compose.services.backup;
    expect(b.profiles).toEqual(['jobs']);
    expect(b.labels['erp.schedule']).toBe('0 2 * * *');
    const [script] = unescape([b.command[2]]);
    expect(script).toContain('pg_dump');
    expect(script).toContain('| gzip -9 >');
    expect(script).toContain('"$BACKUP_DAILY_PREFIX"');
    expect(script).toMatch(/date -u \+%u\)" = 7 \]; then aws s3 cp .*BACKUP_WEEKLY_PREFIX/);
    expect(script).toMatch(/date -u \+%d\)" = 01 \]; then aws s3 cp .*BACKUP_MONTHLY_PREFIX/);
    expect(script).toContain('--sse aws:kms --sse-kms-key-id arn:aws:kms:us-east-1:111122223333:key/fake');
    expect(b.environment).toMatchObject({ BACKUP_BUCKET: 'erp-backups-vault', DB_HOST: 'db.internal', PGSSLMODE: 'require' });
    expect(b.env_file).toEqual(['/etc/servistech/backup-backup.env']);
    expect(built.vault.grants).toEqual(['BackupWriter']);
    const cron = file('/etc/cron.d/servistech')!;
    expect(cron).toContain('0 2 * * * root [ -s /etc/servistech/secrets.env ] && flock -n /run/lock/servistech-backup.lock docker compose -f /opt/servistech/compose.yaml run --rm --no-deps backup');
  });

  test('host cron runs every scheduler entry as a fresh job container', () => {
    const cron = file('/etc/cron.d/servistech')!;
    for (const e of NODE_ERP.processes.scheduler!.entries!) {
      expect(cron).toContain(`${e.schedule} root [ -s /etc/servistech/secrets.env ] && flock -n /run/lock/servistech-${e.name}.lock docker compose -f /opt/servistech/compose.yaml run --rm --no-deps ${e.name} 2>&1`);
    }
  });

  test('the systemd unit waits for the secrets, runs the release command, then starts the project', () => {
    const unit = file('/etc/systemd/system/servistech.service')!;
    const lines = unit.split('\n');
    const wait = lines.findIndex((l) => l.includes('until [ -s /etc/servistech/secrets.env ]'));
    const release = lines.indexOf('ExecStartPre=/usr/bin/docker compose -f /opt/servistech/compose.yaml run --rm release');
    const up = lines.indexOf('ExecStart=/usr/bin/docker compose -f /opt/servistech/compose.yaml up -d --remove-orphans');
    expect(wait).toBeGreaterThan(0);
    expect(release).toBeGreaterThan(wait);
    expect(up).toBeGreaterThan(release);
    expect(config.runcmd).toContainEqual(['systemctl', 'enable', 'servistech.service']);
  });

  test('without a managed cache a Valkey container with append-only persistence on a named volume runs, and the app gets REDIS_URL', () => {
    const r = compose.services.redis;
    expect(r.command).toEqual(['valkey-server', '--appendonly', 'yes', '--appendfsync', 'everysec']);
    expect(r.volumes).toEqual(['cache-data:/data']);
    expect(r.restart).toBe('unless-stopped');
    expect(compose.volumes).toEqual({ 'cache-data': {} });
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
    expect(compose.services.web.env_file).toEqual(['/etc/servistech/secrets.env']);
  });

  test('no secret value appears in user data, the compose file or anywhere outside the secrets provisioner', () => {
    const writer = resources(built.synth, 'terraform_data')[0];
    const withoutProvisionerContent = JSON.parse(JSON.stringify(built.synth));
    for (const w of Object.values<Json>(withoutProvisionerContent.resource.terraform_data)) {
      for (const prov of w.provisioner) if (prov.file) delete prov.file.content;
    }
    const rest = JSON.stringify(withoutProvisionerContent);
    const userData = JSON.stringify(droplet.user_data);
    for (const value of Object.values(SECRET)) {
      expect([value, userData.includes(value)]).toEqual([value, false]);
      expect([value, rest.includes(value)]).toEqual([value, false]);
    }
    // and they do reach the droplet: through the env files Terraform writes
    const contents = writer.provisioner.filter((x: Json) => x.file).map((x: Json) => x.file.content).join('\n');
    for (const value of [SECRET.dbPassword, SECRET.tunnelToken, SECRET.accessKey, SECRET.secretKey, SECRET.appKey]) {
      expect(contents).toContain(value);
    }
  });

  test('the secrets are written over SSH with the sensitive key, replaced when the droplet or a secret changes', () => {
    const writer = resources(built.synth, 'terraform_data')[0];
    expect(writer.connection).toEqual({ type: 'ssh', host: '${digitalocean_droplet.Runtime_99E3DDFA.ipv4_address}', user: 'root', private_key: '${var.ssh_private_key}', timeout: '10m' });
    expect(built.synth.variable.ssh_private_key.sensitive).toBe(true);
    expect(writer.triggers_replace.droplet).toBe('${digitalocean_droplet.Runtime_99E3DDFA.id}');
    expect(writer.triggers_replace.secrets).toMatch(/^[0-9a-f]{64}$/);
    const destinations = writer.provisioner.filter((x: Json) => x.file).map((x: Json) => x.file.destination);
    expect(destinations[destinations.length - 1]).toBe('/etc/servistech/secrets.env.tmp');
    const last = writer.provisioner[writer.provisioner.length - 1]['remote-exec'].inline;
    expect(last).toContain('install -m 0600 -o root -g root /etc/servistech/secrets.env.tmp /etc/servistech/secrets.env && rm -f /etc/servistech/secrets.env.tmp');
    expect(last[last.length - 1]).toBe('systemctl restart servistech.service');
    const other = build(NODE_ERP, {}, false);
    other.app.connectTo(new FakeDatabase(DatabaseEngineFamily.POSTGRES, { plain: {}, secret: { DB_PASSWORD: 'another-password' } }));
    const otherWriter = resources(JSON.parse(Testing.synth(other.stack)), 'terraform_data')[0];
    expect(otherWriter.triggers_replace.secrets).not.toBe(writer.triggers_replace.secrets);
  });

  test('validating a stack of droplet apps runs no terraform binary: the secret writers are terraform_data without a version check', () => {
    const three = build(NODE_ERP, { count: 3 });
    const execSync = jest.spyOn(childProcess, 'execSync');
    const spawnSync = jest.spyOn(childProcess, 'spawnSync');
    try {
      const synth = JSON.parse(Testing.synth(three.stack, true));
      expect(execSync).not.toHaveBeenCalled();
      expect(spawnSync).not.toHaveBeenCalled();
      expect(Object.keys(synth.resource.terraform_data).sort()).toEqual(['Runtime_Secrets2_0449F8CA', 'Runtime_Secrets3_B85B7762', 'Runtime_Secrets_24D4677B']);
    } finally {
      execSync.mockRestore();
      spawnSync.mockRestore();
    }
    for (const writer of three.runtime.secretWriters) {
      expect(writer.node.validate()).toEqual([]);
      expect(writer.terraformResourceType).toBe('terraform_data');
    }
  });

  test('the droplet has monitoring, the agent, the SSH keys, the VPC and the app tag; its id is Resource', () => {
    expect(droplet).toMatchObject({
      size: 's-2vcpu-4gb', region: 'fra1', image: 'ubuntu-24-04-x64', monitoring: true, droplet_agent: true,
      ssh_keys: ['41234567'], tags: ['servistech'], backups: false, vpc_uuid: '${digitalocean_vpc.PrivateNetwork-fra1_6E0119FB.id}',
    });
    expect(Object.keys(built.synth.resource.digitalocean_droplet)).toEqual(['Runtime_99E3DDFA']);
    expect(built.runtime.droplet.node.id).toBe('Resource');
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
    const primary = cloudInit(droplets.Runtime_99E3DDFA);
    const second = cloudInit(Object.entries<Json>(droplets).find(([k]) => k !== 'Runtime_99E3DDFA')![1]);
    expect(Object.keys(primary.compose.services)).toEqual(expect.arrayContaining(['web', 'cloudflared', 'release', 'backup', 'scrape-bcv']));
    expect(Object.keys(second.compose.services).sort()).toEqual(['cloudflared', 'redis', 'web', 'websocket']);
    expect(second.file('/etc/cron.d/servistech')).toBeUndefined();
    expect(resources(two.synth, 'terraform_data')).toHaveLength(2);
    expect(resources(two.synth, 'digitalocean_firewall')[0].droplet_ids).toHaveLength(2);
  });

  test('a managed cache replaces the Valkey container', () => {
    const b = build(NODE_ERP, {}, false);
    b.app.connectTo(new FakeDatabase(DatabaseEngineFamily.VALKEY));
    const { compose: c } = cloudInit(resources(JSON.parse(Testing.synth(b.stack)), 'digitalocean_droplet')[0]);
    expect(c.services.redis).toBeUndefined();
    expect(c.volumes).toBeUndefined();
    expect(c.services.web.environment.REDIS_HOST).toBe('cache.internal');
    expect(c.services.web.environment.REDIS_URL).toBeUndefined();
  });

  test('a literal dollar sign in the environment reaches the container unchanged and Terraform does not read it as a template', () => {
    const b = build({ ...NODE_ERP, environment: { PRICE_FORMAT: '${amount} USD', PERCENT: '%{x}' } }, {}, false);
    const raw = resources(b.synth, 'digitalocean_droplet')[0].user_data as string;
    expect(raw).toContain('$${amount}');
    expect(raw).toContain('%%{x}');
    // Terraform turns $${ into ${ and %%{ into %{; compose turns $$ into $
    const afterTerraform = raw.replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
    const c = YAML.parse(YAML.parse(afterTerraform, { version: '1.1' }).write_files[0].content, { version: '1.1' });
    expect(unescape([c.services.web.environment.PRICE_FORMAT, c.services.web.environment.PERCENT])).toEqual(['${amount} USD', '%{x}']);
  });

  test('the dev stack matches its snapshot', () => {
    expect(built.synth).toMatchSnapshot();
  });
});

test('the Node ERP compose document, as synthesized', () => {
  const { synth } = build();
  const text = YAML.parse(resources(synth, 'digitalocean_droplet')[0].user_data, { version: '1.1' })
    .write_files.find((f: Json) => f.path === '/opt/servistech/compose.yaml').content;
  expect(text).toMatchSnapshot();
});
