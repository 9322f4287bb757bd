import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { stringify } from 'yaml';
import { ErpValidationError } from '../lib/errors';
import { AppDescription } from '../stacks/description/description';
import { LARAVEL_INVOICING_EXAMPLE } from '../stacks/description/laravel-example';
import { DESCRIPTION_ENV_VAR, loadAppDescriptionFile, resolveAppDescription } from '../stacks/description/load';
import { cronProblem, validateAppDescription } from '../stacks/description/validate';

type Mutable = Record<string, any>;

/** A deep copy of the built-in example with one change applied. */
function withChange(change: (d: Mutable) => void): unknown {
  const copy = JSON.parse(JSON.stringify(LARAVEL_INVOICING_EXAMPLE)) as Mutable;
  change(copy);
  return copy;
}

function problemsOf(input: unknown): ErpValidationError {
  try {
    validateAppDescription(input, 'test.json');
  } catch (err) {
    if (err instanceof ErpValidationError) return err;
    throw err;
  }
  throw new Error('expected the description to be rejected');
}

function tmpFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'erp-desc-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

describe('the app description', () => {
  test('the built-in Laravel example is valid', () => {
    expect(validateAppDescription(LARAVEL_INVOICING_EXAMPLE)).toBe(LARAVEL_INVOICING_EXAMPLE);
  });

  test('the built-in example has web, queue workers, the scheduler, MySQL, a cache, tenant subdomains and phpMyAdmin', () => {
    const d = LARAVEL_INVOICING_EXAMPLE;
    expect(d.processes.web.port).toBe(8080);
    expect(d.processes.workers?.[0].command).toContain('queue:work');
    expect(d.processes.scheduler?.everyMinute).toEqual(['php', 'artisan', 'schedule:run']);
    expect(d.database.engine).toBe('mysql');
    expect(d.cache?.engine).toBe('valkey');
    expect(d.tenantSubdomains).toBe(true);
    expect(d.adminTools?.[0].image).toMatch(/^phpmyadmin:/);
  });

  test('a JSON file and a YAML file load the same description', () => {
    const json = tmpFile('app.json', JSON.stringify(LARAVEL_INVOICING_EXAMPLE));
    const yml = tmpFile('app.yaml', stringify(LARAVEL_INVOICING_EXAMPLE));
    expect(loadAppDescriptionFile(json)).toEqual(loadAppDescriptionFile(yml));
  });

  test('the environment variable wins over the context key, which wins over the built-in example', () => {
    const fromEnv = tmpFile('env.json', JSON.stringify({ ...LARAVEL_INVOICING_EXAMPLE, name: 'from-env' }));
    const fromCtx = tmpFile('ctx.json', JSON.stringify({ ...LARAVEL_INVOICING_EXAMPLE, name: 'from-context' }));
    const saved = process.env[DESCRIPTION_ENV_VAR];
    try {
      process.env[DESCRIPTION_ENV_VAR] = fromEnv;
      expect(resolveAppDescription(fromCtx).description.name).toBe('from-env');
      delete process.env[DESCRIPTION_ENV_VAR];
      expect(resolveAppDescription(fromCtx).description.name).toBe('from-context');
      expect(resolveAppDescription('').description.name).toBe('facturador');
    } finally {
      if (saved === undefined) delete process.env[DESCRIPTION_ENV_VAR];
      else process.env[DESCRIPTION_ENV_VAR] = saved;
    }
  });

  test('every problem of one description is reported in one error', () => {
    const err = problemsOf(withChange((d) => {
      d.database.engine = 'mongodb';
      d.processes.web.port = 70000;
      d.domain = 'https://fact.example.com/';
    }));
    expect(err.problems.map((p) => p.prop)).toEqual(expect.arrayContaining(['database.engine', 'processes.web.port', 'domain']));
    expect(err.message).toContain('test.json');
  });
});

describe('bad descriptions', () => {
  const cases: Array<[string, (d: Mutable) => void, string, RegExp]> = [
    ['fails on an unknown database engine', (d) => { d.database.engine = 'mongodb'; }, 'database.engine', /"mongodb".*use "postgres"/],
    ['fails on a PostgreSQL version DigitalOcean does not offer', (d) => { d.database = { engine: 'postgres', version: 9 }; }, 'database.version', /13, 14, 15, 16, 17/],
    ['fails on a web port of 70000', (d) => { d.processes.web.port = 70000; }, 'processes.web.port', /70000.*1 to 65535/],
    ['fails on a malformed domain', (d) => { d.domain = 'https://fact.example.com/'; }, 'domain', /lowercase domain name/],
    ['fails on a domain outside the Cloudflare zone', (d) => { d.domain = 'fact.example.org'; }, 'domain', /not inside the Cloudflare zone/],
    ['fails on a name that is not a DNS label', (d) => { d.name = 'Facturador_Smart'; }, 'name', /DNS label/],
    ['fails on a missing web process', (d) => { delete d.processes.web; }, 'processes.web', /is required/],
    ['fails on an image reference that does not parse', (d) => { d.processes.web.image = 'Ghcr.io/Example/App:'; }, 'processes.web.image', /image reference/],
    ['fails on a cron line with four fields', (d) => { d.backups.schedule = '0 2 * *'; }, 'backups.schedule', /4 field/],
    ['fails on a cron hour of 24', (d) => { d.processes.scheduler.jobs = [{ name: 'x', schedule: '0 24 * * *', command: ['true'] }]; }, 'processes.scheduler.jobs[0].schedule', /outside 0-23/],
    ['fails on an empty worker command', (d) => { d.processes.workers[0].command = []; }, 'processes.workers[0].command', /non-empty list/],
    ['fails on two processes with one name', (d) => { d.processes.workers.push({ name: 'queue', command: ['x'] }); }, 'processes.workers[1].name', /another process/],
    ['fails on an unknown DigitalOcean region', (d) => { d.region = 'mars1'; }, 'region', /fra1/],
    ['fails on a Cloudflare account id that is not 32 hex characters', (d) => { d.cloudflare.accountId = 'abc'; }, 'cloudflare.accountId', /32 lowercase hex/],
    ['fails without SSH keys', (d) => { d.sshKeys = []; }, 'sshKeys', /at least one SSH key/],
    ['fails on an admin CIDR open to the world', (d) => { d.adminCidrs = ['0.0.0.0/0']; }, 'adminCidrs[0]', /whole internet/],
    ['fails on an admin tool nobody may pass', (d) => { d.adminTools[0].allowEmailDomains = []; }, 'adminTools[0]', /never public/],
    ['fails on a secret in the plain environment', (d) => { d.environment.DB_PASSWORD = 'hunter2'; }, 'environment.DB_PASSWORD', /secret/],
    ['fails on weekly retention shorter than daily', (d) => { d.backups.weeklyRetentionWeeks = 2; }, 'backups.weeklyRetentionWeeks', /less time than daily/],
    ['fails on a misspelled field', (d) => { d.databse = d.database; }, 'databse', /not a field/],
    ['fails on a backup heartbeat URL given as a value', (d) => { d.backups.heartbeat = 'https://hc-ping.com/secret'; }, 'backups.heartbeat', /got "<hidden>".*TF_VAR_backup_heartbeat_url/],
    ['fails on a restore drill schedule that is not cron', (d) => { d.backups.restoreDrillSchedule = 'sundays'; }, 'backups.restoreDrillSchedule', /field/],
    ['fails on an admin tool copying a variable the app does not have', (d) => { d.adminTools[0].environmentFrom = { PMA_PORT: 'DB_PORTX' }; }, 'adminTools[0].environmentFrom.PMA_PORT', /not a plain variable the app has on every tier.*DB_HOST/],
    ['fails on a pool larger than the dev tier\'s database offers', (d) => { d.database = { engine: 'postgres', version: 16, poolSize: 97 }; }, 'database.poolSize', /more than the 22 backend connections of the dev tier's database \(db-s-1vcpu-1gb\)/],
    ['fails on a backup schedule that skips whole weeks while weekly dumps are kept', (d) => { d.backups.schedule = '0 2 1 * *'; }, 'backups.schedule', /leaves whole ISO weeks without a run.*weeklyRetentionWeeks: 0/],
    ['fails on a negative weekly retention', (d) => { d.backups.weeklyRetentionWeeks = -1; }, 'backups.weeklyRetentionWeeks', /0 to 520/],
    ['fails on a pool for MySQL', (d) => { d.database.poolSize = 10; }, 'database.poolSize', /only for PostgreSQL/],
    ['fails on a tier that does not exist', (d) => { d.tiers = { staging: {} }; }, 'tiers.staging', /dev, prod, ha, local/],
    ['fails on maxNodes below minNodes', (d) => { d.tiers = { ha: { minNodes: 5, maxNodes: 3 } }; }, 'tiers.ha.maxNodes', /below minNodes/],
    ['fails on an unknown backend', (d) => { d.backend = { type: 'consul' }; }, 'backend.type', /"cloud"/],
    ['fails on a cloud backend without an organization', (d) => { d.backend = { type: 'cloud' }; }, 'backend.organization', /organization/],
    ['fails on a tier domain outside the Cloudflare zone', (d) => { d.tiers = { dev: { domain: 'dev.example.org' } }; }, 'tiers.dev.domain', /not inside the Cloudflare zone "example\.com" \(got "dev\.example\.org"\)/],
    ['fails on a tier domain that is not a domain', (d) => { d.tiers = { ha: { domain: '*.ha.example.com' } }; }, 'tiers.ha.domain', /is malformed/],
    ['fails on a tier given the hostname of another tier', (d) => { d.tiers = { dev: { domain: 'fact.example.com' } }; }, 'tiers.dev.domain',
      /gives the dev tier hostnames the prod tier serves too: fact\.example\.com \(its domain; its domain on prod\).*leave it out for the default "dev-fact\.example\.com"/s],
    ['fails on two tiers given the same hostname', (d) => { d.tiers = { dev: { domain: 'staging.example.com' }, ha: { domain: 'staging.example.com' } }; }, 'tiers.ha.domain',
      /gives the ha tier hostnames the dev tier serves too: staging\.example\.com/],
    ['fails on a tier domain that is another tier\'s admin tool hostname', (d) => { d.tiers = { ha: { domain: 'pma.fact.example.com' } }; }, 'tiers.ha.domain',
      /pma\.fact\.example\.com \(its domain; admin tool pma on prod\)/],
    ['fails on a domain for the local tier', (d) => { d.tiers = { local: { domain: 'local.example.com' } }; }, 'tiers.local.domain', /localhost/],
    ['fails on a zone settings stack that is not a stack', (d) => { d.cloudflare.zoneSettingsStack = 'staging'; }, 'cloudflare.zoneSettingsStack', /"none"/],
  ];
  test.each(cases)('%s', (_name, change, prop, message) => {
    const err = problemsOf(withChange(change));
    const problem = err.problems.find((p) => p.prop === prop);
    expect(problem).toBeDefined();
    expect(err.message).toMatch(message);
    expect(err.message).toContain(`- ${prop}:`);
  });

  test('fails on a description that is not an object', () => {
    expect(() => validateAppDescription([1, 2, 3], 'x.json')).toThrow(/\(root\): must be an object/);
  });

  test('fails on a description file that does not parse, naming the file', () => {
    const file = tmpFile('broken.json', '{ "name": ');
    expect(() => loadAppDescriptionFile(file)).toThrow(/broken\.json.*does not parse/s);
  });

  test('fails on a description file that does not exist, naming the variable to set', () => {
    expect(() => loadAppDescriptionFile('/nonexistent/app.json')).toThrow(/ERP_APP_DESCRIPTION/);
  });
});

describe('cron lines', () => {
  test.each(['0 2 * * *', '*/5 * * * *', '0 3 * * sun', '0 0 1 jan-jun *', '15,45 8-18 * * 1-5'])('"%s" parses', (line) => {
    expect(cronProblem(line)).toBeUndefined();
  });
  test.each(['', '* * * *', '60 * * * *', '* * 0 * *', '*/0 * * * *', '0 2 * * funday', '5-1 * * * *'])('fails on "%s"', (line) => {
    expect(cronProblem(line)).toBeDefined();
  });
});

// A type-level check that the example satisfies the public type.
const _typed: AppDescription = LARAVEL_INVOICING_EXAMPLE;
void _typed;

test('fails on an empty key in the description, naming it', () => {
  const err = problemsOf({ ...LARAVEL_INVOICING_EXAMPLE, '': 1 });
  expect(err.problems.map((p) => p.prop)).toContain('(root)[""]');
});
