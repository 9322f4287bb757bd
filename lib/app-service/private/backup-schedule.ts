import { CronSchedule, parseCron } from './cron';
import { isUtcZone } from '../../private/time-zone';

/**
 * When a backup job runs, and what each run files: the instants a cron schedule fires at in a time
 * zone, the dumps the backup script (`lib/backup/scripts/erp-backup.sh`) files under `daily/`,
 * `weekly/` and `monthly/` for them, and the synth-time check of a schedule against the tiers its
 * vault keeps.
 *
 * The rules this follows are the runtimes' and the script's:
 * - Vixie cron's fields, as `parseCron` reads them; when both day fields are restricted a day runs
 *   when either matches (a field of `*` or `*\/1` is unrestricted, as for the Docker cron loop and
 *   the droplets' systemd calendars, which read the same `parseCron` flags).
 * - The schedule is read in the zone's wall-clock time. A local time that a daylight saving change
 *   skips does not occur that day; one that a change repeats occurs twice (the Docker cron loop runs
 *   it twice; a droplet's systemd timer runs it once, the first time: see `repeated`).
 * - Every run uploads a daily dump; the first run of an ISO week (`date +%G-W%V` in the zone) also a
 *   weekly one, and the first run of a month (`date +%Y-%m` in the zone) also a monthly one.
 *
 * Days are walked in the zone's calendar with the zone's UTC offsets (read from `Intl` once a week,
 * bisected to the minute of each change, cached per zone), so the cost follows the number of days,
 * not of minutes.
 */

const DAY = 86_400;
const MINUTE = 60;
/** Offsets lie within UTC-12 and UTC+14; a margin of 16 hours covers every zone. */
const OFFSET_MARGIN = 16 * 3_600;

/** The margin added to the longest gap between two runs for `BACKUP_MAX_AGE_SECONDS`: the time a dump takes, and a late start (a reboot, a pulled image, a CronJob's delay). */
export const BACKUP_MAX_AGE_MARGIN_SECONDS = 6 * 3_600;

/**
 * The period `checkBackupSchedule` simulates: the job's local calendar days from `firstDay` to
 * `lastDay`, both included. Fixed, so that a synth gives the same verdict and the same
 * `BACKUP_MAX_AGE_SECONDS` whatever the day it runs on. Two years: 2028 is a leap year (29 February),
 * every weekday begins a month at least once in each year (every alignment of a month's days with
 * the weekdays that a day-of-month schedule meets), and a zone with daylight saving time changes its
 * clocks twice in each.
 * It is a simulation, not a proof: a gap that only another year's calendar has goes unseen, and
 * offsets are the ones the runtime's time zone data (ICU) knows today.
 */
export const BACKUP_CHECK_PERIOD = { firstDay: '2027-01-01', lastDay: '2028-12-31' } as const;

/**
 * How far back `checkBackupSchedule` looks for the run before the period's first one (the gap
 * before it counts too). Far enough for a leap day (`0 2 29 2 *`: 2024-02-29 before 2028-02-29).
 */
const LOOKBACK_FIRST_DAY = '2019-01-01';

/** Most instants `cronOccurrences` returns (about four years of a schedule that runs every minute). */
export const MAX_OCCURRENCES = 2_000_000;

/** What to do with a local time that a daylight saving change repeats. */
export type RepeatedLocalTime = 'twice' | 'once';

/**
 * The instants at which `schedule` fires in `timeZone`, in epoch seconds, ascending: at or after
 * `fromEpochSeconds` and before `toEpochSeconds`. A local time that a daylight saving change skips
 * does not occur that day. One that it repeats occurs twice (`repeated: 'twice'`, the default: what
 * the Docker cron loop does) or once, the earlier (`'once'`: what a droplet's systemd timer does).
 * Throws on a schedule `parseCron` refuses, and a `RangeError` beyond `MAX_OCCURRENCES` instants.
 */
export function cronOccurrences(schedule: string, timeZone: string, fromEpochSeconds: number, toEpochSeconds: number,
  repeated: RepeatedLocalTime = 'twice'): number[] {
  const out: number[] = [];
  walkRuns(schedule, timeZone, fromEpochSeconds, toEpochSeconds, repeated, (_day, instants) => {
    if (out.length + instants.length > MAX_OCCURRENCES) {
      throw new RangeError(`${schedule} fires more than ${MAX_OCCURRENCES} times from ${iso(fromEpochSeconds)} to ${iso(toEpochSeconds)}; ask for a shorter period`);
    }
    for (const t of instants) out.push(t);
  });
  return out;
}

/** The dumps of the runs of one period: epoch seconds of the runs that upload to each tier. */
export interface BackupCalendar {
  /** Every run (each uploads a daily dump). */
  readonly daily: number[];
  /** The first run of each ISO week of the zone (`date +%G-W%V`) in the period. */
  readonly weekly: number[];
  /** The first run of each month of the zone (`date +%Y-%m`) in the period. */
  readonly monthly: number[];
}

/**
 * Which runs of `schedule` (read in `timeZone`) at or after `fromEpoch` and before `toEpoch` upload
 * to which tier, as the backup script files them when the vault starts empty at `fromEpoch`: every
 * run to `daily/`, the first of each ISO week to `weekly/`, the first of each month to `monthly/`
 * (weeks and months read in the zone). A week or month already begun at `fromEpoch` counts from there.
 */
export function backupCalendar(schedule: string, timeZone: string, fromEpoch: number, toEpoch: number): BackupCalendar {
  const daily: number[] = [];
  const weekly: number[] = [];
  const monthly: number[] = [];
  let week = Number.NaN;
  let month = '';
  walkRuns(schedule, timeZone, fromEpoch, toEpoch, 'twice', (day, instants) => {
    if (daily.length + instants.length > MAX_OCCURRENCES) {
      throw new RangeError(`${schedule} fires more than ${MAX_OCCURRENCES} times from ${iso(fromEpoch)} to ${iso(toEpoch)}; ask for a shorter period`);
    }
    for (const t of instants) daily.push(t);
    const monday = isoMonday(day);
    if (monday !== week) {
      week = monday;
      weekly.push(instants[0]);
    }
    const m = monthKey(day);
    if (m !== month) {
      month = m;
      monthly.push(instants[0]);
    }
  });
  return { daily, weekly, monthly };
}

/** The keys the backup script files a dump under (its `keys` subcommand): the UTC day, and the ISO week and the month in `timeZone`. */
export interface BackupKeys {
  /** `YYYY-MM-DD`, the dump's UTC date. */
  readonly day: string;
  /** `GGGG-Www`, the ISO week in the zone (`date +%G-W%V`). */
  readonly week: string;
  /** `YYYY-MM`, the month in the zone (`date +%Y-%m`). */
  readonly month: string;
}

/** The keys of a dump taken at `epochSeconds`, as `erp-backup.sh keys` prints them with `BACKUP_TIME_ZONE=timeZone`. */
export function backupKeys(epochSeconds: number, timeZone: string): BackupKeys {
  const local = Math.floor((epochSeconds + zoneOf(timeZone).offsetAt(epochSeconds)) / DAY);
  return { day: dayText(Math.floor(epochSeconds / DAY)), week: isoWeekKey(local), month: monthKey(local) };
}

/** One problem of a backup schedule: the parts of a validation message, and the whole sentence. */
export interface BackupScheduleProblem {
  /** `weekly` or `monthly`: the tier the schedule leaves without dumps; `runs` when it never runs. */
  readonly tier: 'weekly' | 'monthly' | 'runs';
  /** What is wrong, to follow the field's name (`leaves whole ISO weeks without a run, ...`): a `ValidationProblem`'s `problem`. */
  readonly reason: string;
  /** How to fix it: a `ValidationProblem`'s `fix`. */
  readonly fix: string;
  /** The problem as one full sentence, with the schedule and the fix (`Backup schedule "0 2 1 * *" leaves ... Fix: ...`). */
  readonly sentence: string;
}

/** The verdict on a backup schedule. */
export interface BackupScheduleCheck {
  /**
   * What is wrong, in the order weekly, monthly (or only `runs`); empty when the schedule is fine.
   * For a validation error: `p.add('backupTo.options.schedule', schedule, problem.reason, problem.fix)`.
   */
  readonly problems: BackupScheduleProblem[];
  /**
   * For `BACKUP_MAX_AGE_SECONDS`: the longest gap between two consecutive runs (a run in
   * `BACKUP_CHECK_PERIOD` and the one before it, daylight saving changes included, a repeated
   * local time counted once as a systemd timer runs it), plus `BACKUP_MAX_AGE_MARGIN_SECONDS`.
   * 0 when the schedule never runs (a problem says so).
   */
  readonly maxAgeSeconds: number;
  /** The longest gap alone, in seconds. */
  readonly longestGapSeconds: number;
}

/**
 * Checks a backup schedule against the tiers its vault keeps, over `BACKUP_CHECK_PERIOD` in
 * `timeZone`: a schedule that leaves a whole ISO week without a run while the vault keeps weekly
 * dumps (`tiers.weekly`), or a whole month while it keeps monthly dumps, is a problem that names
 * the weeks or months and the fix. Only whole weeks and months inside the period are judged
 * (2027-W01 to 2028-W52, 2027-01 to 2028-12). Also works out `BACKUP_MAX_AGE_SECONDS`.
 * Throws on a schedule `parseCron` refuses (check it first).
 */
export function checkBackupSchedule(schedule: string, timeZone: string, tiers: { readonly weekly: boolean; readonly monthly: boolean }): BackupScheduleCheck {
  const s = parsed(schedule);
  const zone = zoneOf(timeZone);
  const first = dayNumber(BACKUP_CHECK_PERIOD.firstDay);
  const last = dayNumber(BACKUP_CHECK_PERIOD.lastDay);
  const times = timesOfDay(s);
  const intraGap = times.length > 1 ? Math.max(...times.slice(1).map((t, i) => t - times[i])) : 0;

  // per day of the period: did it run, and did it match but lose its times to a daylight saving change
  const ran = new Uint8Array(last - first + 1);
  const lost: number[] = [];
  let previousLast = Number.NaN;
  let firstRun = Number.NaN;
  let gap = 0;
  const segments = zone.segments((first - 1) * DAY - OFFSET_MARGIN, (last + 2) * DAY + OFFSET_MARGIN);
  for (let day = first; day <= last; day++) {
    if (!matchesDay(s, day)) continue;
    const runs = runsOfDay(day, times, segments, 'once');
    if (runs.kind === 'none') {
      lost.push(day);
      continue;
    }
    ran[day - first] = 1;
    const { firstAt, lastAt } = runs.kind === 'simple'
      ? { firstAt: runs.base + times[0], lastAt: runs.base + times[times.length - 1] }
      : { firstAt: runs.instants[0], lastAt: runs.instants[runs.instants.length - 1] };
    gap = Math.max(gap, runs.kind === 'simple' ? intraGap : maxStep(runs.instants));
    if (Number.isNaN(firstRun)) firstRun = firstAt;
    else gap = Math.max(gap, firstAt - previousLast);
    previousLast = lastAt;
  }

  const details: Problem[] = [];
  if (Number.isNaN(firstRun)) {
    details.push({
      tier: 'runs',
      reason: `never runs from ${BACKUP_CHECK_PERIOD.firstDay} to ${BACKUP_CHECK_PERIOD.lastDay} in ${timeZone}${lostNote(lost, timeZone)}`,
      fix: "give a schedule that runs at least once a week, such as '0 2 * * *' (every day at 02:00)",
    });
    return withSentences(schedule, details, 0, 0);
  }
  // the gap before the period's first run: the last run before the period
  const before = lastRunBefore(s, times, zone, first);
  if (before !== undefined) gap = Math.max(gap, firstRun - before);

  if (tiers.weekly) {
    // the ISO weeks whose seven days all lie in the period
    const firstMonday = isoMonday(first) === first ? first : isoMonday(first) + 7;
    const skipped: number[] = [];
    let weeks = 0;
    for (let monday = firstMonday; monday + 6 <= last; monday += 7) {
      weeks++;
      if (!ran.subarray(monday - first, monday - first + 7).includes(1)) skipped.push(monday);
    }
    if (skipped.length > 0) {
      const named = skipped.slice(0, 3).map((m) => `${isoWeekKey(m)} (${dayText(m)} to ${dayText(m + 6)})`);
      const lostHere = lost.filter((d) => skipped.includes(isoMonday(d)));
      details.push({
        tier: 'weekly',
        reason: `leaves whole ISO weeks without a run, and so without a weekly dump: ${listOf(named, skipped.length)} `
          + `of the ${weeks} weeks ${isoWeekKey(firstMonday)} to ${isoWeekKey(firstMonday + 7 * (weeks - 1))} `
          + `(read in ${timeZone}) have none${lostNote(lostHere, timeZone)}`,
        fix: "run the backup at least once in every week (every day, as '0 2 * * *', or on one weekday, as '0 2 * * 1'), "
          + 'or keep no weekly dumps: weeklyRetentionWeeks: 0 on the vault',
      });
    }
  }
  if (tiers.monthly) {
    // the months whose days all lie in the period
    const skipped: string[] = [];
    const lostHere: number[] = [];
    let months = 0;
    let firstMonth = '';
    let lastMonth = '';
    for (let start = civil(first).dom === 1 ? first : nextMonthStart(first); nextMonthStart(start) - 1 <= last; start = nextMonthStart(start)) {
      const next = nextMonthStart(start);
      months++;
      firstMonth ||= monthKey(start);
      lastMonth = monthKey(start);
      if (!ran.subarray(start - first, next - first).includes(1)) {
        skipped.push(monthKey(start));
        lostHere.push(...lost.filter((d) => d >= start && d < next));
      }
    }
    if (skipped.length > 0) {
      details.push({
        tier: 'monthly',
        reason: `leaves whole months without a run, and so without a monthly dump: ${listOf(skipped.slice(0, 3), skipped.length)} `
          + `of the ${months} months ${firstMonth} to ${lastMonth} (read in ${timeZone}) have none${lostNote(lostHere, timeZone)}`,
        fix: "run the backup at least once in every month (any daily or weekly schedule does, as '0 2 * * *'), "
          + 'or keep no monthly dumps: monthlyRetentionMonths: 0 on the vault',
      });
    }
  }
  return withSentences(schedule, details, gap + BACKUP_MAX_AGE_MARGIN_SECONDS, gap);
}

// --- the walk ----------------------------------------------------------------

function parsed(schedule: string): CronSchedule {
  const r = parseCron(schedule);
  if (!r.ok) throw new Error(`invalid schedule ${JSON.stringify(schedule)}: ${r.error}`);
  return r.schedule;
}

/** Seconds after local midnight at which the schedule fires on a day it runs, ascending. */
function timesOfDay(s: CronSchedule): number[] {
  const out: number[] = [];
  for (const h of s.hours) for (const m of s.minutes) out.push(h * 3_600 + m * MINUTE);
  return out;
}

/** Whether the schedule runs on a local day (days since 1970-01-01): month, and Vixie's day rule. */
function matchesDay(s: CronSchedule, day: number): boolean {
  const { month, dom } = civil(day);
  if (!s.months.includes(month)) return false;
  const domOk = s.daysOfMonth.includes(dom);
  const dowOk = s.daysOfWeek.includes(weekday(day));
  return s.anyDayOfMonth || s.anyDayOfWeek ? domOk && dowOk : domOk || dowOk;
}

type DayRuns = { kind: 'none' } | { kind: 'simple'; base: number } | { kind: 'dst'; instants: number[] };

/**
 * The runs of a local day the schedule matches: `simple` when one offset holds all day (the runs
 * are `base + times`), `dst` with the instants on a day the offset changes.
 */
function runsOfDay(day: number, times: readonly number[], segments: readonly Segment[], repeated: RepeatedLocalTime): DayRuns {
  const start = day * DAY;
  const near = segmentsNear(segments, start);
  if (near.length === 1 && near[0].start + near[0].offset <= start && near[0].end + near[0].offset >= start + DAY) {
    return { kind: 'simple', base: start - near[0].offset };
  }
  const instants: number[] = [];
  for (const tau of times) {
    for (const seg of near) {
      const t = start + tau - seg.offset;
      if (t >= seg.start && t < seg.end) {
        instants.push(t);
        if (repeated === 'once') break;
      }
    }
  }
  if (instants.length === 0) return { kind: 'none' };
  instants.sort((a, b) => a - b);
  return { kind: 'dst', instants };
}

/** Calls `visit` for each local day with runs in [from, to), with its runs in that range, ascending. */
function walkRuns(schedule: string, timeZone: string, from: number, to: number, repeated: RepeatedLocalTime,
  visit: (day: number, instants: number[]) => void): void {
  const s = parsed(schedule);
  if (!(to > from)) return;
  const times = timesOfDay(s);
  const segments = zoneOf(timeZone).segments(from - DAY - OFFSET_MARGIN, to + DAY + OFFSET_MARGIN);
  for (let day = Math.floor(from / DAY) - 1; day <= Math.floor(to / DAY) + 1; day++) {
    if (!matchesDay(s, day)) continue;
    const runs = runsOfDay(day, times, segments, repeated);
    if (runs.kind === 'none') continue;
    let instants = runs.kind === 'simple' ? times.map((tau) => runs.base + tau) : runs.instants;
    if (instants[0] < from || instants[instants.length - 1] >= to) instants = instants.filter((t) => t >= from && t < to);
    if (instants.length > 0) visit(day, instants);
  }
}

/** The last run (a repeated local time counted once) before local day `first`, back to `LOOKBACK_FIRST_DAY`. */
function lastRunBefore(s: CronSchedule, times: readonly number[], zone: Zone, first: number): number | undefined {
  const stop = dayNumber(LOOKBACK_FIRST_DAY);
  // a week, then a year at a time: a schedule that ran the week before reads no more of the zone's offsets
  for (let end = first - 1, span = 7; end >= stop; end -= span, span = 366) {
    const begin = Math.max(stop, end - span + 1);
    const segments = zone.segments(begin * DAY - OFFSET_MARGIN, (end + 1) * DAY + OFFSET_MARGIN);
    for (let day = end; day >= begin; day--) {
      if (!matchesDay(s, day)) continue;
      const runs = runsOfDay(day, times, segments, 'once');
      if (runs.kind === 'simple') return runs.base + times[times.length - 1];
      if (runs.kind === 'dst') return runs.instants[runs.instants.length - 1];
    }
  }
  return undefined;
}

function maxStep(instants: readonly number[]): number {
  let m = 0;
  for (let i = 1; i < instants.length; i++) m = Math.max(m, instants[i] - instants[i - 1]);
  return m;
}

// --- messages ----------------------------------------------------------------

type Problem = Omit<BackupScheduleProblem, 'sentence'>;

function withSentences(schedule: string, details: Problem[], maxAgeSeconds: number, longestGapSeconds: number): BackupScheduleCheck {
  return {
    problems: details.map((d) => ({ ...d, sentence: `Backup schedule ${JSON.stringify(schedule)} ${d.reason}. Fix: ${d.fix}.` })),
    maxAgeSeconds,
    longestGapSeconds,
  };
}

/** `a, b, c and 9 more` / `a and b` / `a`. */
function listOf(named: readonly string[], total: number): string {
  if (total > named.length) return `${named.join(', ')} and ${total - named.length} more`;
  if (named.length === 1) return named[0];
  return `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}`;
}

/** Says which matching days lost their runs to a daylight saving change. */
function lostNote(days: readonly number[], timeZone: string): string {
  if (days.length === 0) return '';
  const shown = days.slice(0, 3).map(dayText);
  return ` (on ${listOf(shown, days.length)} its time of day does not exist in ${timeZone}: the clocks skip it when daylight saving time begins)`;
}

// --- calendar arithmetic on day numbers (days since 1970-01-01) -----------------

function civil(day: number): { year: number; month: number; dom: number } {
  const d = new Date(day * DAY * 1000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, dom: d.getUTCDate() };
}

/** 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** The Monday that begins the ISO week of `day`. */
function isoMonday(day: number): number {
  return day - ((weekday(day) + 6) % 7);
}

/** `GGGG-Www`, as `date +%G-W%V`: the week's year is the year of its Thursday. */
function isoWeekKey(day: number): string {
  const thursday = isoMonday(day) + 3;
  const year = civil(thursday).year;
  const week = Math.floor((thursday - Date.UTC(year, 0, 1) / 1000 / DAY) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

function monthKey(day: number): string {
  const { year, month } = civil(day);
  return `${year}-${String(month).padStart(2, '0')}`;
}

function nextMonthStart(day: number): number {
  const { year, month } = civil(day);
  return Date.UTC(year, month, 1) / 1000 / DAY;
}

function dayNumber(text: string): number {
  return Date.parse(`${text}T00:00:00Z`) / 1000 / DAY;
}

function dayText(day: number): string {
  return new Date(day * DAY * 1000).toISOString().slice(0, 10);
}

function iso(epochSeconds: number): string {
  return new Date(epochSeconds * 1000).toISOString();
}

// --- a zone's offsets ----------------------------------------------------------

/** A span of UTC time [start, end) with one offset (seconds east of UTC). */
interface Segment {
  readonly start: number;
  readonly end: number;
  readonly offset: number;
}

/** The segments whose local time can fall on the local day beginning at `localStart`. */
function segmentsNear(segments: readonly Segment[], localStart: number): Segment[] {
  let lo = 0;
  let hi = segments.length;
  // the first segment that ends after the earliest UTC instant of the day
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid].end <= localStart - OFFSET_MARGIN) lo = mid + 1; else hi = mid;
  }
  const out: Segment[] = [];
  for (let i = lo; i < segments.length && segments[i].start < localStart + DAY + OFFSET_MARGIN; i++) {
    const seg = segments[i];
    if (seg.start + seg.offset < localStart + DAY && seg.end + seg.offset > localStart) out.push(seg);
  }
  return out;
}

interface Zone {
  /** The offset at an instant, in seconds east of UTC. */
  offsetAt(epochSeconds: number): number;
  /** The segments covering [from, to), merged where the offset does not change. */
  segments(from: number, to: number): Segment[];
}

const UTC: Zone = {
  offsetAt: () => 0,
  segments: (from, to) => [{ start: from, end: to, offset: 0 }],
};

const zones = new Map<string, Zone>();

function zoneOf(timeZone: string): Zone {
  if (isUtcZone(timeZone)) return UTC;
  let zone = zones.get(timeZone);
  if (zone === undefined) {
    zone = intlZone(timeZone);
    zones.set(timeZone, zone);
  }
  return zone;
}

/** Days between two readings of a zone's offset; a change is then found to the minute by bisection. */
const PROBE_DAYS = 7;

/**
 * A zone read through `Intl`: the offset every `PROBE_DAYS` days at UTC midnight (cached), and where
 * two readings differ, the minute it changes (bisection). A week holding two changes would be read as
 * one at most (no zone changes its clocks twice within a week); a reading costs a few microseconds
 * once ICU has the zone, so two years take about 110 readings and 15 per change.
 */
function intlZone(timeZone: string): Zone {
  const fmt = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  const offsetAt = (t: number): number => {
    const m = /GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(fmt.format(new Date(t * 1000)));
    if (m === null) throw new Error(`cannot read the UTC offset of ${timeZone}`);
    if (m[1] === undefined) return 0;
    const east = Number(m[2]) * 3_600 + Number(m[3]) * MINUTE + Number(m[4] ?? 0);
    return m[1] === '-' ? -east : east;
  };
  /** Readings at the UTC midnights of days that are multiples of PROBE_DAYS. */
  const readings = new Map<number, number>();
  const reading = (probe: number): number => {
    let o = readings.get(probe);
    if (o === undefined) {
      o = offsetAt(probe * DAY);
      readings.set(probe, o);
    }
    return o;
  };
  const changes = new Map<number, number>();
  /** The first minute after the reading at `probe` with the next reading's offset. */
  const changeAfter = (probe: number): number => {
    let at = changes.get(probe);
    if (at === undefined) {
      const before = reading(probe);
      let lo = probe * DAY;
      let hi = (probe + PROBE_DAYS) * DAY;
      while (hi - lo > MINUTE) {
        const mid = lo + Math.floor((hi - lo) / (2 * MINUTE)) * MINUTE;
        if (offsetAt(mid) === before) lo = mid; else hi = mid;
      }
      at = hi;
      changes.set(probe, at);
    }
    return at;
  };
  return {
    offsetAt,
    segments(from: number, to: number): Segment[] {
      const out: Segment[] = [];
      // whole spans between readings: the first segment begins at a reading
      const firstProbe = Math.floor(from / DAY / PROBE_DAYS) * PROBE_DAYS;
      const lastProbe = Math.floor((to - 1) / DAY / PROBE_DAYS) * PROBE_DAYS;
      let start = firstProbe * DAY;
      let offset = reading(firstProbe);
      for (let probe = firstProbe; probe <= lastProbe; probe += PROBE_DAYS) {
        const next = reading(probe + PROBE_DAYS);
        if (next === offset) continue;
        const at = changeAfter(probe);
        out.push({ start, end: at, offset });
        start = at;
        offset = next;
      }
      out.push({ start, end: (lastProbe + PROBE_DAYS) * DAY, offset });
      return out;
    },
  };
}
