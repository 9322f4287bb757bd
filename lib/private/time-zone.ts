/**
 * Time zones of schedules: which names are accepted, which mean UTC, and the
 * POSIX `TZ` rule of a zone for a container image that has no time zone database.
 */

/** The zone schedules run in when none is given. */
export const UTC_ZONE = 'Etc/UTC';

/** True for the names that mean UTC (no zone to render: today's UTC output). */
export function isUtcZone(zone: string | undefined): boolean {
  return zone === undefined || zone === 'UTC' || zone === UTC_ZONE;
}

/**
 * Areas of the IANA database's `backward` file (`US/Eastern`, `Canada/Central`, ...), which Ubuntu
 * 24.04 ships in the `tzdata-legacy` package only: systemd on a droplet would not find them.
 */
const LEGACY_AREAS = ['US', 'Canada', 'Mexico', 'Brazil', 'Chile'];

/** An `Area/Location` name as the IANA database spells them (`America/Lima`, `America/Port-au-Prince`, `Etc/GMT+5`). */
const ZONE_NAME_RE = /^[A-Z][A-Za-z0-9_+-]*(\/[A-Z][A-Za-z0-9_+-]*)+$/;

/** What is wrong with a time zone name, and the fix; undefined when runtimes can use it. */
export function timeZoneProblem(zone: unknown): { problem: string; fix: string } | undefined {
  const example = "give an IANA time zone name such as 'America/Lima', 'America/Mexico_City' or 'Etc/UTC'";
  if (typeof zone !== 'string') return { problem: 'is not a time zone name (a string)', fix: example };
  if (isUtcZone(zone)) return undefined;
  let canonical: string;
  try {
    canonical = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return { problem: 'is not a time zone of the IANA time zone database', fix: `${example} (the list: Intl.supportedValuesOf('timeZone'))` };
  }
  // ICU resolves names whatever their case; the runtimes' databases (files, Go's tzdata) do not
  if (!ZONE_NAME_RE.test(zone) || (canonical.toLowerCase() === zone.toLowerCase() && canonical !== zone)) {
    const spelled = canonical.includes('/') ? `'${canonical}'` : "an 'Area/Location' name";
    return { problem: 'is not spelled as the IANA time zone database names its zones (Area/Location, capitalized)', fix: `write ${spelled}, or 'Etc/UTC' for UTC` };
  }
  if (LEGACY_AREAS.includes(zone.split('/')[0])) {
    return { problem: 'is a legacy alias that Ubuntu 24.04 ships only in the tzdata-legacy package', fix: `use the zone it stands for, '${canonical}'` };
  }
  return undefined;
}

/** The parts of a time zone's POSIX `TZ` rule. */
export interface PosixTimeZone {
  /** The rule (`<-05>5`, `<-05>5<-04>4,M3.2.0/2,M11.1.0/2`). */
  readonly rule: string;
  /**
   * True when the rule reproduces the zone's offsets of the whole year it was derived from (no
   * change of rules in that year, at most two transitions); false when it is the year's last offset only.
   */
  readonly exact: boolean;
}

/**
 * The POSIX `TZ` rule of a zone (IEEE 1003.1 §8.3, as glibc and musl read it), derived from the
 * zone's offsets in `year` through `Intl`: standard time, and daylight time with the month, week and
 * weekday of each change (`Mm.w.d/time`), so that `date` keeps following the zone across daylight
 * saving changes without a time zone database. A rule states the current year's pattern; a zone
 * whose rules change later needs the database (tzdata) to stay right.
 */
export function posixTimeZone(zone: string, year: number = new Date().getUTCFullYear()): PosixTimeZone {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  const offset = (ms: number): number => {
    const parts = fmt.formatToParts(new Date(ms));
    const get = (type: string) => Number(parts.find((x) => x.type === type)?.value);
    const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour') % 24, get('minute'), get('second'));
    return Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
  };
  const DAY = 86_400_000;
  const changes: Array<{ at: number; from: number; to: number }> = [];
  for (let t = Date.UTC(year, 0, 1); t < Date.UTC(year + 1, 0, 1); t += DAY) {
    const from = offset(t);
    const to = offset(t + DAY);
    if (from === to) continue;
    // the first minute with the new offset
    let lo = t;
    let hi = t + DAY;
    while (hi - lo > 60_000) {
      const mid = lo + Math.floor((hi - lo) / 120_000) * 60_000;
      if (offset(mid) === from) lo = mid; else hi = mid;
    }
    changes.push({ at: hi, from, to });
  }
  const last = offset(Date.UTC(year + 1, 0, 1));
  if (changes.length === 0) return { rule: `${posixName(last)}${posixOffset(last)}`, exact: true };
  const [a, b] = changes;
  if (changes.length !== 2 || a.from !== b.to || a.to !== b.from) return { rule: `${posixName(last)}${posixOffset(last)}`, exact: false };
  const std = Math.min(a.from, a.to);
  const dst = Math.max(a.from, a.to);
  const start = a.to === dst ? a : b;
  const end = start === a ? b : a;
  return { rule: `${posixName(std)}${posixOffset(std)}${posixName(dst)}${posixOffset(dst)},${posixDate(start.at + std * 60_000)},${posixDate(end.at + dst * 60_000)}`, exact: true };
}

/** `<-05>`, `<+0530>`: a quoted name that states the offset (minutes east of UTC). */
function posixName(east: number): string {
  const abs = Math.abs(east);
  const mm = abs % 60;
  return `<${east < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${mm ? String(mm).padStart(2, '0') : ''}>`;
}

/** POSIX offsets count west of UTC: `5` for UTC-5, `-5:30` for UTC+5:30. */
function posixOffset(east: number): string {
  const west = -east;
  const abs = Math.abs(west);
  const mm = abs % 60;
  return `${west < 0 ? '-' : ''}${Math.floor(abs / 60)}${mm ? `:${String(mm).padStart(2, '0')}` : ''}`;
}

/** `Mm.w.d/time` of a local wall-clock instant: week 5 is the month's last such weekday. */
function posixDate(localMs: number): string {
  const d = new Date(localMs);
  const day = d.getUTCDate();
  const daysInMonth = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  const week = day + 7 > daysInMonth ? 5 : Math.ceil(day / 7);
  const minutes = d.getUTCHours() * 60 + d.getUTCMinutes();
  const time = `${Math.floor(minutes / 60)}${minutes % 60 ? `:${String(minutes % 60).padStart(2, '0')}` : ''}`;
  return `M${d.getUTCMonth() + 1}.${week}.${d.getUTCDay()}/${time}`;
}
