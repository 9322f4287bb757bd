import { AnnotationMetadataEntryType, Testing, TerraformStack } from 'cdktf';
import {
  DropletRuntime, DropletRuntimeProps, DropletSize, ErpAppService, ErpAppServiceProps, IAppRuntime,
} from '../lib/app-service';
import { DatabaseEngineFamily } from '../lib/common/contracts';
import { DoRegion } from '../lib/common/region';
import { ErpValidationError } from '../lib/errors';
import { FakeDatabase, FakeTunnel, FakeVault, SECRET, releaseStore } from './app-service-fakes';
import { AppSecret } from '../lib/app-service/secret';

type Props = Omit<ErpAppServiceProps, 'runtime' | 'name'> & Partial<Pick<ErpAppServiceProps, 'name'>>;

/** A runtime double that records what it was given. */
class RecordingRuntime implements IAppRuntime {
  public readonly databaseClient = { databaseAccessSources: [] };
  public bound = 0;
  bind(): void { this.bound++; }
  internalUrl(p: string, port: number): string { return `http://${p}:${port}`; }
}

const WEB = { image: 'ghcr.io/acme/erp:1.0.0', port: 8080, healthCheck: { path: '/health' } };

function makeApp(props: Props) {
  const stack = new TerraformStack(Testing.app(), 'test');
  const runtime = new RecordingRuntime();
  const app = new ErpAppService(stack, 'App', { name: 'erp', runtime, ...props } as ErpAppServiceProps);
  return { stack, app, runtime };
}

/** Runs `fn` and returns the problems it threw. */
function problems(fn: () => unknown): Array<{ prop: string; problem: string }> {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ErpValidationError);
    return (e as ErpValidationError).problems.map((p) => ({ prop: p.prop, problem: p.problem }));
  }
  throw new Error('expected a validation error');
}

function warnings(stack: TerraformStack): string[] {
  return stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === AnnotationMetadataEntryType.WARN).map((m) => String(m.data)));
}

describe('ErpAppService validation', () => {
  test('a valid model binds its runtime once', () => {
    const { runtime } = makeApp({ processes: { web: WEB } });
    expect(runtime.bound).toBe(1);
  });

  test('fails without a web process and names processes.web', () => {
    expect(() => makeApp({ processes: {} as any })).toThrow(/processes\.web: is missing: an app has exactly one web process/);
  });

  test('fails with a list of web processes', () => {
    expect(() => makeApp({ processes: { web: [WEB, WEB] as any } })).toThrow(/processes\.web: must be one web process, not a list/);
  });

  test('fails on ports out of range and names each port prop', () => {
    const found = problems(() => makeApp({ processes: { web: { ...WEB, port: 0 }, websocket: { command: 'node ws.js', port: 70000 } } }));
    expect(found.map((p) => p.prop)).toEqual(['processes.web.port', 'processes.websocket.port']);
  });

  test('fails on duplicate process names across workers, cron entries and the WebSocket server', () => {
    const found = problems(() => makeApp({
      processes: {
        web: WEB,
        workers: [{ name: 'queue', command: 'work' }, { name: 'queue', command: 'work' }],
        scheduler: { entries: [{ name: 'websocket', schedule: '@daily', command: 'x' }] },
        websocket: { command: 'ws', port: 6001 },
      },
    }));
    expect(found).toEqual([
      { prop: 'processes.workers[1].name', problem: 'is already the name of processes.workers[0].name' },
      { prop: 'processes.websocket.name', problem: 'is already the name of processes.scheduler.entries[0].name' },
    ]);
  });

  test('fails on a process name that is not a DNS label or is reserved', () => {
    const found = problems(() => makeApp({ processes: { web: WEB, workers: [{ name: 'Queue_1', command: 'x' }, { name: 'redis', command: 'x' }, { name: 'web', command: 'x' }] } }));
    expect(found.map((p) => `${p.prop}: ${p.problem}`)).toEqual([
      'processes.workers[0].name: is not a DNS label',
      'processes.workers[1].name: is a name the runtimes use for their own services',
      'processes.workers[2].name: is already the name of processes.web',
    ]);
  });

  test('fails on cron lines that do not parse and names each entry schedule', () => {
    const bad = ['0 2 * *', '61 * * * *', '0 25 * * *', '* * 0 * *', '0 0 * 13 *', '0 0 * * FUNDAY', '*/0 * * * *', '5-1 * * * *', '@reboot', '0 0 30 2 *', '1,,2 * * * *'];
    const found = problems(() => makeApp({
      processes: { web: WEB, scheduler: { entries: bad.map((schedule, i) => ({ name: `job-${i}`, schedule, command: 'x' })) } },
    }));
    expect(found.map((p) => p.prop)).toEqual(bad.map((_, i) => `processes.scheduler.entries[${i}].schedule`));
    expect(found.map((p) => p.problem.replace('is not a cron schedule: ', ''))).toEqual([
      'has 4 fields; a cron line has 5 (minute hour day-of-month month day-of-week)',
      'minute value 61 is outside 0-59',
      'hour value 25 is outside 0-23',
      'day of month value 0 is outside 1-31',
      'month value 13 is outside 1-12',
      'day of week value "FUNDAY" is not a number or a name',
      'minute step "0" must be a whole number of 1 or more',
      'minute range "5-1" runs backwards',
      expect.stringContaining('unknown macro "@reboot"'),
      'day of month 30 never occurs in month 2, so it never runs',
      'minute field "1,,2" has an empty list item',
    ]);
  });

  test('fails on image references that do not parse', () => {
    const found = problems(() => makeApp({
      processes: {
        web: { ...WEB, image: 'GHCR.io/Acme/ERP:1' },
        workers: [
          { name: 'a', image: 'acme/erp:-bad', command: 'x' },
          { name: 'b', image: 'acme/erp@sha256:1234', command: 'x' },
          { name: 'c', image: 'acme//erp:1', command: 'x' },
          { name: 'd', image: 'acme/erp :1', command: 'x' },
        ],
      },
    }));
    expect(found.map((p) => p.prop)).toEqual([
      'processes.web.image', 'processes.workers[0].image', 'processes.workers[1].image', 'processes.workers[2].image', 'processes.workers[3].image',
    ]);
    expect(found[0].problem).toContain('repository component "Acme"');
    expect(found[2].problem).toContain('a sha256 digest has 64 hex digits');
  });

  test('warns (without failing) for an image with the latest tag or no tag, and not for a digest', () => {
    const { stack } = makeApp({
      processes: {
        web: { ...WEB, image: 'ghcr.io/acme/erp:latest' },
        workers: [
          { name: 'a', image: 'redis', command: 'x' },
          { name: 'b', image: `acme/erp@sha256:${'a'.repeat(64)}`, command: 'x' },
          { name: 'c', image: 'localhost:5000/acme/erp:2.1', command: 'x' },
        ],
      },
    });
    const w = warnings(stack);
    expect(w).toEqual([
      expect.stringContaining('processes.web.image "ghcr.io/acme/erp:latest" uses the tag latest'),
      expect.stringContaining('processes.workers[0].image "redis" has no tag'),
    ]);
  });

  test('warns when the web process has no health check', () => {
    const { stack } = makeApp({ processes: { web: { image: 'a/b:1', port: 80 } } });
    expect(warnings(stack)).toEqual([expect.stringContaining('processes.web has no health check')]);
  });

  test('fails on environment variable names that are not valid', () => {
    const found = problems(() => makeApp({ processes: { web: WEB }, environment: { '1BAD': 'x', 'APP-ENV': 'y', OK_NAME: 'z' }, secrets: { 'has space': AppSecret.unsafePlainText('v') } }));
    expect(found.map((p) => p.prop)).toEqual(['environment.1BAD', 'environment.APP-ENV', 'secrets.has space']);
  });

  test('fails when a secret name is also a plain variable', () => {
    expect(() => makeApp({ processes: { web: WEB }, environment: { APP_KEY: 'x' }, secrets: { APP_KEY: AppSecret.unsafePlainText('y') } }))
      .toThrow(/secrets\.APP_KEY: is also a plain environment variable/);
  });

  test('fails on a secret value an env file cannot hold, without echoing the value', () => {
    const run = () => makeApp({ processes: { web: WEB }, secrets: { TOKEN: AppSecret.unsafePlainText("it's-secret") } });
    expect(run).toThrow(/secrets\.TOKEN: contains a single quote/);
    expect(run).not.toThrow(/it's-secret/);
  });

  test('fails on health checks with both or neither of path and command, and bad timings', () => {
    const found = problems(() => makeApp({
      processes: {
        web: { ...WEB, healthCheck: { path: '/h', command: 'true', intervalSeconds: 5, timeoutSeconds: 10 } },
        websocket: { command: 'ws', port: 6001, healthCheck: { retries: 0, path: 'health' } },
      },
    }));
    expect(found.map((p) => p.prop)).toEqual([
      'processes.web.healthCheck', 'processes.web.healthCheck.timeoutSeconds',
      'processes.websocket.healthCheck.path', 'processes.websocket.healthCheck.retries',
    ]);
  });

  test('fails on replicas and resource limits out of range', () => {
    const found = problems(() => makeApp({ processes: { web: { ...WEB, replicas: 0, resources: { cpus: 0, memoryMib: 2 } }, workers: [{ name: 'q', command: 'x', replicas: 1.5 }] } }));
    expect(found.map((p) => p.prop)).toEqual(['processes.web.replicas', 'processes.web.resources.cpus', 'processes.web.resources.memoryMib', 'processes.workers[0].replicas']);
  });

  test('fails on a scheduler with nothing to run and on empty commands', () => {
    const found = problems(() => makeApp({ processes: { web: WEB, scheduler: {}, release: { command: '  ' }, workers: [{ name: 'q', command: [] }] } }));
    expect(found.map((p) => p.prop)).toEqual(['processes.workers[0].command', 'processes.scheduler', 'processes.release.command']);
  });

  test('fails on an app name that is not a DNS label and gathers it with model problems', () => {
    const found = problems(() => makeApp({ name: 'My App', processes: { web: { ...WEB, port: -1 } } }));
    expect(found.map((p) => p.prop)).toEqual(['name', 'processes.web.port']);
  });

  test('fails with a message naming the construct path, the value and the fix', () => {
    expect(() => makeApp({ processes: { web: { ...WEB, port: 0 } } }))
      .toThrow(/Invalid input at test\/App \(1 problem\):\n {2}- processes\.web\.port: must be a whole number from 1 to 65535 \(got 0\)\. Fix: give the port/);
  });
});

describe('intent validation', () => {
  test('fails when backupTo has no database to dump', () => {
    const { app } = makeApp({ processes: { web: WEB } });
    expect(() => app.backupTo(new FakeVault())).toThrow(/backupTo\.options\.database: is not given and the app is connected to no SQL database/);
  });

  test('fails when backupTo gets a bad schedule, a cache database or a taken name', () => {
    const { app } = makeApp({ processes: { web: WEB, workers: [{ name: 'nightly', command: 'x' }] } });
    const found = problems(() => app.backupTo(new FakeVault(), { schedule: '0 2 * *', name: 'nightly', database: new FakeDatabase(DatabaseEngineFamily.VALKEY) }));
    expect(found.map((p) => p.prop)).toEqual(['backupTo.options.name', 'backupTo.options.schedule', 'backupTo.options.database']);
  });

  test('fails when a second backup job reuses the name', () => {
    const { app } = makeApp({ processes: { web: WEB } });
    app.connectTo(new FakeDatabase());
    app.backupTo(new FakeVault());
    expect(() => app.backupTo(new FakeVault())).toThrow(/backupTo\.options\.name: is already the name of a process or job/);
    app.backupTo(new FakeVault(), { name: 'backup-hourly', schedule: '@hourly' });
  });

  test('fails when a connection would overwrite an app variable', () => {
    const { app } = makeApp({ processes: { web: WEB }, environment: { DB_HOST: 'elsewhere' } });
    expect(() => app.connectTo(new FakeDatabase())).toThrow(/connectTo\(db\)\.environment\.DB_HOST: is already set/);
  });

  test('fails when serving through a second tunnel', () => {
    const { app } = makeApp({ processes: { web: WEB } });
    app.serveThrough(new FakeTunnel());
    expect(() => app.serveThrough(new FakeTunnel())).toThrow(/serveThrough\(tunnel\): the app already serves through a tunnel/);
  });

  test('fails when asking the URL of a process that serves no port', () => {
    const { app } = makeApp({ processes: { web: WEB, workers: [{ name: 'queue', command: 'x' }] } });
    expect(() => app.internalUrl('queue')).toThrow(/internalUrl\(process\): is not a process that serves a port/);
  });

  test('connecting the same database twice admits it once', () => {
    const { app } = makeApp({ processes: { web: WEB } });
    const db = new FakeDatabase();
    app.connectTo(db);
    app.connectTo(db);
    app.backupTo(new FakeVault());
    expect(db.admitted).toHaveLength(1);
  });
});

describe('DropletRuntime validation', () => {
  const base = (stack: TerraformStack): DropletRuntimeProps => ({
    region: DoRegion.NYC3, sshKeys: ['123'], releaseStore: releaseStore(stack), adminCidrs: ['198.51.100.0/24'],
  });
  const make = (over: Partial<DropletRuntimeProps>) => {
    const stack = new TerraformStack(Testing.app(), 'dev');
    return () => new DropletRuntime(stack, 'Runtime', { ...base(stack), ...over });
  };

  test('fails with no SSH keys', () => {
    expect(make({ sshKeys: [] })).toThrow(/sshKeys: is empty/);
  });

  test('fails on an SSH key that is neither an id nor a fingerprint', () => {
    expect(make({ sshKeys: ['ssh-rsa AAAA'] })).toThrow(/sshKeys\[0\]: is not an SSH key id or MD5 fingerprint/);
  });

  test('fails without a release store', () => {
    expect(make({ releaseStore: undefined as never })).toThrow(/releaseStore: is not a release store/);
  });

  test('fails on a droplet name that DigitalOcean or IAM would refuse', () => {
    expect(make({ name: 'Erp_Prod' })).toThrow(/name: is not a droplet name/);
    expect(make({ name: `e${'r'.repeat(46)}` })).toThrow(/name: is not a droplet name/);
  });

  test('fails on a data volume size or a health timeout out of range', () => {
    expect(make({ dataVolumeSizeGib: 0 })).toThrow(/dataVolumeSizeGib/);
    expect(make({ healthTimeoutSeconds: 5 })).toThrow(/healthTimeoutSeconds/);
  });

  test('fails on SSH open to the whole internet unless explicitly allowed', () => {
    expect(make({ adminCidrs: ['0.0.0.0/0'] })).toThrow(/adminCidrs\[0\]: opens SSH to the whole internet/);
    expect(make({ adminCidrs: ['::/0'] })).toThrow(/adminCidrs\[0\]: opens SSH to the whole internet/);
    expect(make({ adminCidrs: ['0.0.0.0/0'], allowSshFromAnywhere: true })).not.toThrow();
  });

  test('fails on malformed admin CIDRs; none at all opens no port and is fine', () => {
    const found = problems(make({ adminCidrs: ['10.0.0.300/32', '10.0.0.1', '2001:db8::/129'] }));
    expect(found.map((p) => p.prop)).toEqual(['adminCidrs[0]', 'adminCidrs[1]', 'adminCidrs[2]']);
    expect(make({ adminCidrs: [] })).not.toThrow();
    expect(make({ adminCidrs: undefined })).not.toThrow();
  });

  test('fails on a droplet count, size, region, backup window and VPC range out of bounds, all at once', () => {
    const found = problems(make({
      count: 0, size: DropletSize.of('S 2VCPU'), region: DoRegion.of('mars'), backupHourUtc: 5, vpcIpRange: '10.0.0.0/8', tags: ['bad tag'], logMaxFiles: 0,
    }));
    expect(found.map((p) => p.prop)).toEqual(['region', 'size', 'count', 'vpcIpRange', 'backupHourUtc', 'backupHourUtc', 'tags[0]', 'logMaxFiles']);
  });

  test('fails when a runtime is given to a second app', () => {
    const stack = new TerraformStack(Testing.app(), 'dev');
    const runtime = new DropletRuntime(stack, 'Runtime', base(stack));
    new ErpAppService(stack, 'App', { name: 'erp', runtime, processes: { web: WEB } });
    expect(() => new ErpAppService(stack, 'App2', { name: 'erp2', runtime, processes: { web: WEB } })).toThrow(/runtime: already runs dev\/App/);
  });

  test('fails at synthesis when a runtime runs no app', () => {
    const stack = new TerraformStack(Testing.app(), 'dev');
    new DropletRuntime(stack, 'Runtime', base(stack));
    expect(() => Testing.synth(stack)).toThrow(/runtime: runs no app/);
  });

  test('the secret values given to the model stay out of the error messages', () => {
    const run = () => makeApp({ processes: { web: { ...WEB, port: 0 } }, secrets: { APP_KEY: AppSecret.unsafePlainText(SECRET.appKey) } });
    expect(run).toThrow(ErpValidationError);
    expect(run).not.toThrow(new RegExp(SECRET.appKey));
  });
});
