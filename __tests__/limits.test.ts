/**
 * The limits providers and APIs put on names and values, refused at synth with the field the user
 * wrote (lib/private/limits.ts cites each source), and inputs that used to crash with a TypeError.
 */
import { App, TerraformStack, Testing } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import {
  DockerRuntime, DropletRuntime, DropletSize, ErpAppService, IAppRuntime, KubernetesCluster, KubernetesRuntime,
} from '../lib/app-service';
import { S3ReleaseStore } from '../lib/app-service/runtimes/droplet/release-store';
import { userDataProblem } from '../lib/app-service/runtimes/droplet/private/bootstrap';
import { S3BackupVault } from '../lib/backup/s3-backup-vault';
import { DoRegion } from '../lib/common/region';
import { PrivateNetwork } from '../lib/common/network';
import { DatabaseAccess, DatabaseEngine, DatabaseSize, ManagedDatabase, ManagedDatabaseProps, RdsDatabase } from '../lib/database';
import { ErpValidationError } from '../lib/errors';
import { fitBucketPrefix } from '../lib/private/limits';
import { AppFilesBucket } from '../lib/storage/app-files-bucket';
import { NfsShare } from '../lib/storage/nfs-share';
import { LocalDatabase } from '../lib/database/local-database';
import { DatabaseEngineFamily } from '../lib/common/contracts';
import { TunnelIngress, TunnelIngressProps } from '../lib/tunnel/tunnel-ingress';
import { AccessPolicy } from '../lib/tunnel/access';
import { buildStacks } from '../stacks';
import { AppDescription } from '../stacks/description/description';
import { derivedNames } from '../stacks/description/derived-names';
import { LARAVEL_INVOICING_EXAMPLE } from '../stacks/description/laravel-example';
import { validateAppDescription } from '../stacks/description/validate';
import { releaseStore } from './app-service-fakes';

type Json = Record<string, any>;
type Mutable = Record<string, any>;

/** The problems of the ErpValidationError `fn` throws (anything else fails the test). */
function problemsOf(fn: () => unknown): ErpValidationError['problems'] {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ErpValidationError);
    return (err as ErpValidationError).problems;
  }
  throw new Error('expected an ErpValidationError');
}

/** The problem of `fn` on `prop`, which must exist. */
function problemOn(fn: () => unknown, prop: string): { problem: string; fix: string } {
  const found = problemsOf(fn).find((p) => p.prop === prop);
  if (!found) throw new Error(`no problem on ${prop}: ${problemsOf(fn).map((p) => p.prop).join(', ')}`);
  return found;
}

function newStack(id = 'test'): TerraformStack {
  return new TerraformStack(Testing.app(), id);
}

const WEB = { image: 'ghcr.io/acme/erp:1.0.0', port: 8080, healthCheck: { path: '/health' } };

/** Each runtime, made in a stack of its own with what it needs. */
const RUNTIMES: Record<string, (stack: TerraformStack) => IAppRuntime> = {
  DropletRuntime: (stack) => {
    new DigitaloceanProvider(stack, 'digitalocean', {});
    new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
    return new DropletRuntime(stack, 'Runtime', { region: DoRegion.FRA1, size: DropletSize.S_2VCPU_4GB, sshKeys: ['41234567'], releaseStore: releaseStore(stack) });
  },
  KubernetesRuntime: (stack) => new KubernetesRuntime(stack, 'Runtime', {
    cluster: KubernetesCluster.fromClusterName(stack, 'Cluster', { name: 'erp-ha', region: DoRegion.FRA1 }),
  }),
  DockerRuntime: (stack) => new DockerRuntime(stack, 'Runtime', { hostPort: 8081 }),
};

/** An app on `runtime` with the given props over a web-only model. */
function app(runtime: string, props: Mutable): () => void {
  return () => {
    const stack = newStack('dev');
    new ErpAppService(stack, 'App', { name: 'erp', runtime: RUNTIMES[runtime](stack), processes: { web: WEB }, ...props } as never);
    Testing.synth(stack);
  };
}

/** A deep copy of the built-in example with one change applied. */
function described(change: (d: Mutable) => void): AppDescription {
  const copy = JSON.parse(JSON.stringify(LARAVEL_INVOICING_EXAMPLE)) as Mutable;
  change(copy);
  return copy as AppDescription;
}

function validate(d: AppDescription): () => void {
  return () => validateAppDescription(d, 'test.json');
}

/** Every stack of a description, synthesized. */
function synthAll(d: AppDescription): Record<string, Json> {
  const stacks = buildStacks(Testing.app() as App, validateAppDescription(d, 'test.json'), {});
  return Object.fromEntries(stacks.map((s) => [s.stackName, JSON.parse(Testing.synth(s))]));
}

const MYSQL_DB: ManagedDatabaseProps = { name: 'erp-db', engine: DatabaseEngine.mysql(8), size: DatabaseSize.DB_S_1VCPU_1GB, region: DoRegion.FRA1 };
const PG_DB: ManagedDatabaseProps = { ...MYSQL_DB, engine: DatabaseEngine.postgres(16) };

function managedDatabase(props: Partial<ManagedDatabaseProps>): () => void {
  return () => new ManagedDatabase(newStack(), 'Database', { ...PG_DB, ...props });
}

const ACCOUNT = '0123456789abcdef0123456789abcdef';
const ZONE = 'fedcba9876543210fedcba9876543210';

function tunnel(extra: Partial<TunnelIngressProps>): { stack: TerraformStack; tunnel: TunnelIngress } {
  const stack = newStack();
  const t = new TunnelIngress(stack, 'Tunnel', { accountId: ACCOUNT, zoneId: ZONE, zoneName: 'example.com', name: 'erp-prod', ...extra });
  return { stack, tunnel: t };
}

describe('inputs that used to crash fail with an ErpValidationError', () => {
  test.each(Object.keys(RUNTIMES))('fails on processes.web.healthCheck null on %s, naming the health check', (runtime) => {
    const p = problemOn(app(runtime, { processes: { web: { ...WEB, healthCheck: null } } }), 'processes.web.healthCheck');
    expect(p.problem).toBe('is null');
    expect(p.fix).toContain('leave healthCheck out');
  });

  test.each([
    ['environment', { environment: null }, 'environment'],
    ['secrets', { secrets: null }, 'secrets'],
    ['scheduler', { processes: { web: WEB, scheduler: null } }, 'processes.scheduler'],
    ['release', { processes: { web: WEB, release: null } }, 'processes.release'],
    ['websocket', { processes: { web: WEB, websocket: null } }, 'processes.websocket'],
    ['resources', { processes: { web: { ...WEB, resources: null } } }, 'processes.web.resources'],
    ['a worker', { processes: { web: WEB, workers: [null] } }, 'processes.workers[0]'],
    ['a cron entry', { processes: { web: WEB, scheduler: { entries: [null] } } }, 'processes.scheduler.entries[0]'],
  ])('fails on %s set to null on every runtime, naming it', (_what, props, prop) => {
    for (const runtime of Object.keys(RUNTIMES)) {
      const p = problemOn(app(runtime, props), prop);
      expect(p.fix).toMatch(/give|leave/);
    }
  });

  test.each(['DropletRuntime', 'KubernetesRuntime'])('fails on a nameless worker and a nameless cron entry on %s, naming both', (runtime) => {
    const found = problemsOf(app(runtime, {
      processes: { web: WEB, workers: [{ command: 'php artisan queue:work' }], scheduler: { entries: [{ schedule: '@daily', command: 'php artisan clean' }] } },
    }));
    expect(found.map((p) => p.prop)).toEqual(['processes.workers[0].name', 'processes.scheduler.entries[0].name']);
    expect(found[0].problem).toContain('is missing');
    expect(found[0].fix).toContain('name the worker');
    expect(found[1].fix).toContain('name the cron entry');
  });

  test('fails on two workers of one name, naming both fields', () => {
    const p = problemOn(app('DropletRuntime', {
      processes: { web: WEB, workers: [{ name: 'queue', command: 'a' }, { name: 'queue', command: 'b' }] },
    }), 'processes.workers[1].name');
    expect(p.problem).toContain('processes.workers[0].name');
  });

  test('two hostnames that read the same as construct ids both get their DNS record, the first under its usual id', () => {
    const { stack } = tunnel({
      routes: [
        { hostname: 'a-b.example.com', service: 'http://web:8080' },
        { hostname: 'a.b.example.com', service: 'http://web:8080' },
      ],
    });
    const json = JSON.parse(Testing.synth(stack));
    const records = Object.entries<Json>(json.resource.cloudflare_dns_record);
    expect(records.map(([, r]) => r.name).sort()).toEqual(['a-b.example.com', 'a.b.example.com']);
    const first = records.find(([, r]) => r.name === 'a-b.example.com')!;
    expect(first[0]).toMatch(/Dns-a-b-example-com_[0-9A-F]+$/);
    const second = records.find(([, r]) => r.name === 'a.b.example.com')!;
    expect(second[0]).toMatch(/Dns-a-b-example-com-[0-9a-f]{8}_/);
  });

  test('two admin routes whose domains read the same as construct ids both get their Access application', () => {
    const { tunnel: t } = tunnel({
      routes: [
        { hostname: 'pma-x.example.com', service: 'http://pma:80', access: AccessPolicy.emails('ana@example.com') },
        { hostname: 'pma.x.example.com', service: 'http://pma:80', access: AccessPolicy.emails('ana@example.com') },
      ],
      deepHostnameCertificates: true,
    });
    expect(t.accessGates.map((g) => g.domain)).toEqual(['pma-x.example.com', 'pma.x.example.com']);
  });
});

describe('limits of names and values, refused at synth', () => {
  test('fails on an RDS name with two consecutive hyphens, naming name and its parameter group', () => {
    const p = problemOn(() => new RdsDatabase(newStack(), 'Database', {
      name: 'erp--db', engine: DatabaseEngine.postgres(16), size: DatabaseSize.DB_S_2VCPU_4GB,
      vpcId: 'vpc-0123456789abcdef0', subnetIds: ['subnet-0aaa', 'subnet-0bbb'],
    }), 'name');
    expect(p.problem).toContain('two consecutive hyphens');
    expect(p.problem).toContain('parameter group erp--db-');
    expect(p.fix).toContain('single hyphens');
  });

  test.each([['awsRegion'], ['awsReplicaRegion']])('fails on a description %s the pinned AWS provider does not know', (field) => {
    const p = problemOn(validate(described((d) => { d[field] = 'eu-mars-1'; })), field);
    expect(p.problem).toContain('hashicorp/aws 5.100.0');
    expect(p.fix).toContain('eu-central-1');
  });

  test('fails on a description backend region the AWS provider does not know', () => {
    const p = problemOn(validate(described((d) => { d.backend = { type: 's3', bucket: 'acme-state', region: 'eu-mars-1' }; })), 'backend.region');
    expect(p.fix).toContain('eu-west-1');
  });

  test('accepts the newer AWS regions the pinned provider knows', () => {
    expect(validate(described((d) => { d.awsRegion = 'mx-central-1'; d.awsReplicaRegion = 'ap-southeast-7'; }))).not.toThrow();
  });

  test('fails on a replication provider in a region the AWS provider does not know, unless it skips region validation', () => {
    const vault = (skip: boolean) => () => {
      const stack = newStack();
      const provider = new AwsProvider(stack, 'replica', { alias: 'replica', region: 'eu-mars-1', skipRegionValidation: skip });
      new S3BackupVault(stack, 'Vault', { replication: { provider } });
    };
    const p = problemOn(vault(false), 'replication.provider.region');
    expect(p.fix).toContain('skipRegionValidation');
    expect(vault(true)).not.toThrow();
  });

  test('fails on a MySQL user of 33 characters, in the construct and in the description', () => {
    const user = 'a'.repeat(33);
    const p = problemOn(managedDatabase({ ...MYSQL_DB, users: [user] }), 'users[0]');
    expect(p.problem).toContain('32');
    expect(p.fix).toContain('32 characters');
    const q = problemOn(validate(described((d) => { d.database.user = user; })), 'database.user');
    expect(q.problem).toContain('32');
  });

  test('fails on a PostgreSQL user starting with pg_, which PostgreSQL reserves', () => {
    const p = problemOn(managedDatabase({ users: ['pg_app'] }), 'users[0]');
    expect(p.fix).toContain('a user of its own');
  });

  test('fails on doadmin as the app user and defaultdb as its database', () => {
    expect(problemOn(managedDatabase({ users: ['doadmin'] }), 'users[0]').problem).toContain('admin user DigitalOcean creates');
    expect(problemOn(managedDatabase({ databases: ['defaultdb'] }), 'databases[0]').fix).toContain('a database of its own');
    const p = problemOn(validate(described((d) => { d.database.user = 'doadmin'; })), 'database.user');
    expect(p.fix).toContain('a user of its own');
  });

  test('fails on an app name that makes a reserved database user or database, naming name', () => {
    const p = problemOn(validate(described((d) => { d.name = 'doadmin'; delete d.database.name; delete d.database.user; })), 'name');
    expect(p.problem).toContain('database user doadmin');
    expect(p.fix).toContain('database.user');
    const q = problemOn(validate(described((d) => { d.name = 'mysql'; delete d.database.name; delete d.database.user; })), 'name');
    expect(q.problem).toContain('database mysql');
    expect(q.fix).toContain('database.name');
  });

  test('fails on a DigitalOcean tag with a dot, on a database, a database firewall entry and droplets', () => {
    expect(problemOn(managedDatabase({ tags: ['erp.prod'] }), 'tags[0]').fix).toContain('no dots');
    expect(problemOn(managedDatabase({ allowFrom: [DatabaseAccess.tag('erp.prod')] }), 'allowFrom[0].value').fix).toContain('no dots');
    const droplets = () => {
      const stack = newStack();
      new DropletRuntime(stack, 'Runtime', { region: DoRegion.FRA1, sshKeys: ['41234567'], releaseStore: releaseStore(stack), tags: ['erp.prod'] });
    };
    expect(problemOn(droplets, 'tags[0]').fix).toContain('no dots');
  });

  test.each([
    ['xn--erp-backups', 'starts with "xn--"'],
    ['erp-backups-s3alias', 'ends with "-s3alias"'],
    ['erp-backups--ol-s3', 'ends with "--ol-s3"'],
    ['sthree-backups', 'starts with "sthree-"'],
  ])('fails on the bucket name %s, which S3 reserves', (bucketName, problem) => {
    const p = problemOn(() => new S3BackupVault(newStack(), 'Vault', { bucketName }), 'bucketName');
    expect(p.problem).toContain(problem);
    expect(p.fix).toMatch(/start it with|end it with/);
  });

  test('fails on bucket prefixes S3 reserves: the vault\'s, the release store\'s and the app files bucket\'s', () => {
    expect(problemOn(() => new S3BackupVault(newStack(), 'Vault', { bucketPrefix: 'xn--erp-' }), 'bucketPrefix').problem).toContain('xn--');
    expect(problemOn(() => new S3ReleaseStore(newStack(), 'Releases', { name: 'xn--erp' }), 'name').problem).toContain('xn--erp-releases-');
    expect(problemOn(() => new AppFilesBucket(newStack(), 'Files', { name: 'amzn-s3-demo-app' }), 'name').problem).toContain('amzn-s3-demo-');
  });

  test('fails on a description name whose bucket prefixes S3 reserves, naming name', () => {
    const p = problemOn(validate(described((d) => { d.name = 'xn--erp'; })), 'name');
    expect(p.problem).toContain('xn--erp-backups-');
    expect(p.fix).toContain('another name');
  });

  test('fails on a backupCreatedAt that is not a date of the calendar', () => {
    const p = problemOn(managedDatabase({ backupRestore: { sourceClusterName: 'erp-prod-db', backupCreatedAt: '2026-02-30T00:00:00Z' } }),
      'backupRestore.backupCreatedAt');
    expect(p.problem).toContain('2026-02-30');
    expect(p.fix).toContain('real date');
    expect(managedDatabase({ backupRestore: { sourceClusterName: 'erp-prod-db', backupCreatedAt: '2028-02-29T23:59:59Z' } })).not.toThrow();
  });

  test.each([
    ['unix:/var/run/docker.sock', 'container engine'],
    ['unix:///run/docker.sock', 'container engine'],
    ['tcp://host.docker.internal:2375', 'Docker API'],
    ['bastion', 'jump host'],
    ['socks5://proxy:1080', 'SOCKS'],
    ['ftp://files:21', 'scheme "ftp"'],
  ])('fails on the tunnel service %s, saying why', (service, why) => {
    const p = problemOn(() => tunnel({ routes: [{ hostname: 'app.example.com', service }] }), 'routes[0].service');
    expect(p.problem).toContain(why);
    expect(p.fix).toMatch(/http:\/\/web:8080|unix:\/path/);
  });

  test('accepts hello_world, unix+tls sockets of the app and http_status as tunnel services', () => {
    expect(() => tunnel({
      routes: [
        { hostname: 'a.example.com', service: 'hello_world' },
        { hostname: 'b.example.com', service: 'unix+tls:/run/app/app.sock' },
        { hostname: 'c.example.com', service: 'http_status:418' },
      ],
    })).not.toThrow();
  });

  test('fails when a droplet\'s user data would exceed DigitalOcean\'s 64 KiB, with its size', () => {
    const why = userDataProblem(`#cloud-config\n${'x'.repeat(70 * 1024)}`);
    expect(why?.problem).toContain('71694 bytes');
    expect(why?.fix).toContain('release store');
    expect(userDataProblem('#cloud-config\npackages: [curl]\n')).toBeUndefined();
  });

  test('the droplet bootstrap of an app stays far below 64 KiB whatever the release holds', () => {
    const stack = newStack('dev');
    const big = 'x'.repeat(200 * 1024);
    new ErpAppService(stack, 'App', {
      name: 'erp', runtime: RUNTIMES.DropletRuntime(stack), processes: { web: WEB }, environment: { BIG: big },
    });
    const json = JSON.parse(Testing.synth(stack));
    const droplet = Object.values<Json>(json.resource.digitalocean_droplet)[0];
    expect(Buffer.byteLength(droplet.user_data, 'utf8')).toBeLessThan(8 * 1024);
  });

  test('an environment value or command with ${...} reaches Kubernetes as text, not as a Terraform reference', () => {
    const stack = newStack('ha');
    new ErpAppService(stack, 'App', {
      name: 'erp', runtime: RUNTIMES.KubernetesRuntime(stack), environment: { CACHE: 'redis://${REDIS_HOST}:6379' },
      processes: { web: { ...WEB, command: ['sh', '-c', 'exec node server.js --port ${PORT}'] } },
    });
    const json = JSON.parse(Testing.synth(stack));
    const web = Object.values<Json>(json.resource.kubernetes_deployment_v1).find((d) => d.metadata.name === 'web')!.spec.template.spec.container[0];
    expect(web.env).toContainEqual({ name: 'CACHE', value: 'redis://$${REDIS_HOST}:6379' });
    expect(web.args).toContain('exec node server.js --port $${PORT}');
  });

  test('fails on Kubernetes cluster names whose node pool names pass the 63 characters of a node label, naming name', () => {
    const name = `erp-${'h'.repeat(56)}`;
    const p = problemOn(() => new KubernetesCluster(newStack(), 'Cluster', { name, region: DoRegion.FRA1 }), 'name');
    expect(p.problem).toContain(`${name}-system`);
    expect(p.fix).toContain('shorten the cluster name to 51 characters');
  });

  test.each([
    ['10.0.0.0/28', 'a /28'],
    ['100.64.0.0/20', 'not a private range'],
  ])('fails on the VPC range %s, which DigitalOcean refuses, on the shared network and the runtimes', (range, problem) => {
    expect(problemOn(() => PrivateNetwork.of(newStack(), DoRegion.FRA1, { ipRange: range }), 'ipRange').problem).toContain(problem);
    const droplets = () => {
      const stack = newStack();
      new DropletRuntime(stack, 'Runtime', { region: DoRegion.FRA1, sshKeys: ['41234567'], releaseStore: releaseStore(stack), vpcIpRange: range });
    };
    expect(problemOn(droplets, 'vpcIpRange').fix).toContain('/16 to /24');
  });

  test('fails on NFS share tags DigitalOcean refuses and a preventDestroy that is not true or false', () => {
    const found = problemsOf(() => new NfsShare(newStack(), 'Files', {
      name: 'erp-ha-files', region: DoRegion.FRA1, vpcId: 'vpc-id', tags: 'erp.prod' as never, preventDestroy: ['no'] as never,
    }));
    expect(found.map((x) => x.prop)).toEqual(['tags', 'preventDestroy']);
  });

  test('fails on a local database version given as a number, instead of a TypeError', () => {
    const p = problemOn(() => {
      const stack = newStack();
      new LocalDatabase(stack, 'Db', { runtime: new DockerRuntime(stack, 'Runtime'), engine: DatabaseEngineFamily.POSTGRES, version: 16 as never });
    }, 'version');
    expect(p.fix).toContain("'15'");
  });

  test('fails on a description health check whose timeout outlasts its interval, as the app service would', () => {
    const p = problemOn(validate(described((d) => { d.processes.web.healthCheck = { path: '/health', intervalSeconds: 3 }; })), 'processes.web.healthCheck.timeoutSeconds');
    expect(p.problem).toContain('default of 10 s');
    expect(p.fix).toContain('at most intervalSeconds');
  });

  test('fails on a description environmentFrom value that is not a variable name, as the app service would', () => {
    const p = problemOn(validate(described((d) => { d.adminTools[0].environmentFrom = { PMA_HOST: 'xn--DB_HOST' }; })), 'adminTools[0].environmentFrom.PMA_HOST');
    expect(p.fix).toContain('DB_HOST');
  });

  test('fails on an app name longer than droplet names take when the droplet runtime has no name, naming name', () => {
    const p = problemOn(() => {
      const stack = newStack('dev');
      new ErpAppService(stack, 'App', { name: `a${'b'.repeat(49)}`, runtime: RUNTIMES.DropletRuntime(stack), processes: { web: WEB } });
    }, 'name');
    expect(p.problem).toContain('46 characters');
    expect(p.fix).toContain('name of its own');
  });
});

describe('names derived from the description\'s name', () => {
  test('a 21-character name, which used to fail on bucketPrefix, builds every tier', () => {
    const stacks = synthAll(described((d) => { d.name = 'a'.repeat(21); }));
    const prefixes = Object.values(stacks).flatMap((s) => Object.values<Json>(s.resource?.aws_s3_bucket ?? {}).map((b) => b.bucket_prefix));
    expect(prefixes.length).toBeGreaterThan(0);
    for (const prefix of prefixes) expect(prefix.length).toBeLessThanOrEqual(37);
  });

  test('a 32-character name with uploads builds every tier, its bucket prefixes cut to 37 characters with a hash', () => {
    const name = 'facturacion-electronica-peru-xyz';
    expect(name).toHaveLength(32);
    const stacks = synthAll(described((d) => { d.name = name; d.uploads = {}; }));
    const prefixes = Object.values(stacks).flatMap((s) => Object.values<Json>(s.resource?.aws_s3_bucket ?? {}).map((b) => b.bucket_prefix));
    for (const prefix of prefixes) expect(prefix.length).toBeLessThanOrEqual(37);
    expect(prefixes).toContain(fitBucketPrefix(`${name}-prod-releases-`));
    expect(fitBucketPrefix(`${name}-prod-releases-`)).toMatch(/^facturacion-electronica-per-[0-9a-f]{8}-$/);
  });

  test('a bucket prefix that fits is kept as it is', () => {
    expect(fitBucketPrefix('facturador-prod-releases-')).toBe('facturador-prod-releases-');
  });

  test('the derived names the description checks are the names the stacks make', () => {
    const d = described((x) => { x.uploads = {}; });
    const stacks = synthAll(d);
    const text = JSON.stringify(stacks);
    // not made by the example: the 20th droplet's agent (it runs fewer droplets), dev's managed cache (a container there)
    const notMade = (value: string) => value.endsWith('-20-agent') || value.endsWith('-dev-cache');
    const missing = derivedNames(d.name, { uploads: true }).filter((n) => !notMade(n.value) && !text.includes(`"${n.value}"`));
    expect(missing.map((n) => `${n.what}: ${n.value}`)).toEqual([]);
  });
});
