import { execFileSync } from 'child_process';
import { onCalendar } from '../../lib/app-service/runtimes/droplet/private/timers';

/**
 * The next `n` runs systemd computes (`systemd-analyze calendar`) for the calendar events a droplet's
 * timer gets from a cron line in a zone, as UTC minutes (`2026-03-05 13:00`), after `base` (UTC).
 */
export function systemdRuns(schedule: string, zone: string, base: string, n: number): string[] {
  const runs = onCalendar(schedule, zone).flatMap((spec) => {
    const out = execFileSync('systemd-analyze', ['calendar', `--iterations=${n}`, `--base-time=${base}`, spec], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' } });
    return [...out.matchAll(/(?:Next elapse|Iter\. #\d+): \w{3} (\d{4}-\d\d-\d\d \d\d:\d\d):00 UTC/g)].map((m) => m[1]);
  });
  return [...new Set(runs)].sort().slice(0, n);
}
