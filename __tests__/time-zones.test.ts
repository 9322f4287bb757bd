/**
 * Schedules in the app's time zone, on every runtime: the model and its validation, Kubernetes
 * CronJobs (`spec.timezone`), droplets (systemd timers, checked with systemd-analyze, beside the cron
 * table that keeps UTC jobs), the local Docker loop (run with sh and the real `date`), and the app
 * description. Without a zone every runtime renders what it rendered before.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { execFileSync, spawnSync } from 'child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { ErpAppService, ErpAppServiceProps } from '../lib/app-service/app-service';
import { ProcessModel } from '../lib/app-service/process-model';
import { parseCron } from '../lib/app-service/private/cron';
import { DockerRuntime } from '../lib/app-service/runtimes/docker/docker-runtime';
import { cronLoopScript } from '../lib/app-service/runtimes/docker/private/cron-loop';
import { DropletRuntime } from '../lib/app-service/runtimes/droplet/droplet-runtime';
import { onCalendar } from '../lib/app-service/runtimes/droplet/private/timers';
import { S3ReleaseStore } from '../lib/app-service/runtimes/droplet/release-store';
import { KubernetesCluster } from '../lib/app-service/runtimes/kubernetes/kubernetes-cluster';
import { KubernetesRuntime } from '../lib/app-service/runtimes/kubernetes/kubernetes-runtime';
import { DatabaseEngineFamily } from '../lib/common/contracts';
import { DoRegion } from '../lib/common/region';
import { ErpValidationError } from '../lib/errors';
import { posixTimeZone } from '../lib/private/time-zone';
import { AppDescription, LARAVEL_INVOICING_EXAMPLE, buildStacks } from '../stacks';
import { validateAppDescription } from '../stacks/description/validate';
import { FakeDatabase, FakeVault } from './app-service-fakes';
import { systemdRuns } from './support/systemd';

type Json = Record<string, any>;
type Model = Omit<ErpAppServiceProps, 'name' | 'runtime'>;

/** An invoicing app with the framework's runner, a report in the app's zone and a rate scraper in Caracas. */
function model(timeZone?: string, backupZone?: string): Model & { backupZone?: string } {
  return {
    processes: {
      web: { image: 'ghcr.io/acme/erp:2.4.1', port: 8080, healthCheck: { path: '/up' } },
      scheduler: {
        everyMinute: ['php', 'artisan', 'schedule:run'],
        entries: [
          { name: 'report', schedule: '0 6 * * *', command: ['php', 'artisan', 'report'] },
          { name: 'scrape-bcv', schedule: '0 8,13 * * MON-SAT', command: ['php', 'artisan', 'rates:bcv'], timeZone: 'America/Caracas' },
        ],
      },
    },
    ...(timeZone !== undefined ? { timeZone } : {}),
    backupZone,
  };
}

function withApp(stack: TerraformStack, runtime: ErpAppServiceProps['runtime'], m: ReturnType<typeof model>): ErpAppService {
  const { backupZone, ...props } = m;
  const app = new ErpAppService(stack, 'App', { name: 'erp', runtime, ...props });
  app.connectTo(new FakeDatabase(DatabaseEngineFamily.POSTGRES));
  app.backupTo(new FakeVault(), backupZone !== undefined ? { timeZone: backupZone } : {});
  return app;
}

function droplet(m: ReturnType<typeof model>): { files: Record<string, string>; app: ErpAppService } {
  const stack = new TerraformStack(Testing.app(), 'dev');
  new DigitaloceanProvider(stack, 'digitalocean', {});
  new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
  const runtime = new DropletRuntime(stack, 'Runtime', {
    region: DoRegion.FRA1, sshKeys: ['41234567'], releaseStore: new S3ReleaseStore(stack, 'Releases', { name: 'erp-dev' }),
  });
  const app = withApp(stack, runtime, m);
  return { files: runtime.releaseFiles(), app };
}

function kubernetes(m: ReturnType<typeof model>): Record<string, Json> {
  const stack = new TerraformStack(Testing.app(), 'ha');
  const cluster = KubernetesCluster.fromClusterName(stack, 'Cluster', { name: 'erp-ha', region: DoRegion.FRA1 });
  withApp(stack, new KubernetesRuntime(stack, 'Runtime', { cluster }), m);
  const synth = JSON.parse(Testing.synth(stack));
  return Object.fromEntries(Object.values<Json>(synth.resource.kubernetes_cron_job_v1).map((c) => [c.metadata.name, c]));
}

function docker(m: ReturnType<typeof model>): Record<string, Json> {
  const stack = new TerraformStack(Testing.app(), 'local');
  new DockerProvider(stack, 'docker', {});
  withApp(stack, new DockerRuntime(stack, 'Runtime', { hostPort: 8081 }), m);
  const synth = JSON.parse(Testing.synth(stack));
  return Object.fromEntries(Object.values<Json>(synth.resource.docker_container).map((c) => [c.name, c]));
}

/** Runs `fn` and returns the problems it threw. */
function problems(fn: () => unknown): Array<{ prop: string; value: unknown; problem: string; fix: string }> {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ErpValidationError);
    return (e as ErpValidationError).problems.map((p) => ({ ...p }));
  }
  throw new Error('expected a validation error');
}

const ZONES = (jobs: ReadonlyArray<{ name: string; timeZone: string }>) => Object.fromEntries(jobs.map((j) => [j.name, j.timeZone]));

describe('the time zone of schedules in the model', () => {
  test('resolved jobs carry the app\'s zone, an entry\'s own zone and the backup\'s own; Etc/UTC when none is set', () => {
    expect(ZONES(droplet(model('America/Lima')).app.resolve().jobs)).toEqual({
      'schedule-run': 'America/Lima', 'report': 'America/Lima', 'scrape-bcv': 'America/Caracas', 'backup': 'America/Lima',
      'backup-restore': 'America/Lima',
    });
    expect(ZONES(droplet(model('America/Lima', 'America/Mexico_City')).app.resolve().jobs).backup).toBe('America/Mexico_City');
    expect(ZONES(droplet(model()).app.resolve().jobs)).toEqual({
      'schedule-run': 'Etc/UTC', 'report': 'Etc/UTC', 'scrape-bcv': 'America/Caracas', 'backup': 'Etc/UTC', 'backup-restore': 'Etc/UTC',
    });
  });

  test('fails on a time zone that does not exist, naming the prop, the value and the fix', () => {
    const base = model('America/Atlantis');
    const bad: Model = {
      ...base,
      processes: { ...base.processes, scheduler: { entries: [{ name: 'report', schedule: '0 6 * * *', command: 'true', timeZone: 'Mars/Olympus' }] } },
    };
    const found = problems(() => droplet({ ...bad }));
    expect(found.map((p) => [p.prop, p.value])).toEqual([
      ['processes.scheduler.entries[0].timeZone', 'Mars/Olympus'],
      ['timeZone', 'America/Atlantis'],
    ]);
    expect(found[1].problem).toBe('is not a time zone of the IANA time zone database');
    expect(found[1].fix).toMatch(/'America\/Lima'/);
    expect(() => droplet({ ...bad })).toThrow(/timeZone: is not a time zone of the IANA time zone database \(got "America\/Atlantis"\)/);
  });

  test('fails on a backup time zone that does not exist and names backupTo.options.timeZone', () => {
    const found = problems(() => droplet(model('America/Lima', 'Europe/Nowhere')));
    expect(found.map((p) => [p.prop, p.value])).toEqual([['backupTo.options.timeZone', 'Europe/Nowhere']]);
  });

  test('fails on a zone in another case, one without an area, or a legacy alias, and names the zone to write', () => {
    const found = problems(() => droplet(model('america/lima')));
    expect(found[0]).toMatchObject({ prop: 'timeZone', fix: "write 'America/Lima', or 'Etc/UTC' for UTC" });
    expect(problems(() => droplet(model('EST5EDT')))[0].prop).toBe('timeZone');
    expect(problems(() => droplet(model('US/Eastern')))[0]).toMatchObject({
      problem: 'is a legacy alias that Ubuntu 24.04 ships only in the tzdata-legacy package', fix: "use the zone it stands for, 'America/New_York'",
    });
    // names the IANA database has and ICU calls otherwise are fine
    expect(() => droplet(model('Asia/Kolkata'))).not.toThrow();
    expect(() => droplet(model('UTC'))).not.toThrow();
  });
});

describe('Kubernetes: the CronJob\'s time zone', () => {
  test('a job in America/Lima is a CronJob with spec.timezone America/Lima; an entry keeps its own zone', () => {
    const jobs = kubernetes(model('America/Lima'));
    expect(jobs.report.spec).toMatchObject({ schedule: '0 6 * * *', timezone: 'America/Lima' });
    expect(jobs['schedule-run'].spec.timezone).toBe('America/Lima');
    expect(jobs.backup.spec).toMatchObject({ schedule: '0 2 * * *', timezone: 'America/Lima' });
    expect(jobs['scrape-bcv'].spec).toMatchObject({ schedule: '0 8,13 * * MON-SAT', timezone: 'America/Caracas' });
  });

  test('without a zone the CronJobs stay in Etc/UTC, as before, and UTC is the same', () => {
    const jobs = kubernetes(model());
    expect(jobs.report.spec.timezone).toBe('Etc/UTC');
    expect(jobs.backup.spec.timezone).toBe('Etc/UTC');
    const before = JSON.stringify(kubernetes(model()));
    expect(JSON.stringify(kubernetes(model('UTC')))).toBe(before);
    expect(JSON.stringify(kubernetes(model('Etc/UTC')))).toBe(before);
  });
});

describe('droplets: jobs in a time zone run from systemd timers', () => {
  const utcOnly = (m: Model): Model => ({ ...m, processes: { ...m.processes, scheduler: { ...m.processes.scheduler, entries: m.processes.scheduler!.entries!.slice(0, 1) } } });

  test('without a zone the release is what it was: every job in the cron table, no timer', () => {
    const before = droplet(utcOnly(model())).files;
    expect(droplet(utcOnly(model('Etc/UTC'))).files).toEqual(before);
    expect(droplet(utcOnly(model('UTC'))).files).toEqual(before);
    expect(Object.keys(before).filter((k) => k.startsWith('timers/'))).toEqual([]);
    expect(before.cron.split('\n').filter((l) => / root flock /.test(l)).map((l) => l.split(' root ')[0])).toEqual(['* * * * *', '0 6 * * *', '0 2 * * *']);
  });

  test('a job in America/Lima is a timer whose calendar is read in America/Lima, run as cron ran it, and leaves the cron table', () => {
    const { files } = droplet(model('America/Lima'));
    expect(files.cron).toBeUndefined();
    expect(Object.keys(files).filter((k) => k.startsWith('timers/')).sort()).toEqual([
      'timers/erp-job-erp-backup.service', 'timers/erp-job-erp-backup.timer',
      'timers/erp-job-erp-report.service', 'timers/erp-job-erp-report.timer',
      'timers/erp-job-erp-schedule-run.service', 'timers/erp-job-erp-schedule-run.timer',
      'timers/erp-job-erp-scrape-bcv.service', 'timers/erp-job-erp-scrape-bcv.timer',
    ]);
    expect(files['timers/erp-job-erp-report.timer']).toBe([
      '[Unit]',
      'Description=erp: scheduled job report (0 6 * * *, America/Lima); installed by erp-agent',
      '',
      '[Timer]',
      'OnCalendar=*-*-* 06:00:00 America/Lima',
      'AccuracySec=1s',
      '',
      '[Install]',
      'WantedBy=timers.target',
      '',
    ].join('\n'));
    expect(files['timers/erp-job-erp-report.service']).toContain(
      '\nExecStart=/usr/bin/docker compose -p erp -f /var/lib/erp-agent/current/compose.yaml run --rm --no-deps report\nSyslogIdentifier=erp-report\n');
    expect(files['timers/erp-job-erp-scrape-bcv.timer']).toContain('\nOnCalendar=Mon,Tue,Wed,Thu,Fri,Sat *-*-* 08,13:00:00 America/Caracas\n');
    expect(files['timers/erp-job-erp-schedule-run.timer']).toContain('\nOnCalendar=*-*-* *:*:00 America/Lima\n');
    // the compose service of the job says its zone
    expect(files['compose.yaml']).toMatch(/erp\.schedule: 0 6 \* \* \*\n\s+erp\.time-zone: America\/Lima/);
  });

  test('a job in another zone beside UTC jobs: the UTC ones stay in the cron table as they were', () => {
    const { files } = droplet(model());
    expect(files.cron.split('\n').filter((l) => / root flock /.test(l)).map((l) => l.split(' root ')[0])).toEqual(['* * * * *', '0 6 * * *', '0 2 * * *']);
    expect(files.cron).not.toContain('scrape-bcv');
    expect(Object.keys(files).filter((k) => k.startsWith('timers/')).sort()).toEqual(['timers/erp-job-erp-scrape-bcv.service', 'timers/erp-job-erp-scrape-bcv.timer']);
  });

  test('a cron line that restricts both day fields becomes two calendar events: cron runs when either matches', () => {
    expect(onCalendar('30 6 1,15 * FRI', 'America/Lima')).toEqual(['Fri *-*-* 06:30:00 America/Lima', '*-*-01,15 06:30:00 America/Lima']);
    expect(onCalendar('*/20 9-10 * JAN,JUL *', 'Asia/Kolkata')).toEqual(['*-01,07-* 09,10:00,20,40:00 Asia/Kolkata']);
    expect(onCalendar('@weekly', 'America/Mexico_City')).toEqual(['Sun *-*-* 00:00:00 America/Mexico_City']);
  });

  const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
  const withSystemd = analyze.status === 0 ? test : test.skip;

  withSystemd('the timer and service units pass systemd-analyze verify with no warning', () => {
    const { files } = droplet(model('America/Lima'));
    const dir = mkdtempSync(join(tmpdir(), 'erp-timers-'));
    try {
      const dockerStub = join(dir, 'docker');
      writeFileSync(dockerStub, '#!/bin/sh\n');
      chmodSync(dockerStub, 0o755);
      // docker.service comes with the docker.io package on the droplet
      writeFileSync(join(dir, 'docker.service'), '[Unit]\nDescription=Docker (stand-in)\n[Service]\nExecStart=/bin/true\n');
      const units = Object.entries(files).filter(([k]) => k.startsWith('timers/')).map(([k, text]) => {
        const file = join(dir, k.split('/')[1]);
        // the agent's launcher is installed by the droplet's bootstrap
        writeFileSync(file, text.replace('/usr/bin/docker', dockerStub).replace('/usr/local/sbin/erp-agent', dockerStub));
        return file;
      });
      expect(units).toHaveLength(8);
      const r = spawnSync('systemd-analyze', ['verify', '--man=no', ...units], { encoding: 'utf8' });
      expect(`${r.stdout}${r.stderr}`).toBe('');
      expect(r.status).toBe(0);
      // and a broken unit does not pass (the check can fail)
      const report = join(dir, 'erp-job-erp-report.timer');
      writeFileSync(report, files['timers/erp-job-erp-report.timer'].replace('06:00:00 America/Lima', '25:00:00 America/Lima'));
      const broken = spawnSync('systemd-analyze', ['verify', '--man=no', report], { encoding: 'utf8' });
      expect(`${broken.stdout}${broken.stderr}`).toMatch(/Failed to parse calendar specification/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** The next `n` minutes after `base` whose wall-clock time in `zone` the cron line names (Vixie's day rule), by brute force. */
  function cronRuns(schedule: string, zone: string, base: string, n: number): string[] {
    const r = parseCron(schedule);
    if (!r.ok) throw new Error(r.error);
    const s = r.schedule;
    const fmt = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
    const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
    const out: string[] = [];
    for (let t = Date.parse(base.replace(' ', 'T') + ':00Z') + 60_000; out.length < n; t += 60_000) {
      const parts = Object.fromEntries(fmt.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
      const dom = s.daysOfMonth.includes(Number(parts.day));
      const dow = s.daysOfWeek.includes(days.indexOf(parts.weekday));
      const day = s.anyDayOfMonth || s.anyDayOfWeek ? dom && dow : dom || dow;
      if (s.minutes.includes(Number(parts.minute)) && s.hours.includes(Number(parts.hour) % 24) && s.months.includes(Number(parts.month)) && day) {
        out.push(new Date(t).toISOString().slice(0, 16).replace('T', ' '));
      }
    }
    return out;
  }

  withSystemd('systemd runs each calendar when the cron line names the wall-clock time in the zone, across daylight saving changes', () => {
    const cases: Array<[string, string, string, number]> = [
      ['0 8 * * MON-SAT', 'America/New_York', '2026-03-05 00:00', 6],
      ['30 2 * * *', 'America/New_York', '2026-03-06 00:00', 4],
      ['0 2 * * *', 'America/Santiago', '2026-09-04 12:00', 5],
      ['30 6 1,15 * FRI', 'America/Lima', '2026-05-01 00:00', 6],
      ['*/20 9-10 * * 1', 'Asia/Kolkata', '2026-07-01 00:00', 7],
      ['0 0 * * *', 'America/Mexico_City', '2026-03-30 00:00', 3],
    ];
    for (const [schedule, zone, base, n] of cases) {
      expect([schedule, zone, systemdRuns(schedule, zone, base, n)]).toEqual([schedule, zone, cronRuns(schedule, zone, base, n)]);
    }
    // the proof of daylight saving: 08:00 in New York is 13:00 UTC before the change of 8 March 2026, 12:00 after
    expect(systemdRuns('0 8 * * MON-SAT', 'America/New_York', '2026-03-05 00:00', 4)).toEqual(['2026-03-05 13:00', '2026-03-06 13:00', '2026-03-07 13:00', '2026-03-09 12:00']);
    // 02:30 does not exist on 8 March in New York: that day has no run
    expect(systemdRuns('30 2 * * *', 'America/New_York', '2026-03-07 00:00', 2)).toEqual(['2026-03-07 07:30', '2026-03-09 06:30']);
    // 01:30 happens twice on 1 November: one run
    expect(systemdRuns('30 1 * * *', 'America/New_York', '2026-10-31 12:00', 2)).toEqual(['2026-11-01 05:30', '2026-11-02 06:30']);
  });
});

describe('local Docker: the job loop reads the minute in the job\'s zone', () => {
  test('without a zone the loop reads date -u, as before, and UTC is the same', () => {
    const before = cronLoopScript('0 6 * * *', ['php', 'artisan', 'report']);
    expect(cronLoopScript('0 6 * * *', ['php', 'artisan', 'report'], 'Etc/UTC')).toBe(before);
    expect(cronLoopScript('0 6 * * *', ['php', 'artisan', 'report'], 'UTC')).toBe(before);
    expect(before).toContain('  set -- $(date -u "+%M %H %d %m %w")');
    const containers = docker(model());
    expect(containers['erp-cron-report'].labels).toEqual([{ label: 'erp.schedule', value: '0 6 * * *' }]);
    expect(containers['erp-cron-report'].command[2]).not.toContain('TZ=');
  });

  test('a job in America/Lima sets the zone for date only, and says its zone in a label', () => {
    const containers = docker(model('America/Lima'));
    const report = containers['erp-cron-report'];
    const script: string = report.command[2];
    expect(script).toContain('\nzone=America/Lima\n');
    expect(script).toContain('  set -- $(TZ="$zone" date "+%M %H %d %m %w")');
    expect(script).toContain('( php artisan report ) &');
    expect(report.labels).toEqual([{ label: 'erp.schedule', value: '0 6 * * *' }, { label: 'erp.time-zone', value: 'America/Lima' }]);
    expect((report.env as string[]).some((e) => e.startsWith('TZ='))).toBe(false);
    expect(containers['erp-cron-scrape-bcv'].command[2]).toContain('\nzone=America/Caracas\n');
    // the backup's stages are started by the jobs runner, whose loop reads the same zone
    expect(containers['erp-jobs'].command[2]).toContain('\nzone=America/Lima\n');
    expect(containers['erp-jobs'].command[2]).toContain('/usr/local/bin/erp-run-job backup');
  });

  /** Runs the loop body once at `epoch` (seconds) with the real `date` and tzdata; returns whether it fired and what it said. */
  function runOnce(script: string, epoch: number): { fired: boolean; stderr: string } {
    const body = script
      .replace('while :; do', '')
      .replace(/\n\s*sleep [^\n]*\ndone$/, '')
      .replace(/\( [^\n]* \) &/, 'echo FIRED');
    const r = spawnSync('/bin/sh', ['-c', `date() { command date -d @${epoch} "$@"; }\n${body}`], { encoding: 'utf8' });
    return { fired: r.stdout.includes('FIRED'), stderr: r.stderr };
  }

  const at = (iso: string) => Date.parse(`${iso}:00Z`) / 1000;

  test('the loop fires at 08:00 New York time on both sides of a daylight saving change', () => {
    const script = cronLoopScript('0 8 * * MON-SAT', ['true'], 'America/New_York');
    expect(runOnce(script, at('2026-03-06T13:00')).fired).toBe(true);
    expect(runOnce(script, at('2026-03-06T12:00')).fired).toBe(false);
    expect(runOnce(script, at('2026-03-09T12:00')).fired).toBe(true);
    expect(runOnce(script, at('2026-03-09T13:00')).fired).toBe(false);
    // Sunday
    expect(runOnce(script, at('2026-03-08T12:00')).fired).toBe(false);
    const lima = cronLoopScript('0 6 * * *', ['true'], 'America/Lima');
    expect(runOnce(lima, at('2026-07-01T11:00')).fired).toBe(true);
    expect(runOnce(lima, at('2026-07-01T06:00')).fired).toBe(false);
  });

  test('in an image without tzdata the loop says so and uses the zone\'s POSIX rule, daylight saving included', () => {
    const script = cronLoopScript('0 8 * * MON-SAT', ['true'], 'America/New_York').replace('/usr/share/zoneinfo/', '/nonexistent/zoneinfo/');
    const rule = posixTimeZone('America/New_York').rule;
    expect(rule).toBe('<-05>5<-04>4,M3.2.0/2,M11.1.0/2');
    const before = runOnce(script, at('2026-03-06T13:00'));
    expect(before).toEqual({ fired: true, stderr: `cron loop: this image has no time zone database entry for America/New_York (install tzdata); using the POSIX rule ${rule}\n` });
    expect(runOnce(script, at('2026-03-09T12:00')).fired).toBe(true);
    expect(runOnce(script, at('2026-03-09T13:00')).fired).toBe(false);
    expect(posixTimeZone('America/Lima').rule).toBe('<-05>5');
    expect(posixTimeZone('Asia/Kolkata').rule).toBe('<+0530>-5:30');
  });

  test('a zone\'s POSIX rule tells the time as the time zone database does, all year', () => {
    const year = new Date().getUTCFullYear();
    const instants: number[] = [];
    for (let t = Date.UTC(year, 0, 1, 0, 7); t < Date.UTC(year + 1, 0, 1); t += 3 * 3_600_000 + 13 * 60_000) instants.push(t / 1000);
    const read = (tz: string) => execFileSync('date', ['-f', '-', '+%F %H:%M'], { env: { TZ: tz, PATH: process.env.PATH }, input: instants.map((i) => `@${i}`).join('\n'), encoding: 'utf8' });
    for (const zone of ['America/Lima', 'America/Caracas', 'America/Mexico_City', 'America/New_York', 'America/Santiago', 'Europe/Dublin', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Asia/Kathmandu']) {
      const { rule, exact } = posixTimeZone(zone, year);
      expect([zone, exact]).toEqual([zone, true]);
      expect([zone, read(rule)]).toEqual([zone, read(zone)]);
    }
  });
});

describe('the description\'s time zone', () => {
  const withZone: AppDescription = {
    ...LARAVEL_INVOICING_EXAMPLE,
    timeZone: 'America/Lima',
    processes: {
      ...LARAVEL_INVOICING_EXAMPLE.processes,
      scheduler: {
        ...LARAVEL_INVOICING_EXAMPLE.processes.scheduler,
        jobs: [{ name: 'rates', schedule: '0 8,13 * * 1-6', command: ['php', 'artisan', 'rates:bcv'], timeZone: 'America/Caracas' }],
      },
    },
  };

  function synthTiers(d: AppDescription): Record<string, Json> {
    const app = Testing.app() as App;
    return Object.fromEntries(buildStacks(app, d, {}).map((s) => [s.tier, JSON.parse(Testing.synth(s))]));
  }

  test('reaches every tier: timers on the droplets, CronJobs on ha, the loop on local; a job keeps its own zone', () => {
    const tiers = synthTiers(withZone);
    for (const tier of ['dev', 'prod']) {
      const objects = Object.values<Json>(tiers[tier].resource.aws_s3_object);
      const timers = Object.fromEntries(objects.filter((o) => /\/timers\/.*\.timer$/.test(o.key)).map((o) => [String(o.key).split('/').pop(), String(o.content)]));
      expect(Object.keys(timers).sort()).toEqual(['erp-job-facturador-backup.timer', 'erp-job-facturador-rates.timer', 'erp-job-facturador-schedule-run.timer']);
      expect(timers['erp-job-facturador-backup.timer']).toContain('\nOnCalendar=*-*-* 02:00:00 America/Lima\n');
      expect(timers['erp-job-facturador-rates.timer']).toContain('\nOnCalendar=Mon,Tue,Wed,Thu,Fri,Sat *-*-* 08,13:00:00 America/Caracas\n');
      // no UTC job is left for the cron table
      expect(objects.some((o) => String(o.key).endsWith('/cron'))).toBe(false);
    }
    const cronJobs = Object.fromEntries(Object.values<Json>(tiers.ha.resource.kubernetes_cron_job_v1).map((c) => [c.metadata.name, c.spec.timezone]));
    expect(cronJobs).toEqual({ 'schedule-run': 'America/Lima', 'rates': 'America/Caracas', 'backup': 'America/Lima', 'backup-restore': 'America/Lima' });
    const loops = Object.values<Json>(tiers.local.resource.docker_container).filter((c) => c.name.includes('-cron-'));
    expect(loops.map((c) => c.labels.find((l: Json) => l.label === 'erp.time-zone')?.value).sort()).toEqual(['America/Caracas', 'America/Lima']);
  });

  test('fails on a time zone that does not exist, at the top and on a job, naming each field', () => {
    const bad = {
      ...withZone,
      timeZone: 'America/Atlantis',
      processes: { ...withZone.processes, scheduler: { jobs: [{ ...withZone.processes.scheduler!.jobs![0], timeZone: 'Caracas' }] } },
    };
    const found = problems(() => validateAppDescription(bad, 'my-app.yaml'));
    expect(found.map((p) => [p.prop, p.value]).sort()).toEqual([
      ['processes.scheduler.jobs[0].timeZone', 'Caracas'],
      ['timeZone', 'America/Atlantis'],
    ]);
    expect(found.find((p) => p.prop === 'timeZone')!.problem).toBe('is not a time zone of the IANA time zone database');
    expect(() => validateAppDescription({ ...withZone, timeZone: 7 }, 'my-app.yaml')).toThrow(/timeZone: must be a string/);
  });

  test('a description without a time zone is valid and its jobs run in UTC', () => {
    expect(validateAppDescription(LARAVEL_INVOICING_EXAMPLE).timeZone).toBeUndefined();
    expect(() => validateAppDescription(withZone)).not.toThrow();
  });
});

// keep the model type honest: the app-level zone is a ProcessModel field
const _typed: Pick<ProcessModel, 'timeZone'> = { timeZone: 'America/Lima' };
void _typed;
