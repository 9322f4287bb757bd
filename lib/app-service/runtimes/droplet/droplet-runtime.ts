import { Droplet } from '@cdktf/provider-digitalocean/lib/droplet';
import { Firewall } from '@cdktf/provider-digitalocean/lib/firewall';
import { Volume } from '@cdktf/provider-digitalocean/lib/volume';
import { Vpc } from '@cdktf/provider-digitalocean/lib/vpc';
import { Annotations, Lazy, Token } from 'cdktf';
import { Construct } from 'constructs';
import { DatabaseAccessSourceType, IDatabaseClient } from '../../../common/contracts';
import { PrivateNetwork } from '../../../common/network';
import { DoRegion } from '../../../common/region';
import { ErpChecks } from '../../../checks/erp-checks';
import { Problems, checkInt, isUnresolved, requireProps } from '../../../private/validate';
import { ErpValidationError } from '../../../errors';
import { escapeTerraformTemplate } from '../../private/render-common';
import { AppBinding, ResolvedApp } from '../../runtime';
import { AppRuntimeBase, AppRuntimeBaseProps } from '../base';
import { DropletSize } from './droplet-size';
import { IReleaseStore, ReleaseObject, ReleaseStoreReader } from './release-store';
import { agentScriptText, bootstrapConfig, userDataProblem } from './private/bootstrap';
import { DROPLET_BASE_NAME, checkDropletRuntimeProps } from './private/check-props';
import { composeDocument } from './private/compose';
import { manifestText, releaseFiles } from './private/release';
import { Weekday, weekdayAbbreviation } from '../../../common/weekday';
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
  /**
   * The store Terraform publishes each droplet's desired state to and the droplets' agent reads
   * (`S3ReleaseStore`). Nothing connects to the droplets: a deploy only writes to the store.
   */
  readonly releaseStore: IReleaseStore;
  /**
   * Name of the droplets (`<name>-<n>`), their data volumes (`<name>-<n>-data`, unique in a region),
   * their prefixes in the release store (`<name>-<n>/`) and their agents' IAM users (`<name>-<n>-agent`,
   * unique in an AWS account). Give each environment of an app its own.
   * @default - the app's name
   */
  readonly name?: string;
  /**
   * SSH keys (DigitalOcean key ids or MD5 fingerprints) installed for root when a droplet is created.
   * DigitalOcean cannot change the keys of a running droplet, so a change here applies to droplets
   * created later and replaces none (the droplet ignores changes of its `ssh_keys`). At least one.
   */
  readonly sshKeys: readonly string[];
  /**
   * CIDR blocks that may reach SSH (22), for operators (`erp-agent logs`, `exec`, `rollback`).
   * No deploy needs it: Terraform never connects to the droplets.
   * @default - no inbound port is open
   */
  readonly adminCidrs?: readonly string[];
  /**
   * Allow `0.0.0.0/0` or `::/0` in `adminCidrs`.
   * @default false
   */
  readonly allowSshFromAnywhere?: boolean;
  /**
   * Size of each droplet's data volume, in GiB: block storage that outlives the droplet and holds the
   * cache's data. It can grow later (in place) but never shrink.
   * @default 10
   */
  readonly dataVolumeSizeGib?: number;
  /**
   * Protect the data volumes from `terraform destroy` (`prevent_destroy`).
   * @default true
   */
  readonly protectDataVolumes?: boolean;
  /**
   * Seconds a new version of a health-checked process has to become healthy before the agent
   * removes it and keeps the previous release running.
   * @default 300
   */
  readonly healthTimeoutSeconds?: number;
  /**
   * URL the agent POSTs its status (JSON) to when a rollout fails, e.g. a dead-man's-switch
   * service's failure endpoint or a chat webhook.
   * @default - the failure is only recorded in the status the agent publishes
   */
  readonly rolloutAlertUrl?: string;
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
   * Weekly droplet backups (DigitalOcean images of the droplet's own disk; they do not include the
   * data volume, and DigitalOcean deletes them with the droplet). A droplet here holds nothing that a
   * new one would not rebuild from its bootstrap and the release store, so they are off by default.
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
 * Runs an `ErpAppService` on DigitalOcean droplets with Docker Compose, kept at
 * the desired release by an agent on each droplet.
 *
 * A droplet's user data is a bootstrap that no release changes: it installs
 * Docker from Ubuntu's archive, mounts the droplet's data volume and starts
 * the agent (`erp-agent`). Terraform publishes each droplet's release in the
 * release store: the compose project (every process a service, the release
 * command and the scheduled jobs on the first droplet), one env file per secret
 * group, the public files, the cron table (jobs in UTC) and the systemd timers
 * (jobs in another time zone: Ubuntu's cron has no `CRON_TZ`), the agent itself, and a manifest
 * whose release id hashes them all. The agent polls the store every 30 seconds
 * and rolls out a new release in place: pull, run the release command once,
 * start the new containers of each health-checked server beside the old ones,
 * retire the old ones once the new are healthy, recreate the other changed
 * processes; a new version that does not become healthy within
 * `healthTimeoutSeconds` is removed and the previous release keeps running.
 * With one web replica the switch overlaps old and new, so no request is
 * refused either; only requests in flight on a connection to the old container
 * when it stops (within its stop grace period) can fail.
 *
 * Nothing connects to the droplets (the firewall opens no inbound port unless
 * `adminCidrs` asks for SSH), so a Terraform Cloud remote run deploys like a
 * laptop does. Secrets reach the droplets only through the store, in text whose
 * references Terraform fills in at apply. The cache's data lives on the data
 * volume, which is kept when a droplet is replaced; the attributes that force a
 * new droplet (image, region, user data, VPC, monitoring, agent, SSH keys, which
 * the droplet ignores after creation) depend on nothing a release changes. A
 * droplet that must be replaced (a new region, a new bootstrap) is destroyed
 * before its successor is created: its data volume attaches to one droplet at
 * a time.
 *
 * Operators use `erp-agent` on a droplet (over SSH from `adminCidrs`, or the
 * DigitalOcean console): `status`, `rollback`, `retry`, `exec <process> <command>`
 * and `logs <process>`; each droplet also publishes `status.json` in its prefix
 * of the store.
 *
 * ```ts
 * const store = new S3ReleaseStore(stack, 'Releases', { name: 'erp-prod' });
 * const runtime = new DropletRuntime(stack, 'Runtime', {
 *   region: DoRegion.FRA1, size: DropletSize.S_2VCPU_4GB, releaseStore: store, sshKeys: ['12345678'],
 * });
 * new ErpAppService(stack, 'App', { name: 'erp', runtime, processes: { web: { image: 'ghcr.io/acme/erp:1.4.2', port: 8080 } } });
 * ```
 */
export class DropletRuntime extends AppRuntimeBase {
  /** The droplets; the first has the id `Resource`. */
  public readonly droplets: Droplet[];
  /** The data volume of each droplet, in the same order. */
  public readonly volumes: Volume[];
  /** The cloud firewall of the droplets. */
  public readonly firewall: Firewall;
  /** The VPC of the stack's shared network, when the droplets joined it (no `vpcId` given). */
  public readonly vpc?: Vpc;
  /** The stack's shared network of the region, when the droplets joined it (no `vpcId` given). */
  public readonly privateNetwork?: PrivateNetwork;
  /** The VPC id the droplets are in. */
  public readonly vpcId: string;
  /** Firewall entries that admit these droplets to a database, and their region and VPC. */
  public readonly databaseClient: IDatabaseClient;
  /** The release id each droplet is asked to run (12 hex digits; known after apply when the release holds references). */
  public readonly releaseIds: string[];
  /** Where each droplet reads its desired state (URL of its prefix in the store; `status.json` there is its report). */
  public readonly releaseUrls: string[];

  private readonly props: DropletRuntimeProps;
  private readonly readers: ReleaseStoreReader[] = [];
  private readonly rendered: string[] = [];
  private readonly prefixes: string[] = [];
  private readonly objects = new Map<string, ReleaseObject>();

  constructor(scope: Construct, id: string, props: DropletRuntimeProps) {
    super(scope, id, props);
    requireProps(this, props, "{ region: DoRegion.FRA1, releaseStore: new S3ReleaseStore(...), sshKeys: [...] }");
    this.props = props;
    const p = new Problems();
    checkDropletRuntimeProps(p, props);
    this.checkSharedProps(p);
    checkInt(p, 'logMaxSizeMib', props.logMaxSizeMib, 1, 1024);
    checkInt(p, 'logMaxFiles', props.logMaxFiles, 1, 100);
    checkInt(p, 'dataVolumeSizeGib', props.dataVolumeSizeGib, 1, 16384);
    checkInt(p, 'healthTimeoutSeconds', props.healthTimeoutSeconds, 10, 3600);
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
    this.volumes = [];
    this.releaseIds = [];
    this.releaseUrls = [];
    for (let i = 0; i < (props.count ?? 1); i++) {
      const suffix = i === 0 ? '' : `${i + 1}`;
      const prefix = Lazy.stringValue({ produce: () => `${this.baseName()}-${i + 1}` });
      this.prefixes.push(prefix);
      const reader = props.releaseStore.createReader(new Construct(this, `Agent${suffix}`), prefix,
        Lazy.stringValue({ produce: () => `${this.baseName()}-${i + 1}-agent` }));
      this.readers.push(reader);
      this.releaseUrls.push(reader.url);
      const volume = this.createVolume(i);
      this.volumes.push(volume);
      this.droplets.push(this.createDroplet(i, volume, reader));
      this.releaseIds.push(Lazy.stringValue({ produce: () => this.rendered[i] }));
    }
    this.firewall = this.createFirewall();
    this.databaseClient = {
      databaseAccessSources: this.droplets.map((d) => ({ type: DatabaseAccessSourceType.DROPLET, value: d.id })),
      network: { region: props.region, vpcId: this.vpcId },
    };
    this.updateAtEverySynthesis((app) => this.publishReleases(app));
  }

  /** The first droplet. */
  public get droplet(): Droplet {
    return this.droplets[0];
  }

  /** The release id the first droplet is asked to run. */
  public get releaseId(): string {
    return this.releaseIds[0];
  }

  /** Binds the runtime to its app; `ErpAppService` calls it once, from its constructor. */
  public bind(app: AppBinding): void {
    super.bind(app);
    if (this.props.name === undefined && !isUnresolved(app.name)) {
      // without a name of its own the runtime names the droplets, volumes and agents' IAM users after the app
      const p = new Problems();
      p.check(typeof app.name === 'string' && DROPLET_BASE_NAME.test(app.name), 'name', app.name,
        'is the app\'s name, which names the droplets when the runtime has none: longer than the 46 characters they take '
        + '(<name>-<n> is the droplet\'s hostname, <name>-<n>-data a volume name of at most 64, <name>-<n>-agent an IAM user name of at most 64)',
        "give the DropletRuntime a name of its own (name: 'erp-prod'), or the app a shorter name");
      p.throwIfAny(this);
    }
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

  /** The cloud-config (the bootstrap) of a droplet, as data. */
  public cloudConfig(index = 0): Record<string, unknown> {
    return bootstrapConfig({ app: this.binding().name, reader: this.readers[index], volumeName: this.volumeName(index) });
  }

  /** The text of every object of a droplet's release but the manifest, by key (values may be references). */
  public releaseFiles(primary = true): Record<string, string> {
    return releaseFiles(this.model(), this.releaseOptions(primary));
  }

  /**
   * Publishes each droplet's release in the store: its files, then the manifest that names their hashes.
   * Runs at every synthesis: objects are created for new files, rewritten, and removed for files gone.
   */
  private publishReleases(app: ResolvedApp): void {
    this.droplets.forEach((_, i) => {
      const id = i === 0 ? 'Release' : `Release${i + 1}`;
      const scope = (this.node.tryFindChild(id) as Construct | undefined) ?? new Construct(this, id);
      const o = this.releaseOptions(i === 0);
      const files = releaseFiles(app, o);
      const keys = Object.keys(files).sort();
      const hashes = keys.map((key) => ({ key, sha256: this.releaseObject(scope, i, key).write(files[key]) }));
      const manifest = manifestText(app, o, hashes);
      this.releaseObject(scope, i, 'manifest').write(manifest);
      this.rendered[i] = manifest.split('\n')[1].slice('release '.length);
      for (const child of scope.node.children) {
        if (![...keys, 'manifest'].some((k) => objectId(k) === child.node.id)) scope.node.tryRemoveChild(child.node.id);
      }
    });
  }

  /** The store object of a droplet's release file, created on first use. */
  private releaseObject(scope: Construct, i: number, key: string): ReleaseObject {
    const slot = `${i}/${key}`;
    let object = this.objects.get(slot);
    if (object === undefined || scope.node.tryFindChild(objectId(key)) === undefined) {
      object = this.props.releaseStore.putObject(scope, objectId(key), this.prefixes[i], key);
      this.objects.set(slot, object);
    }
    return object;
  }

  private releaseOptions(primary: boolean) {
    return {
      primary,
      composeText: yamlText(this.composeDocument(primary)),
      agentScript: agentScriptText(),
      healthTimeoutSeconds: this.props.healthTimeoutSeconds ?? 300,
      alertUrl: this.props.rolloutAlertUrl,
    };
  }

  private volumeName(i: number): string {
    return `${this.baseName()}-${i + 1}-data`;
  }

  private baseName(): string {
    return this.props.name ?? this.binding().name;
  }

  /** The droplet's data volume. Its name, region and filesystem force a new volume, so none comes from the app's release. */
  private createVolume(i: number): Volume {
    return new Volume(this, i === 0 ? 'Data' : `Data${i + 1}`, {
      name: Lazy.stringValue({ produce: () => this.volumeName(i) }),
      region: this.props.region.slug,
      size: this.props.dataVolumeSizeGib ?? 10,
      initialFilesystemType: 'ext4',
      description: Lazy.stringValue({ produce: () => `Data of ${this.baseName()}-${i + 1} (cache, files); outlives the droplet` }),
      lifecycle: { preventDestroy: this.props.protectDataVolumes ?? true },
    });
  }

  /**
   * A droplet. In the provider's schema (digitalocean/droplet/resource_droplet.go, v2.71.0) `image`,
   * `region`, `ssh_keys`, `user_data`, `monitoring`, `droplet_agent` and `vpc_uuid` are ForceNew, and
   * `ipv6` forces a new droplet when turned off; `size`, `name`, `tags`, `backups` and `volume_ids`
   * change in place. None of the ForceNew ones depends on the app's release.
   */
  private createDroplet(i: number, volume: Volume, reader: ReleaseStoreReader): Droplet {
    const props = this.props;
    const droplet = new Droplet(this, i === 0 ? 'Resource' : `Droplet${i + 1}`, {
      name: Lazy.stringValue({ produce: () => `${this.baseName()}-${i + 1}` }),
      region: props.region.slug,
      size: (props.size ?? DropletSize.S_2VCPU_4GB).slug,
      image: props.image ?? 'ubuntu-24-04-x64',
      vpcUuid: this.vpcId,
      sshKeys: [...props.sshKeys],
      monitoring: true,
      dropletAgent: true,
      ipv6: true,
      gracefulShutdown: true,
      // attached at creation, so that the bootstrap finds it at first boot
      volumeIds: [volume.id],
      backups: props.backups ?? false,
      backupPolicy: props.backups
        ? { plan: 'weekly', weekday: weekdayAbbreviation(props.backupWeekday ?? Weekday.SUNDAY).toUpperCase(), hour: props.backupHourUtc ?? 4 }
        : undefined,
      tags: Lazy.listValue({ produce: () => [this.binding().name, ...(props.tags ?? [])] }),
      userData: Lazy.stringValue({
        produce: () => {
          const text = escapeTerraformTemplate(`#cloud-config\n${yamlText(bootstrapConfig({ app: this.binding().name, reader, volumeName: this.volumeName(i) }))}`);
          const why = userDataProblem(text);
          if (why) throw new ErpValidationError(this.node.path, [{ prop: `droplets[${i}].userData`, value: `${text.slice(0, 60)}...`, ...why }]);
          return text;
        },
      }),
      // "Once a Droplet is created keys can not be added or removed via this provider" (droplet docs, v2.71.0):
      // a new key applies to droplets created later instead of replacing this one
      lifecycle: { ignoreChanges: ['ssh_keys'] },
    });
    ErpChecks.suppress(droplet, 'ERP-SEC-1', 'the bootstrap holds the agent\'s store credential, its one secret: it reads this droplet\'s desired state and writes its status, nothing else, and the containers cannot reach the metadata service');
    return droplet;
  }

  /** Inbound: SSH from `adminCidrs` when given, nothing otherwise (no deploy connects). Outbound: everything. */
  private createFirewall(): Firewall {
    const admin = this.props.adminCidrs ?? [];
    return new Firewall(this, 'Firewall', {
      name: Lazy.stringValue({ produce: () => `${this.baseName()}-droplets` }),
      dropletIds: this.droplets.map((d) => Token.asNumber(d.id)),
      inboundRule: admin.length > 0 ? [{ protocol: 'tcp', portRange: '22', sourceAddresses: [...admin] }] : undefined,
      outboundRule: [
        { protocol: 'tcp', portRange: '1-65535', destinationAddresses: ['0.0.0.0/0', '::/0'] },
        { protocol: 'udp', portRange: '1-65535', destinationAddresses: ['0.0.0.0/0', '::/0'] },
        { protocol: 'icmp', destinationAddresses: ['0.0.0.0/0', '::/0'] },
      ],
    });
  }
}

/** The construct id of a release object: `Manifest`, or `File-` and its key with "/" and "." written "-". */
function objectId(key: string): string {
  return key === 'manifest' ? 'Manifest' : `File-${key.replace(/[^A-Za-z0-9]/g, '-')}`;
}
