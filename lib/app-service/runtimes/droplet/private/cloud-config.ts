import { Fn, Token } from 'cdktf';
import { ResolvedApp } from '../../../runtime';
import { hostFilePath } from './compose';

/**
 * The cloud-config of a droplet, as data: Docker from Docker's apt
 * repository, the compose project, the systemd unit that runs it (the release
 * first, on the primary droplet), the public files, and on the primary
 * droplet `/etc/cron.d/<app>` for the scheduled jobs.
 */
export function cloudConfig(app: ResolvedApp, composeText: string, primary: boolean): Record<string, unknown> {
  const name = app.name;
  const files: Array<Record<string, unknown>> = [
    { path: `/opt/${name}/compose.yaml`, owner: 'root:root', permissions: '0644', content: composeText },
    { path: `/etc/systemd/system/${name}.service`, owner: 'root:root', permissions: '0644', content: systemdUnit(app, primary) },
    // public files (the database CA certificate), base64 so that a multi-line value Terraform fills in cannot break the YAML
    ...(app.files ?? []).map((f) => ({
      path: hostFilePath(name, f), owner: 'root:root', permissions: '0644', encoding: 'b64', content: base64(f.content),
    })),
  ];
  if (primary && app.jobs.length > 0) {
    files.push({ path: `/etc/cron.d/${name}`, owner: 'root:root', permissions: '0644', content: cronTable(app) });
  }
  return {
    package_update: true,
    package_upgrade: false,
    apt: {
      sources: {
        'docker.list': {
          source: 'deb [signed-by=$KEY_FILE] https://download.docker.com/linux/ubuntu $RELEASE stable',
          keyid: '9DC858229FC7DD38854AE2D88D81803C0EBFCD88',
        },
      },
    },
    packages: ['docker-ce', 'docker-ce-cli', 'containerd.io', 'docker-compose-plugin', 'cron'],
    write_files: files,
    runcmd: [
      ['install', '-d', '-m', '0700', '-o', 'root', '-g', 'root', `/etc/${name}`],
      ['systemctl', 'daemon-reload'],
      ['systemctl', 'enable', '--now', 'docker.service'],
      ['systemctl', 'enable', `${name}.service`],
      ['systemctl', 'start', '--no-block', `${name}.service`],
    ],
  };
}

/** The unit that waits for the secrets, pulls, runs the release (primary droplet) and brings the project up. */
function systemdUnit(app: ResolvedApp, primary: boolean): string {
  const name = app.name;
  const compose = composeCommand(name);
  return [
    '[Unit]',
    `Description=${name} (Docker Compose)`,
    'Requires=docker.service',
    'After=docker.service network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    'TimeoutStartSec=0',
    `WorkingDirectory=/opt/${name}`,
    `ExecStartPre=/bin/sh -c 'until [ -s /etc/${name}/secrets.env ]; do sleep 5; done'`,
    `ExecStartPre=/usr/bin/${compose} pull --quiet --ignore-buildable`,
    ...(primary && app.release ? [`ExecStartPre=/usr/bin/${compose} run --rm release`] : []),
    `ExecStart=/usr/bin/${compose} up -d --remove-orphans`,
    `ExecStop=/usr/bin/${compose} down`,
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

/** Host cron runs each job as `docker compose run --rm`, under `flock` so that a slow run does not overlap the next. */
function cronTable(app: ResolvedApp): string {
  const name = app.name;
  const compose = composeCommand(name);
  return [
    '# Scheduled jobs of the compose project (UTC); each run is a fresh container.',
    'SHELL=/bin/sh',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    ...app.jobs.map((j) =>
      `${j.schedule} root [ -s /etc/${name}/secrets.env ] && flock -n /run/lock/${name}-${j.name}.lock ${compose} run --rm --no-deps ${j.name} 2>&1 | logger -t ${name}-${j.name}`),
    '',
  ].join('\n');
}

function composeCommand(name: string): string {
  return `docker compose -f /opt/${name}/compose.yaml`;
}

/** Base64 of a text, by Terraform when it is a reference. */
function base64(text: string): string {
  return Token.isUnresolved(text) ? Fn.base64encode(text) : Buffer.from(text, 'utf8').toString('base64');
}
