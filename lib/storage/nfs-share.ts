import { DataDigitaloceanNfs } from '@cdktf/provider-digitalocean/lib/data-digitalocean-nfs';
import { Nfs } from '@cdktf/provider-digitalocean/lib/nfs';
import { Token } from 'cdktf';
import { Construct } from 'constructs';
import { DoRegion } from '../common/region';
import { Problems, checkBoolean, checkInt, isUnresolved, requireProps } from '../private/validate';
import { checkDoTags } from '../private/limits';

/**
 * Smallest NFS share DigitalOcean makes (terraform-provider-digitalocean v2.71.0, docs/resources/nfs.md:
 * "`size` - (Required) The size of the NFS share in GiB. Minimum size is 50 GiB.").
 */
export const NFS_MIN_SIZE_GIB = 50;
/** Largest share: "Both tiers provide up to 32 TiB of storage" (docs.digitalocean.com/products/nfs/details/features/). */
export const NFS_MAX_SIZE_GIB = 32 * 1024;
/**
 * A share name: "Must be lowercase and composed only of numbers, letters, and "-", up to a limit of
 * 64 characters. The name must begin with a letter." (docs/resources/nfs.md, v2.71.0).
 */
const NFS_NAME_RE = /^[a-z][a-z0-9-]{0,63}$/;
/** A dotted IPv4 address (the share's host is an address in the VPC). */
const IPV4_RE = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

/**
 * Where pods mount an NFS share from: what `KubernetesRuntimeProps.sharedStorage` takes.
 *
 * The pinned provider (DigitalOcean 2.71.0, `@cdktf/provider-digitalocean` 13.14.1) exports neither the
 * share's host nor its mount path: the `digitalocean_nfs` resource and data source carry `id`, `name`,
 * `region`, `size`, `status`, `tags` (and `vpc_id`/`vpc_ids` on the resource) only. The data source
 * exports `host` ("The host IP of the NFS server accessible from the associated VPC") and `mount_path`
 * ("The mount path for accessing the NFS share") from v2.73.0 on (docs.digitalocean.com/reference/terraform/reference/data-sources/nfs/,
 * "Generated ... from Terraform version v2.73.0"). Until the binding is upgraded, both are given by
 * the operator, as the control panel or `GET /v2/nfs/{id}` show them.
 */
export interface INfsMountSource {
  /** Name of the share. */
  readonly shareName: string;
  /** The NFS server's address in the VPC (the PersistentVolume's `nfs.server`). */
  readonly host: string;
  /** The exported path of the share (the PersistentVolume's `nfs.path`). */
  readonly mountPath: string;
  /** Size of the share in GiB (the PersistentVolume's capacity). */
  readonly sizeGib: number;
}

/** Props of `NfsShare`. */
export interface NfsShareProps {
  /** Name of the share: lowercase letters, digits and "-", starting with a letter, at most 64 characters. */
  readonly name: string;
  /** Region of the share: the cluster's. */
  readonly region: DoRegion;
  /** Id of the VPC the share is reachable from: the cluster's. */
  readonly vpcId: string;
  /**
   * Size in GiB, at least 50 (DigitalOcean's minimum); growing a share is done in place.
   * @default 50
   */
  readonly sizeGib?: number;
  /**
   * Tags of the share.
   * @default - none
   */
  readonly tags?: readonly string[];
  /**
   * Keep Terraform from destroying the share (and its files). Set false only for a share whose data may go.
   * @default true
   */
  readonly preventDestroy?: boolean;
}

/** Props of `NfsShare.fromShareName`. */
export interface ExistingNfsShareProps {
  /** Name of the share, as the stack that created it named it. */
  readonly name: string;
  /** Region of the share. */
  readonly region: DoRegion;
  /** The share's host address in the VPC (the provider at 2.71.0 does not export it: see `INfsMountSource`). */
  readonly host: string;
  /** The share's mount path (the provider at 2.71.0 does not export it: see `INfsMountSource`). */
  readonly mountPath: string;
}

/**
 * A DigitalOcean managed NFS share (`digitalocean_nfs`, child `Resource`) in a VPC: storage that the
 * nodes of a Kubernetes cluster mount at once ("a single share to be mounted across multiple Droplets
 * and Kubernetes nodes", "It supports NFSv4.1, POSIX permissions, and VPC-based access":
 * docs.digitalocean.com/products/nfs/details/features/), so that every replica of a Deployment shares
 * the app's persistent paths. Protected from destroy by default: it holds the app's files.
 *
 * Create it beside the cluster, in the platform stack; the workloads stack reads it with
 * `NfsShare.fromShareName` and gives it to `KubernetesRuntimeProps.sharedStorage`.
 */
export class NfsShare extends Construct {
  /**
   * Reads a share another stack created, by name (`digitalocean_nfs` data source, child `Resource`),
   * with its host and mount path given: what `KubernetesRuntimeProps.sharedStorage` takes.
   */
  public static fromShareName(scope: Construct, id: string, props: ExistingNfsShareProps): ExistingNfsShare {
    return new ExistingNfsShare(scope, id, props);
  }

  /** The `digitalocean_nfs` resource. */
  public readonly resource: Nfs;
  /** Name of the share. */
  public readonly shareName: string;
  /** Id of the share. */
  public readonly shareId: string;
  /** Size in GiB. */
  public readonly sizeGib: number;

  constructor(scope: Construct, id: string, props: NfsShareProps) {
    super(scope, id);
    requireProps(this, props, '{ name, region, vpcId }');
    const p = new Problems();
    checkShareName(p, props.name);
    p.check(props.region instanceof DoRegion, 'region', props.region, 'is not a DoRegion', 'use DoRegion.FRA1 or DoRegion.of(slug)');
    p.check(typeof props.vpcId === 'string' && props.vpcId.length > 0, 'vpcId', props.vpcId, 'is required', "give the cluster's VPC id (vpc.id)");
    checkInt(p, 'sizeGib', props.sizeGib, NFS_MIN_SIZE_GIB, NFS_MAX_SIZE_GIB,
      `use a whole number of GiB from ${NFS_MIN_SIZE_GIB} (DigitalOcean's smallest share) to ${NFS_MAX_SIZE_GIB}`);
    checkDoTags(p, 'tags', props.tags);
    checkBoolean(p, 'preventDestroy', props.preventDestroy);
    p.throwIfAny(this);
    this.sizeGib = props.sizeGib ?? NFS_MIN_SIZE_GIB;
    // `size` is updated in place (the share grows); `name`, `region` and `vpc_id` identify it.
    this.resource = new Nfs(this, 'Resource', {
      name: props.name,
      region: props.region.slug,
      size: this.sizeGib,
      vpcId: props.vpcId,
      tags: props.tags?.length ? [...props.tags] : undefined,
      lifecycle: { preventDestroy: props.preventDestroy ?? true },
    });
    this.shareName = this.resource.name;
    this.shareId = this.resource.id;
  }
}

/** A share another stack created, read by name (`NfsShare.fromShareName`). */
export class ExistingNfsShare extends Construct implements INfsMountSource {
  /** The `digitalocean_nfs` data source (child `Resource`): the plan fails when the share does not exist. */
  public readonly data: DataDigitaloceanNfs;
  public readonly shareName: string;
  public readonly host: string;
  public readonly mountPath: string;
  /** Size in GiB, as the data source reads it. */
  public readonly sizeGib: number;

  constructor(scope: Construct, id: string, props: ExistingNfsShareProps) {
    super(scope, id);
    requireProps(this, props, '{ name, region, host, mountPath }');
    const p = new Problems();
    checkShareName(p, props.name);
    p.check(props.region instanceof DoRegion, 'region', props.region, 'is not a DoRegion', 'use DoRegion.FRA1 or DoRegion.of(slug)');
    if (!isUnresolved(props.host)) {
      p.check(typeof props.host === 'string' && IPV4_RE.test(props.host), 'host', props.host, 'is not an IPv4 address',
        'give the share\'s host address in the VPC, as the control panel shows it (10.114.0.5)');
    }
    if (!isUnresolved(props.mountPath)) {
      p.check(typeof props.mountPath === 'string' && /^\/[^\s\0]*$/.test(props.mountPath), 'mountPath', props.mountPath,
        'is not an absolute path', 'give the share\'s mount path, as the control panel shows it');
    }
    p.throwIfAny(this);
    this.data = new DataDigitaloceanNfs(this, 'Resource', { name: props.name, region: props.region.slug });
    this.shareName = this.data.name;
    this.host = props.host;
    this.mountPath = props.mountPath;
    this.sizeGib = Token.asNumber(this.data.size);
  }
}

function checkShareName(p: Problems, name: unknown): void {
  if (isUnresolved(name)) return;
  p.check(typeof name === 'string' && NFS_NAME_RE.test(name), 'name', name, 'is not an NFS share name',
    'use lowercase letters, digits and "-", starting with a letter, at most 64 characters (erp-ha-files)');
}
