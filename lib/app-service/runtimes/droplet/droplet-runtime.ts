import { Droplet } from '@cdktf/provider-digitalocean/lib/droplet';
import { Firewall } from '@cdktf/provider-digitalocean/lib/firewall';
import { Vpc } from '@cdktf/provider-digitalocean/lib/vpc';
import { Annotations, Fn, Lazy, Token } from 'cdktf';
import { Construct } from 'constructs';
import { createHash } from 'crypto';
import { DatabaseAccessSourceType, IDatabaseClient } from '../../../common/contracts';
import { PrivateNetwork } from '../../../common/network';
import { DoRegion } from '../../../common/region';
import { Problems, checkInt, requireProps } from '../../../private/validate';
import { escapeTerraformTemplate, groupsInUse } from '../../private/render-common';
import { AppBinding, ResolvedApp } from '../../runtime';
import { AppRuntimeBase, AppRuntimeBaseProps } from '../base';
import { DropletSize } from './droplet-size';
import { checkDropletRuntimeProps } from './private/check-props';
import { cloudConfig } from './private/cloud-config';
import { composeDocument, envFileName } from './private/compose';
import { Weekday, weekdayAbbreviation } from '../../../common/weekday';
import { TerraformData } from './private/terraform-data';
import { yamlText } from './private/yaml-text';

/** Props of `DropletRuntime`. */
export interface DropletRuntimeProps extends AppRuntimeBaseProps {
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
   * @default Weekday.SUNDAY
   */
  readonly backupWeekday?: Weekday;
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

/**
 * Runs an `ErpAppService` on DigitalOcean droplets with Docker Compose.
 *
 * Each droplet boots with cloud-init, which installs Docker and writes the
 * app's compose project (every process a service, the cache when the app has
 * no managed cache), a systemd unit that runs the release command and then
 * `docker compose up`, and host cron entries that run the scheduled jobs on
 * the first droplet. The tunnel connector reaches the processes by name on
 * the project network; no port is published.
 *
 * Secrets never enter user data or the compose file: Terraform writes them to
 * env files under `/etc/<app>/` over SSH once the droplet is up, so the
 * machine that runs Terraform must be in `adminCidrs` (the firewall opens 22
 * to them and nothing else inbound). Anything that ends up in user data
 * (images, commands, processes, schedules) replaces the droplets: keep data in
 * managed databases and backups.
 *
 * ```ts
 * const runtime = new DropletRuntime(stack, 'Runtime', {
 *   region: DoRegion.FRA1, size: DropletSize.S_2VCPU_4GB,
 *   sshKeys: ['12345678'], sshPrivateKey: sshKey.stringValue, adminCidrs: ['203.0.113.7/32'],
 * });
 * new ErpAppService(stack, 'App', { name: 'erp', runtime, processes: { web: { image: 'ghcr.io/acme/erp:1.4.2', port: 8080 } } });
 * ```
 */
export class DropletRuntime extends AppRuntimeBase {
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

  constructor(scope: Construct, id: string, props: DropletRuntimeProps) {
    super(scope, id, props);
    requireProps(this, props, "{ region: DoRegion.FRA1, sshKeys: [...], sshPrivateKey, adminCidrs: [...] }");
    this.props = props;
    const p = new Problems();
    checkDropletRuntimeProps(p, props);
    this.checkSharedProps(p);
    checkInt(p, 'logMaxSizeMib', props.logMaxSizeMib, 1, 1024);
    checkInt(p, 'logMaxFiles', props.logMaxFiles, 1, 100);
    p.throwIfAny(this);

    if (props.vpcId === undefined) {
      this.privateNetwork = PrivateNetwork.of(this, props.region, { ipRange: props.vpcIpRange });
      this.privateNetwork.addMember(() => this.boundApp?.name);
      this.vpc = this.privateNetwork.vpc;
      this.vpcId = this.privateNetwork.vpcId;
    } else {
      this.vpcId = props.vpcId;
    }
    this.droplets = [];
    this.secretWriters = [];
    for (let i = 0; i < (props.count ?? 1); i++) {
      const droplet = this.createDroplet(i);
      this.droplets.push(droplet);
      this.secretWriters.push(this.secretWriter(droplet, i === 0 ? 'Secrets' : `Secrets${i + 1}`));
    }
    this.firewall = this.createFirewall();
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
    super.bind(app);
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
    return composeDocument(this.model(), {
      primary, logMaxSizeMib: this.props.logMaxSizeMib ?? 10, logMaxFiles: this.props.logMaxFiles ?? 3,
    });
  }

  /** The cloud-config of a droplet, as data. */
  public cloudConfig(primary = true): Record<string, unknown> {
    return cloudConfig(this.model(), yamlText(this.composeDocument(primary)), primary);
  }

  /** The env files Terraform writes, by file name (values may be tokens). */
  public secretFiles(): Record<string, string> {
    return secretFilesOf(this.model());
  }

  private createDroplet(i: number): Droplet {
    const props = this.props;
    const primary = i === 0;
    return new Droplet(this, primary ? 'Resource' : `Droplet${i + 1}`, {
      name: this.appName(`-${i + 1}`),
      region: props.region.slug,
      size: (props.size ?? DropletSize.S_2VCPU_4GB).slug,
      image: props.image ?? 'ubuntu-24-04-x64',
      vpcUuid: this.vpcId,
      sshKeys: [...props.sshKeys],
      monitoring: true,
      dropletAgent: true,
      ipv6: true,
      gracefulShutdown: true,
      backups: props.backups ?? false,
      backupPolicy: props.backups
        ? { plan: 'weekly', weekday: weekdayAbbreviation(props.backupWeekday ?? Weekday.SUNDAY).toUpperCase(), hour: props.backupHourUtc ?? 4 }
        : undefined,
      tags: Lazy.listValue({ produce: () => [this.binding().name, ...(props.tags ?? [])] }),
      userData: Lazy.stringValue({ produce: () => this.renderUserData(primary) }),
    });
  }

  /** Inbound: SSH from the admins only (Terraform writes the secrets over it). Outbound: everything. */
  private createFirewall(): Firewall {
    return new Firewall(this, 'Firewall', {
      name: this.appName('-droplets'),
      dropletIds: this.droplets.map((d) => Token.asNumber(d.id)),
      inboundRule: [{ protocol: 'tcp', portRange: '22', sourceAddresses: [...this.props.adminCidrs] }],
      outboundRule: [
        { protocol: 'tcp', portRange: '1-65535', destinationAddresses: ['0.0.0.0/0', '::/0'] },
        { protocol: 'udp', portRange: '1-65535', destinationAddresses: ['0.0.0.0/0', '::/0'] },
        { protocol: 'icmp', destinationAddresses: ['0.0.0.0/0', '::/0'] },
      ],
    });
  }

  /** The app name with a suffix, known once an app is bound. */
  private appName(suffix: string): string {
    return Lazy.stringValue({ produce: () => `${this.binding().name}${suffix}` });
  }

  private renderUserData(primary: boolean): string {
    const text = `#cloud-config\n${yamlText(this.cloudConfig(primary))}`;
    return escapeTerraformTemplate(text);
  }

  /**
   * The `terraform_data` that writes the env files of a droplet over SSH, replaced when the droplet or a
   * secret changes; its provisioners are set at every synthesis, after every intent has run.
   */
  private secretWriter(droplet: Droplet, id: string): TerraformData {
    const writer = new TerraformData(this, id, {
      triggersReplace: {
        droplet: droplet.id,
        secrets: Lazy.stringValue({ produce: () => secretsFingerprint(this.secretFiles()) }),
      },
      dependsOn: [droplet],
    });
    writer.connection = {
      type: 'ssh' as const,
      host: droplet.ipv4Address,
      user: 'root',
      privateKey: this.props.sshPrivateKey,
      timeout: '10m',
    };
    this.updateAtEverySynthesis((app) => {
      writer.provisioners = secretProvisioners(app.name, secretFilesOf(app));
    });
    return writer;
  }
}

/** The env files of the secret groups in use, by file name (values may be tokens). */
function secretFilesOf(app: ResolvedApp): Record<string, string> {
  const files: Record<string, string> = {};
  for (const group of ['app', ...groupsInUse(app).filter((g) => g !== 'app')]) {
    const values = app.secretGroups[group] ?? {};
    const lines = Object.entries(values).map(([k, v]) => `${k}='${v}'`);
    files[envFileName(group)] = `# written by Terraform; do not edit\n${lines.join('\n')}\n`;
  }
  return files;
}

/** Copies each file to a `.tmp`, then installs them all (root, 0600), `secrets.env` last: the unit starts once it exists. */
function secretProvisioners(name: string, files: Record<string, string>): TerraformData['provisioners'] {
  const dir = `/etc/${name}`;
  const order = Object.keys(files).sort((a, b) => (a === 'secrets.env' ? 1 : b === 'secrets.env' ? -1 : a < b ? -1 : a > b ? 1 : 0));
  return [
    { type: 'remote-exec', inline: ['cloud-init status --wait >/dev/null || true', `install -d -m 0700 ${dir}`] },
    ...order.map((f) => ({ type: 'file' as const, destination: `${dir}/${f}.tmp`, content: escapeTerraformTemplate(files[f]) })),
    {
      type: 'remote-exec',
      inline: [
        ...order.map((f) => `install -m 0600 -o root -g root ${dir}/${f}.tmp ${dir}/${f} && rm -f ${dir}/${f}.tmp`),
        `systemctl restart ${name}.service`,
      ],
    },
  ];
}

/** A fingerprint of every secret: literal values hashed here, references hashed by Terraform (so no value is written in the clear). */
function secretsFingerprint(files: Record<string, string>): string {
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
