import { parseCron } from '../../../private/cron';
import { shellQuote } from '../../../private/backup-job';
import { isUtcZone, posixTimeZone } from '../../../../private/time-zone';

/**
 * A POSIX sh loop that runs `command` whenever the cron schedule matches the
 * current minute in `timeZone` (Vixie semantics: when both day fields are
 * restricted, either may match). It needs only `sh`, `date`, `expr` and `sleep` in the
 * image, and avoids `${` so that it passes through Terraform strings.
 *
 * UTC (the default) reads `date -u`. Another zone reads `TZ=<zone> date` for the
 * schedule only (the command's environment is left alone), so the loop follows
 * the zone's daylight saving changes: a local time the change skips does not
 * occur that day, and one it repeats matches twice. `date` needs the zone in the
 * image's time zone database (`/usr/share/zoneinfo`, the `tzdata` package; Alpine
 * and slim images often lack it, and libc then silently reads UTC): when the file
 * is missing, the loop says so once on stderr and uses the zone's POSIX rule
 * instead (`<-05>5` for America/Lima; offsets and daylight saving dates as the
 * zone has them in the year of synthesis: exact until the zone changes its rules).
 */
export function cronLoopScript(schedule: string, command: readonly string[], timeZone?: string): string {
  const r = parseCron(schedule);
  if (!r.ok) throw new Error(`invalid schedule ${schedule}: ${r.error}`);
  const s = r.schedule;
  const set = (values: readonly number[]) => ` ${values.join(' ')} `;
  const run = command.map(shellQuote).join(' ');
  const dayTest = s.anyDayOfMonth || s.anyDayOfWeek
    ? 'in_set "$dom_set" "$d" && in_set "$dow_set" "$w"'
    : '{ in_set "$dom_set" "$d" || in_set "$dow_set" "$w"; }';
  const utc = isUtcZone(timeZone);
  const zone = utc ? [] : zoneLines(timeZone!);
  return [
    `min_set='${set(s.minutes)}'`,
    `hour_set='${set(s.hours)}'`,
    `dom_set='${set(s.daysOfMonth)}'`,
    `mon_set='${set(s.months)}'`,
    `dow_set='${set(s.daysOfWeek)}'`,
    ...zone,
    'in_set() { case "$1" in *" $2 "*) return 0;; esac; return 1; }',
    'while :; do',
    utc ? '  set -- $(date -u "+%M %H %d %m %w")' : '  set -- $(TZ="$zone" date "+%M %H %d %m %w")',
    '  m=$(expr "$1" + 0); h=$(expr "$2" + 0); d=$(expr "$3" + 0); mo=$(expr "$4" + 0); w=$(expr "$5" + 0)',
    `  if in_set "$min_set" "$m" && in_set "$hour_set" "$h" && in_set "$mon_set" "$mo" && ${dayTest}; then`,
    `    ( ${run} ) &`,
    '  fi',
    '  sleep $(expr 60 - $(date -u +%S | sed "s/^0//"))',
    'done',
  ].join('\n');
}

/** Sets `$zone`: the IANA name when the image has its file, else the zone's POSIX rule (with a note on stderr). */
function zoneLines(timeZone: string): string[] {
  const posix = posixTimeZone(timeZone).rule;
  return [
    `zone=${shellQuote(timeZone)}`,
    `[ -f /usr/share/zoneinfo/${shellQuote(timeZone)} ] || { zone=${shellQuote(posix)}; `
      + `echo "cron loop: this image has no time zone database entry for ${timeZone} (install tzdata); using the POSIX rule ${posix}" >&2; }`,
  ];
}
