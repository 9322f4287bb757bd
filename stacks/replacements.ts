/**
 * Which changes replace what: the replacement manifest of the resource types the tier stacks and the
 * construct library create, and a comparison of two synthesized stacks by it.
 *
 * The address manifest (__tests__/addresses.json) sees a resource that moves to another address. It cannot
 * see a resource that stays at its address and is replaced anyway because an argument the provider marks
 * ForceNew changed (a cluster name, a region, a bucket prefix). This file lists, per resource type, the
 * arguments that force a new resource in the pinned provider (DigitalOcean 2.71.0, hashicorp/aws 5.100.0,
 * random 3.7.2, kreuzwerker/docker 3.x), each with the line of the provider's source or docs that says so,
 * and what is lost when the resource is replaced. `replacementsBetween` compares two synthesized stacks
 * (or the snapshots the stacks lock keeps, see stacks-lock.ts) by it, following references, so that a
 * changed VPC region also shows the cluster whose `private_network_uuid` points at that VPC.
 */
import { createHash } from 'node:crypto';

/** What is lost when a resource of a type is replaced. */
export enum ReplacementLoss {
  /** It holds data: a new one starts empty (a database, a volume, a bucket, an encryption key, a generated secret). */
  DATA = 'data',
  /** It is a credential or an identity: a new one has new secrets, and what was granted to the old one is gone. */
  IDENTITY = 'identity',
  /** It runs the app: the app is down or rebuilt while it is replaced (a droplet, a Kubernetes cluster). */
  SERVER = 'server',
  /** A network other resources join: they are replaced with it. */
  NETWORK = 'network',
  /** Settings that are recreated as they were: nothing is lost but a moment of service. */
  CONFIG = 'config',
}

/** The replacement rule of one resource type. */
export interface ReplacementRule {
  /** The Terraform resource type (`digitalocean_database_cluster`). */
  readonly type: string;
  /** What it is, for messages (`database cluster`). */
  readonly what: string;
  /** What a replacement loses. */
  readonly loss: ReplacementLoss;
  /**
   * Whether a replacement is refused at synth by the stacks lock (stacks-lock.ts): true for every type whose
   * replacement loses data, an identity, a running server or a network; false where the stacks create the new
   * one before the old one goes (a node pool, a parameter group) or where only settings are recreated.
   */
  readonly protect: boolean;
  /**
   * The arguments that force a new resource (dotted for a nested block: `node_pool.size`). `(provider region)`
   * stands for the region of the AWS provider the resource uses: in hashicorp/aws 5.x the region is a setting
   * of the provider, not an argument, and a resource under a provider of another region is another resource.
   */
  readonly forceNew: readonly string[];
  /** The provider source or documentation line that says so, at the pinned version. */
  readonly source: string;
  /** The argument that names the resource, for messages. */
  readonly label?: string;
  /**
   * The resource sits in a VPC given by `private_network_uuid`: a new `region` cannot keep that VPC (a
   * `digitalocean_vpc`'s `region` is ForceNew), so a region change forces a new resource even where the
   * provider could migrate it.
   */
  readonly regionFollowsVpc?: boolean;
  /** How to make a change to one of those arguments without losing what the resource holds. */
  readonly safely: string;
}

const DO = 'terraform-provider-digitalocean v2.71.0';
const AWS = 'terraform-provider-aws v5.100.0';

/** The replacement rules, by resource type. */
export const REPLACEMENT_MANIFEST: readonly ReplacementRule[] = [
  {
    type: 'digitalocean_database_cluster', what: 'database cluster', loss: ReplacementLoss.DATA, protect: true, label: 'name',
    forceNew: ['name', 'engine', 'private_network_uuid', 'project_id'],
    regionFollowsVpc: true,
    source: `${DO}, digitalocean/database/resource_database_cluster.go: "name", "engine", "private_network_uuid" and "project_id" `
      + 'are { ForceNew: true }; "version" is upgraded in place (UpgradeMajorVersion), "region" migrated (Migrate) and '
      + '"size"/"node_count" resized (Resize) by resourceDigitalOceanDatabaseClusterUpdate',
    safely: 'a new cluster starts empty. Keep the deployed value; to move the data, build the new cluster beside the old one '
      + '(new stacks under another app `name`), restore the newest dump into it (the backup-restore job: `npm run ops -- <stack> run '
      + 'backup-restore`, or its CronJob on ha), switch the app and the domain over, then retire the old stacks',
  },
  {
    type: 'digitalocean_database_replica', what: 'read replica', loss: ReplacementLoss.DATA, protect: true, label: 'name',
    forceNew: ['name', 'cluster_id', 'region', 'private_network_uuid', 'tags'],
    source: `${DO}, digitalocean/database/resource_database_replica.go: "name", "cluster_id", "region", "private_network_uuid" `
      + 'and "tags" are { ForceNew: true }; only "size" is updated in place',
    safely: 'a new replica copies the whole database again and gets a new host (the app reads DATABASE_READ_HOST from it). '
      + 'Keep its name, region and tags; to change them, add the new replica first, release the app with its host, then remove the old one',
  },
  {
    type: 'digitalocean_database_db', what: 'database', loss: ReplacementLoss.DATA, protect: true, label: 'name',
    forceNew: ['name', 'cluster_id'],
    source: `${DO}, digitalocean/database/resource_database_db.go: "name" and "cluster_id" are { ForceNew: true } (the resource has no Update)`,
    safely: 'a new name creates an empty database and drops the old one with every table. Keep `database.name`; to rename, dump, '
      + 'restore into the new name, release the app with it, then drop the old database yourself',
  },
  {
    type: 'digitalocean_database_user', what: 'database user', loss: ReplacementLoss.IDENTITY, protect: true, label: 'name',
    forceNew: ['name', 'cluster_id'],
    source: `${DO}, digitalocean/database/resource_database_user.go: "name" and "cluster_id" are { ForceNew: true }`,
    safely: 'the old user is dropped (on PostgreSQL it owns the app\'s tables) and the new one has a new password and no grants. '
      + 'Keep `database.user`; to change it, create the new user, grant it the tables (REASSIGN OWNED on PostgreSQL), release the app with it, then remove the old',
  },
  {
    type: 'digitalocean_database_connection_pool', what: 'connection pool', loss: ReplacementLoss.CONFIG, protect: false, label: 'name',
    forceNew: ['cluster_id', 'name', 'user', 'mode', 'size', 'db_name'],
    source: `${DO}, digitalocean/database/resource_database_connection_pool.go: every argument is { ForceNew: true } (no Update function; `
      + '"Size of database_connection_pool cannot be edited without recreate", digitalocean/terraform-provider-digitalocean#662, open)',
    safely: 'the pool is deleted and created again under the same name: connections through it drop for a few seconds; apply at a quiet hour',
  },
  {
    type: 'digitalocean_database_firewall', what: 'database firewall', loss: ReplacementLoss.CONFIG, protect: false,
    forceNew: ['cluster_id'],
    source: `${DO}, digitalocean/database/resource_database_firewall.go: "cluster_id" is { ForceNew: true }; "rule" is updated in place`,
    safely: 'it follows its cluster',
  },
  {
    type: 'digitalocean_vpc', what: 'VPC', loss: ReplacementLoss.NETWORK, protect: true, label: 'name',
    forceNew: ['region', 'ip_range'],
    source: `${DO}, digitalocean/vpc/resource_vpc.go: "region" and "ip_range" are { ForceNew: true }; "name" and "description" are updated in place`,
    safely: 'every droplet, cluster and share in the VPC is replaced with it. A VPC belongs to one region: move regions by '
      + 'deploying the app again under another `name` in the new region, restoring the newest dump there, and switching the domain over',
  },
  {
    type: 'digitalocean_volume', what: 'data volume', loss: ReplacementLoss.DATA, protect: true, label: 'name',
    forceNew: ['name', 'region', 'description', 'snapshot_id', 'initial_filesystem_type', 'initial_filesystem_label'],
    source: `${DO}, digitalocean/volume/resource_volume.go: "region", "name", "description", "snapshot_id", `
      + '"initial_filesystem_type" and "initial_filesystem_label" are { ForceNew: true }; "size" grows in place',
    safely: 'a new volume starts empty (the droplet\'s files, persistent paths and cache). Keep the value; to move the files, '
      + 'snapshot the volume and create the new one from the snapshot',
  },
  {
    type: 'digitalocean_droplet', what: 'droplet', loss: ReplacementLoss.SERVER, protect: true, label: 'name',
    forceNew: ['image', 'region', 'ssh_keys', 'user_data', 'monitoring', 'droplet_agent', 'vpc_uuid', 'ipv6'],
    source: `${DO}, digitalocean/droplet/resource_droplet.go: "image", "region", "ssh_keys", "user_data", "monitoring", `
      + '"droplet_agent" and "vpc_uuid" are ForceNew; CustomizeDiff ForceNewIfChange("ipv6") when it is turned off; "size", "name", '
      + '"tags", "backups" and "volume_ids" change in place (ssh_keys is in the droplets\' ignore_changes)',
    safely: 'the droplet is rebuilt from its bootstrap and the data volume attached again; the app is down until the new droplet '
      + 'runs the release. Apply at a quiet hour, or add a droplet first (tiers.<tier>.dropletCount) and remove the old one later',
  },
  {
    type: 'digitalocean_kubernetes_cluster', what: 'Kubernetes cluster', loss: ReplacementLoss.SERVER, protect: true, label: 'name',
    forceNew: ['region', 'vpc_uuid', 'cluster_subnet', 'service_subnet', 'node_pool.size', 'ha'],
    source: `${DO}, digitalocean/kubernetes/resource_kubernetes_cluster.go: "region", "vpc_uuid", "cluster_subnet" and "service_subnet" `
      + 'are { ForceNew: true }; its required "node_pool" uses nodePoolSchema (kubernetes.go), whose "size" is { ForceNew: true }; '
      + '"version" forces a new cluster only when it is lowered (CustomizeDiff ForceNewIfChange); "ha" was ForceNew in earlier '
      + 'releases and is counted here; "name" is updated in place',
    safely: 'every workload, secret and volume claim on the cluster goes with it. The app\'s nodes are a separate node pool named '
      + 'after its size (tiers.ha.nodeSize adds a pool, then removes the old one); keep the region, the VPC and the system pool',
  },
  {
    type: 'digitalocean_kubernetes_node_pool', what: 'node pool', loss: ReplacementLoss.SERVER, protect: false, label: 'name',
    forceNew: ['cluster_id', 'size'],
    source: `${DO}, digitalocean/kubernetes/kubernetes.go nodePoolSchema(true): "size" and "cluster_id" are { ForceNew: true }; `
      + '"name", "min_nodes", "max_nodes", "auto_scale", "tags" and "labels" are updated in place',
    safely: 'the pool is named after its size and created before the old one is destroyed (create_before_destroy): the workloads move to the new nodes',
  },
  {
    type: 'digitalocean_spaces_bucket', what: 'Spaces bucket', loss: ReplacementLoss.DATA, protect: true, label: 'name',
    forceNew: ['name', 'region'],
    source: `${DO}, digitalocean/spaces/resource_spaces_bucket.go: "region" is { ForceNew: true }; "name" is the bucket's id `
      + 'and no update renames it, so it is counted as forcing a new bucket',
    safely: 'a new bucket starts empty. Keep the name and region; to move, copy the objects to the new bucket first',
  },
  {
    type: 'digitalocean_nfs', what: 'NFS share', loss: ReplacementLoss.DATA, protect: true, label: 'name',
    forceNew: ['name', 'region', 'vpc_id'],
    source: `${DO}, digitalocean/nfs/resource_nfs.go: "region", "name" and "vpc_id" are { ForceNew: true }; "size" grows in place`,
    safely: 'a new share starts empty (the persistent paths of the ha tier). Keep the value; to move, copy the files to the new share first',
  },
  {
    type: 'aws_s3_bucket', what: 'S3 bucket', loss: ReplacementLoss.DATA, protect: true, label: 'bucket_prefix',
    forceNew: ['bucket', 'bucket_prefix', 'object_lock_enabled', '(provider region)'],
    source: `${AWS}, internal/service/s3/bucket.go and docs/resources/s3_bucket.md: "bucket", "bucket_prefix" and `
      + '"object_lock_enabled" are "(Optional, Forces new resource)"; a bucket lives in the region of its provider',
    safely: 'a new bucket starts empty: the dumps (and the release state) stay behind, under object lock where the tier has it. '
      + 'Keep the value; to move, create the new vault beside the old one, copy or let the old dumps expire there, then retire it',
  },
  {
    type: 'aws_kms_key', what: 'KMS key', loss: ReplacementLoss.DATA, protect: true,
    forceNew: ['custom_key_store_id', 'customer_master_key_spec', 'key_usage', 'multi_region', 'xks_key_id', '(provider region)'],
    source: `${AWS}, internal/service/kms/key.go: "custom_key_store_id", "customer_master_key_spec", "key_usage", "multi_region" `
      + 'and "xks_key_id" are { ForceNew: true }; "description", rotation and the policy are updated in place',
    safely: 'a new key cannot decrypt what the old one encrypted (every dump in the vault). Keep the old key as long as anything it encrypted is kept',
  },
  {
    type: 'aws_iam_user', what: 'IAM user', loss: ReplacementLoss.IDENTITY, protect: false, label: 'name',
    forceNew: [],
    source: `${AWS}, internal/service/iam/user.go: "name" and "path" are updated in place (UpdateUser); nothing forces a new user`,
    safely: 'renamed in place; its access key follows (see aws_iam_access_key)',
  },
  {
    type: 'aws_iam_access_key', what: 'IAM access key', loss: ReplacementLoss.IDENTITY, protect: false,
    forceNew: ['user', 'pgp_key'],
    source: `${AWS}, internal/service/iam/access_key.go: "user" and "pgp_key" are { ForceNew: true }; "status" is updated in place`,
    safely: 'the key is rotated: a new one reaches the app with the next release; the droplet agent\'s key is in the droplet\'s bootstrap, so that droplet is replaced',
  },
  {
    type: 'aws_db_instance', what: 'RDS instance', loss: ReplacementLoss.DATA, protect: true, label: 'identifier',
    forceNew: ['engine', 'db_name', 'username', 'storage_encrypted', 'kms_key_id', 'availability_zone', 'character_set_name',
      'nchar_character_set_name', 'snapshot_identifier', 'restore_to_point_in_time', 'timezone', 'custom_iam_instance_profile',
      'backup_target', '(provider region)'],
    source: `${AWS}, internal/service/rds/instance.go: those arguments are { ForceNew: true }; "identifier" is renamed in place since `
      + 'v5.0.0 (hashicorp/terraform-provider-aws#31232), and "engine_version" is upgraded in place, a major version with '
      + '"allow_major_version_upgrade" (docs/resources/db_instance.md: "When upgrading the major version of an engine, '
      + '`allow_major_version_upgrade` must be set to `true`")',
    safely: 'a new instance starts from nothing (or from a snapshot). Keep the value; to move, restore a snapshot into a new RdsDatabase beside the old one and switch the app over',
  },
  {
    type: 'aws_db_parameter_group', what: 'DB parameter group', loss: ReplacementLoss.CONFIG, protect: false,
    forceNew: ['name', 'name_prefix', 'family', 'description'],
    source: `${AWS}, docs/resources/db_parameter_group.md: "name", "name_prefix", "family" and "description" are "(… Forces new resource)"; `
      + '"The `create_before_destroy` lifecycle configuration is necessary for modifications that force re-creation of an existing, in-use parameter group"',
    safely: 'RdsDatabase names it with a prefix and creates the new one before the old one goes (create_before_destroy), and the instance switches at apply (apply_immediately)',
  },
  {
    type: 'aws_db_subnet_group', what: 'DB subnet group', loss: ReplacementLoss.CONFIG, protect: false, label: 'name',
    forceNew: ['name', 'name_prefix'],
    source: `${AWS}, docs/resources/db_subnet_group.md: "name" and "name_prefix" are "(Optional, Forces new resource)"`,
    safely: 'a subnet group in use cannot be deleted: keep the RdsDatabase `name`',
  },
  {
    type: 'aws_security_group', what: 'security group', loss: ReplacementLoss.CONFIG, protect: false, label: 'name',
    forceNew: ['name', 'name_prefix', 'description', 'vpc_id'],
    source: `${AWS}, docs/resources/security_group.md: "name", "name_prefix", "description" and "vpc_id" are "(Optional, Forces new resource)"`,
    safely: 'a security group in use cannot be deleted: keep the RdsDatabase `name`',
  },
  {
    type: 'random_bytes', what: 'generated secret', loss: ReplacementLoss.DATA, protect: true,
    forceNew: ['length', 'keepers'],
    source: 'terraform-provider-random v3.7.2, internal/provider/resource_bytes.go: "length" has int64planmodifier.RequiresReplace() '
      + 'and "keepers" RequiresReplaceIfValuesNotNull()',
    safely: 'a new value is generated: data encrypted with the old one (Laravel\'s APP_KEY: encrypted columns, sessions) cannot be read. '
      + 'Keep its `bytes` and `encoding`; to rotate, follow the framework\'s key rotation (APP_PREVIOUS_KEYS) with a variable secret',
  },
  {
    type: 'random_password', what: 'generated secret', loss: ReplacementLoss.DATA, protect: true,
    forceNew: ['length', 'special', 'upper', 'lower', 'numeric', 'number', 'min_lower', 'min_upper', 'min_numeric', 'min_special',
      'override_special', 'keepers'],
    source: 'terraform-provider-random v3.7.2, internal/provider/resource_password.go: every argument has a RequiresReplace plan modifier',
    safely: 'a new value is generated: whatever was protected with the old one must accept the new one first',
  },
  {
    type: 'docker_volume', what: 'Docker volume', loss: ReplacementLoss.DATA, protect: true, label: 'name',
    forceNew: ['name', 'driver', 'driver_opts', 'labels'],
    source: 'kreuzwerker/terraform-provider-docker, internal/provider/resource_docker_volume.go: "name", "labels", "driver" and '
      + '"driver_opts" are { ForceNew: true } (the resource has no Update)',
    safely: 'a new volume starts empty (the local database): dump it first (`docker exec`), or keep the app `name`',
  },
];

/** The rules by resource type. */
const RULES = new Map(REPLACEMENT_MANIFEST.map((r) => [r.type, r]));

/** The replacement rule of a resource type, if the manifest has one. */
export function replacementRule(type: string): ReplacementRule | undefined {
  return RULES.get(type);
}

/** The pseudo-argument for the region of an AWS resource's provider. */
export const PROVIDER_REGION = '(provider region)';

/** What a snapshot keeps of one resource (or data source): the values that decide whether it is replaced. */
export interface ResourceSnapshot {
  /** The resource type, or `data.<type>` for a data source. */
  readonly type: string;
  /** Its name (the rule's `label` argument), for messages. */
  readonly label?: string;
  /** Force-new arguments, and arguments other resources' force-new arguments refer to; long strings as `sha256:<hex>`. */
  readonly values: Record<string, unknown>;
  /** For each force-new argument that refers to other resources: the `address.attribute` pairs it refers to. */
  readonly references?: Record<string, string[]>;
}

/** What a snapshot keeps of a stack: its resources by address (`type.name`, `data.type.name`). */
export interface StackSnapshot {
  readonly resources: Record<string, ResourceSnapshot>;
}

/** One argument whose change forces a new resource. */
export interface ForcedChange {
  /** The argument (`name`, `node_pool.size`, `(provider region)`). */
  readonly attribute: string;
  readonly before: unknown;
  readonly after: unknown;
  /** The address whose replacement or change reaches this argument through a reference. */
  readonly via?: string;
}

/** A resource that a change replaces (or destroys, when its address is gone). */
export interface Replacement {
  readonly address: string;
  readonly rule: ReplacementRule;
  readonly label?: string;
  /** The address is not in the new stack: Terraform destroys the resource (and no `prevent_destroy` is left to stop it). */
  readonly removed: boolean;
  readonly changes: readonly ForcedChange[];
}

type Json = Record<string, any>;

const REF = /\$\{([^}]*)\}/g;
const ADDRESS_ATTR = /\b((?:data\.)?[a-z][a-z0-9_]*\.[A-Za-z_][A-Za-z0-9_-]*)\.([a-z_][a-z0-9_]*)/g;

/** The `address.attribute` pairs a value refers to (`${digitalocean_vpc.Vpc.id}` → digitalocean_vpc.Vpc / id). */
function referencesIn(value: unknown): Array<{ address: string; attribute: string }> {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  const out: Array<{ address: string; attribute: string }> = [];
  for (const m of text.matchAll(REF)) {
    for (const r of m[1].matchAll(ADDRESS_ATTR)) {
      if (/^(var|local|each|count|path|module|self)\./.test(r[1])) continue;
      out.push({ address: r[1], attribute: r[2] });
    }
  }
  return out;
}

/** The value at a dotted path; a single nested block written as a list counts as its first element. */
function valueAt(config: Json, path: string): unknown {
  let v: unknown = config;
  for (const part of path.split('.')) {
    if (Array.isArray(v)) v = v[0];
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Json)[part];
  }
  return v;
}

/** A value as the snapshot keeps it: long strings (user data, policies) as a digest. */
function kept(value: unknown): unknown {
  if (typeof value === 'string' && value.length > 200) return `sha256:${createHash('sha256').update(value).digest('hex')}`;
  if (value !== null && typeof value === 'object' && JSON.stringify(value).length > 400) {
    return `sha256:${createHash('sha256').update(JSON.stringify(value)).digest('hex')}`;
  }
  return value;
}

/** The region of the AWS provider a resource uses (its `provider` meta-argument names an alias, else the default one). */
function awsProviderRegion(tf: Json, config: Json): unknown {
  const blocks: Json[] = ([] as Json[]).concat(tf.provider?.aws ?? []);
  const alias = typeof config.provider === 'string' && config.provider.startsWith('aws.') ? config.provider.slice(4) : undefined;
  return blocks.find((b) => (alias ? b.alias === alias : !b.alias))?.region;
}

/** Every resource and data source of a synthesized stack, by address. */
function configsOf(tf: Json): Map<string, { type: string; config: Json }> {
  const all = new Map<string, { type: string; config: Json }>();
  for (const [type, byName] of Object.entries<Json>(tf.resource ?? {})) {
    for (const [name, config] of Object.entries<Json>(byName)) all.set(`${type}.${name}`, { type, config });
  }
  for (const [type, byName] of Object.entries<Json>(tf.data ?? {})) {
    for (const [name, config] of Object.entries<Json>(byName)) all.set(`data.${type}.${name}`, { type: `data.${type}`, config });
  }
  return all;
}

/** The force-new arguments of a resource that its lifecycle does not ignore. */
function watched(rule: ReplacementRule, config: Json): string[] {
  const ignored: unknown[] = Array.isArray(config.lifecycle?.ignore_changes) ? config.lifecycle.ignore_changes : [];
  const extra = rule.regionFollowsVpc && config.private_network_uuid !== undefined ? ['region'] : [];
  return [...rule.forceNew, ...extra].filter((a) => !ignored.includes(a));
}

/**
 * What decides replacements in a synthesized stack (its `cdk.tf.json`): for each resource of a type in the
 * manifest, its force-new arguments; for every resource and data source those arguments refer to, the
 * referred arguments (a data source: all its arguments).
 */
export function snapshotOf(tf: Json): StackSnapshot {
  const configs = configsOf(tf);
  const resources: Record<string, { type: string; label?: string; values: Record<string, unknown>; references: Record<string, string[]> }> = {};
  const entry = (address: string, type: string, config: Json) => {
    if (!resources[address]) {
      const rule = RULES.get(type);
      const label = rule?.label ? valueAt(config, rule.label) : undefined;
      resources[address] = { type, label: typeof label === 'string' ? label : undefined, values: {}, references: {} };
    }
    return resources[address];
  };
  for (const [address, { type, config }] of configs) {
    const rule = RULES.get(type);
    if (!rule) continue;
    const e = entry(address, type, config);
    for (const attribute of watched(rule, config)) {
      const value = attribute === PROVIDER_REGION ? awsProviderRegion(tf, config) : valueAt(config, attribute);
      if (value === undefined) continue;
      e.values[attribute] = kept(value);
      const refs = referencesIn(value);
      if (refs.length > 0) e.references[attribute] = [...new Set(refs.map((r) => `${r.address}.${r.attribute}`))].sort();
      for (const ref of refs) {
        const target = configs.get(ref.address);
        if (!target) continue;
        const t = entry(ref.address, target.type, target.config);
        if (target.type.startsWith('data.')) {
          for (const [k, v] of Object.entries(target.config)) if (k !== '//' && k !== 'depends_on') t.values[k] = kept(v);
        } else if (target.config[ref.attribute] !== undefined) {
          t.values[ref.attribute] = kept(target.config[ref.attribute]);
        }
      }
    }
  }
  const sorted: Record<string, ResourceSnapshot> = {};
  for (const address of Object.keys(resources).sort()) {
    const r = resources[address];
    const values: Record<string, unknown> = {};
    for (const k of Object.keys(r.values).sort()) values[k] = r.values[k];
    const references: Record<string, string[]> = {};
    for (const k of Object.keys(r.references).sort()) references[k] = r.references[k];
    sorted[address] = {
      type: r.type,
      ...(r.label === undefined ? {} : { label: r.label }),
      values,
      ...(Object.keys(references).length > 0 ? { references } : {}),
    };
  }
  return { resources: sorted };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The resources of `before` that `after` replaces or destroys: a force-new argument that changed, a reference
 * in one to a resource that is replaced (or to an argument of one that changed, such as an IAM user's name
 * behind an access key's `user`), or an address that is gone. Accepts synthesized stacks or snapshots.
 */
export function replacementsBetween(before: Json | StackSnapshot, after: Json | StackSnapshot): Replacement[] {
  const a = isSnapshot(before) ? before : snapshotOf(before);
  const b = isSnapshot(after) ? after : snapshotOf(after);
  const found = new Map<string, Replacement>();
  for (const [address, was] of Object.entries(a.resources)) {
    const rule = RULES.get(was.type);
    if (!rule) continue;
    const now = b.resources[address];
    if (!now) {
      found.set(address, { address, rule, label: was.label, removed: true, changes: [] });
      continue;
    }
    const changes: ForcedChange[] = [];
    for (const attribute of new Set([...Object.keys(was.values), ...Object.keys(now.values)])) {
      const isForceNew = rule.forceNew.includes(attribute) || (rule.regionFollowsVpc && attribute === 'region');
      if (isForceNew && !same(was.values[attribute], now.values[attribute])) {
        changes.push({ attribute, before: was.values[attribute], after: now.values[attribute] });
      }
    }
    if (changes.length > 0) found.set(address, { address, rule, label: now.label ?? was.label, removed: false, changes });
  }
  // References: a force-new argument that refers to a replaced resource, or to a changed argument, changes at apply.
  for (let grew = true; grew;) {
    grew = false;
    for (const [address, was] of Object.entries(a.resources)) {
      const rule = RULES.get(was.type);
      const now = b.resources[address];
      if (!rule || !now || found.get(address)?.removed) continue;
      for (const [attribute, refs] of Object.entries(now.references ?? {})) {
        if (!rule.forceNew.includes(attribute) && !(rule.regionFollowsVpc && attribute === 'region')) continue;
        if (found.get(address)?.changes.some((c) => c.attribute === attribute)) continue;
        const via = refs.map(splitReference).find((ref) => {
          if (found.has(ref.address)) return true;
          const t0 = a.resources[ref.address];
          const t1 = b.resources[ref.address];
          if (!t0 || !t1) return false;
          if (ref.address.startsWith('data.')) return !same(t0.values, t1.values);
          return ref.attribute in t0.values && !same(t0.values[ref.attribute], t1.values[ref.attribute]);
        });
        if (!via) continue;
        const value = now.values[attribute];
        const change = { attribute, before: value, after: `(known after apply: ${via.address} changes)`, via: via.address };
        const prior = found.get(address);
        found.set(address, { address, rule, label: now.label ?? was.label, removed: false, changes: [...(prior?.changes ?? []), change] });
        grew = true;
      }
    }
  }
  return [...found.values()].sort((x, y) => x.address.localeCompare(y.address));
}

function isSnapshot(x: Json | StackSnapshot): x is StackSnapshot {
  return x !== null && typeof x === 'object' && 'resources' in x && !('resource' in x);
}

/** `digitalocean_vpc.Vpc.id` → digitalocean_vpc.Vpc / id. */
function splitReference(ref: string): { address: string; attribute: string } {
  const i = ref.lastIndexOf('.');
  return { address: ref.slice(0, i), attribute: ref.slice(i + 1) };
}

/** Why a resource is replaced: `name "facturador-dev-db" → "facturas-dev-db"; private_network_uuid follows digitalocean_vpc.Vpc, which changes`. */
export function replacementReason(r: Replacement): string {
  if (r.removed) return 'its address is gone from the stack, so Terraform destroys it (and no prevent_destroy is left to stop it)';
  return r.changes.map((c) => {
    if (c.via) return `${c.attribute} follows ${c.via}, ${c.via.startsWith('data.') ? 'whose lookup changes' : 'which changes'}`;
    const digest = (v: unknown) => typeof v === 'string' && v.startsWith('sha256:');
    if (digest(c.before) || digest(c.after)) return `${c.attribute} changes`;
    return `${c.attribute} ${short(c.before)} → ${short(c.after)}`;
  }).join('; ');
}

/** One line naming a replacement and why: `digitalocean_database_cluster.Database_B269D8BB (facturador-dev-db): name "a" → "b"`. */
export function describeReplacement(r: Replacement): string {
  return `${r.address}${r.label ? ` (${r.label})` : ''}: ${replacementReason(r)}`;
}

function short(v: unknown): string {
  const s = v === undefined ? '(unset)' : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
