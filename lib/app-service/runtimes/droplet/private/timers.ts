import { parseCron } from '../../../private/cron';
import { ResolvedApp, ResolvedJob } from '../../../runtime';
import { AGENT_COMMAND, AGENT_STATE_DIR } from './bootstrap';

/**
 * Scheduled jobs in a time zone other than UTC run from systemd timers on the droplets.
 *
 * Why not cron: the droplets run Ubuntu 24.04, whose `cron` is Debian's Vixie cron 3.0pl1
 * (3.0pl1-184ubuntu2). It reads every table in the daemon's own zone (UTC on DigitalOcean's
 * images) and has no `CRON_TZ`: cron(8) says it "will only handle tasks in a single timezone";
 * crontab(5) of the newer packages says under LIMITATIONS that a `TZ` in a crontab "will affect
 * only the commands executed in the crontab, not the execution of the crontab tasks themselves";
 * the daemon's binary holds no `CRON_TZ` string (checked in Debian's 3.0pl1-162 package, reported
 * likewise for Ubuntu's). A fixed UTC offset would be wrong across daylight saving changes, and
 * cronie (which has `CRON_TZ`) would have to come with the bootstrap, which would replace every
 * droplet. systemd (255 on noble) reads a time zone at the end of `OnCalendar=` (since 235) from
 * the host's tzdata and follows its daylight saving changes: a local time the change skips does
 * not run that day, one it repeats runs once. The units travel in the release and the agent
 * installs them, so a zone is a release like any other, and the user data does not change; jobs
 * in UTC stay in the cron table as they always were.
 *
 * Each job is a pair: `erp-job-<app>-<job>.timer` (the calendar) and a oneshot `.service` that runs
 * the job as cron did, `docker compose run` in the current release; systemd does not start a service
 * that is still running, as `flock -n` did for cron, and its output goes to the journal under the
 * tag cron's `logger` used (`journalctl -t <app>-<job>`).
 */

/** The prefix of the units of an app's scheduled jobs (the agent manages the units with this prefix). */
export function timerUnitPrefix(app: string): string {
  return `erp-job-${app}-`;
}

/** The release folder of the units; the agent installs them into /etc/systemd/system. */
export const TIMERS_DIR = 'timers';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * The `OnCalendar=` values of a cron schedule in a time zone: one, or two when both day fields
 * are restricted (cron runs when either matches; a calendar event must match all its fields).
 */
export function onCalendar(schedule: string, timeZone: string): string[] {
  const r = parseCron(schedule);
  if (!r.ok) throw new Error(`invalid schedule ${schedule}: ${r.error}`);
  const s = r.schedule;
  const list = (values: readonly number[], all: number, names?: readonly string[]) =>
    values.length === all ? '*' : values.map((v) => (names ? names[v] : String(v).padStart(2, '0'))).join(',');
  const time = `${list(s.hours, 24)}:${list(s.minutes, 60)}:00`;
  const months = list(s.months, 12);
  const days = list(s.daysOfMonth, 31);
  const weekdays = list(s.daysOfWeek, 7, WEEKDAYS);
  const byWeekday = `${weekdays === '*' ? '' : `${weekdays} `}*-${months}-* ${time} ${timeZone}`;
  const byDay = `*-${months}-${days} ${time} ${timeZone}`;
  if (s.anyDayOfMonth && s.anyDayOfWeek) return [`*-${months}-* ${time} ${timeZone}`];
  if (s.anyDayOfMonth) return [byWeekday];
  if (s.anyDayOfWeek) return [byDay];
  return [byWeekday, byDay];
}

/** The timer and service units of each job, by release key (`timers/erp-job-<app>-<job>.timer`). */
export function timerFiles(app: ResolvedApp, jobs: readonly ResolvedJob[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const job of jobs) {
    const unit = `${timerUnitPrefix(app.name)}${job.name}`;
    files[`${TIMERS_DIR}/${unit}.timer`] = [
      '[Unit]',
      `Description=${app.name}: scheduled job ${job.name} (${job.schedule}, ${job.timeZone}); installed by erp-agent`,
      '',
      '[Timer]',
      ...onCalendar(job.schedule, job.timeZone).map((c) => `OnCalendar=${c}`),
      // cron starts a job at second 0; systemd's default accuracy is a minute
      'AccuracySec=1s',
      '',
      '[Install]',
      'WantedBy=timers.target',
      '',
    ].join('\n');
    files[`${TIMERS_DIR}/${unit}.service`] = [
      '[Unit]',
      `Description=${app.name}: scheduled job ${job.name}, a fresh container of the current release`,
      'After=docker.service',
      'Requires=docker.service',
      '',
      '[Service]',
      'Type=oneshot',
      ...(app.registries?.length ? [`Environment=DOCKER_CONFIG=${AGENT_STATE_DIR}/current/docker`] : []),
      `ExecStart=${jobRunCommand(app, job, '/usr/bin/docker')}`,
      `SyslogIdentifier=${app.name}-${job.name}`,
      '',
    ].join('\n');
  }
  return files;
}

/**
 * How cron and the timers start a job: one container with `docker compose run`; a job of several
 * stages with `erp-agent run`, which runs them in order (the manifest's `job` line).
 */
export function jobRunCommand(app: ResolvedApp, job: ResolvedJob, docker: string): string {
  if (job.stages?.length) return `${AGENT_COMMAND} run ${job.name}`;
  return `${docker} compose -p ${app.name} -f ${AGENT_STATE_DIR}/current/compose.yaml run --rm --no-deps ${job.name}`;
}
