import { Droplet } from '@cdktf/provider-digitalocean/lib/droplet';
import { Firewall } from '@cdktf/provider-digitalocean/lib/firewall';
import { Vpc } from '@cdktf/provider-digitalocean/lib/vpc';
import { Annotations, Fn, Lazy, Token } from 'cdktf';
import { Construct } from 'constructs';
import { createHash } from 'crypto';
import { posix } from 'path';
import { DatabaseAccessSourceType, IDatabaseClient } from '../common/contracts';
import { PrivateNetwork } from '../common/network';
import { DoRegion, checkRegion } from '../common/region';
import { ErpValidationError } from '../errors';
import { Problems, checkInt, isUnresolved, requireProps } from '../private/validate';
import { DropletSize } from './droplet-size';
import { atSynthesis } from './private/late';
import { yamlText } from './private/yaml-text';
import { TerraformData } from './private/terraform-data';
import { checkImage } from './private/validate-model';
import {
  cacheEnvironment, escapeTerraformTemplate, groupsInUse, healthTest, withCache,
} from './private/render-common';
import { AppBinding, IAppRuntime, ResolvedApp, ResolvedFile, ResolvedProcess } from './runtime';
import { ResourceLimits } from './process-model';

/** Day of the week of the droplet backup window. */
export enum BackupWeekday {
  SUN = 'SUN', MON = 'MON', TUE = 'TUE', WED = 'WED', THU = 'THU', FRI = 'FRI', SAT = 'SAT',
}

/** Props of `DropletRuntime`. */
export interface DropletRuntimeProps {
  /** Region of the droplets (and of their VPC). */
  readonly region: DoRegion;
  /**
   * Droplet size.
   * @default DropletSize.S_2VCPU_4GB
   */
  readonly size?: DropletSize;
  /**
   * Number of droplets. The first runs the release command, the scheduler and
   * the backup job; every droplet runs web, workers, WebSocket and a connector.
   * @default 1
   */
  readonly count?: number;
  /** SSH keys (DigitalOcean key ids or MD5 fingerprints) installed for root. At least one. */
  readonly sshKeys: readonly string[];
  /**
   * Private key matching one of `sshKeys`, with which Terraform writes the
   * secrets env file over SSH. Pass a sensitive `TerraformVariable` (`.stringValue`).
   */
  readonly sshPrivateKey: string;
  /** CIDR blocks that may reach SSH (22): the admins and the machine that runs Terraform. At least one. */
  readonly adminCidrs: readonly string[];
  /**
   * Allow `0.0.0.0/0` or `::/0` in `adminCidrs` (CI runners without fixed addresses).
   * @default false
   */
  readonly allowSshFromAnywhere?: boolean;
  /**
   * Id of the VPC the droplets join (`db.vpcId`, `network.vpcId`, or an existing VPC's UUID).
   * A change replaces the droplets.
   * @default - the stack's shared network of the region, `PrivateNetwork.of(stack, region)`, which a
   *   `ManagedDatabase` in that region also joins when given no VPC
   */
  readonly vpcId?: string;
  /**
   * IP range of the stack's shared network of the region (ignored with `vpcId`); every construct
   * that gives one must give the same. Fixed once created: a change replaces the VPC and all in it.
   * @default - DigitalOcean picks a free range
   */
  readonly vpcIpRange?: string;
  /**
   * Weekly droplet backups (DigitalOcean snapshots of the whole disk).
   * @default false
   */
  readonly backups?: boolean;
  /**
   * Day of the weekly backup window.
   * @default BackupWeekday.SUN
   */
  readonly backupWeekday?: BackupWeekday;
  /**
   * Start hour (UTC) of the 4-hour backup window: 0, 4, 8, 12, 16 or 20.
   * @default 4
   */
  readonly backupHourUtc?: number;
  /**
   * Extra droplet tags.
   * @default - only the app tag
   */
  readonly tags?: readonly string[];
  /**
   * Droplet image slug.
   * @default 'ubuntu-24-04-x64'
   */
  readonly image?: string;
  /**
   * Image of the cache container run when the app has no managed cache.
   * @default 'valkey/valkey:8.1-alpine'
   */
  readonly cacheImage?: string;
  /**
   * Size at which a container log file is rotated, in MiB.
   * @default 10
   */
  readonly logMaxSizeMib?: number;
  /**
   * Rotated log files kept per container.
   * @default 3
   */
  readonly logMaxFiles?: number;
}

const CIDR4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}\/(3[0-2]|[12]?\d)$/;
const CIDR6 = /^[0-9a-fA-F:]+:[0-9a-fA-F:]*\/(12[0-8]|1[01]\d|[1-9]?\d)$/;
const FINGERPRINT = /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/;

/**
 * Runs an `ErpAppService` on DigitalOcean droplets with Docker Compose.
 *
 * Cloud-init (built as data and serialized with `yaml`) installs Docker Engine
 * and the Compose plugin from Docker's apt repository, writes the compose
 * project `/opt/<app>/compose.yaml`, a systemd unit that runs the release
 * command and then `docker compose up -d`, and `/etc/cron.d/<app>` for the
 * scheduled jobs. Every process is a service with restart `unless-stopped`,
 * its health check, resource limits and json-file log rotation; the tunnel
 * connector and, when the app has no managed cache, a Valkey container with
 * append-only persistence run beside them. No service publishes a port on the
 * host: the connector reaches web, the WebSocket server and the other HTTP
 * services (`processes.services`) by name on the project network.
 *
 * Database CA certificate: when a connected database hands one over
 * (`DATABASE_CA_CERT`, managed MySQL), cloud-init writes it to
 * `/opt/<app>/files/database-ca.pem` (base64 in user data, so the multi-line
 * value cannot break the YAML) and every container but the connector mounts
 * it read-only at `DATABASE_CA_CERT_PATH`, where `MYSQL_ATTR_SSL_CA` points;
 * the variable itself is left out of the compose environment.
 *
 * Scheduled jobs: host cron runs `docker compose run --rm <job>` for each cron
 * entry, the every-minute runner and the backup job. Each job is a compose
 * service in the `jobs` profile (never started by `up`), so a run gets a fresh
 * container of the app image with the job's own env file and limits; no
 * container needs the Docker socket (which would be root on the host), and
 * `flock` stops a slow run from overlapping the next. Times are UTC.
 *
 * Secrets: no secret value is written to user data (droplet metadata is
 * readable from inside the droplet and through the API) or to the compose file.
 * Compose services read them from env files under `/etc/<app>/` (root, 0600):
 * `secrets.env` for app processes, `tunnel.env` for the connector,
 * `backup-<job>.env` for a backup job. Terraform writes them over SSH after the
 * droplet boots (a `terraform_data` with file provisioners, replaced when the
 * droplet or a secret changes) and restarts the unit, which waits for
 * `secrets.env`. The trade-off: the machine running Terraform must reach port
 * 22 of the droplets, so the firewall opens 22 to `adminCidrs` (which must
 * include that machine) and nothing else inbound; the tunnel needs no port.
 *
 * Replacement: changing anything that ends up in user data (images, commands,
 * processes, schedules) replaces the droplets. No data lives on them: the
 * database and the backups are managed services, and the Valkey container on
 * a droplet is a cache that starts empty again.
 */
export class DropletRuntime extends Construct implements IAppRuntime {
  /** The droplets; the first has the id `Resource`. */
  public readonly droplets: Droplet[];
  /** The cloud firewall of the droplets. */
  public readonly firewall: Firewall;
  /** The VPC of the stack's shared network, when the droplets joined it (no `vpcId` given). */
  public readonly vpc?: Vpc;
  /** The stack's shared network of the region, when the droplets joined it (no `vpcId` given). */
  public readonly privateNetwork?: PrivateNetwork;
  /** The VPC id the droplets are in. */
  public readonly vpcId: string;
  /** The `terraform_data` resources that write the secrets env files, one per droplet. */
  public readonly secretWriters: TerraformData[];
  /** Firewall entries that admit these droplets to a database, and their region and VPC. */
  public readonly databaseClient: IDatabaseClient;

  private readonly props: DropletRuntimeProps;
  private app?: AppBinding;

  constructor(scope: Construct, id: string, props: DropletRuntimeProps) {
    super(scope, id);
    requireProps(this, props, "{ region: DoRegion.FRA1, sshKeys: [...], sshPrivateKey, adminCidrs: [...] }");
    this.props = props;
    const p = new Problems();
    checkRegion(p, 'region', props.region, { required: true });
    const size = props.size ?? DropletSize.S_2VCPU_4GB;
    if (!isUnresolved(size?.slug)) {
      p.check(typeof size?.slug === 'string' && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(size.slug), 'size', size?.slug, 'is not a droplet size slug',
        "use a DropletSize member or DropletSize.of('s-2vcpu-4gb')");
    }
    const count = props.count ?? 1;
    checkInt(p, 'count', count, 1, 20);
    if (!isUnresolved(props.sshKeys)) {
      if (!Array.isArray(props.sshKeys) || props.sshKeys.length === 0) {
        p.add('sshKeys', props.sshKeys, 'is empty', 'give at least one DigitalOcean SSH key id or fingerprint; droplets without a key get a mailed root password');
      } else {
        props.sshKeys.forEach((k, i) => p.check(typeof k === 'string' && (/^\d+$/.test(k) || FINGERPRINT.test(k)), `sshKeys[${i}]`, k,
          'is not an SSH key id or MD5 fingerprint', "give the key's numeric id or its fingerprint (aa:bb:...:ff)"));
      }
    }
    p.check(typeof props.sshPrivateKey === 'string' && props.sshPrivateKey.length > 0, 'sshPrivateKey', props.sshPrivateKey ? '<hidden>' : props.sshPrivateKey,
      'is missing', 'pass a sensitive TerraformVariable holding the private key of one of sshKeys');
    if (!isUnresolved(props.adminCidrs)) {
      if (!Array.isArray(props.adminCidrs) || props.adminCidrs.length === 0) {
        p.add('adminCidrs', props.adminCidrs, 'is empty: Terraform could not reach the droplets to write the secrets', 'give the CIDR of the admins and of the machine that runs Terraform (203.0.113.7/32)');
      } else {
        props.adminCidrs.forEach((c, i) => {
          if (isUnresolved(c)) return;
          const valid = typeof c === 'string' && (CIDR4.test(c) || CIDR6.test(c));
          p.check(valid, `adminCidrs[${i}]`, c, 'is not an IPv4 or IPv6 CIDR block', 'write address/prefix, e.g. 203.0.113.7/32');
          if (valid && /\/0$/.test(c) && !props.allowSshFromAnywhere) {
            p.add(`adminCidrs[${i}]`, c, 'opens SSH to the whole internet', 'give the admins\' CIDR blocks, or set allowSshFromAnywhere: true if the Terraform runner has no fixed address');
          }
        });
      }
    }
    if (props.vpcIpRange !== undefined && !isUnresolved(props.vpcIpRange)) {
      p.check(CIDR4.test(props.vpcIpRange) && Number(props.vpcIpRange.split('/')[1]) >= 16 && Number(props.vpcIpRange.split('/')[1]) <= 28,
        'vpcIpRange', props.vpcIpRange, 'is not a private IPv4 range from /16 to /28', 'use e.g. 10.20.0.0/20');
    }
    if (props.backupHourUtc !== undefined) {
      p.check([0, 4, 8, 12, 16, 20].includes(props.backupHourUtc), 'backupHourUtc', props.backupHourUtc, 'is not the start of a DigitalOcean backup window', 'use 0, 4, 8, 12, 16 or 20');
      p.check(props.backups === true, 'backupHourUtc', props.backupHourUtc, 'is set but backups are off', 'set backups: true, or drop backupHourUtc');
    }
    (props.tags ?? []).forEach((t, i) => p.check(/^[A-Za-z0-9:_-]{1,255}$/.test(t), `tags[${i}]`, t, 'is not a DigitalOcean tag name', 'use letters, digits, ":", "-" and "_"'));
    checkImage(p, 'cacheImage', props.cacheImage, false, (m) => Annotations.of(this).addWarning(m));
    checkInt(p, 'logMaxSizeMib', props.logMaxSizeMib, 1, 1024);
    checkInt(p, 'logMaxFiles', props.logMaxFiles, 1, 100);
    p.throwIfAny(this);

    const appName = (suffix = '') => Lazy.stringValue({ produce: () => `${this.binding().name}${suffix}` });
    if (props.vpcId === undefined) {
      this.privateNetwork = PrivateNetwork.of(this, props.region, { ipRange: props.vpcIpRange });
      this.privateNetwork.addMember(() => this.app?.name);
      this.vpc = this.privateNetwork.vpc;
      this.vpcId = this.privateNetwork.vpcId;
    } else {
      this.vpcId = props.vpcId;
    }
    const tags = Lazy.listValue({ produce: () => [this.binding().name, ...(props.tags ?? [])] });
    this.droplets = [];
    this.secretWriters = [];
    for (let i = 0; i < count; i++) {
      const primary = i === 0;
      const droplet = new Droplet(this, primary ? 'Resource' : `Droplet${i + 1}`, {
        name: appName(`-${i + 1}`),
        region: props.region.slug,
        size: size.slug,
        image: props.image ?? 'ubuntu-24-04-x64',
        vpcUuid: this.vpcId,
        sshKeys: [...props.sshKeys],
        monitoring: true,
        dropletAgent: true,
        ipv6: true,
        gracefulShutdown: true,
        backups: props.backups ?? false,
        backupPolicy: props.backups
          ? { plan: 'weekly', weekday: props.backupWeekday ?? BackupWeekday.SUN, hour: props.backupHourUtc ?? 4 }
          : undefined,
        tags,
        userData: Lazy.stringValue({ produce: () => this.renderUserData(primary) }),
      });
      this.droplets.push(droplet);
      this.secretWriters.push(this.secretWriter(droplet, primary ? 'Secrets' : `Secrets${i + 1}`));
    }
    this.firewall = new Firewall(this, 'Firewall', {
      name: appName('-droplets'),
      dropletIds: this.droplets.map((d) => Token.asNumber(d.id)),
      inboundRule: [{ protocol: 'tcp', portRange: '22', sourceAddresses: [...props.adminCidrs] }],
      outboundRule: [
        { protocol: 'tcp', portRange: '1-65535', destinationAddresses: ['0.0.0.0/0', '::/0'] },
        { protocol: 'udp', portRange: '1-65535', destinationAddresses: ['0.0.0.0/0', '::/0'] },
        { protocol: 'icmp', destinationAddresses: ['0.0.0.0/0', '::/0'] },
      ],
    });
    this.databaseClient = {
      databaseAccessSources: this.droplets.map((d) => ({ type: DatabaseAccessSourceType.DROPLET, value: d.id })),
      network: { region: props.region, vpcId: this.vpcId },
    };
  }

  /** The first droplet. */
  public get droplet(): Droplet {
    return this.droplets[0];
  }

  /** Binds the runtime to its app; `ErpAppService` calls it once, from its constructor. */
  public bind(app: AppBinding): void {
    if (this.app !== undefined) {
      throw new ErpValidationError(this.node.path, [{
        prop: 'runtime', value: app.scope.node.path, problem: `already runs ${this.app.scope.node.path}`, fix: 'give each app its own DropletRuntime',
      }]);
    }
    this.app = app;
    if (this.droplets.length > 1) {
      Annotations.of(this).addInfo('Release command, scheduler and backup jobs run on the first droplet only.');
    }
  }

  /** Compose service name = process name: `http://<process>:<port>`. */
  public internalUrl(processName: string, port: number): string {
    return `http://${processName}:${port}`;
  }

  /** The compose document of a droplet, as data (the primary droplet runs jobs and the release). */
  public composeDocument(primary = true): Record<string, unknown> {
    const app = this.model();
    const dir = `/etc/${app.name}`;
    const cache = app.hasManagedCache ? undefined : cacheEnvironment('redis');
    const logging = {
      driver: 'json-file',
      options: { 'max-size': `${this.props.logMaxSizeMib ?? 10}m`, 'max-file': String(this.props.logMaxFiles ?? 3) },
    };
    const envFiles = (groups: readonly string[]) => (groups.length > 0 ? groups.map((g) => `${dir}/${envFileName(g)}`) : undefined);
    // a file's content reaches the container as the file, not also as a (multi-line) variable
    const fileVars = (app.files ?? []).flatMap((f) => (f.variable !== undefined ? [f.variable] : []));
    const env = (e: Readonly<Record<string, string>>) => envMap(Object.fromEntries(Object.entries(e).filter(([k]) => !fileVars.includes(k))));
    const volumes = (names: readonly string[] | undefined) => {
      const mounted = (app.files ?? []).filter((f) => names?.includes(f.name));
      return mounted.length > 0 ? mounted.map((f) => `${hostFilePath(app.name, f)}:${f.path}:ro`) : undefined;
    };
    const services: Record<string, unknown> = {};
    const dependsOn: Record<string, { condition: string }> = {};
    if (cache) dependsOn.redis = { condition: 'service_healthy' };

    for (const proc of app.processes) {
      services[proc.name] = compact({
        image: proc.image,
        command: proc.command ? proc.command.map(composeEscape) : undefined,
        restart: 'unless-stopped',
        env_file: envFiles(proc.secretGroups),
        environment: env(proc.isAppCode ? withCache(proc.environment, cache) : proc.environment),
        volumes: volumes(proc.files),
        healthcheck: proc.healthCheck ? composeHealth(proc) : undefined,
        depends_on: proc.isAppCode
          ? (Object.keys(dependsOn).length ? dependsOn : undefined)
          : { web: { condition: 'service_started' } },
        deploy: compact({ replicas: proc.replicas, resources: limits(proc.resources) }),
        logging,
      });
    }
    if (primary && app.release) {
      const r = app.release;
      services.release = compact({
        image: r.image,
        command: r.command.map(composeEscape),
        restart: 'no',
        profiles: ['release'],
        env_file: envFiles(r.secretGroups),
        environment: env(withCache(r.environment, cache)),
        volumes: volumes(r.files),
        depends_on: Object.keys(dependsOn).length ? dependsOn : undefined,
        logging,
      });
    }
    if (primary) {
      for (const job of app.jobs) {
        services[job.name] = compact({
          image: job.image,
          command: job.command.map(composeEscape),
          restart: 'no',
          profiles: ['jobs'],
          env_file: envFiles(job.secretGroups),
          environment: env(job.isAppCode ? withCache(job.environment, cache) : job.environment),
          volumes: volumes(job.files),
          deploy: compact({ resources: limits(job.resources) }),
          labels: { 'erp.schedule': job.schedule },
          logging,
        });
      }
    }
    const doc: Record<string, unknown> = { name: app.name, services };
    if (cache) {
      services.redis = {
        image: this.props.cacheImage ?? 'valkey/valkey:8.1-alpine',
        command: ['valkey-server', '--appendonly', 'yes', '--appendfsync', 'everysec'],
        restart: 'unless-stopped',
        volumes: ['cache-data:/data'],
        healthcheck: { test: ['CMD', 'valkey-cli', 'ping'], interval: '10s', timeout: '5s', retries: 5, start_period: '10s' },
        logging,
      };
      doc.volumes = { 'cache-data': {} };
    }
    return doc;
  }

  /** The cloud-config of a droplet, as data. */
  public cloudConfig(primary = true): Record<string, unknown> {
    const app = this.model();
    const name = app.name;
    const composeText = yamlText(this.composeDocument(primary));
    const compose = `docker compose -f /opt/${name}/compose.yaml`;
    const unit = [
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
    const files: Array<Record<string, unknown>> = [
      { path: `/opt/${name}/compose.yaml`, owner: 'root:root', permissions: '0644', content: composeText },
      { path: `/etc/systemd/system/${name}.service`, owner: 'root:root', permissions: '0644', content: unit },
      // public files (the database CA certificate), base64 so that a multi-line value Terraform fills in cannot break the YAML
      ...(app.files ?? []).map((f) => ({
        path: hostFilePath(name, f), owner: 'root:root', permissions: '0644', encoding: 'b64', content: base64(f.content),
      })),
    ];
    if (primary && app.jobs.length > 0) {
      const lines = [
        '# Scheduled jobs of the compose project (UTC); each run is a fresh container.',
        'SHELL=/bin/sh',
        'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
        ...app.jobs.map((j) =>
          `${j.schedule} root [ -s /etc/${name}/secrets.env ] && flock -n /run/lock/${name}-${j.name}.lock ${compose} run --rm --no-deps ${j.name} 2>&1 | logger -t ${name}-${j.name}`),
        '',
      ];
      files.push({ path: `/etc/cron.d/${name}`, owner: 'root:root', permissions: '0644', content: lines.join('\n') });
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

  private renderUserData(primary: boolean): string {
    const text = `#cloud-config\n${yamlText(this.cloudConfig(primary))}`;
    return escapeTerraformTemplate(text);
  }

  /** The env files Terraform writes, by file name (values may be tokens). */
  public secretFiles(): Record<string, string> {
    const app = this.model();
    const files: Record<string, string> = {};
    for (const group of ['app', ...groupsInUse(app).filter((g) => g !== 'app')]) {
      const values = app.secretGroups[group] ?? {};
      const lines = Object.entries(values).map(([k, v]) => `${k}='${v}'`);
      files[envFileName(group)] = `# written by Terraform; do not edit\n${lines.join('\n')}\n`;
    }
    return files;
  }

  private secretWriter(droplet: Droplet, id: string): TerraformData {
    const connection = {
      type: 'ssh' as const,
      host: droplet.ipv4Address,
      user: 'root',
      privateKey: this.props.sshPrivateKey,
      timeout: '10m',
    };
    const name = () => this.binding().name;
    const writer = new TerraformData(this, id, {
      triggersReplace: {
        droplet: droplet.id,
        secrets: Lazy.stringValue({ produce: () => this.secretsFingerprint() }),
      },
      dependsOn: [droplet],
    });
    writer.connection = connection;
    // Provisioners are set at synthesis, after every intent has run.
    atSynthesis(this, { everyTime: true }, () => {
      const files = this.secretFiles();
      const dir = `/etc/${name()}`;
      // app secrets.env last: the unit starts once it exists
      const order = Object.keys(files).sort((a, b) => (a === 'secrets.env' ? 1 : b === 'secrets.env' ? -1 : a < b ? -1 : a > b ? 1 : 0));
      writer.provisioners = [
        { type: 'remote-exec', inline: ['cloud-init status --wait >/dev/null || true', `install -d -m 0700 ${dir}`] },
        ...order.map((f) => ({ type: 'file' as const, destination: `${dir}/${f}.tmp`, content: escapeTerraformTemplate(files[f]) })),
        {
          type: 'remote-exec',
          inline: [
            ...order.map((f) => `install -m 0600 -o root -g root ${dir}/${f}.tmp ${dir}/${f} && rm -f ${dir}/${f}.tmp`),
            `systemctl restart ${name()}.service`,
          ],
        },
      ];
    });
    return writer;
  }

  /** A fingerprint of every secret: literal values hashed here, references hashed by Terraform (so no value is written in the clear). */
  private secretsFingerprint(): string {
    const files = this.secretFiles();
    const literal = createHash('sha256');
    const refs: string[] = [];
    for (const [f, content] of Object.entries(files).sort()) {
      literal.update(`${f}\n`);
      for (const line of content.split('\n')) {
        if (Token.isUnresolved(line)) refs.push(line);
        else literal.update(`${line}\n`);
      }
    }
    const digest = literal.digest('hex');
    return refs.length ? Fn.sha256(`${digest}\n${refs.join('\n')}`) : digest;
  }

  private binding(): AppBinding {
    if (this.app === undefined) {
      throw new ErpValidationError(this.node.path, [{
        prop: 'runtime', value: undefined, problem: 'runs no app', fix: 'pass this runtime to an ErpAppService',
      }]);
    }
    return this.app;
  }

  private model(): ResolvedApp {
    return this.binding().resolve();
  }
}

/** Where the host keeps a public file the containers mount: `/opt/<app>/files/<name><extension of its path>`. */
function hostFilePath(app: string, f: ResolvedFile): string {
  return `/opt/${app}/files/${f.name}${posix.extname(f.path)}`;
}

/** Base64 of a text, by Terraform when it is a reference. */
function base64(text: string): string {
  return Token.isUnresolved(text) ? Fn.base64encode(text) : Buffer.from(text, 'utf8').toString('base64');
}

/** The env file of a secret group. */
function envFileName(group: string): string {
  return group === 'app' ? 'secrets.env' : `${group}.env`;
}

/** Compose interpolates `$`; a literal `$` is written `$$` (token markers are left alone). */
function composeEscape(s: string): string {
  return s.replace(/\$(?!\{TfToken\[)/g, '$$$$');
}

function envMap(env: Readonly<Record<string, string>>): Record<string, string> | undefined {
  const entries = Object.entries(env);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([k, v]) => [k, composeEscape(v)]));
}

function composeHealth(proc: ResolvedProcess): Record<string, unknown> {
  const h = proc.healthCheck!;
  return {
    test: healthTest(h).map(composeEscape),
    interval: `${h.intervalSeconds}s`,
    timeout: `${h.timeoutSeconds}s`,
    retries: h.retries,
    start_period: `${h.startPeriodSeconds}s`,
  };
}

function limits(r: ResourceLimits | undefined): Record<string, unknown> | undefined {
  if (r === undefined) return undefined;
  return { limits: { cpus: String(r.cpus), memory: `${r.memoryMib}M` } };
}

function compact<T extends Record<string, unknown>>(o: T): T | undefined {
  const out = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return Object.keys(out).length ? out : undefined;
}
