import { Vpc } from '@cdktf/provider-digitalocean/lib/vpc';
import { Lazy, TerraformStack, Token } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { createHash } from 'crypto';
import { ErpValidationError } from '../errors';
import { PrivateNetworkPlacement } from './contracts';
import { checkDoVpcRange } from '../private/limits';
import { Problems, checkString, isUnresolved } from '../private/validate';
import { DoRegion, checkRegion } from './region';

/** Options of the stack's shared private network of a region (`PrivateNetwork.of`). */
export interface PrivateNetworkOptions {
  /**
   * The VPC name: unique in the DigitalOcean account; letters, digits, `-` and `.`.
   * Every construct that names the network must give the same name.
   * @default - derived at synthesis from the stack id, the names of the constructs in the network and the region
   */
  readonly name?: string;
  /**
   * The private IPv4 range (RFC 1918, `/16` to `/28`). Fixed once created: changing it replaces the VPC
   * and every database and droplet in it. Every construct that gives a range must give the same one.
   * @default - DigitalOcean picks a free `/20`
   */
  readonly ipRange?: string;
}

/** Props of a `PrivateNetwork`. */
export interface PrivateNetworkProps extends PrivateNetworkOptions {
  /** The region of the network; a VPC is regional. */
  readonly region: DoRegion;
  /**
   * A free-form description, up to 255 characters.
   * @default - names the stack and the region
   */
  readonly description?: string;
}

/**
 * A DigitalOcean VPC for an app and the databases it connects to.
 *
 * `PrivateNetwork.of(scope, region)` returns the stack's one shared network
 * of a region, created on first use at the stack root with the construct id
 * `PrivateNetwork-<region>` (the VPC is its child `Resource`). The id depends on
 * nothing but the region, so adding, removing or reordering the constructs
 * that use it never moves its Terraform address: a moved VPC would be
 * destroyed and created again, and with it every database cluster in it
 * (`private_network_uuid` forces a new cluster). `ManagedDatabase`,
 * `DropletRuntime` and `KubernetesCluster` join it when they are given no VPC,
 * so an app and its database share a network without VPC ids passed by hand.
 *
 * Name: VPC names are unique per account ("`name` - (Required) A name for the
 * VPC. Must be unique and contain alphanumeric characters, dashes, and periods
 * only.", terraform-provider-digitalocean v2.71.0, docs/resources/vpc.md), and
 * several apps and environments share one account. The default name is made at
 * synthesis from the stack id, the sorted names of the constructs in the network
 * (database clusters, Kubernetes clusters, apps) and the region, e.g.
 * `dev-erp-erp-dev-db-fra1` (longer than 63 characters: cut, with a hash of the
 * whole). A name change is an update in place: the provider's schema
 * (digitalocean/vpc/resource_vpc.go) sets `ForceNew` on `region` and `ip_range`
 * only, so a construct joining later renames the VPC and replaces nothing.
 * Give `name` to fix it yourself.
 *
 *   const network = PrivateNetwork.of(stack, DoRegion.FRA1, { name: 'acme-erp-prod' });
 *   new ManagedDatabase(stack, 'Database', { ..., region: DoRegion.FRA1 }); // joins it
 */
export class PrivateNetwork extends Construct implements PrivateNetworkPlacement {
  /**
   * The stack's shared network of `region`, created at the stack root on the first call.
   * Options given by several callers must agree; a later caller may add what an earlier one left out.
   */
  public static of(scope: IConstruct, region: DoRegion, options: PrivateNetworkOptions = {}): PrivateNetwork {
    const p = new Problems();
    checkRegion(p, 'region', region, { required: true });
    p.throwIfAny(scope);
    if (isUnresolved(region.slug)) {
      throw new ErpValidationError(scope.node.path, [{
        prop: 'region', value: region.slug, problem: 'is a token: the shared private network needs a literal region for its stable construct id',
        fix: 'give a DoRegion member, or pass your own VPC (vpc / vpcId)',
      }]);
    }
    const stack = TerraformStack.of(scope);
    const id = PrivateNetwork.idOf(region);
    const existing = stack.node.tryFindChild(id);
    if (existing === undefined) {
      return new PrivateNetwork(stack, id, { ...options, region });
    }
    if (!(existing instanceof PrivateNetwork)) {
      throw new ErpValidationError(stack.node.path, [{
        prop: id, value: existing.node.path, problem: 'is taken by another construct at the stack root',
        fix: `rename that construct: ${id} is the id of the stack's shared private network of ${region.slug}`,
      }]);
    }
    existing.merge(scope, options);
    return existing;
  }

  /** The construct id, at the stack root, of the shared network of a region: `PrivateNetwork-<region>`. */
  public static idOf(region: DoRegion): string {
    return `PrivateNetwork-${region.slug}`;
  }

  /** The `digitalocean_vpc`. */
  public readonly vpc: Vpc;
  /** The VPC id. */
  public readonly vpcId: string;
  /** The region. */
  public readonly region: DoRegion;
  /** The VPC name (a token when it is derived). */
  public readonly name: string;

  private givenName?: string;
  private givenIpRange?: string;
  private readonly members: Array<() => string | undefined> = [];

  constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id);
    const p = new Problems();
    checkRegion(p, 'region', props?.region, { required: true });
    checkOptions(p, props ?? {});
    if (checkString(p, 'description', props?.description) && !isUnresolved(props.description)) {
      p.check(props.description.length <= 255, 'description', props.description, 'is longer than 255 characters', 'shorten it');
    }
    p.throwIfAny(this);
    this.region = props.region;
    this.givenName = props.name;
    this.givenIpRange = props.ipRange;
    const stackId = TerraformStack.of(this).node.id;
    this.vpc = new Vpc(this, 'Resource', {
      name: Lazy.stringValue({ produce: () => this.givenName ?? this.derivedName() }),
      region: props.region.slug,
      ipRange: props.ipRange,
      description: props.description ?? `Private network of stack ${stackId} in ${props.region.slug} (cdktf-erp-constructs)`,
    });
    this.vpcId = this.vpc.id;
    this.name = this.vpc.name;
  }

  /**
   * Names a construct in the network; the default VPC name lists them. `name`
   * may be a function read at synthesis (an app's name, known once it binds).
   */
  public addMember(name: string | (() => string | undefined)): void {
    this.members.push(typeof name === 'function' ? name : () => name);
  }

  /** Applies the options of a later caller of `of`: they may fill in what is unset, never change it. */
  private merge(caller: IConstruct, options: PrivateNetworkOptions): void {
    const p = new Problems();
    checkOptions(p, options);
    if (options.name !== undefined && this.givenName !== undefined && options.name !== this.givenName) {
      p.add('name', options.name, `differs from the name already given to the stack's private network of ${this.region.slug} (${this.givenName})`,
        'give the same name everywhere, or leave it out where the network is shared');
    }
    if (options.ipRange !== undefined && this.givenIpRange !== undefined && this.givenIpRange !== options.ipRange) {
      p.add('ipRange', options.ipRange,
        `differs from the range already given to the stack's private network of ${this.region.slug} (${this.givenIpRange})`,
        'give the same range everywhere the shared network is used (or only once), or pass your own VPC');
    }
    p.throwIfAny(caller);
    if (options.name !== undefined) this.givenName = options.name;
    if (options.ipRange !== undefined && this.givenIpRange === undefined) {
      this.givenIpRange = options.ipRange;
      this.vpc.ipRange = options.ipRange;
    }
  }

  private derivedName(): string {
    const names = this.members.map((m) => m()).filter((n): n is string => typeof n === 'string' && n !== '' && !Token.isUnresolved(n));
    const stackId = TerraformStack.of(this).node.id;
    const parts = [stackId, ...[...new Set(names)].sort(), this.region.slug];
    const full = parts.join('-').toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/-{2,}/g, '-').replace(/^[-.]+|[-.]+$/g, '');
    if (full.length <= MAX_DERIVED_NAME) return full;
    const hash = createHash('sha256').update(full).digest('hex').slice(0, 8);
    return `${full.slice(0, MAX_DERIVED_NAME - 9).replace(/[-.]+$/, '')}-${hash}`;
  }
}

/** Derived names are kept to a DNS label's length, so that they read well in the control panel. */
const MAX_DERIVED_NAME = 63;
const VPC_NAME_RE = /^[A-Za-z0-9.-]+$/;

function checkOptions(p: Problems, options: PrivateNetworkOptions): void {
  if (checkString(p, 'name', options.name) && !isUnresolved(options.name)) {
    p.check(VPC_NAME_RE.test(options.name) && options.name.length <= 255, 'name', options.name, 'is not a VPC name',
      'use letters, digits, "-" and "." (acme-erp-prod)');
  }
  if (checkString(p, 'ipRange', options.ipRange) && !isUnresolved(options.ipRange)) {
    checkDoVpcRange(p, 'ipRange', options.ipRange, '10.20.0.0/20');
  }
}
