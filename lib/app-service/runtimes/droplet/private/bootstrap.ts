import { readFileSync } from 'fs';
import { join } from 'path';
import type { ReleaseStoreReader } from '../release-store';
import { DATA_MOUNT } from './compose';
import { DROPLET_USER_DATA_MAX_BYTES } from '../../../../private/limits';

/** Where the agent keeps its state (releases, status) on the droplet. */
export const AGENT_STATE_DIR = '/var/lib/erp-agent';

/** Where the bootstrap installs the agent's launcher (which runs the agent the store last delivered). */
export const AGENT_COMMAND = '/usr/local/sbin/erp-agent';

/** What a droplet's bootstrap knows: nothing that a release changes. */
export interface BootstrapOptions {
  /** The app's name. */
  readonly app: string;
  /** The droplet's read access to its prefix of the release store. */
  readonly reader: ReleaseStoreReader;
  /** Name of the droplet's data volume (block storage). */
  readonly volumeName: string;
}

/**
 * The cloud-config of a droplet: a bootstrap that changes only when the
 * bootstrap itself changes, never with a release.
 *
 * It installs Docker from Ubuntu's own archive (`docker.io`,
 * `docker-compose-v2`: signed by the archive key the image already trusts, no
 * key server at boot), mounts the data volume, keeps the app's containers
 * away from the metadata service (which serves this user data, and with it the
 * store credential), and starts the agent's timer. The agent does the rest:
 * every release, secret and schedule arrives through the release store.
 *
 * The one secret in the bootstrap is the droplet's store credential: it reads
 * this droplet's prefix and writes its `status.json`, nothing else. Rotating it
 * (a new access key) changes the user data and so replaces the droplet.
 */
export function bootstrapConfig(o: BootstrapOptions): Record<string, unknown> {
  return {
    package_update: true,
    package_upgrade: false,
    ssh_pwauth: false,
    packages: ['docker.io', 'docker-compose-v2', 'curl', 'cron'],
    // nofail: a boot without the volume still comes up (the agent waits for the mount before it starts anything)
    mounts: [[`/dev/disk/by-id/scsi-0DO_Volume_${o.volumeName}`, DATA_MOUNT, 'ext4', 'defaults,nofail,discard,noatime', '0', '2']],
    write_files: [
      { path: '/etc/erp-agent/agent.env', owner: 'root:root', permissions: '0600', content: agentEnv(o) },
      { path: AGENT_COMMAND, owner: 'root:root', permissions: '0755', content: BOOT_SCRIPT },
      { path: '/etc/systemd/system/erp-agent.service', owner: 'root:root', permissions: '0644', content: AGENT_SERVICE },
      { path: '/etc/systemd/system/erp-agent.timer', owner: 'root:root', permissions: '0644', content: AGENT_TIMER },
      { path: '/etc/systemd/system/erp-metadata-guard.service', owner: 'root:root', permissions: '0644', content: METADATA_GUARD },
    ],
    runcmd: [
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', 'docker.service'],
      ['systemctl', 'enable', '--now', 'erp-metadata-guard.service'],
      ['systemctl', 'enable', '--now', 'erp-agent.timer'],
    ],
  };
}

function agentEnv(o: BootstrapOptions): string {
  return [
    '# erp-agent settings, written once by the bootstrap. The one secret here is the store credential:',
    '# it reads this droplet\'s desired state and writes its status, nothing else.',
    `ERP_APP='${o.app}'`,
    `ERP_STORE_URL='${o.reader.url}'`,
    `ERP_STORE_REGION='${o.reader.signingRegion}'`,
    `ERP_STORE_KEY_ID='${o.reader.accessKeyId}'`,
    `ERP_STORE_SECRET='${o.reader.secretAccessKey}'`,
    `ERP_DATA_MOUNT='${DATA_MOUNT}'`,
    '',
  ].join('\n');
}

/**
 * `/usr/local/sbin/erp-agent`: runs the agent the store last delivered, or
 * fetches it when there is none yet (first boot). The agent updates itself
 * with each release, so a new agent never needs a new droplet.
 */
const BOOT_SCRIPT = `#!/bin/sh
# Runs the erp-agent delivered by the release store (fetched on first use).
set -eu
. /etc/erp-agent/agent.env
agent=${AGENT_STATE_DIR}/agent.sh
if [ ! -s "$agent" ]; then
  mkdir -p ${AGENT_STATE_DIR}
  curl -sS --fail --retry 5 --retry-delay 3 --max-time 120 -o "$agent.part" \\
    --aws-sigv4 "aws:amz:$ERP_STORE_REGION:s3" --user "$ERP_STORE_KEY_ID:$ERP_STORE_SECRET" \\
    -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' "$ERP_STORE_URL/agent.sh"
  chmod 0700 "$agent.part" && mv "$agent.part" "$agent"
fi
exec /bin/bash "$agent" "$@"
`;

/** One convergence run; the timer starts it. */
const AGENT_SERVICE = `[Unit]
Description=erp-agent: converge to the desired release
Wants=network-online.target
After=network-online.target docker.service erp-metadata-guard.service
Requires=docker.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/erp-agent converge
TimeoutStartSec=30min
`;

/** Every 30 seconds after the last run ended, from 10 seconds after boot. */
const AGENT_TIMER = `[Unit]
Description=erp-agent: poll the release store

[Timer]
OnBootSec=10s
OnUnitInactiveSec=30s
AccuracySec=5s

[Install]
WantedBy=timers.target
`;

/**
 * Containers reach the host's network through Docker's DOCKER-USER chain; the
 * guard rejects their traffic to the metadata service there, so no app
 * process can read the user data (and the store credential in it).
 */
const METADATA_GUARD = `[Unit]
Description=Keep containers away from the droplet metadata service
After=docker.service
Requires=docker.service
PartOf=docker.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'iptables -C DOCKER-USER -d 169.254.169.254/32 -j REJECT 2>/dev/null || iptables -I DOCKER-USER -d 169.254.169.254/32 -j REJECT'

[Install]
WantedBy=multi-user.target docker.service
`;

let agentScript: string | undefined;

/** The agent's script (`agent/erp-agent.sh` beside this module's folder), read once. */
export function agentScriptText(): string {
  agentScript ??= readFileSync(join(__dirname, '..', 'agent', 'erp-agent.sh'), 'utf8');
  return agentScript;
}

/**
 * Bytes a reference in the user data may stand for once Terraform resolves it: the store
 * credential (an access key id of 20 characters, a secret of 40) and the store's URL (a bucket's
 * regional domain name and the droplet's prefix) are each well under this.
 */
const REFERENCE_ALLOWANCE_BYTES = 256;

/**
 * Why a droplet's user data is larger than DigitalOcean takes ("may not exceed 64 KiB in size",
 * `DROPLET_USER_DATA_MAX_BYTES`), or undefined. The literal text is counted in bytes (UTF-8) and
 * each reference still in it (`${TfToken[...]}`) at `REFERENCE_ALLOWANCE_BYTES`.
 *
 * Nothing a user gives grows the bootstrap any more: releases (environment, secrets, files,
 * compose project, schedules) travel through the release store, and the user data holds only the
 * app name, the data volume's name, the store credential and fixed scripts (about 3 KiB). The
 * check stays, so that a bootstrap that grows fails at synth with its size instead of at apply.
 */
export function userDataProblem(text: string): { problem: string; fix: string } | undefined {
  const references = text.match(/\$\{TfToken\[[^\]]*\]\}/g) ?? [];
  const literal = references.reduce((rest, ref) => rest.replace(ref, ''), text);
  const bytes = Buffer.byteLength(literal, 'utf8') + references.length * REFERENCE_ALLOWANCE_BYTES;
  if (bytes <= DROPLET_USER_DATA_MAX_BYTES) return undefined;
  return {
    problem: `is ${bytes} bytes (${(bytes / 1024).toFixed(1)} KiB), more than the 64 KiB (${DROPLET_USER_DATA_MAX_BYTES} bytes) DigitalOcean takes as a droplet's user data`,
    fix: 'keep the bootstrap small: deliver files, environment and scripts through the release store (the agent fetches them) rather than the user data',
  };
}
