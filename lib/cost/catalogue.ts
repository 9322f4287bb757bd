/**
 * The price catalogue: list prices of the services the constructs create.
 *
 * Every figure is a vendor list price (US dollars, no tax, no discounts or
 * credits) as of 2026-11, and carries the URL of the vendor's pricing page it
 * comes from. Prices change: `PriceCatalogue.standard().with([...])` replaces
 * or adds entries (a negotiated price, a size this catalogue does not know yet).
 */
import { DatabaseEngineFamily } from '../common/contracts';
import { S3StorageClass } from '../common/storage-class';

/** The date the catalogue's list prices were taken. */
export const CATALOGUE_PRICES_AS_OF = '2026-11';

/** Where a price comes from. */
export interface PriceSource {
  /** The vendor's pricing page. */
  readonly url: string;
  /** When the price was taken from it (`2026-11`). */
  readonly asOf: string;
}

/** What a catalogue price is counted per. */
export enum PriceUnit {
  /** A flat monthly price per item (a droplet, a database node, a key). */
  MONTH = 'month',
  /** Per GiB stored for a month. */
  GIB_MONTH = 'GiB-month',
  /** Per hour of running time (AWS); a month counts 730 hours. */
  HOUR = 'hour',
  /** A share of another item's monthly price (droplet backups: 0.2 = 20 %). */
  SHARE_OF_PRICE = 'share of the resource price',
}

/** Hours in the month AWS uses for its monthly figures. */
export const HOURS_PER_MONTH = 730;

/** One price of the catalogue. */
export interface CatalogueEntry {
  /** Unique key, `vendor/product/...` (`digitalocean/droplet/s-4vcpu-8gb`). */
  readonly key: string;
  /** What is priced, for people. */
  readonly description: string;
  /** The price in US dollars per `unit` (or a share, for `SHARE_OF_PRICE`); 0 for free items. */
  readonly price: number;
  /** What the price is counted per. */
  readonly unit: PriceUnit;
  /** Where the price comes from. */
  readonly source: PriceSource;
  /** What else the vendor bills for the item that the figure leaves out. */
  readonly note?: string;
}

/** A DigitalOcean droplet backup schedule. */
export enum DropletBackupPlan {
  /** One backup a week: 20 % of the droplet price. */
  WEEKLY = 'weekly',
  /** One backup a day: 30 % of the droplet price. */
  DAILY = 'daily',
}

/** The role of a managed database node. */
export enum DatabaseNodeRole {
  /** The primary node of a cluster. */
  PRIMARY = 'primary',
  /** A standby node of the cluster (`node_count` above 1). */
  STANDBY = 'standby',
  /** A read-only replica (`digitalocean_database_replica`). */
  READ_REPLICA = 'replica',
}

const asOf = CATALOGUE_PRICES_AS_OF;
const src = (url: string): PriceSource => ({ url, asOf });

const DO_DROPLETS = src('https://www.digitalocean.com/pricing/droplets');
const DO_BACKUPS = src('https://www.digitalocean.com/pricing/backups');
const DO_DATABASES = src('https://www.digitalocean.com/pricing/managed-databases');
const DO_KUBERNETES = src('https://www.digitalocean.com/pricing/kubernetes');
const DO_LOAD_BALANCER = src('https://www.digitalocean.com/pricing/load-balancer');
const DO_SPACES = src('https://www.digitalocean.com/pricing/spaces-object-storage');
const DO_VOLUMES = src('https://www.digitalocean.com/pricing/volumes');
const DO_SNAPSHOTS = src('https://www.digitalocean.com/pricing/snapshots');
const DO_UPTIME = src('https://docs.digitalocean.com/products/uptime/details/pricing/');
const DO_MONITORING = src('https://docs.digitalocean.com/products/monitoring/details/pricing/');
const DO_VPC = src('https://docs.digitalocean.com/products/networking/vpc/details/pricing/');
const DO_FIREWALLS = src('https://docs.digitalocean.com/products/networking/firewalls/details/pricing/');
const DO_DNS = src('https://docs.digitalocean.com/products/networking/dns/details/pricing/');
const DO_RESERVED_IP = src('https://docs.digitalocean.com/products/networking/reserved-ips/details/pricing/');
const DO_REGISTRY = src('https://www.digitalocean.com/pricing/container-registry');
const DO_PROJECTS = src('https://docs.digitalocean.com/products/projects/details/pricing/');
const AWS_S3 = src('https://aws.amazon.com/s3/pricing/');
const AWS_KMS = src('https://aws.amazon.com/kms/pricing/');
const AWS_RDS_PG = src('https://aws.amazon.com/rds/postgresql/pricing/');
const AWS_RDS_MYSQL = src('https://aws.amazon.com/rds/mysql/pricing/');
const AWS_SECRETS = src('https://aws.amazon.com/secrets-manager/pricing/');
const AWS_IAM = src('https://aws.amazon.com/iam/faqs/');
const CF_ZERO_TRUST = src('https://www.cloudflare.com/plans/zero-trust-services/');
const CF_PLANS = src('https://www.cloudflare.com/plans/');
const CF_ACM = src('https://www.cloudflare.com/application-services/products/advanced-certificate-manager/');

/** Droplet sizes: slug, what it is, monthly list price. */
const DROPLETS: ReadonlyArray<readonly [string, string, number]> = [
  // Basic (shared CPU, regular SSD)
  ['s-1vcpu-512mb-10gb', 'Basic 1 vCPU / 512 MB', 4],
  ['s-1vcpu-1gb', 'Basic 1 vCPU / 1 GB', 6],
  ['s-1vcpu-2gb', 'Basic 1 vCPU / 2 GB', 12],
  ['s-2vcpu-2gb', 'Basic 2 vCPU / 2 GB', 18],
  ['s-2vcpu-4gb', 'Basic 2 vCPU / 4 GB', 24],
  ['s-4vcpu-8gb', 'Basic 4 vCPU / 8 GB', 48],
  ['s-8vcpu-16gb', 'Basic 8 vCPU / 16 GB', 96],
  // Basic Premium AMD
  ['s-1vcpu-1gb-amd', 'Basic Premium AMD 1 vCPU / 1 GB', 7],
  ['s-1vcpu-2gb-amd', 'Basic Premium AMD 1 vCPU / 2 GB', 14],
  ['s-2vcpu-2gb-amd', 'Basic Premium AMD 2 vCPU / 2 GB', 21],
  ['s-2vcpu-4gb-amd', 'Basic Premium AMD 2 vCPU / 4 GB', 28],
  ['s-4vcpu-8gb-amd', 'Basic Premium AMD 4 vCPU / 8 GB', 56],
  ['s-8vcpu-16gb-amd', 'Basic Premium AMD 8 vCPU / 16 GB', 112],
  // Basic Premium Intel
  ['s-1vcpu-1gb-intel', 'Basic Premium Intel 1 vCPU / 1 GB', 8],
  ['s-1vcpu-2gb-intel', 'Basic Premium Intel 1 vCPU / 2 GB', 16],
  ['s-2vcpu-2gb-intel', 'Basic Premium Intel 2 vCPU / 2 GB', 24],
  ['s-2vcpu-4gb-intel', 'Basic Premium Intel 2 vCPU / 4 GB', 32],
  ['s-4vcpu-8gb-intel', 'Basic Premium Intel 4 vCPU / 8 GB', 64],
  ['s-8vcpu-16gb-intel', 'Basic Premium Intel 8 vCPU / 16 GB', 128],
  // General Purpose (dedicated CPU)
  ['g-2vcpu-8gb', 'General Purpose 2 vCPU / 8 GB', 63],
  ['g-4vcpu-16gb', 'General Purpose 4 vCPU / 16 GB', 126],
  ['g-8vcpu-32gb', 'General Purpose 8 vCPU / 32 GB', 252],
  ['gd-2vcpu-8gb', 'General Purpose NVMe 2 vCPU / 8 GB', 68],
  ['gd-4vcpu-16gb', 'General Purpose NVMe 4 vCPU / 16 GB', 136],
  // CPU-Optimized (dedicated CPU)
  ['c-2', 'CPU-Optimized 2 vCPU / 4 GB', 42],
  ['c-4', 'CPU-Optimized 4 vCPU / 8 GB', 84],
  ['c-8', 'CPU-Optimized 8 vCPU / 16 GB', 168],
  // Memory-Optimized (dedicated CPU)
  ['m-2vcpu-16gb', 'Memory-Optimized 2 vCPU / 16 GB', 84],
  ['m-4vcpu-32gb', 'Memory-Optimized 4 vCPU / 32 GB', 168],
  ['m-8vcpu-64gb', 'Memory-Optimized 8 vCPU / 64 GB', 336],
];

/**
 * Managed database sizes (PostgreSQL, MySQL and Valkey share the slugs and prices):
 * slug, what it is, primary node price, standby node price (undefined: the size
 * offers no standby node). A read-only replica costs the primary price of its size.
 */
const DATABASE_SIZES: ReadonlyArray<readonly [string, string, number, number | undefined]> = [
  ['db-s-1vcpu-1gb', '1 vCPU / 1 GB', 15, undefined],
  ['db-s-1vcpu-2gb', '1 vCPU / 2 GB', 30, 20],
  ['db-s-2vcpu-4gb', '2 vCPU / 4 GB', 60, 40],
  ['db-s-4vcpu-8gb', '4 vCPU / 8 GB', 120, 80],
  ['db-s-6vcpu-16gb', '6 vCPU / 16 GB', 240, 160],
  ['db-s-8vcpu-32gb', '8 vCPU / 32 GB', 480, 320],
  ['db-s-16vcpu-64gb', '16 vCPU / 64 GB', 960, 640],
];

/** S3 storage, USD per GB-month (first 50 TB tier), per region and class. */
const S3_STORAGE: Readonly<Record<string, Readonly<Partial<Record<S3StorageClass, number>>>>> = {
  'us-east-1': { STANDARD: 0.023, STANDARD_IA: 0.0125, GLACIER_IR: 0.004, GLACIER: 0.0036, DEEP_ARCHIVE: 0.00099 },
  'us-east-2': { STANDARD: 0.023, STANDARD_IA: 0.0125, GLACIER_IR: 0.004, GLACIER: 0.0036, DEEP_ARCHIVE: 0.00099 },
  'us-west-2': { STANDARD: 0.023, STANDARD_IA: 0.0125, GLACIER_IR: 0.004, GLACIER: 0.0036, DEEP_ARCHIVE: 0.00099 },
  'eu-west-1': { STANDARD: 0.023, STANDARD_IA: 0.0125, GLACIER_IR: 0.004, GLACIER: 0.0036, DEEP_ARCHIVE: 0.00099 },
  'eu-central-1': { STANDARD: 0.0245, STANDARD_IA: 0.0135, GLACIER_IR: 0.005, GLACIER: 0.0045, DEEP_ARCHIVE: 0.0018 },
};

const S3_CLASS_NAMES: Readonly<Partial<Record<S3StorageClass, string>>> = {
  STANDARD: 'S3 Standard',
  STANDARD_IA: 'S3 Standard-IA',
  GLACIER_IR: 'S3 Glacier Instant Retrieval',
  GLACIER: 'S3 Glacier Flexible Retrieval',
  DEEP_ARCHIVE: 'S3 Glacier Deep Archive',
};

/** Display names of the database engines. */
const ENGINE_NAMES: Readonly<Record<DatabaseEngineFamily, string>> = { postgres: 'PostgreSQL', mysql: 'MySQL', valkey: 'Valkey' };

/** The engines RDS runs here. */
type RdsEngine = DatabaseEngineFamily.POSTGRES | DatabaseEngineFamily.MYSQL;

/** RDS on-demand instance prices, us-east-1, single-AZ, USD per hour. Multi-AZ doubles them. */
const RDS_INSTANCES: Readonly<Record<RdsEngine, Readonly<Record<string, number>>>> = {
  postgres: {
    'db.t3.micro': 0.018, 'db.t3.small': 0.036, 'db.t3.medium': 0.072, 'db.t3.large': 0.145,
    'db.t4g.micro': 0.016, 'db.t4g.small': 0.032, 'db.t4g.medium': 0.065, 'db.t4g.large': 0.129,
    'db.m5.large': 0.178, 'db.m6g.large': 0.159, 'db.m6i.large': 0.178, 'db.m7g.large': 0.168,
    'db.r5.large': 0.25, 'db.r6g.large': 0.225,
  },
  mysql: {
    'db.t3.micro': 0.017, 'db.t3.small': 0.034, 'db.t3.medium': 0.068, 'db.t3.large': 0.136,
    'db.t4g.micro': 0.016, 'db.t4g.small': 0.032, 'db.t4g.medium': 0.065, 'db.t4g.large': 0.129,
    'db.m5.large': 0.171, 'db.m6g.large': 0.152, 'db.m6i.large': 0.171, 'db.m7g.large': 0.161,
    'db.r5.large': 0.24, 'db.r6g.large': 0.215,
  },
};

/** Resources a vendor does not bill for. Key suffix, description, source, note. */
const FREE: ReadonlyArray<readonly [string, string, PriceSource, string?]> = [
  ['digitalocean/vpc', 'DigitalOcean VPC', DO_VPC],
  ['digitalocean/firewall', 'DigitalOcean cloud firewall', DO_FIREWALLS],
  ['digitalocean/dns', 'DigitalOcean DNS domain or record', DO_DNS],
  ['digitalocean/monitoring', 'DigitalOcean monitoring alert policy', DO_MONITORING],
  ['digitalocean/uptime-alert', 'DigitalOcean uptime alert', DO_UPTIME, 'alerts are included with their check'],
  ['digitalocean/project', 'DigitalOcean project, tag, SSH key or certificate', DO_PROJECTS],
  ['digitalocean/database-config', 'managed database setting (database, user, pool, firewall, engine config)', DO_DATABASES, 'part of the cluster price'],
  ['digitalocean/kubernetes-control-plane', 'DOKS control plane (not HA)', DO_KUBERNETES],
  ['digitalocean/spaces-included', 'Spaces bucket, object, key, policy or CDN', DO_SPACES, 'covered by the Spaces subscription (CDN transfer counts against its 1 TiB)'],
  ['digitalocean/reserved-ip-assigned', 'reserved IP assigned to a droplet', DO_RESERVED_IP, 'billed when left unassigned'],
  ['aws/configuration', 'AWS configuration resource (bucket settings, IAM, aliases, groups)', AWS_IAM, 'no charge of its own'],
  ['cloudflare/tunnel', 'Cloudflare Tunnel', CF_ZERO_TRUST],
  ['cloudflare/dns', 'Cloudflare DNS record or zone setting', CF_PLANS, 'Free plan'],
  ['cloudflare/ruleset', 'Cloudflare ruleset (rate limiting, response headers)', CF_PLANS, 'within the zone plan\'s rule allowance (Free: 1 rate limiting rule, 10 transform rules)'],
  ['cloudflare/access', 'Cloudflare Access application or policy', CF_ZERO_TRUST, 'free up to 50 users'],
  ['cloudflare/certificate-pack', 'another advanced certificate pack of a zone', CF_ACM, 'covered by the zone\'s Advanced Certificate Manager subscription'],
  ['local/terraform-only', 'Terraform-only resource (random values, time, data)', src('https://developer.hashicorp.com/terraform/language/resources'), 'exists only in the state'],
  ['local/docker', 'container, image, network or volume on your own Docker engine', src('https://docs.docker.com/engine/'), 'runs on your machine'],
  ['kubernetes/workload', 'Kubernetes object', DO_KUBERNETES, 'runs on the cluster\'s nodes, priced with the node pool'],
];

function standardEntries(): CatalogueEntry[] {
  const e: CatalogueEntry[] = [];
  for (const [slug, what, usd] of DROPLETS) {
    e.push({ key: `digitalocean/droplet/${slug}`, description: `Droplet ${slug} (${what})`, price: usd, unit: PriceUnit.MONTH, source: DO_DROPLETS, note: 'includes its disk and transfer allowance' });
    e.push({ key: `digitalocean/kubernetes-node/${slug}`, description: `DOKS node ${slug} (${what})`, price: usd, unit: PriceUnit.MONTH, source: DO_KUBERNETES, note: 'a worker node costs the droplet price of its size' });
  }
  e.push({ key: 'digitalocean/droplet-backup/weekly', description: 'weekly droplet backups', price: 0.2, unit: PriceUnit.SHARE_OF_PRICE, source: DO_BACKUPS });
  e.push({ key: 'digitalocean/droplet-backup/daily', description: 'daily droplet backups', price: 0.3, unit: PriceUnit.SHARE_OF_PRICE, source: DO_BACKUPS });
  for (const engine of [DatabaseEngineFamily.POSTGRES, DatabaseEngineFamily.MYSQL, DatabaseEngineFamily.VALKEY]) {
    const name = ENGINE_NAMES[engine];
    for (const [slug, what, primary, standby] of DATABASE_SIZES) {
      e.push({ key: `digitalocean/database/${engine}/${slug}/primary`, description: `${name} primary node ${slug} (${what})`, price: primary, unit: PriceUnit.MONTH, source: DO_DATABASES, note: 'includes the size\'s disk' });
      if (standby !== undefined) {
        e.push({ key: `digitalocean/database/${engine}/${slug}/standby`, description: `${name} standby node ${slug}`, price: standby, unit: PriceUnit.MONTH, source: DO_DATABASES });
      }
      if (engine !== DatabaseEngineFamily.VALKEY) {
        e.push({ key: `digitalocean/database/${engine}/${slug}/replica`, description: `${name} read-only replica ${slug}`, price: primary, unit: PriceUnit.MONTH, source: DO_DATABASES });
      }
    }
  }
  e.push({ key: 'digitalocean/kubernetes-ha-control-plane', description: 'DOKS high-availability control plane', price: 40, unit: PriceUnit.MONTH, source: DO_KUBERNETES });
  e.push({ key: 'digitalocean/load-balancer-node', description: 'regional load balancer node', price: 12, unit: PriceUnit.MONTH, source: DO_LOAD_BALANCER, note: 'a load balancer\'s size_unit counts its nodes' });
  e.push({ key: 'digitalocean/spaces-subscription', description: 'Spaces subscription (250 GiB stored, 1 TiB transfer included)', price: 5, unit: PriceUnit.MONTH, source: DO_SPACES, note: 'one per team, shared by all its buckets' });
  e.push({ key: 'digitalocean/spaces-extra-storage', description: 'Spaces storage beyond the included 250 GiB', price: 0.02, unit: PriceUnit.GIB_MONTH, source: DO_SPACES });
  e.push({ key: 'digitalocean/volume', description: 'block storage volume', price: 0.1, unit: PriceUnit.GIB_MONTH, source: DO_VOLUMES });
  e.push({ key: 'digitalocean/snapshot', description: 'droplet or volume snapshot', price: 0.06, unit: PriceUnit.GIB_MONTH, source: DO_SNAPSHOTS });
  e.push({ key: 'digitalocean/reserved-ip-unassigned', description: 'reserved IP not assigned to a droplet', price: 5, unit: PriceUnit.MONTH, source: DO_RESERVED_IP });
  e.push({ key: 'digitalocean/container-registry/starter', description: 'container registry, Starter tier', price: 0, unit: PriceUnit.MONTH, source: DO_REGISTRY });
  e.push({ key: 'digitalocean/container-registry/basic', description: 'container registry, Basic tier', price: 5, unit: PriceUnit.MONTH, source: DO_REGISTRY });
  e.push({ key: 'digitalocean/container-registry/professional', description: 'container registry, Professional tier', price: 20, unit: PriceUnit.MONTH, source: DO_REGISTRY });
  for (const [region, classes] of Object.entries(S3_STORAGE)) {
    for (const [cls, price] of Object.entries(classes) as Array<[S3StorageClass, number]>) {
      e.push({ key: `aws/s3/${region}/${cls}`, description: `${S3_CLASS_NAMES[cls]} storage in ${region}`, price, unit: PriceUnit.GIB_MONTH, source: AWS_S3, note: 'requests, retrievals and transfer are billed apart' });
    }
  }
  e.push({ key: 'digitalocean/uptime-check', description: 'DigitalOcean uptime check', price: 1, unit: PriceUnit.MONTH, source: DO_UPTIME, note: 'alerts on a check cost nothing extra' });
  e.push({
    key: 'cloudflare/advanced-certificate-manager', description: 'Cloudflare Advanced Certificate Manager (per zone)', price: 10, unit: PriceUnit.MONTH, source: CF_ACM,
    note: 'one subscription per zone covers all its advanced certificate packs: stacks sharing a zone each count it, the zone pays it once',
  });
  e.push({ key: 'aws/kms-key', description: 'KMS customer managed key', price: 1, unit: PriceUnit.MONTH, source: AWS_KMS, note: 'plus $0.03 per 10,000 requests' });
  e.push({ key: 'aws/secrets-manager-secret', description: 'Secrets Manager secret', price: 0.4, unit: PriceUnit.MONTH, source: AWS_SECRETS, note: 'plus $0.05 per 10,000 API calls' });
  for (const engine of [DatabaseEngineFamily.POSTGRES, DatabaseEngineFamily.MYSQL] as const) {
    const source = engine === DatabaseEngineFamily.POSTGRES ? AWS_RDS_PG : AWS_RDS_MYSQL;
    for (const [cls, hourly] of Object.entries(RDS_INSTANCES[engine])) {
      e.push({ key: `aws/rds/us-east-1/${engine}/${cls}`, description: `RDS ${engine} ${cls} (single-AZ, on demand, us-east-1)`, price: hourly, unit: PriceUnit.HOUR, source, note: 'Multi-AZ doubles it' });
    }
    e.push({ key: `aws/rds/us-east-1/${engine}/storage-gp3`, description: `RDS ${engine} gp2/gp3 storage (single-AZ, us-east-1)`, price: 0.115, unit: PriceUnit.GIB_MONTH, source, note: 'Multi-AZ doubles it' });
  }
  for (const [key, description, source, note] of FREE) {
    e.push({ key: `free/${key}`, description, price: 0, unit: PriceUnit.MONTH, source, ...(note ? { note } : {}) });
  }
  return e;
}

/**
 * A set of prices, looked up by key or through the typed lookups.
 *
 *   const prices = PriceCatalogue.standard();
 *   prices.droplet('s-4vcpu-8gb')?.price;                         // 48
 *   prices.with([{ key: 'digitalocean/droplet/s-16vcpu-32gb', ... }]);  // a size the catalogue lacks
 */
export class PriceCatalogue {
  /** The catalogue of list prices as of `CATALOGUE_PRICES_AS_OF`. */
  public static standard(): PriceCatalogue {
    return new PriceCatalogue(standardEntries());
  }

  private readonly byKey: ReadonlyMap<string, CatalogueEntry>;

  /** A catalogue of exactly these entries (a later entry with the same key wins). */
  constructor(entries: readonly CatalogueEntry[]) {
    const m = new Map<string, CatalogueEntry>();
    for (const entry of entries) m.set(entry.key, entry);
    this.byKey = m;
  }

  /** Every entry, in key order. */
  public get entries(): readonly CatalogueEntry[] {
    return [...this.byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** A new catalogue with these entries added, replacing entries of the same key. */
  public with(entries: readonly CatalogueEntry[]): PriceCatalogue {
    return new PriceCatalogue([...this.byKey.values(), ...entries]);
  }

  /** The entry of a key, or undefined. */
  public find(key: string): CatalogueEntry | undefined {
    return this.byKey.get(key);
  }

  /** A droplet size by slug (`s-4vcpu-8gb`). */
  public droplet(slug: string): CatalogueEntry | undefined {
    return this.find(`digitalocean/droplet/${slug}`);
  }

  /** A DOKS worker node by droplet size slug. */
  public kubernetesNode(slug: string): CatalogueEntry | undefined {
    return this.find(`digitalocean/kubernetes-node/${slug}`);
  }

  /** The share of the droplet price a backup plan costs. */
  public dropletBackup(plan: DropletBackupPlan): CatalogueEntry | undefined {
    return this.find(`digitalocean/droplet-backup/${plan}`);
  }

  /** A managed database node by engine, size slug and role. */
  public databaseNode(engine: DatabaseEngineFamily, slug: string, role: DatabaseNodeRole = DatabaseNodeRole.PRIMARY): CatalogueEntry | undefined {
    return this.find(`digitalocean/database/${engine}/${slug}/${role}`);
  }

  /** The DOKS high-availability control plane. */
  public kubernetesHaControlPlane(): CatalogueEntry | undefined {
    return this.find('digitalocean/kubernetes-ha-control-plane');
  }

  /** One load balancer node (a load balancer's `size_unit` counts them). */
  public loadBalancerNode(): CatalogueEntry | undefined {
    return this.find('digitalocean/load-balancer-node');
  }

  /** The Spaces subscription. */
  public spacesSubscription(): CatalogueEntry | undefined {
    return this.find('digitalocean/spaces-subscription');
  }

  /** Spaces storage beyond what the subscription includes, per GiB-month. */
  public spacesExtraStorage(): CatalogueEntry | undefined {
    return this.find('digitalocean/spaces-extra-storage');
  }

  /** Block storage volumes, per GiB-month. */
  public volume(): CatalogueEntry | undefined {
    return this.find('digitalocean/volume');
  }

  /** NFS shares, per provisioned GiB-month. */
  /** Network File Storage: no list price in the catalogue yet (it is billed on the provisioned size). */
  public nfs(): CatalogueEntry | undefined {
    return this.find('digitalocean/nfs');
  }

  /** S3 storage per GiB-month in a region and class. */
  public s3Storage(region: string, storageClass: S3StorageClass): CatalogueEntry | undefined {
    return this.find(`aws/s3/${region}/${storageClass}`);
  }

  /** Cloudflare's Advanced Certificate Manager, per zone (advanced certificate packs). */
  public advancedCertificateManager(): CatalogueEntry | undefined {
    return this.find('cloudflare/advanced-certificate-manager');
  }

  /** A KMS customer managed key. */
  public kmsKey(): CatalogueEntry | undefined {
    return this.find('aws/kms-key');
  }

  /** An RDS instance class, single-AZ, per hour. */
  public rdsInstance(region: string, engine: DatabaseEngineFamily, instanceClass: string): CatalogueEntry | undefined {
    return this.find(`aws/rds/${region}/${engine}/${instanceClass}`);
  }

  /** RDS general purpose storage, single-AZ, per GiB-month. */
  public rdsStorage(region: string, engine: DatabaseEngineFamily): CatalogueEntry | undefined {
    return this.find(`aws/rds/${region}/${engine}/storage-gp3`);
  }

  /** A free item (`free/<kind>` key), listed with its source. */
  public free(kind: string): CatalogueEntry | undefined {
    return this.find(`free/${kind}`);
  }
}
