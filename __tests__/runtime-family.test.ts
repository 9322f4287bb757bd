import { TerraformLocal, TerraformStack, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { ErpAppService } from '../lib/app-service/app-service';
import { ProcessModel } from '../lib/app-service/process-model';
import { ProcessRole, ResolvedApp } from '../lib/app-service/runtime';
import { AppRuntimeBase, AppRuntimeBaseProps } from '../lib/app-service/runtimes/base';
import { DatabaseAccessSourceType, DatabaseEngineFamily, IDatabaseClient } from '../lib/common/contracts';
import { ErpValidationError } from '../lib/errors';
import { Problems } from '../lib/private/validate';
import { FakeDatabase, FakeVault } from './app-service-fakes';

type Json = Record<string, any>;

/**
 * A fourth runtime, defined here only: it runs each process and job as a line
 * of a (pretend) process supervisor, written to a Terraform local. It uses
 * nothing of the droplet, Docker or Kubernetes runtimes: only the base class.
 */
class SupervisorRuntime extends AppRuntimeBase {
  public readonly databaseClient: IDatabaseClient = {
    databaseAccessSources: [{ type: DatabaseAccessSourceType.IP_ADDRESS, value: '192.0.2.10' }],
  };
  /** The models it rendered, one per render. */
  public readonly rendered: ResolvedApp[] = [];

  constructor(scope: Construct, id: string, props: AppRuntimeBaseProps = {}) {
    super(scope, id, props);
    const p = new Problems();
    this.checkSharedProps(p);
    p.throwIfAny(this);
    this.renderAtSynthesis((app) => {
      this.rendered.push(app);
      for (const proc of app.processes) {
        new TerraformLocal(this, `Program-${proc.name}`, {
          role: proc.role, image: proc.image, command: (proc.command ?? []).join(' '), replicas: proc.replicas, environment: proc.environment,
        });
      }
      for (const job of app.jobs) new TerraformLocal(this, `Job-${job.name}`, { schedule: job.schedule, command: job.command.join(' ') });
    });
  }

  public internalUrl(processName: string, port: number): string {
    return `http://${processName}.supervisor.internal:${port}`;
  }
}

const MODEL: ProcessModel = {
  processes: {
    web: { image: 'ghcr.io/acme/erp:1.4.2', port: 8080, healthCheck: { path: '/health' } },
    workers: [{ name: 'queue', command: 'php artisan queue:work', replicas: 2 }],
    scheduler: { entries: [{ name: 'reports', schedule: '30 6 * * *', command: 'php artisan reports:send' }] },
    release: { command: ['php', 'artisan', 'migrate', '--force'] },
  },
  environment: { APP_ENV: 'test' },
};

function build(props: AppRuntimeBaseProps = {}, engines: DatabaseEngineFamily[] = [DatabaseEngineFamily.POSTGRES]) {
  const stack = new TerraformStack(Testing.app(), 'test');
  const runtime = new SupervisorRuntime(stack, 'Runtime', props);
  const app = new ErpAppService(stack, 'App', { name: 'erp', runtime, ...MODEL });
  const databases = engines.map((e) => new FakeDatabase(e));
  for (const db of databases) app.connectTo(db);
  const vault = new FakeVault();
  app.backupTo(vault, { database: databases[0] });
  const synth: Json = JSON.parse(Testing.synth(stack));
  return { stack, runtime, app, databases, vault, synth, model: runtime.rendered[0] };
}

function problemProps(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ErpValidationError);
    return (e as ErpValidationError).problems.map((p) => p.prop);
  }
  throw new Error('expected a validation error');
}

describe('a runtime of its own, on the runtime base', () => {
  test('an app with processes, a database and a backup job runs on it, and its resources are in the output', () => {
    const { synth, runtime, model } = build();
    expect(runtime.rendered).toHaveLength(1);
    expect(model.processes.map((p) => [p.name, p.role])).toEqual([
      ['web', ProcessRole.WEB], ['queue', ProcessRole.WORKER], ['redis', ProcessRole.CACHE],
    ]);
    expect(model.jobs.map((j) => j.name)).toEqual(['reports', 'backup', 'backup-restore']);
    // the restore runs only when started (onDemand); its schedule never comes, for a runtime that does not read the flag
    expect(model.jobs.find((j) => j.name === 'backup-restore')).toMatchObject({ onDemand: true, schedule: '0 0 30 2 *' });
    const locals = Object.values<Json>(synth.locals);
    expect(locals.map((l) => l.role ?? l.schedule).sort()).toEqual(['0 0 30 2 *', '0 2 * * *', '30 6 * * *', 'cache', 'web', 'worker']);
  });

  test('connectTo admits the runtime through the database firewall and hands app code the connection', () => {
    const { runtime, databases, model } = build();
    expect(databases[0].admitted).toEqual([runtime.databaseClient]);
    const web = model.processes.find((p) => p.name === 'web')!;
    expect(web.environment).toMatchObject({ APP_ENV: 'test', DB_HOST: 'db.internal', PORT: '8080' });
    expect(model.secretGroups.app).toMatchObject({ DB_PASSWORD: expect.any(String) });
    expect(model.release!.environment).toMatchObject({ DB_HOST: 'db.internal' });
  });

  test('backupTo adds a job with its own secret group, granted on the vault', () => {
    const { vault, model } = build();
    expect(vault.grants).toEqual(['BackupWriter']);
    const backup = model.jobs.find((j) => j.name === 'backup')!;
    expect(backup).toMatchObject({ secretGroups: ['backup-backup'], isAppCode: false });
    expect(Object.keys(model.secretGroups['backup-backup'])).toEqual(expect.arrayContaining(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']));
  });

  test('without a managed cache the model holds the cache process with the runtime\'s cache image, and app code gets its variables', () => {
    const { model } = build({ cacheImage: 'valkey/valkey:8.1.3-alpine' });
    const cache = model.processes.find((p) => p.role === ProcessRole.CACHE)!;
    expect(cache).toMatchObject({ name: 'redis', image: 'valkey/valkey:8.1.3-alpine', port: 6379, replicas: 1, isAppCode: false });
    const cacheUrl = { REDIS_URL: 'redis://redis:6379/0', REDIS_HOST: 'redis', REDIS_PORT: '6379' };
    for (const x of [...model.processes.filter((p) => p.isAppCode), ...model.jobs.filter((j) => j.isAppCode), model.release!]) {
      expect(x.environment).toMatchObject(cacheUrl);
    }
    expect(model.jobs.find((j) => j.name === 'backup')!.environment.REDIS_URL).toBeUndefined();
  });

  test('with a managed cache connected the model holds no cache process', () => {
    const { model } = build({}, [DatabaseEngineFamily.POSTGRES, DatabaseEngineFamily.VALKEY]);
    expect(model.hasManagedCache).toBe(true);
    expect(model.processes.some((p) => p.role === ProcessRole.CACHE)).toBe(false);
    expect(model.processes.find((p) => p.name === 'web')!.environment.REDIS_HOST).toBe('cache.internal');
  });

  test('intents called after construction are in the model it renders, rendered once across two syntheses', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const runtime = new SupervisorRuntime(stack, 'Runtime');
    const app = new ErpAppService(stack, 'App', { name: 'erp', runtime, ...MODEL });
    app.connectTo(new FakeDatabase(DatabaseEngineFamily.VALKEY));
    const first = Testing.synth(stack);
    expect(Testing.synth(stack)).toBe(first);
    expect(runtime.rendered).toHaveLength(1);
    expect(runtime.rendered[0].hasManagedCache).toBe(true);
  });

  test('the app reaches a process through the runtime\'s internal URL', () => {
    const { app } = build();
    expect(app.internalUrl('web')).toBe('http://web.supervisor.internal:8080');
  });

  test('fails when one runtime is given to two apps, and names the runtime\'s own class', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    const runtime = new SupervisorRuntime(stack, 'Runtime');
    new ErpAppService(stack, 'App', { name: 'erp', runtime, ...MODEL });
    let error: unknown;
    try {
      new ErpAppService(stack, 'App2', { name: 'erp2', runtime, ...MODEL });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ErpValidationError);
    expect(String(error)).toMatch(/runtime: already runs test\/App/);
    expect((error as ErpValidationError).problems[0].fix).toBe('give each app its own SupervisorRuntime');
  });

  test('fails at synthesis when the runtime runs no app', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    new SupervisorRuntime(stack, 'Runtime');
    expect(() => Testing.synth(stack)).toThrow(/runtime: runs no app/);
  });

  test('fails when the cache image is not an image reference, with the base\'s shared check', () => {
    const stack = new TerraformStack(Testing.app(), 'test');
    expect(problemProps(() => new SupervisorRuntime(stack, 'Runtime', { cacheImage: 'Not An Image!' }))).toEqual(['cacheImage']);
  });
});
