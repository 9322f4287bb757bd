/**
 * The backup job's schedule: the instants it fires at in its zone (`cronOccurrences`), the dumps the
 * real backup script files for them (`erp-backup.sh keys` decides the week and month of each run;
 * the first run of a week or month in the vault also goes to weekly/ or monthly/), and the synth-time
 * check that refuses a schedule leaving a kept tier empty for a whole week or month.
 */
import { spawn, spawnSync } from 'child_process';
import fc from 'fast-check';
import { join } from 'path';
import {
  BACKUP_CHECK_PERIOD, BACKUP_MAX_AGE_MARGIN_SECONDS, BackupCalendar, backupCalendar, backupKeys, checkBackupSchedule, cronOccurrences,
} from '../lib/app-service/private/backup-schedule';
import { parseCron } from '../lib/app-service/private/cron';
import { cronLoopScript } from '../lib/app-service/runtimes/docker/private/cron-loop';
import { ErpValidationError } from '../lib/errors';
import { systemdRuns } from './support/systemd';

const SCRIPT = join(__dirname, '..', 'lib', 'backup', 'scripts', 'erp-backup.sh');
const HOUR = 3_600;
const DAY = 86_400;
const at = (iso: string): number => Date.parse(iso.length === 16 ? `${iso}:00Z` : iso) / 1000;
const utc = (t: number): string => new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ');
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const weekdayOf = (day: string): string => WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()];
const YEAR_2027 = [at('2027-01-01T00:00'), at('2028-01-01T00:00')] as const;

// --- the real script ---------------------------------------------------------

interface ScriptKeys {
  readonly day: string;
  readonly week: string;
  readonly month: string;
}

/** Runs `erp-backup.sh keys` once with `epochs` on stdin (one per line, each line ended). */
function keysFromScript(epochs: readonly number[], zone: string): Promise<Map<number, ScriptKeys>> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [SCRIPT, 'keys'], { env: { PATH: process.env.PATH, LC_ALL: 'C', BACKUP_TIME_ZONE: zone } });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0 || err !== '') return reject(new Error(`erp-backup.sh keys exited ${code}: ${err}`));
      const keys = new Map<number, ScriptKeys>();
      for (const line of out.trim().split('\n')) {
        const [epoch, day, week, month] = line.split(' ');
        keys.set(Number(epoch), { day, week, month });
      }
      if (keys.size !== epochs.length) return reject(new Error(`erp-backup.sh keys printed ${keys.size} lines for ${epochs.length} epochs`));
      resolve(keys);
    });
    // the script's `while read` skips a last line without its newline: end every line
    child.stdin.end(epochs.map((e) => `${e}\n`).join(''));
  });
}

/** What the script files for a list of runs, with how much of the script it took. */
interface ScriptCalendar extends BackupCalendar {
  /** The script's keys of the runs it was asked about (all of them, or the sample and the boundaries). */
  readonly keys: Map<number, ScriptKeys>;
  readonly asked: number;
  readonly spawns: number;
}

/** Up to this many runs the script reads them all, in one spawn; a denser schedule is bisected. */
const ALL_AT_ONCE = 1_000;

/**
 * The first run of each week and month as the script's keys say, for runs in ascending order.
 * The script takes about 12 ms a run (three `date` processes), so a schedule with more runs than
 * `ALL_AT_ONCE` (`@hourly`: 8,760 a year, 100 s) is asked about a sample of its runs, then about the
 * middle of every two neighbours whose week or month differ, until they are next to each other: the
 * keys never go back in time (checked on every key read), so every first run of a week or month is
 * found by the script, and every run between two runs of one week or month is of that week or month.
 */
async function scriptCalendar(runs: readonly number[], zone: string): Promise<ScriptCalendar> {
  const known = new Map<number, ScriptKeys>();
  let asked = 0;
  let spawns = 0;
  const ask = async (indices: number[]) => {
    const keys = await keysFromScript(indices.map((i) => runs[i]), zone);
    spawns++;
    asked += indices.length;
    for (const i of indices) known.set(i, keys.get(runs[i])!);
  };
  if (runs.length <= ALL_AT_ONCE) {
    await ask(runs.map((_, i) => i));
  } else {
    const step = Math.ceil(runs.length / 250);
    const sample = runs.map((_, i) => i).filter((i) => i % step === 0 || i === runs.length - 1);
    await ask(sample);
    for (;;) {
      const indices = [...known.keys()].sort((a, b) => a - b);
      const middles: number[] = [];
      for (let k = 1; k < indices.length; k++) {
        const [a, b] = [indices[k - 1], indices[k]];
        const [ka, kb] = [known.get(a)!, known.get(b)!];
        if (b - a > 1 && (ka.week !== kb.week || ka.month !== kb.month)) middles.push((a + b) >> 1);
      }
      if (middles.length === 0) break;
      await ask(middles);
    }
  }
  const indices = [...known.keys()].sort((a, b) => a - b);
  const weekly: number[] = [];
  const monthly: number[] = [];
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    const keys = known.get(i)!;
    const before = k === 0 ? undefined : known.get(indices[k - 1])!;
    // the keys never go back: the bisection's premise
    if (before !== undefined && (keys.week < before.week || keys.month < before.month)) throw new Error(`keys go back at ${runs[i]}`);
    if (i === 0 || (indices[k - 1] === i - 1 && before!.week !== keys.week)) weekly.push(runs[i]);
    if (i === 0 || (indices[k - 1] === i - 1 && before!.month !== keys.month)) monthly.push(runs[i]);
  }
  return { daily: [...runs], weekly, monthly, keys: new Map(indices.map((i) => [runs[i], known.get(i)!])), asked, spawns };
}

// --- a reference that reads the wall clock minute by minute -------------------

interface WallMinute {
  readonly t: number;
  readonly minute: number;
  readonly hour: number;
  readonly dom: number;
  readonly month: number;
  readonly dow: number;
}

const wallClocks = new Map<string, WallMinute[]>();

/** Every minute of [from, to) with its wall-clock reading in `zone` (Intl), cached. */
function wallClock(zone: string, from: number, to: number): WallMinute[] {
  const key = `${zone} ${from} ${to}`;
  let minutes = wallClocks.get(key);
  if (minutes === undefined) {
    const fmt = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short' });
    minutes = [];
    for (let t = Math.ceil(from / 60) * 60; t < to; t += 60) {
      const parts = Object.fromEntries(fmt.formatToParts(new Date(t * 1000)).map((p) => [p.type, p.value]));
      minutes.push({ t, minute: Number(parts.minute), hour: Number(parts.hour) % 24, dom: Number(parts.day), month: Number(parts.month), dow: WEEKDAYS.indexOf(parts.weekday) });
    }
    wallClocks.set(key, minutes);
  }
  return minutes;
}

/**
 * The minutes in [from, to) whose wall-clock time in `zone` the cron line names, with Vixie's day
 * rule: the brute force of the time zone tests (`cronRuns` in time-zones.test.ts), over a window.
 */
function bruteForce(schedule: string, zone: string, from: number, to: number): number[] {
  const r = parseCron(schedule);
  if (!r.ok) throw new Error(r.error);
  const s = r.schedule;
  return wallClock(zone, from, to).filter((w) => {
    const dom = s.daysOfMonth.includes(w.dom);
    const dow = s.daysOfWeek.includes(w.dow);
    const day = s.anyDayOfMonth || s.anyDayOfWeek ? dom && dow : dom || dow;
    return s.minutes.includes(w.minute) && s.hours.includes(w.hour) && s.months.includes(w.month) && day;
  }).map((w) => w.t);
}

// --- the sample schedules ------------------------------------------------------

interface Sample {
  readonly schedule: string;
  readonly zone: string;
}

const SAMPLES: readonly Sample[] = [
  { schedule: '0 2 * * *', zone: 'Etc/UTC' },
  { schedule: '0 2 * * 1-6', zone: 'Etc/UTC' },
  { schedule: '0 2 2-31 * *', zone: 'Etc/UTC' },
  { schedule: '30 1 * * 0', zone: 'America/Lima' },
  { schedule: '0 */6 * * *', zone: 'Etc/UTC' },
  { schedule: '@weekly', zone: 'Etc/UTC' },
  { schedule: '0 3 * * *', zone: 'Europe/Berlin' },
  { schedule: '0 2 15 * 0', zone: 'Etc/UTC' },
  { schedule: '@hourly', zone: 'Europe/Berlin' },
];

interface Simulated extends Sample {
  readonly runs: number[];
  readonly script: ScriptCalendar;
  readonly calendar: BackupCalendar;
  readonly scriptSeconds: number;
}

const simulated = new Map<string, Simulated>();
const sim = (schedule: string): Simulated => simulated.get(schedule)!;
/** The script's UTC day of a run. */
const dayOf = (s: Simulated, t: number): string => s.script.keys.get(t)!.day;

beforeAll(async () => {
  // every schedule's script runs at once (the script spends its time in `date` processes)
  await Promise.all(SAMPLES.map(async ({ schedule, zone }) => {
    const runs = cronOccurrences(schedule, zone, ...YEAR_2027);
    const started = Date.now();
    const script = await scriptCalendar(runs, zone);
    simulated.set(schedule, { schedule, zone, runs, script, calendar: backupCalendar(schedule, zone, ...YEAR_2027), scriptSeconds: (Date.now() - started) / 1000 });
  }));
  const span = (list: readonly number[], s: Simulated) => (list.length ? `${dayOf(s, list[0])}..${dayOf(s, list[list.length - 1])}` : '-');
  const days = (list: readonly number[], s: Simulated) => {
    const count = new Map<string, number>();
    for (const t of list) count.set(weekdayOf(dayOf(s, t)), (count.get(weekdayOf(dayOf(s, t))) ?? 0) + 1);
    return [...count].map(([d, n]) => `${d}x${n}`).join(',');
  };
  const rows = SAMPLES.map(({ schedule }) => {
    const s = sim(schedule);
    const c = s.script;
    return [
      schedule, s.zone,
      `${c.daily.length} ${span(c.daily, s)}`,
      `${c.weekly.length} ${span(c.weekly, s)} ${days(c.weekly, s)}`,
      `${c.monthly.length} ${span(c.monthly, s)} ${[...new Set(c.monthly.map((t) => dayOf(s, t).slice(8)))].join(',')}`,
      `${c.asked}/${c.spawns} ${s.scriptSeconds.toFixed(1)}s`,
    ];
  });
  const header = ['schedule', 'zone', 'daily/ (UTC days)', 'weekly/ (UTC weekdays)', 'monthly/ (days of month)', 'script runs asked/spawns'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join(' | ');
  console.log(`What erp-backup.sh files for the runs of 2027 (UTC instants [2027-01-01, 2028-01-01)):\n${[line(header), ...rows.map(line)].join('\n')}`);
}, 300_000);

// --- tests ----------------------------------------------------------------------

describe('cronOccurrences: when a schedule fires in its zone', () => {
  test('03:00 in Berlin is 02:00 UTC in winter and 01:00 UTC in summer, across both changes of 2027', () => {
    const runs = (from: string, to: string) => cronOccurrences('0 3 * * *', 'Europe/Berlin', at(from), at(to)).map(utc);
    expect(runs('2027-03-26T00:00', '2027-03-30T00:00')).toEqual(['2027-03-26 02:00', '2027-03-27 02:00', '2027-03-28 01:00', '2027-03-29 01:00']);
    expect(runs('2027-10-29T00:00', '2027-11-02T00:00')).toEqual(['2027-10-29 01:00', '2027-10-30 01:00', '2027-10-31 02:00', '2027-11-01 02:00']);
  });

  test('a local time that the spring change skips does not occur that day; one the autumn change repeats occurs twice, or once when asked', () => {
    const runs = (from: string, to: string, repeated?: 'once') => cronOccurrences('30 2 * * *', 'Europe/Berlin', at(from), at(to), repeated).map(utc);
    expect(runs('2027-03-27T00:00', '2027-03-30T00:00')).toEqual(['2027-03-27 01:30', '2027-03-29 00:30']);
    expect(runs('2027-10-30T00:00', '2027-11-02T00:00')).toEqual(['2027-10-30 00:30', '2027-10-31 00:30', '2027-10-31 01:30', '2027-11-01 01:30']);
    expect(runs('2027-10-30T00:00', '2027-11-02T00:00', 'once')).toEqual(['2027-10-30 00:30', '2027-10-31 00:30', '2027-11-01 01:30']);
    // @hourly in Berlin is every UTC hour: 23 local hours in March, 25 in October
    const hourly = sim('@hourly').runs;
    expect(hourly).toHaveLength(8760);
    expect(hourly.every((t, i) => t === YEAR_2027[0] + i * HOUR)).toBe(true);
  });

  test('when both day fields are restricted a day runs when either matches (Vixie): 0 2 15 * 0 runs on the 15th and on Sundays', () => {
    const runs = cronOccurrences('0 2 15 * 0', 'Etc/UTC', at('2027-01-01T00:00'), at('2027-02-01T00:00')).map(utc);
    expect(runs).toEqual(['2027-01-03 02:00', '2027-01-10 02:00', '2027-01-15 02:00', '2027-01-17 02:00', '2027-01-24 02:00', '2027-01-31 02:00']);
    // a restricted field beside a `*` is an AND: Sundays of January only
    expect(cronOccurrences('0 2 * 1 0', 'Etc/UTC', at('2027-01-01T00:00'), at('2027-03-01T00:00')).map(utc)).toEqual(
      ['2027-01-03 02:00', '2027-01-10 02:00', '2027-01-17 02:00', '2027-01-24 02:00', '2027-01-31 02:00']);
  });

  test('returns the instants at or after from and before to, ascending', () => {
    expect(cronOccurrences('0 2 * * *', 'Etc/UTC', at('2027-01-01T02:00'), at('2027-01-03T02:00')).map(utc)).toEqual(['2027-01-01 02:00', '2027-01-02 02:00']);
    expect(cronOccurrences('0 2 * * *', 'Etc/UTC', at('2027-01-03T00:00'), at('2027-01-01T00:00'))).toEqual([]);
    expect(cronOccurrences('* * * * *', 'America/Lima', ...YEAR_2027)).toHaveLength(525_600);
  });

  test('fails on a schedule the cron parser refuses', () => {
    expect(() => cronOccurrences('0 25 * * *', 'Etc/UTC', ...YEAR_2027)).toThrow(/invalid schedule "0 25 \* \* \*": hour value 25 is outside 0-23/);
    expect(() => checkBackupSchedule('@fortnightly', 'Etc/UTC', { weekly: true, monthly: true })).toThrow(/unknown macro/);
  });

  test('agrees minute by minute with the wall clock read through Intl, around every daylight saving change of 2027 and the new year', () => {
    const windows: Record<string, string[]> = {
      'Etc/UTC': ['2026-12-30T00:00', '2027-02-27T00:00'],
      'America/Lima': ['2026-12-30T00:00', '2027-05-29T00:00'],
      'Europe/Berlin': ['2026-12-30T00:00', '2027-03-26T00:00', '2027-10-29T00:00'],
      'America/New_York': ['2027-03-12T00:00', '2027-11-05T00:00'],
      'Australia/Lord_Howe': ['2027-04-02T00:00', '2027-10-01T00:00'],
    };
    const schedules = [...SAMPLES.map((s) => s.schedule), '30 2 * * *', '*/20 1-3 * * *', '15 0 * * 1', '0 0 1 * *'];
    for (const [zone, starts] of Object.entries(windows)) {
      for (const start of starts) {
        const [from, to] = [at(start), at(start) + 4 * DAY];
        for (const schedule of schedules) {
          expect([schedule, zone, start, cronOccurrences(schedule, zone, from, to).map(utc)]).toEqual([schedule, zone, start, bruteForce(schedule, zone, from, to).map(utc)]);
        }
      }
    }
  });

  test('agrees with the wall clock for any schedule, zone and window (property)', () => {
    const field = (min: number, max: number) => fc.oneof(
      fc.constant('*'),
      fc.integer({ min, max }).map(String),
      fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => `${Math.min(a, b)}-${Math.max(a, b)}`),
      fc.integer({ min: 2, max: Math.min(12, max - min + 1) }).map((n) => `*/${n}`),
    );
    const schedule = fc.tuple(field(0, 59), field(0, 23), field(1, 31), field(1, 12), field(0, 7)).map((f) => f.join(' '))
      .filter((s) => parseCron(s).ok);
    const zone = fc.constantFrom('Etc/UTC', 'America/Lima', 'America/New_York', 'Europe/Berlin', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham');
    const start = fc.integer({ min: at('2027-01-01T00:00') / DAY, max: at('2028-12-28T00:00') / DAY }).map((d) => d * DAY + 7 * HOUR);
    fc.assert(fc.property(schedule, zone, start, (s, z, from) => {
      expect(cronOccurrences(s, z, from, from + 2 * DAY).map(utc)).toEqual(bruteForce(s, z, from, from + 2 * DAY).map(utc));
    }), { numRuns: 40 });
  });

  test('agrees with the cases of the time zone tests: the wall-clock reading, the Docker loop (twice) and systemd\'s calendars (once)', () => {
    const next = (schedule: string, zone: string, base: string, n: number, repeated?: 'once') =>
      cronOccurrences(schedule, zone, at(base.replace(' ', 'T')) + 60, at(base.replace(' ', 'T')) + 60 * DAY, repeated).slice(0, n).map(utc);
    // the expectations time-zones.test.ts holds for systemd
    expect(next('0 8 * * MON-SAT', 'America/New_York', '2026-03-05 00:00', 4)).toEqual(['2026-03-05 13:00', '2026-03-06 13:00', '2026-03-07 13:00', '2026-03-09 12:00']);
    expect(next('30 2 * * *', 'America/New_York', '2026-03-07 00:00', 2)).toEqual(['2026-03-07 07:30', '2026-03-09 06:30']);
    expect(next('30 1 * * *', 'America/New_York', '2026-10-31 12:00', 2, 'once')).toEqual(['2026-11-01 05:30', '2026-11-02 06:30']);
    // the Docker loop, run with the real `date`: 01:30 fires twice on 1 November, 02:30 never on 8 March
    expect(next('30 1 * * *', 'America/New_York', '2026-10-31 12:00', 3)).toEqual(['2026-11-01 05:30', '2026-11-01 06:30', '2026-11-02 06:30']);
    const fires = (schedule: string, epoch: number) => {
      const body = cronLoopScript(schedule, ['true'], 'America/New_York')
        .replace('while :; do', '').replace(/\n\s*sleep [^\n]*\ndone$/, '').replace(/\( [^\n]* \) &/, 'echo FIRED');
      return spawnSync('/bin/sh', ['-c', `date() { command date -d @${epoch} "$@"; }\n${body}`], { encoding: 'utf8' }).stdout.includes('FIRED');
    };
    expect([at('2026-11-01T04:30'), at('2026-11-01T05:30'), at('2026-11-01T06:30'), at('2026-11-01T07:30')].map((t) => fires('30 1 * * *', t))).toEqual([false, true, true, false]);
    expect([at('2026-03-08T06:30'), at('2026-03-08T07:30'), at('2026-03-09T06:30')].map((t) => fires('30 2 * * *', t))).toEqual([false, false, true]);
    expect(next('30 2 * * *', 'America/New_York', '2026-03-08 00:00', 1)).toEqual(['2026-03-09 06:30']);
    // systemd-analyze on the calendars the droplets get, where it is installed: the same runs, a repeated time once
    if (spawnSync('systemd-analyze', ['--version']).status !== 0) return;
    const cases: Array<[string, string, string, number]> = [
      ['0 8 * * MON-SAT', 'America/New_York', '2026-03-05 00:00', 6],
      ['30 2 * * *', 'America/New_York', '2026-03-06 00:00', 4],
      ['0 2 * * *', 'America/Santiago', '2026-09-04 12:00', 5],
      ['30 6 1,15 * FRI', 'America/Lima', '2026-05-01 00:00', 6],
      ['*/20 9-10 * * 1', 'Asia/Kolkata', '2026-07-01 00:00', 7],
      ['0 0 * * *', 'America/Mexico_City', '2026-03-30 00:00', 3],
      ['30 1 * * *', 'America/New_York', '2026-10-30 12:00', 4],
      ['0 3 * * *', 'Europe/Berlin', '2027-03-26 00:00', 5],
      ['0 3 * * *', 'Europe/Berlin', '2027-10-29 00:00', 5],
      ['30 2 * * *', 'Europe/Berlin', '2027-10-29 00:00', 5],
    ];
    for (const [schedule, zone, base, n] of cases) {
      expect([schedule, zone, base, next(schedule, zone, base, n, 'once')]).toEqual([schedule, zone, base, systemdRuns(schedule, zone, base, n)]);
    }
  });
});

describe('backupCalendar: what the backup script files for the runs of 2027', () => {
  test('the script\'s keys and backupCalendar file the same runs under daily/, weekly/ and monthly/; backupKeys prints the script\'s keys', () => {
    for (const { schedule } of SAMPLES) {
      const s = sim(schedule);
      expect([schedule, s.calendar.daily.length, s.calendar.weekly.map(utc), s.calendar.monthly.map(utc)])
        .toEqual([schedule, s.script.daily.length, s.script.weekly.map(utc), s.script.monthly.map(utc)]);
      expect(s.calendar.daily).toEqual(s.runs);
      for (const [t, keys] of s.script.keys) expect([schedule, t, backupKeys(t, s.zone)]).toEqual([schedule, t, keys]);
    }
    // the example of the brief: a new year's midnight UTC is still 2026 in Lima
    expect(backupKeys(1798761600, 'America/Lima')).toEqual({ day: '2027-01-01', week: '2026-W53', month: '2026-12' });
  });

  test('0 2 * * * (UTC): 365 daily dumps; the first run of 2027 is in ISO week 2026-W53, then one weekly dump every Monday; 12 monthly on the 1st', () => {
    const s = sim('0 2 * * *');
    expect(s.script.daily).toHaveLength(365);
    expect(s.script.keys.get(s.script.weekly[0])).toEqual({ day: '2027-01-01', week: '2026-W53', month: '2027-01' });
    expect(s.script.weekly).toHaveLength(53);
    expect(s.script.weekly.slice(1).map((t) => weekdayOf(dayOf(s, t)))).toEqual(Array(52).fill('Mon'));
    expect([dayOf(s, s.script.weekly[1]), dayOf(s, s.script.weekly[52])]).toEqual(['2027-01-04', '2027-12-27']);
    expect(s.script.keys.get(s.script.weekly[52])!.week).toBe('2027-W52');
    expect(s.script.monthly.map((t) => utc(t))).toEqual(Array.from({ length: 12 }, (_, m) => `2027-${String(m + 1).padStart(2, '0')}-01 02:00`));
  });

  test('0 2 * * 1-6 (no Sundays) fills weekly/ every week and monthly/ every month: 53 weekly dumps, 52 of them on Mondays, 12 monthly', () => {
    const s = sim('0 2 * * 1-6');
    expect(s.script.daily).toHaveLength(313);
    expect(s.script.weekly).toHaveLength(53);
    expect(dayOf(s, s.script.weekly[0])).toBe('2027-01-01'); // Friday, in 2026-W53
    expect(s.script.weekly.slice(1).every((t) => weekdayOf(dayOf(s, t)) === 'Mon')).toBe(true);
    expect(dayOf(s, s.script.weekly[1])).toBe('2027-01-04');
    // the first run of a month is the 1st, or the 2nd when the 1st is a Sunday (1 August 2027)
    expect(s.script.monthly.map((t) => dayOf(s, t))).toEqual(['2027-01-01', '2027-02-01', '2027-03-01', '2027-04-01', '2027-05-01', '2027-06-01',
      '2027-07-01', '2027-08-02', '2027-09-01', '2027-10-01', '2027-11-01', '2027-12-01']);
  });

  test('0 2 2-31 * * (never on the 1st) gets its monthly dumps on the 2nd; weekly on Mondays, on Tuesday when Monday is the 1st', () => {
    const s = sim('0 2 2-31 * *');
    expect(s.script.daily).toHaveLength(365 - 12);
    expect(s.script.monthly.map((t) => dayOf(s, t))).toEqual(Array.from({ length: 12 }, (_, m) => `2027-${String(m + 1).padStart(2, '0')}-02`));
    expect(s.script.weekly).toHaveLength(53);
    expect(dayOf(s, s.script.weekly[0])).toBe('2027-01-02'); // Saturday, 2026-W53
    const notMonday = s.script.weekly.slice(1).map((t) => dayOf(s, t)).filter((d) => weekdayOf(d) !== 'Mon');
    expect(notMonday).toEqual(['2027-02-02', '2027-03-02', '2027-11-02']);
    expect(notMonday.every((d) => weekdayOf(d) === 'Tue')).toBe(true);
  });

  test('30 1 * * 0 in America/Lima runs on Sundays at 06:30 UTC: every run is its week\'s first; the monthly dump is the first Sunday', () => {
    const s = sim('30 1 * * 0');
    expect(s.runs).toHaveLength(52);
    expect(s.runs.every((t) => utc(t).endsWith(' 06:30') && weekdayOf(dayOf(s, t)) === 'Sun')).toBe(true);
    expect(s.script.weekly).toEqual(s.runs);
    expect([s.script.keys.get(s.runs[0])!.week, s.script.keys.get(s.runs[51])!.week]).toEqual(['2026-W53', '2027-W51']);
    expect(s.script.monthly.map((t) => Number(dayOf(s, t).slice(8))).every((d) => d <= 7)).toBe(true);
    expect(s.script.monthly).toHaveLength(12);
  });

  test('0 */6 * * * (UTC): 1460 runs; weekly dumps at Monday 00:00, monthly at the 1st 00:00', () => {
    const s = sim('0 */6 * * *');
    expect(s.runs).toHaveLength(1460);
    expect(s.script.weekly.slice(1).every((t) => weekdayOf(dayOf(s, t)) === 'Mon' && utc(t).endsWith(' 00:00'))).toBe(true);
    expect(s.script.weekly).toHaveLength(53);
    expect(s.script.monthly.every((t) => utc(t).endsWith('-01 00:00'))).toBe(true);
    expect(s.script.monthly).toHaveLength(12);
  });

  test('@weekly (Sunday 00:00 UTC): 52 runs, each a weekly dump, 12 monthly dumps on the first Sunday', () => {
    const s = sim('@weekly');
    expect(s.runs).toHaveLength(52);
    expect(s.script.weekly).toEqual(s.runs);
    expect(utc(s.runs[0])).toBe('2027-01-03 00:00');
    expect(s.script.monthly.map((t) => dayOf(s, t))).toEqual(['2027-01-03', '2027-02-07', '2027-03-07', '2027-04-04', '2027-05-02', '2027-06-06',
      '2027-07-04', '2027-08-01', '2027-09-05', '2027-10-03', '2027-11-07', '2027-12-05']);
  });

  test('0 3 * * * in Europe/Berlin: 02:00 UTC in winter, 01:00 UTC from 28 March to 30 October; weekly on Mondays, monthly on the 1st', () => {
    const s = sim('0 3 * * *');
    expect(s.runs).toHaveLength(365);
    const summer = s.runs.filter((t) => utc(t).endsWith(' 01:00')).map((t) => dayOf(s, t));
    expect([summer.length, summer[0], summer[summer.length - 1]]).toEqual([217, '2027-03-28', '2027-10-30']);
    expect(s.runs.filter((t) => !utc(t).endsWith(' 01:00')).every((t) => utc(t).endsWith(' 02:00'))).toBe(true);
    expect(s.script.weekly.slice(1).every((t) => weekdayOf(dayOf(s, t)) === 'Mon')).toBe(true);
    expect(s.script.monthly.map((t) => dayOf(s, t).slice(8))).toEqual(Array(12).fill('01'));
  });

  test('0 2 15 * 0 (UTC, the 15th or Sundays): 63 runs; a week\'s dump is the 15th when it falls before Sunday; monthly on the first Sunday', () => {
    const s = sim('0 2 15 * 0');
    // 52 Sundays and 12 fifteenths, of which 15 August is a Sunday
    expect(s.runs).toHaveLength(63);
    const fifteenths = s.script.weekly.map((t) => dayOf(s, t)).filter((d) => d.endsWith('-15'));
    expect(fifteenths).toEqual(['2027-01-15', '2027-02-15', '2027-03-15', '2027-04-15', '2027-05-15', '2027-06-15', '2027-07-15', '2027-08-15',
      '2027-09-15', '2027-10-15', '2027-11-15', '2027-12-15']);
    expect(s.script.weekly.map((t) => dayOf(s, t)).filter((d) => !d.endsWith('-15')).every((d) => weekdayOf(d) === 'Sun')).toBe(true);
    expect(s.script.weekly).toHaveLength(52);
    expect(s.script.monthly.every((t) => weekdayOf(dayOf(s, t)) === 'Sun' && Number(dayOf(s, t).slice(8)) <= 7)).toBe(true);
  });

  test('@hourly in Europe/Berlin: weeks and months begin at midnight in Berlin, so the weekly dump is Sunday 23:00 UTC in winter, 22:00 in summer', () => {
    const s = sim('@hourly');
    expect(s.script.asked).toBeLessThan(1_500); // bisected, not 8,760 runs of the script
    const weekly = s.script.weekly.slice(1);
    expect(weekly).toHaveLength(52);
    expect(weekly.every((t) => weekdayOf(dayOf(s, t)) === 'Sun')).toBe(true);
    expect(weekly.map((t) => utc(t).slice(11))).toEqual([...Array(12).fill('23:00'), ...Array(31).fill('22:00'), ...Array(9).fill('23:00')]);
    // the first run of the period, 01:00 on 1 January in Berlin; then each month's midnight in Berlin, January 2028's included
    expect(utc(s.script.monthly[0])).toBe('2027-01-01 00:00');
    expect(s.script.monthly.slice(1).map(utc)).toEqual(['2027-01-31 23:00', '2027-02-28 23:00', '2027-03-31 22:00', '2027-04-30 22:00',
      '2027-05-31 22:00', '2027-06-30 22:00', '2027-07-31 22:00', '2027-08-31 22:00', '2027-09-30 22:00', '2027-10-31 23:00', '2027-11-30 23:00',
      '2027-12-31 23:00']);
    expect(s.script.keys.get(s.script.monthly[12])).toEqual({ day: '2027-12-31', week: '2027-W52', month: '2028-01' });
  });
});

describe('checkBackupSchedule: a schedule must fill the tiers the vault keeps', () => {
  const BOTH = { weekly: true, monthly: true };

  test('accepts every sample schedule with weekly and monthly dumps on', () => {
    for (const { schedule, zone } of SAMPLES) expect([schedule, checkBackupSchedule(schedule, zone, BOTH).problems]).toEqual([schedule, []]);
    expect(BACKUP_CHECK_PERIOD).toEqual({ firstDay: '2027-01-01', lastDay: '2028-12-31' });
  });

  test('fails on 0 2 1 * * (monthly) while weekly dumps are kept, naming the first skipped weeks and the fix', () => {
    const [problem] = checkBackupSchedule('0 2 1 * *', 'Etc/UTC', { weekly: true, monthly: false }).problems;
    expect(problem.tier).toBe('weekly');
    expect(problem.reason).toBe('leaves whole ISO weeks without a run, and so without a weekly dump: 2027-W01 (2027-01-04 to 2027-01-10), '
      + '2027-W02 (2027-01-11 to 2027-01-17), 2027-W03 (2027-01-18 to 2027-01-24) and 78 more of the 104 weeks 2027-W01 to 2028-W52 (read in Etc/UTC) have none');
    expect(problem.fix).toMatch(/^run the backup at least once in every week .* or keep no weekly dumps: weeklyRetentionWeeks: 0 on the vault$/);
    expect(problem.sentence).toBe(`Backup schedule "0 2 1 * *" ${problem.reason}. Fix: ${problem.fix}.`);
  });

  test('fails on 0 2 * 1-6 * (January to June) while monthly dumps are kept, naming July to December', () => {
    const problems = checkBackupSchedule('0 2 * 1-6 *', 'Etc/UTC', { weekly: false, monthly: true }).problems;
    expect(problems.map((p) => p.tier)).toEqual(['monthly']);
    expect(problems[0].reason).toBe('leaves whole months without a run, and so without a monthly dump: 2027-07, 2027-08, 2027-09 and 9 more '
      + 'of the 24 months 2027-01 to 2028-12 (read in Etc/UTC) have none');
    expect(problems[0].fix).toMatch(/monthlyRetentionMonths: 0/);
    // with weekly dumps kept too, both tiers are named
    expect(checkBackupSchedule('0 2 * 1-6 *', 'Etc/UTC', BOTH).problems.map((p) => p.tier)).toEqual(['weekly', 'monthly']);
  });

  test('fails on 0 2 29 2 * (leap days), which leaves 103 weeks and 23 months empty', () => {
    const problems = checkBackupSchedule('0 2 29 2 *', 'Etc/UTC', BOTH).problems;
    expect(problems.map((p) => p.tier)).toEqual(['weekly', 'monthly']);
    expect(problems[0].reason).toContain('and 100 more of the 104 weeks');
    expect(problems[1].reason).toContain('2027-01, 2027-02, 2027-03 and 20 more of the 24 months');
    // with both tiers off it is a (rare) daily backup, and the gap from 2024-02-29 to 2028-02-29 is its max age
    const off = checkBackupSchedule('0 2 29 2 *', 'Etc/UTC', { weekly: false, monthly: false });
    expect(off.problems).toEqual([]);
    expect(off.longestGapSeconds).toBe((at('2028-02-29T02:00') - at('2024-02-29T02:00')));
  });

  test('fails on 30 2 * * 0 in New York: the spring change skips Sunday 02:30, and that ISO week has no run', () => {
    const [problem] = checkBackupSchedule('30 2 * * 0', 'America/New_York', BOTH).problems;
    expect(problem.reason).toBe('leaves whole ISO weeks without a run, and so without a weekly dump: 2027-W10 (2027-03-08 to 2027-03-14) and '
      + '2028-W10 (2028-03-06 to 2028-03-12) of the 104 weeks 2027-W01 to 2028-W52 (read in America/New_York) have none (on 2027-03-14 and 2028-03-12 '
      + 'its time of day does not exist in America/New_York: the clocks skip it when daylight saving time begins)');
    expect(checkBackupSchedule('30 3 * * 0', 'America/New_York', BOTH).problems).toEqual([]);
  });

  test('accepts 0 2 1 * * with weekly dumps off; its max age is the longest month, 31 days, plus the margin', () => {
    const check = checkBackupSchedule('0 2 1 * *', 'Etc/UTC', { weekly: false, monthly: true });
    expect(check.problems).toEqual([]);
    expect(check.maxAgeSeconds).toBe(31 * DAY + BACKUP_MAX_AGE_MARGIN_SECONDS);
  });

  test('the max age is the longest gap between two runs plus 6 hours: daily 24 h, Monday to Saturday 48 h, Berlin across the autumn change 25 h', () => {
    expect(BACKUP_MAX_AGE_MARGIN_SECONDS).toBe(6 * HOUR);
    const age = (schedule: string, zone: string) => checkBackupSchedule(schedule, zone, BOTH).maxAgeSeconds / HOUR;
    expect(age('0 2 * * *', 'Etc/UTC')).toBe(24 + 6);
    expect(age('0 2 * * 1-6', 'Etc/UTC')).toBe(48 + 6);
    expect(age('0 3 * * *', 'Europe/Berlin')).toBe(25 + 6);
    // 02:00 does not exist in Berlin on the spring change: 47 hours between two runs
    expect(age('0 2 * * *', 'Europe/Berlin')).toBe(47 + 6);
    // 01:30 happens twice in New York in November; a droplet's timer runs it once, the first time: 25 hours
    expect(age('30 1 * * *', 'America/New_York')).toBe(25 + 6);
    expect(age('@weekly', 'Etc/UTC')).toBe(7 * 24 + 6);
    expect(age('@hourly', 'Etc/UTC')).toBe(1 + 6);
    expect(age('* * * * *', 'Etc/UTC')).toBe(1 / 60 + 6);
    expect(age('0 2 15 * 0', 'Etc/UTC')).toBe(7 * 24 + 6);
  });

  test('a caller makes one validation problem of each, on backupTo.options.schedule', () => {
    const check = checkBackupSchedule('0 2 1 * *', 'America/Lima', BOTH);
    const error = new ErpValidationError('dev/App', check.problems.map((p) => ({ prop: 'backupTo.options.schedule', value: '0 2 1 * *', problem: p.reason, fix: p.fix })));
    expect(error.message).toMatch(/^Invalid input at dev\/App \(1 problem\):\n {2}- backupTo\.options\.schedule: leaves whole ISO weeks without a run, .* \(read in America\/Lima\) have none \(got "0 2 1 \* \*"\)\. Fix: run the backup at least once in every week/);
  });

  test('takes a few milliseconds at synth, every minute of the year included', () => {
    const timings: string[] = [];
    for (const schedule of ['0 2 * * *', '* * * * *', '@hourly']) {
      for (const zone of ['Etc/UTC', 'Europe/Berlin']) {
        const ms: number[] = [];
        for (let i = 0; i < 21; i++) {
          const started = process.hrtime.bigint();
          checkBackupSchedule(schedule, zone, BOTH);
          ms.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
        const first = ms[0];
        const median = ms.slice(1).sort((a, b) => a - b)[10];
        timings.push(`${schedule.padEnd(10)} ${zone.padEnd(14)} first ${first.toFixed(2)} ms, then median ${median.toFixed(2)} ms, max ${Math.max(...ms.slice(1)).toFixed(2)} ms`);
        expect([schedule, zone, median < 50]).toEqual([schedule, zone, true]);
      }
    }
    console.log(`checkBackupSchedule timings:\n${timings.join('\n')}`);
  });
});
