import { Fn, Token } from 'cdktf';
import { createHash } from 'crypto';
import { groupsInUse } from '../../../private/render-common';
import { isUtcZone } from '../../../../private/time-zone';
import { ProcessRole, ResolvedApp, ResolvedJob, ResolvedProcess } from '../../../runtime';
import { AGENT_STATE_DIR } from './bootstrap';
import { dockerConfigJson } from '../../../registry';

/** The release's Docker config with the registries' credentials, beside the compose file. */
export const DOCKER_CONFIG_FILE = 'docker/config.json';
import { envFilePath, jobServices, publicFilePath } from './compose';
import { jobRunCommand, timerFiles } from './timers';

/** What a droplet's release is rendered from. */
export interface ReleaseOptions {
  /** The primary droplet also runs the release command and the scheduled jobs. */
  readonly primary: boolean;
  /** The compose document's YAML text. */
  readonly composeText: string;
  /** The agent's script. */
  readonly agentScript: string;
  /** Seconds a new version has to become healthy before the agent goes back. */
  readonly healthTimeoutSeconds: number;
  /** URL the agent POSTs its status to when a rollout fails. */
  readonly alertUrl?: string;
}

/** The text of every object of a droplet's release but the manifest, by key (values may hold references). */
export function releaseFiles(app: ResolvedApp, o: ReleaseOptions): Record<string, string> {
  const files: Record<string, string> = {
    'agent.sh': o.agentScript,
    'compose.yaml': o.composeText,
  };
  for (const group of ['app', ...groupsInUse(app).filter((g) => g !== 'app')]) {
    const values = app.secretGroups[group] ?? {};
    const lines = Object.entries(values).map(([k, v]) => `${k}='${v}'`);
    files[envFilePath(group)] = `# written by Terraform; do not edit\n${lines.join('\n')}\n`;
  }
  for (const f of app.files ?? []) files[publicFilePath(f)] = f.content;
  if (o.primary) {
    // UTC jobs in the cron table, jobs in another zone as systemd timers (Ubuntu's cron has no CRON_TZ: see ./timers.ts)
    // (jobs started by hand, the restore, are in neither: `erp-agent run <job>`)
    const scheduled = app.jobs.filter((j) => !j.onDemand);
    const utc = scheduled.filter((j) => isUtcZone(j.timeZone));
    if (utc.length > 0) files.cron = cronTable(app, utc);
    Object.assign(files, timerFiles(app, scheduled.filter((j) => !isUtcZone(j.timeZone))));
  }
  // the registries' credentials, which the agent hands to docker through DOCKER_CONFIG
  if (app.registries?.length) files[DOCKER_CONFIG_FILE] = dockerConfigJson(app.registries);
  return files;
}

/**
 * The manifest the agent reads first: the release id (a hash of every object,
 * so any change is a new release), a label, the rollout settings, each file
 * with its SHA-256, and each long-running service with how it is replaced
 * (`rolling`: health-checked servers, new beside old; `recreate`: the rest),
 * its replica count and the secret groups it reads. The cache comes first,
 * the connector last. `path <name>` lines name the persistent paths, whose
 * folders the agent creates on the data volume; `scratch <job> <uid:gid>` the
 * scratch folders of multi-stage jobs, which it also chowns; `job <name> <service...>`
 * the compose services of each job of the primary droplet, in the order `erp-agent run` runs them.
 */
export function manifestText(app: ResolvedApp, o: ReleaseOptions, hashes: ReadonlyArray<{ key: string; sha256: string }>): string {
  const release = releaseId(hashes.map((h) => h.sha256));
  const web = app.processes.find((p) => p.role === ProcessRole.WEB);
  const order = [ProcessRole.CACHE, ProcessRole.WEB, ProcessRole.WEBSOCKET, ProcessRole.SERVICE, ProcessRole.WORKER, ProcessRole.CONNECTOR];
  const processes = [...app.processes].sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role));
  return [
    '# erp-agent manifest 1, written by Terraform',
    `release ${release}`,
    `label ${web ? web.image : app.name}`,
    `health-timeout ${o.healthTimeoutSeconds}`,
    ...(o.alertUrl ? [`alert ${o.alertUrl}`] : []),
    ...(o.primary && app.release ? ['release-service release'] : []),
    ...(app.persistentPaths ?? []).map((x) => `path ${x.name}`),
    ...(o.primary ? app.jobs.flatMap((j) => (j.scratch ? [`scratch ${j.name} ${j.scratch.owner}`] : [])) : []),
    ...(o.primary ? app.jobs.map((j) => `job ${j.name} ${jobServices(j).join(' ')}`) : []),
    ...hashes.map((h) => `file ${h.key} ${h.sha256}`),
    ...processes.map((p) => `service ${p.name} ${rolling(p) ? 'rolling' : 'recreate'} ${p.replicas} ${p.secretGroups.length ? p.secretGroups.join(',') : '-'}`),
    '',
  ].join('\n');
}

/** Health-checked servers roll (new beside old, the old retired once the new are healthy); the rest are recreated. */
function rolling(p: ResolvedProcess): boolean {
  return p.healthCheck !== undefined && [ProcessRole.WEB, ProcessRole.WEBSOCKET, ProcessRole.SERVICE].includes(p.role);
}

/**
 * The first 12 hex digits of the SHA-256 of the objects' hashes: here when they are known, by
 * Terraform otherwise. Terraform marks a hash of a secret sensitive, and refuses an output that
 * shows one unless it says `sensitive`; a release id reveals nothing of the secrets it covers, so
 * it is `nonsensitive` (which Terraform >= 1.7 also accepts on a value that is not sensitive).
 */
export function releaseId(hashes: readonly string[]): string {
  if (hashes.some((h) => Token.isUnresolved(h))) return Fn.nonsensitive(Fn.substr(Fn.sha256(Fn.join('', [...hashes])), 0, 12));
  return createHash('sha256').update(hashes.join(''), 'utf8').digest('hex').slice(0, 12);
}

/** Host cron runs each UTC job in the current release as `docker compose run`, under `flock` so that a slow run does not overlap the next. */
function cronTable(app: ResolvedApp, jobs: readonly ResolvedJob[]): string {
  return [
    '# Scheduled jobs of the current release (UTC); each run is a fresh container. Installed by erp-agent.',
    'SHELL=/bin/sh',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    // a job whose image is not on the droplet yet is pulled with the release's registry credentials
    ...(app.registries?.length ? [`DOCKER_CONFIG=${AGENT_STATE_DIR}/current/docker`] : []),
    ...jobs.map((j) =>
      `${j.schedule} root flock -n /run/lock/${app.name}-${j.name}.lock ${jobRunCommand(app, j, 'docker')} 2>&1 | logger -t ${app.name}-${j.name}`),
    '',
  ].join('\n');
}
