import { parseCron } from '../../../private/cron';
import { shellQuote } from '../../../private/backup-job';

/**
 * A POSIX sh loop that runs `command` whenever the cron schedule matches the
 * current UTC minute (Vixie semantics: when both day fields are restricted,
 * either may match). It needs only `sh`, `date`, `expr` and `sleep` in the
 * image, and avoids `${` so that it passes through Terraform strings.
 */
export function cronLoopScript(schedule: string, command: readonly string[]): string {
  const r = parseCron(schedule);
  if (!r.ok) throw new Error(`invalid schedule ${schedule}: ${r.error}`);
  const s = r.schedule;
  const set = (values: readonly number[]) => ` ${values.join(' ')} `;
  const run = command.map(shellQuote).join(' ');
  const dayTest = s.anyDayOfMonth || s.anyDayOfWeek
    ? 'in_set "$dom_set" "$d" && in_set "$dow_set" "$w"'
    : '{ in_set "$dom_set" "$d" || in_set "$dow_set" "$w"; }';
  return [
    `min_set='${set(s.minutes)}'`,
    `hour_set='${set(s.hours)}'`,
    `dom_set='${set(s.daysOfMonth)}'`,
    `mon_set='${set(s.months)}'`,
    `dow_set='${set(s.daysOfWeek)}'`,
    'in_set() { case "$1" in *" $2 "*) return 0;; esac; return 1; }',
    'while :; do',
    '  set -- $(date -u "+%M %H %d %m %w")',
    '  m=$(expr "$1" + 0); h=$(expr "$2" + 0); d=$(expr "$3" + 0); mo=$(expr "$4" + 0); w=$(expr "$5" + 0)',
    `  if in_set "$min_set" "$m" && in_set "$hour_set" "$h" && in_set "$mon_set" "$mo" && ${dayTest}; then`,
    `    ( ${run} ) &`,
    '  fi',
    '  sleep $(expr 60 - $(date -u +%S | sed "s/^0//"))',
    'done',
  ].join('\n');
}
