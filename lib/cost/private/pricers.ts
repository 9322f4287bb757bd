import {
  CatalogueEntry, DatabaseNodeRole, DropletBackupPlan, HOURS_PER_MONTH, PriceCatalogue,
  PriceUnit,
} from '../catalogue';
import { DatabaseEngineFamily } from '../../common/contracts';
import { S3StorageClass } from '../../common/storage-class';
import { CostAssumptions, CostItem, CostItemStatus } from '../item';
import { CONTENTS_TAG, RELEASE_STATE_CONTENTS } from '../../private/contents-tag';

/** The assumptions with every default filled in. */
export type ResolvedAssumptions = CostAssumptions & Required<Omit<CostAssumptions, 's3StorageGibByAddress'>>;

type Fields = Record<string, unknown>;

/** What a pricer sees: one resource instance and the whole configuration. */
interface Ctx {
  readonly type: string;
  readonly name: string;
  readonly address: string;
  readonly fields: Fields;
  /** Instances from `count` (1 when it is computed at apply time). */
  readonly count: number;
  /** Notes on the multiplicity, added to every item of the resource. */
  readonly countNotes: readonly string[];
  readonly root: Fields;
  readonly catalogue: PriceCatalogue;
  readonly assumptions: ResolvedAssumptions;
  /** Shared state of one walk (the Spaces subscription is counted once; Advanced Certificate Manager once per zone). */
  readonly state: { spacesCounted: boolean; acmZones: Set<string> };
}

type Pricer = (ctx: Ctx) => CostItem[];

const isToken = (v: unknown): boolean => typeof v === 'string' && /\$\{|\$\{\{/.test(v);

/** A literal string field, or undefined (absent or computed at apply time). */
function str(v: unknown): string | undefined {
  return typeof v === 'string' && !isToken(v) ? v : undefined;
}

/** A literal number field (numbers may be written as strings), or undefined. */
function num(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
  return undefined;
}

function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

/** A nested block: the object itself, or the first element of a list block. */
function block(v: unknown): Fields | undefined {
  if (Array.isArray(v)) return block(v[0]);
  return v && typeof v === 'object' ? (v as Fields) : undefined;
}

/** Every element of a list block. */
function blocks(v: unknown): Fields[] {
  if (Array.isArray(v)) return v.filter((x) => x && typeof x === 'object') as Fields[];
  const b = block(v);
  return b ? [b] : [];
}

function describe(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function monthlyUnitPrice(entry: CatalogueEntry): number {
  return entry.unit === PriceUnit.HOUR ? entry.price * HOURS_PER_MONTH : entry.price;
}

interface PricedArgs {
  readonly description: string;
  readonly entry: CatalogueEntry;
  readonly quantity: number;
  readonly unit: string;
  readonly maxQuantity?: number;
  /** Overrides the entry's monthly unit price (a share of another price, a Multi-AZ double). */
  readonly unitPriceUsd?: number;
  readonly status?: CostItemStatus;
  readonly notes?: readonly string[];
}

function priced(ctx: Ctx, a: PricedArgs): CostItem {
  const unitPrice = a.unitPriceUsd ?? monthlyUnitPrice(a.entry);
  const notes = [...ctx.countNotes, ...(a.notes ?? []), ...(a.entry.note ? [a.entry.note] : [])];
  const item: CostItem = {
    address: ctx.address,
    resourceType: ctx.type,
    description: a.description,
    status: a.status ?? (a.entry.price === 0 && a.unitPriceUsd === undefined ? CostItemStatus.FREE : CostItemStatus.PRICED),
    quantity: a.quantity,
    unit: a.unit,
    unitPriceUsd: unitPrice,
    monthlyUsd: a.quantity * unitPrice,
    catalogueKey: a.entry.key,
    source: a.entry.source,
    notes,
    ...(a.maxQuantity !== undefined ? { maxQuantity: a.maxQuantity, maxMonthlyUsd: a.maxQuantity * unitPrice } : {}),
  };
  return item;
}

function unknown(ctx: Ctx, description: string, why: string, quantity = ctx.count, unit = 'item'): CostItem {
  return {
    address: ctx.address,
    resourceType: ctx.type,
    description,
    status: CostItemStatus.NO_KNOWN_PRICE,
    quantity,
    unit,
    notes: [...ctx.countNotes, why],
  };
}

/** A free item, listed with the catalogue entry that says so. */
function free(ctx: Ctx, kind: string, description?: string, extraNote?: string): CostItem {
  const entry = ctx.catalogue.free(kind);
  if (!entry) return unknown(ctx, description ?? ctx.type, `the catalogue has no entry free/${kind}`);
  return priced(ctx, {
    description: description ?? entry.description,
    entry,
    quantity: ctx.count,
    unit: 'item',
    status: CostItemStatus.FREE,
    notes: extraNote ? [extraNote] : [],
  });
}

const freeAs = (kind: string, extraNote?: string): Pricer => (ctx) => [free(ctx, kind, undefined, extraNote)];

// ---------------------------------------------------------------- DigitalOcean

const droplet: Pricer = (ctx) => {
  const slug = str(ctx.fields.size);
  if (!slug) return [unknown(ctx, 'Droplet', `size ${describe(ctx.fields.size)} is not known before apply`)];
  const entry = ctx.catalogue.droplet(slug);
  if (!entry) return [unknown(ctx, `Droplet ${slug}`, `no known price for droplet size ${slug}`)];
  const items = [priced(ctx, { description: `Droplet ${slug}`, entry, quantity: ctx.count, unit: 'droplet' })];
  if (bool(ctx.fields.backups) === true) {
    const planName = str(block(ctx.fields.backup_policy)?.plan) ?? DropletBackupPlan.WEEKLY;
    const plan = Object.values(DropletBackupPlan).find((p) => p === planName);
    const backup = plan ? ctx.catalogue.dropletBackup(plan) : undefined;
    if (!backup) {
      items.push(unknown(ctx, `backups of ${slug}`, `no known price for backup plan ${planName}`));
    } else {
      items.push(priced(ctx, {
        description: `${planName} backups of ${slug} (${Math.round(backup.price * 100)}% of ${formatPrice(entry.price)})`,
        entry: backup,
        quantity: ctx.count,
        unit: 'droplet',
        unitPriceUsd: backup.price * entry.price,
        notes: block(ctx.fields.backup_policy) ? [] : ['backups on without backup_policy: the weekly plan'],
      }));
    }
  }
  return items;
};

const dropletAutoscale: Pricer = (ctx) => {
  const config = block(ctx.fields.config) ?? {};
  const template = block(ctx.fields.droplet_template) ?? {};
  const slug = str(template.size);
  if (!slug) return [unknown(ctx, 'Droplet autoscale pool', `droplet_template.size ${describe(template.size)} is not known before apply`)];
  const entry = ctx.catalogue.droplet(slug);
  if (!entry) return [unknown(ctx, `Droplet autoscale pool ${slug}`, `no known price for droplet size ${slug}`)];
  const fixed = num(config.target_number_instances);
  if (fixed !== undefined) {
    return [priced(ctx, { description: `Droplet pool ${slug} (${fixed} fixed)`, entry, quantity: fixed * ctx.count, unit: 'droplet' })];
  }
  const min = num(config.min_instances) ?? 1;
  const max = num(config.max_instances) ?? min;
  return [priced(ctx, {
    description: `Droplet pool ${slug} (autoscaling ${min}-${max})`,
    entry, quantity: min * ctx.count, maxQuantity: max * ctx.count, unit: 'droplet',
    notes: ['estimated at the autoscaling minimum'],
  })];
};

function engineOf(v: unknown): DatabaseEngineFamily | undefined {
  const e = str(v);
  if (e === 'pg' || e === 'postgres' || e === 'postgresql') return DatabaseEngineFamily.POSTGRES;
  if (e === 'mysql') return DatabaseEngineFamily.MYSQL;
  if (e === 'valkey' || e === 'redis') return DatabaseEngineFamily.VALKEY;
  return undefined;
}

const ENGINE_NAMES: Record<DatabaseEngineFamily, string> = { postgres: 'PostgreSQL', mysql: 'MySQL', valkey: 'Valkey' };

const databaseCluster: Pricer = (ctx) => {
  const engine = engineOf(ctx.fields.engine);
  const slug = str(ctx.fields.size);
  const nodes = num(ctx.fields.node_count) ?? 1;
  if (!engine) return [unknown(ctx, `managed database (${describe(ctx.fields.engine)})`, `no known price for engine ${describe(ctx.fields.engine)}`)];
  const name = ENGINE_NAMES[engine];
  if (!slug) return [unknown(ctx, `${name} cluster`, `size ${describe(ctx.fields.size)} is not known before apply`)];
  const items: CostItem[] = [];
  const primary = ctx.catalogue.databaseNode(engine, slug, DatabaseNodeRole.PRIMARY);
  items.push(primary
    ? priced(ctx, { description: `${name} primary node ${slug}`, entry: primary, quantity: ctx.count, unit: 'node' })
    : unknown(ctx, `${name} primary node ${slug}`, `no known price for ${name} size ${slug}`));
  if (nodes > 1) {
    const standby = ctx.catalogue.databaseNode(engine, slug, DatabaseNodeRole.STANDBY);
    items.push(standby
      ? priced(ctx, { description: `${name} standby node ${slug}`, entry: standby, quantity: (nodes - 1) * ctx.count, unit: 'node' })
      : unknown(ctx, `${name} standby node ${slug}`, `no known standby price for ${name} size ${slug}`, (nodes - 1) * ctx.count, 'node'));
  }
  if (ctx.fields.storage_size_mib !== undefined) {
    items.push(unknown(ctx, `${name} storage beyond the size's included disk (${describe(ctx.fields.storage_size_mib)} MiB requested)`, 'no known price for added database storage'));
  }
  return items;
};

/** `${digitalocean_database_cluster.Name.id}` -> the cluster's fields. */
function referencedCluster(ctx: Ctx, ref: unknown): Fields | undefined {
  const m = typeof ref === 'string' ? /digitalocean_database_cluster\.([^.}\s]+)\./.exec(ref) : null;
  if (!m) return undefined;
  const clusters = block((ctx.root.resource as Fields | undefined)?.digitalocean_database_cluster);
  return block(clusters?.[m[1]]);
}

const databaseReplica: Pricer = (ctx) => {
  const cluster = referencedCluster(ctx, ctx.fields.cluster_id);
  const notes: string[] = [];
  let engine = engineOf(cluster?.engine);
  if (!engine) {
    engine = DatabaseEngineFamily.POSTGRES;
    notes.push('cluster engine not found in the configuration: priced as PostgreSQL (MySQL has the same prices)');
  }
  let slug = str(ctx.fields.size);
  if (ctx.fields.size === undefined && cluster) {
    slug = str(cluster.size);
    notes.push('no size given: the replica takes the size of its cluster');
  }
  const name = ENGINE_NAMES[engine];
  if (!slug) return [unknown(ctx, `${name} read-only replica`, `size ${describe(ctx.fields.size)} is not known before apply`)];
  const entry = ctx.catalogue.databaseNode(engine, slug, DatabaseNodeRole.READ_REPLICA);
  if (!entry) return [unknown(ctx, `${name} read-only replica ${slug}`, `no known replica price for ${name} size ${slug}`)];
  return [priced(ctx, { description: `${name} read-only replica ${slug}`, entry, quantity: ctx.count, unit: 'node', notes })];
};

function nodePoolItem(ctx: Ctx, pool: Fields, label: string): CostItem {
  const slug = str(pool.size);
  if (!slug) return unknown(ctx, `${label}`, `node size ${describe(pool.size)} is not known before apply`, ctx.count, 'node');
  const entry = ctx.catalogue.kubernetesNode(slug);
  if (!entry) return unknown(ctx, `${label} ${slug}`, `no known price for node size ${slug}`, ctx.count, 'node');
  const count = num(pool.node_count);
  if (bool(pool.auto_scale) === true) {
    const min = num(pool.min_nodes) ?? count ?? 1;
    const max = num(pool.max_nodes) ?? Math.max(min, count ?? min);
    return priced(ctx, {
      description: `${label} ${slug} (autoscaling ${min}-${max})`,
      entry, quantity: min * ctx.count, maxQuantity: max * ctx.count, unit: 'node',
      notes: ['estimated at the autoscaling minimum'],
    });
  }
  const n = count ?? 1;
  return priced(ctx, { description: `${label} ${slug}`, entry, quantity: n * ctx.count, unit: 'node' });
}

const kubernetesCluster: Pricer = (ctx) => {
  const items: CostItem[] = [];
  if (bool(ctx.fields.ha) === true) {
    const entry = ctx.catalogue.kubernetesHaControlPlane();
    items.push(entry
      ? priced(ctx, { description: 'DOKS high-availability control plane', entry, quantity: ctx.count, unit: 'cluster' })
      : unknown(ctx, 'DOKS high-availability control plane', 'no known price for the HA control plane'));
  } else {
    items.push(free(ctx, 'digitalocean/kubernetes-control-plane'));
  }
  for (const pool of blocks(ctx.fields.node_pool)) items.push(nodePoolItem(ctx, pool, 'DOKS nodes'));
  return items;
};

const kubernetesNodePool: Pricer = (ctx) => [nodePoolItem(ctx, ctx.fields, 'DOKS nodes')];

const LB_LEGACY_SIZES: Record<string, number> = { 'lb-small': 1, 'lb-medium': 3, 'lb-large': 6 };

function loadBalancerItem(ctx: Ctx, sizeUnit: number, description: string, notes: string[] = []): CostItem {
  const entry = ctx.catalogue.loadBalancerNode();
  if (!entry) return unknown(ctx, description, 'no known price for load balancer nodes');
  return priced(ctx, { description, entry, quantity: sizeUnit * ctx.count, unit: 'LB node', notes });
}

const loadBalancer: Pricer = (ctx) => {
  const type = str(ctx.fields.type);
  if (type && type.toUpperCase() === 'GLOBAL') return [unknown(ctx, 'global load balancer', 'no known price for global load balancers')];
  const legacy = str(ctx.fields.size);
  const units = num(ctx.fields.size_unit) ?? (legacy ? LB_LEGACY_SIZES[legacy] : undefined);
  if (ctx.fields.size_unit !== undefined && units === undefined) {
    return [unknown(ctx, 'load balancer', `size_unit ${describe(ctx.fields.size_unit)} is not known before apply`)];
  }
  return [loadBalancerItem(ctx, units ?? 1, `load balancer (${units ?? 1} ${(units ?? 1) === 1 ? 'node' : 'nodes'})`,
    units === undefined ? ['no size_unit: one node'] : [])];
};

const spacesBucket: Pricer = (ctx) => {
  if (ctx.state.spacesCounted) return [free(ctx, 'digitalocean/spaces-included', 'Spaces bucket')];
  ctx.state.spacesCounted = true;
  const sub = ctx.catalogue.spacesSubscription();
  if (!sub) return [unknown(ctx, 'Spaces subscription', 'no known price for the Spaces subscription')];
  const items = [priced(ctx, { description: 'Spaces subscription', entry: sub, quantity: 1, unit: 'subscription', notes: ['counted once for all the stack\'s buckets'] })];
  const stored = ctx.assumptions.spacesStorageGib;
  const included = 250;
  const extra = ctx.catalogue.spacesExtraStorage();
  if (stored > included) {
    items.push(extra
      ? priced(ctx, {
        description: 'Spaces storage beyond 250 GiB', entry: extra, quantity: stored - included, unit: 'GiB',
        status: CostItemStatus.USAGE_ASSUMED,
        notes: [`assumes ${stored} GiB stored in Spaces (assumption spacesStorageGib)`],
      })
      : unknown(ctx, 'Spaces storage beyond 250 GiB', 'no known price for extra Spaces storage'));
  }
  return items;
};

// ---------------------------------------------------------------- Cloudflare

/**
 * An advanced certificate pack needs the zone's Advanced Certificate Manager subscription:
 * the first pack of a zone counts it, every other pack of that zone is covered by it.
 */
const certificatePack: Pricer = (ctx) => {
  const type = str(ctx.fields.type);
  if (type !== undefined && type !== 'advanced') return [unknown(ctx, `certificate pack of type ${type}`, `no known price for a ${type} certificate pack`)];
  const zone = typeof ctx.fields.zone_id === 'string' ? ctx.fields.zone_id : describe(ctx.fields.zone_id);
  if (ctx.state.acmZones.has(zone)) return [free(ctx, 'cloudflare/certificate-pack', 'advanced certificate pack')];
  ctx.state.acmZones.add(zone);
  const entry = ctx.catalogue.advancedCertificateManager();
  if (!entry) return [unknown(ctx, 'Advanced Certificate Manager', 'no known price for Advanced Certificate Manager')];
  return [priced(ctx, {
    description: 'Advanced Certificate Manager (advanced certificate pack)', entry, quantity: 1, unit: 'zone',
    notes: ['counted once for the zone\'s packs in this stack'],
  })];
};

const volume: Pricer = (ctx) => {
  const gib = num(ctx.fields.size);
  const entry = ctx.catalogue.volume();
  if (gib === undefined) return [unknown(ctx, 'block storage volume', `size ${describe(ctx.fields.size)} is not known before apply`)];
  if (!entry) return [unknown(ctx, `block storage volume ${gib} GiB`, 'no known price for volumes')];
  return [priced(ctx, { description: `block storage volume ${gib} GiB`, entry, quantity: gib * ctx.count, unit: 'GiB' })];
};

/** A managed NFS share: its provisioned size, whatever it holds. */
const nfsShare: Pricer = (ctx) => {
  const gib = num(ctx.fields.size);
  const entry = ctx.catalogue.nfs();
  if (gib === undefined) return [unknown(ctx, 'NFS share', `size ${describe(ctx.fields.size)} is not known before apply`)];
  if (!entry) return [unknown(ctx, `NFS share ${gib} GiB`, 'no list price in the catalogue for NFS shares (billed on the provisioned size: see docs.digitalocean.com/products/nfs/details/pricing/)', gib * ctx.count, 'GiB')];
  return [priced(ctx, { description: `NFS share ${gib} GiB`, entry, quantity: gib * ctx.count, unit: 'GiB' })];
};

const snapshot: Pricer = (ctx) => [unknown(ctx, 'snapshot', 'billed per GiB stored ($0.06/GiB-month); the size is only known after apply')];

const reservedIp: Pricer = (ctx) => {
  if (ctx.fields.droplet_id !== undefined) return [free(ctx, 'digitalocean/reserved-ip-assigned')];
  const entry = ctx.catalogue.find('digitalocean/reserved-ip-unassigned');
  if (!entry) return [unknown(ctx, 'reserved IP', 'no known price for unassigned reserved IPs')];
  return [priced(ctx, { description: 'reserved IP (not assigned in this resource)', entry, quantity: ctx.count, unit: 'IP', notes: ['free once assigned to a droplet (digitalocean_reserved_ip_assignment)'] })];
};

const containerRegistry: Pricer = (ctx) => {
  const tier = str(ctx.fields.subscription_tier_slug);
  const entry = tier ? ctx.catalogue.find(`digitalocean/container-registry/${tier}`) : undefined;
  if (!entry) return [unknown(ctx, `container registry (${describe(ctx.fields.subscription_tier_slug)})`, `no known price for registry tier ${describe(ctx.fields.subscription_tier_slug)}`)];
  return [priced(ctx, { description: entry.description, entry, quantity: ctx.count, unit: 'registry' })];
};

// ---------------------------------------------------------------- AWS

/** The region of an AWS resource, from its provider block (`provider: "aws.replica"`). */
function awsRegion(ctx: Ctx): string {
  const providers = blocks((ctx.root.provider as Fields | undefined)?.aws);
  const ref = str(ctx.fields.provider);
  const alias = ref && ref.startsWith('aws.') ? ref.slice(4) : undefined;
  const p = providers.find((b) => (alias ? b.alias === alias : b.alias === undefined));
  return str(p?.region) ?? ctx.assumptions.defaultAwsRegion;
}

/** GiB a release store holds: the text of each droplet's last releases, well under 1 MiB. */
const RELEASE_STATE_GIB = 0.001;

const s3Bucket: Pricer = (ctx) => {
  const region = awsRegion(ctx);
  const tags = ctx.fields.tags as Record<string, unknown> | undefined;
  if (tags?.[CONTENTS_TAG] === RELEASE_STATE_CONTENTS && ctx.assumptions.s3StorageGibByAddress?.[ctx.address] === undefined) {
    const entry = ctx.catalogue.s3Storage(region, S3StorageClass.STANDARD);
    const label = `S3 storage STANDARD in ${region}`;
    if (!entry) return [unknown(ctx, label, `no known price for STANDARD in ${region}`)];
    return [priced(ctx, {
      description: `${label} (release store)`, entry, quantity: RELEASE_STATE_GIB * ctx.count, unit: 'GiB',
      notes: ['holds the desired state of droplets (a few text files per release): under 1 MiB; the agents\' reads, one GET every 30 s per droplet, are about $0.04 a month'],
    })];
  }
  const gib = ctx.assumptions.s3StorageGibByAddress?.[ctx.address] ?? ctx.assumptions.s3StorageGibPerBucket;
  const shares = Object.entries(ctx.assumptions.s3StorageClassShares).filter(([, s]) => (s ?? 0) > 0) as [S3StorageClass, number][];
  const byAddress = ctx.assumptions.s3StorageGibByAddress?.[ctx.address] !== undefined;
  const items: CostItem[] = [];
  for (const [cls, share] of shares) {
    const entry = ctx.catalogue.s3Storage(region, cls);
    const stored = gib * share;
    const label = `S3 storage ${cls} in ${region}`;
    if (!entry) {
      items.push(unknown(ctx, label, `no known price for ${cls} in ${region}`, stored * ctx.count, 'GiB'));
      continue;
    }
    items.push(priced(ctx, {
      description: label, entry, quantity: stored * ctx.count, unit: 'GiB', status: CostItemStatus.USAGE_ASSUMED,
      notes: [`assumes ${gib} GiB stored (assumption ${byAddress ? 's3StorageGibByAddress' : 's3StorageGibPerBucket'})${shares.length > 1 || cls !== S3StorageClass.STANDARD ? `, ${Math.round(share * 100)}% of it in ${cls} (assumption s3StorageClassShares)` : ''}`],
    }));
  }
  return items;
};

const kmsKey: Pricer = (ctx) => {
  const entry = ctx.catalogue.kmsKey();
  return entry ? [priced(ctx, { description: 'KMS customer managed key', entry, quantity: ctx.count, unit: 'key' })] : [unknown(ctx, 'KMS key', 'no known price for KMS keys')];
};

const uptimeCheck: Pricer = (ctx) => {
  const entry = ctx.catalogue.find('digitalocean/uptime-check');
  return entry ? [priced(ctx, { description: 'uptime check', entry, quantity: ctx.count, unit: 'check' })] : [unknown(ctx, 'uptime check', 'no known price for uptime checks')];
};

const secret: Pricer = (ctx) => {
  const entry = ctx.catalogue.find('aws/secrets-manager-secret');
  return entry ? [priced(ctx, { description: 'Secrets Manager secret', entry, quantity: ctx.count, unit: 'secret' })] : [unknown(ctx, 'Secrets Manager secret', 'no known price for secrets')];
};

function rdsEngine(v: unknown): DatabaseEngineFamily | undefined {
  const e = str(v);
  if (e === 'postgres') return DatabaseEngineFamily.POSTGRES;
  if (e === 'mysql') return DatabaseEngineFamily.MYSQL;
  return undefined;
}

const dbInstance: Pricer = (ctx) => {
  const region = awsRegion(ctx);
  const engine = rdsEngine(ctx.fields.engine);
  const cls = str(ctx.fields.instance_class);
  const multiAz = bool(ctx.fields.multi_az) === true;
  const label = `RDS ${describe(ctx.fields.engine)} ${cls ?? describe(ctx.fields.instance_class)}${multiAz ? ' Multi-AZ' : ''}`;
  if (!engine) return [unknown(ctx, label, `no known price for RDS engine ${describe(ctx.fields.engine)}`)];
  if (!cls) return [unknown(ctx, label, `instance_class ${describe(ctx.fields.instance_class)} is not known before apply`)];
  const factor = multiAz ? 2 : 1;
  const items: CostItem[] = [];
  const inst = ctx.catalogue.rdsInstance(region, engine, cls);
  items.push(inst
    ? priced(ctx, {
      description: label, entry: inst, quantity: ctx.count, unit: 'instance',
      unitPriceUsd: inst.price * HOURS_PER_MONTH * factor,
      notes: [`${HOURS_PER_MONTH} hours a month${multiAz ? ', Multi-AZ: twice the single-AZ price' : ''}`],
    })
    : unknown(ctx, label, `no known price for ${cls} (${engine}) in ${region}`));
  const gib = num(ctx.fields.allocated_storage);
  if (gib !== undefined) {
    const storage = ctx.catalogue.rdsStorage(region, engine);
    items.push(storage
      ? priced(ctx, {
        description: `RDS storage ${gib} GiB${multiAz ? ' Multi-AZ' : ''}`, entry: storage, quantity: gib * ctx.count, unit: 'GiB',
        unitPriceUsd: storage.price * factor,
      })
      : unknown(ctx, `RDS storage ${gib} GiB`, `no known storage price in ${region}`, gib * ctx.count, 'GiB'));
  }
  return items;
};

// ---------------------------------------------------------------- Kubernetes objects

const kubernetesService: Pricer = (ctx) => {
  const spec = block(ctx.fields.spec);
  if (str(spec?.type) !== 'LoadBalancer') return [free(ctx, 'kubernetes/workload')];
  const annotations = (block(ctx.fields.metadata)?.annotations ?? {}) as Fields;
  const units = num(annotations['service.beta.kubernetes.io/do-loadbalancer-size-unit']) ?? 1;
  return [loadBalancerItem(ctx, units, `load balancer of a LoadBalancer service (${units} ${units === 1 ? 'node' : 'nodes'})`,
    ['DOKS creates a DigitalOcean load balancer for it'])];
};

function parseQuantityGib(v: unknown): number | undefined {
  const s = str(v);
  const m = s ? /^(\d+(?:\.\d+)?)(Gi|Ti|Mi|G|T|M)?$/.exec(s) : null;
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? '';
  const factor: Record<string, number> = { Gi: 1, Ti: 1024, Mi: 1 / 1024, G: 1e9 / 2 ** 30, T: 1e12 / 2 ** 30, M: 1e6 / 2 ** 30, '': 1 / 2 ** 30 };
  return n * factor[unit];
}

const persistentVolumeClaim: Pricer = (ctx) => {
  const spec = block(ctx.fields.spec);
  // a claim bound to a named PersistentVolume with no class (an NFS share's) provisions no block volume:
  // its storage is priced where it is made (digitalocean_nfs)
  if (spec?.volume_name !== undefined && spec?.storage_class_name === '') {
    return [free(ctx, 'kubernetes/workload', 'persistent volume claim bound to an existing volume', 'its storage is priced where it is made (an NFS share)')];
  }
  const requests = (block(spec?.resources)?.requests ?? {}) as Fields;
  const gib = parseQuantityGib(requests.storage);
  const entry = ctx.catalogue.volume();
  if (gib === undefined || !entry) {
    return [unknown(ctx, 'persistent volume claim', `storage request ${describe(requests.storage)} has no known price`)];
  }
  return [priced(ctx, {
    description: `block storage volume ${Math.round(gib * 100) / 100} GiB (persistent volume claim)`,
    entry, quantity: gib * ctx.count, unit: 'GiB',
    notes: ['DOKS provisions a DigitalOcean volume for it (do-block-storage)'],
  })];
};

// ---------------------------------------------------------------- table

const EXACT: Record<string, Pricer> = {
  digitalocean_droplet: droplet,
  digitalocean_droplet_autoscale: dropletAutoscale,
  digitalocean_database_cluster: databaseCluster,
  digitalocean_database_replica: databaseReplica,
  digitalocean_kubernetes_cluster: kubernetesCluster,
  digitalocean_kubernetes_node_pool: kubernetesNodePool,
  digitalocean_loadbalancer: loadBalancer,
  digitalocean_spaces_bucket: spacesBucket,
  digitalocean_volume: volume,
  digitalocean_volume_snapshot: snapshot,
  digitalocean_droplet_snapshot: snapshot,
  digitalocean_reserved_ip: reservedIp,
  digitalocean_floating_ip: reservedIp,
  digitalocean_container_registry: containerRegistry,
  digitalocean_vpc: freeAs('digitalocean/vpc'),
  digitalocean_firewall: freeAs('digitalocean/firewall'),
  digitalocean_domain: freeAs('digitalocean/dns'),
  digitalocean_record: freeAs('digitalocean/dns'),
  digitalocean_monitor_alert: freeAs('digitalocean/monitoring'),
  digitalocean_uptime_check: uptimeCheck,
  digitalocean_uptime_alert: freeAs('digitalocean/uptime-alert'),
  digitalocean_project: freeAs('digitalocean/project'),
  digitalocean_project_resources: freeAs('digitalocean/project'),
  digitalocean_tag: freeAs('digitalocean/project'),
  digitalocean_ssh_key: freeAs('digitalocean/project'),
  digitalocean_certificate: freeAs('digitalocean/project'),
  digitalocean_database_db: freeAs('digitalocean/database-config'),
  digitalocean_database_user: freeAs('digitalocean/database-config'),
  digitalocean_database_connection_pool: freeAs('digitalocean/database-config'),
  digitalocean_database_firewall: freeAs('digitalocean/database-config'),
  digitalocean_spaces_bucket_object: freeAs('digitalocean/spaces-included'),
  digitalocean_spaces_bucket_policy: freeAs('digitalocean/spaces-included'),
  digitalocean_spaces_bucket_cors_configuration: freeAs('digitalocean/spaces-included'),
  digitalocean_spaces_bucket_logging: freeAs('digitalocean/spaces-included'),
  digitalocean_spaces_key: freeAs('digitalocean/spaces-included'),
  digitalocean_cdn: freeAs('digitalocean/spaces-included'),
  digitalocean_volume_attachment: freeAs('digitalocean/project'),
  digitalocean_nfs: nfsShare,
  digitalocean_nfs_attachment: freeAs('digitalocean/project'),
  digitalocean_reserved_ip_assignment: freeAs('digitalocean/reserved-ip-assigned'),
  digitalocean_floating_ip_assignment: freeAs('digitalocean/reserved-ip-assigned'),
  aws_s3_bucket: s3Bucket,
  aws_s3_object: freeAs('aws/configuration', 'stored in its bucket, counted with the bucket'),
  aws_kms_key: kmsKey,
  aws_db_instance: dbInstance,
  aws_secretsmanager_secret: secret,
  aws_kms_alias: freeAs('aws/configuration'),
  aws_db_subnet_group: freeAs('aws/configuration'),
  aws_db_parameter_group: freeAs('aws/configuration'),
  aws_security_group: freeAs('aws/configuration'),
  aws_secretsmanager_secret_version: freeAs('aws/configuration', 'counted with its secret'),
  cloudflare_ruleset: freeAs('cloudflare/ruleset'),
  cloudflare_certificate_pack: certificatePack,
  cloudflare_dns_record: freeAs('cloudflare/dns'),
  cloudflare_record: freeAs('cloudflare/dns'),
  kubernetes_service: kubernetesService,
  kubernetes_service_v1: kubernetesService,
  kubernetes_persistent_volume_claim: persistentVolumeClaim,
  kubernetes_persistent_volume_claim_v1: persistentVolumeClaim,
};

/** Families of types, by prefix, checked in order after the exact table. */
const PREFIXES: ReadonlyArray<readonly [RegExp, Pricer]> = [
  [/^digitalocean_database_.*_config$/, freeAs('digitalocean/database-config')],
  [/^aws_s3_bucket_/, freeAs('aws/configuration')],
  [/^aws_iam_/, freeAs('aws/configuration')],
  [/^aws_vpc_security_group_/, freeAs('aws/configuration')],
  [/^cloudflare_zero_trust_tunnel_/, freeAs('cloudflare/tunnel')],
  [/^cloudflare_zero_trust_access_/, freeAs('cloudflare/access')],
  [/^kubernetes_/, freeAs('kubernetes/workload')],
  [/^docker_/, freeAs('local/docker')],
  [/^(random_|time_|tls_|null_resource$|terraform_data$)/, freeAs('local/terraform-only')],
];

function pricerOf(type: string): Pricer | undefined {
  return EXACT[type] ?? PREFIXES.find(([re]) => re.test(type))?.[1];
}

/** Prices every resource of a synthesized configuration, in address order. */
export function priceResources(root: Fields, catalogue: PriceCatalogue, assumptions: ResolvedAssumptions): CostItem[] {
  const items: CostItem[] = [];
  const state = { spacesCounted: false, acmZones: new Set<string>() };
  const resources = (root.resource ?? {}) as Record<string, Record<string, unknown>>;
  // Address order, whatever order the configuration was written in: the JSON and the live tree agree.
  for (const type of Object.keys(resources).sort()) {
    const byName = resources[type] ?? {};
    for (const name of Object.keys(byName).sort()) {
      const raw = byName[name];
      const fields = block(raw) ?? {};
      const countNotes: string[] = [];
      let count = 1;
      if (fields.count !== undefined) {
        const n = num(fields.count);
        if (n === undefined) countNotes.push(`count ${describe(fields.count)} is computed at apply time: estimated for one instance`);
        else count = n;
      }
      if (fields.for_each !== undefined) countNotes.push('for_each: estimated for one instance');
      const ctx: Ctx = { type, name, address: `${type}.${name}`, fields, count, countNotes, root, catalogue, assumptions, state };
      const pricer = pricerOf(type);
      items.push(...(pricer ? pricer(ctx) : [unknown(ctx, type, `no known price for ${type}`)]));
    }
  }
  return items;
}

function formatPrice(usd: number): string {
  return `$${Number.isInteger(usd) ? usd : usd.toFixed(2)}`;
}
