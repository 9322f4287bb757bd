import { App, Lazy, TerraformOutput, TerraformStack, TerraformVariable, Testing, Token } from 'cdktf';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { Droplet } from '@cdktf/provider-digitalocean/lib/droplet';
import { DropletAutoscale } from '@cdktf/provider-digitalocean/lib/droplet-autoscale';
import { DatabaseCluster } from '@cdktf/provider-digitalocean/lib/database-cluster';
import { DatabaseReplica } from '@cdktf/provider-digitalocean/lib/database-replica';
import { DatabaseFirewall } from '@cdktf/provider-digitalocean/lib/database-firewall';
import { KubernetesCluster } from '@cdktf/provider-digitalocean/lib/kubernetes-cluster';
import { KubernetesNodePool } from '@cdktf/provider-digitalocean/lib/kubernetes-node-pool';
import { Loadbalancer } from '@cdktf/provider-digitalocean/lib/loadbalancer';
import { SpacesBucket } from '@cdktf/provider-digitalocean/lib/spaces-bucket';
import { Volume } from '@cdktf/provider-digitalocean/lib/volume';
import { Vpc } from '@cdktf/provider-digitalocean/lib/vpc';
import { Nfs } from '@cdktf/provider-digitalocean/lib/nfs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { DbInstance } from '@cdktf/provider-aws/lib/db-instance';
import { CloudflareProvider } from '@cdktf/provider-cloudflare/lib/provider';
import { ZeroTrustTunnelCloudflared } from '@cdktf/provider-cloudflare/lib/zero-trust-tunnel-cloudflared';
import { DnsRecord } from '@cdktf/provider-cloudflare/lib/dns-record';
import { CertificatePack } from '@cdktf/provider-cloudflare/lib/certificate-pack';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { ServiceV1 } from '@cdktf/provider-kubernetes/lib/service-v1';
import { PersistentVolumeClaimV1 } from '@cdktf/provider-kubernetes/lib/persistent-volume-claim-v1';
import {
  CATALOGUE_PRICES_AS_OF, CostEstimate, CostItemStatus, DatabaseNodeRole, DropletBackupPlan,
  EstimateOptions, HOURS_PER_MONTH, PriceCatalogue, PriceUnit,
  estimateStack, estimateTerraformJson, formatUsd,
} from '../lib/cost';
import { DatabaseEngineFamily } from '../lib/common/contracts';
import { S3StorageClass } from '../lib/common/storage-class';
import { compareWithPlan } from '../fixtures/reference/compare';
import fc from 'fast-check';

const prices = PriceCatalogue.standard();
const price = (e: { price: number } | undefined): number => {
  if (!e) throw new Error('catalogue entry missing');
  return e.price;
};

/**
 * Builds a stack, synthesizes it, and estimates the JSON; also estimates the
 * live stack and checks that both give the same items.
 */
function estimateOf(build: (stack: TerraformStack) => void, options: EstimateOptions = {}): CostEstimate {
  const app = Testing.app();
  const stack = new TerraformStack(app, 'test');
  build(stack);
  const fromJson = estimateTerraformJson(JSON.parse(Testing.synth(stack)), options);
  const live = estimateStack(stack, options);
  expect(live.items).toEqual(fromJson.items);
  return fromJson;
}

const withDo = (stack: TerraformStack): void => {
  new DigitaloceanProvider(stack, 'digitalocean', {});
};

describe('price catalogue', () => {
  test('knows the droplet sizes that matter, at their list prices', () => {
    for (const slug of ['s-1vcpu-1gb', 's-1vcpu-2gb', 's-2vcpu-2gb', 's-2vcpu-4gb', 's-4vcpu-8gb', 's-8vcpu-16gb', 'g-2vcpu-8gb', 'g-4vcpu-16gb', 'c-2', 'c-4']) {
      expect(prices.droplet(slug)).toBeDefined();
    }
    expect(price(prices.droplet('s-1vcpu-1gb'))).toBe(6);
    expect(price(prices.droplet('s-4vcpu-8gb'))).toBe(48);
    expect(price(prices.droplet('s-8vcpu-16gb'))).toBe(96);
    expect(prices.droplet('s-99vcpu-1tb')).toBeUndefined();
  });

  test('every entry names its vendor pricing page and the date it was taken', () => {
    expect(prices.entries.length).toBeGreaterThan(100);
    for (const e of prices.entries) {
      expect(e.source.url).toMatch(/^https:\/\//);
      expect(e.source.asOf).toBe(CATALOGUE_PRICES_AS_OF);
      expect(e.price).toBeGreaterThanOrEqual(0);
    }
    expect(CATALOGUE_PRICES_AS_OF).toBe('2026-11');
  });

  test('prices droplet backups as a share of the droplet price', () => {
    expect(prices.dropletBackup(DropletBackupPlan.WEEKLY)).toMatchObject({ price: 0.2, unit: PriceUnit.SHARE_OF_PRICE });
    expect(prices.dropletBackup(DropletBackupPlan.DAILY)).toMatchObject({ price: 0.3, unit: PriceUnit.SHARE_OF_PRICE });
  });

  test('prices database primaries, standbys and replicas per engine and size', () => {
    expect(price(prices.databaseNode(DatabaseEngineFamily.POSTGRES, 'db-s-1vcpu-1gb'))).toBe(15);
    expect(price(prices.databaseNode(DatabaseEngineFamily.MYSQL, 'db-s-2vcpu-4gb'))).toBe(60);
    expect(price(prices.databaseNode(DatabaseEngineFamily.VALKEY, 'db-s-1vcpu-2gb'))).toBe(30);
    const primary = price(prices.databaseNode(DatabaseEngineFamily.POSTGRES, 'db-s-4vcpu-8gb', DatabaseNodeRole.PRIMARY));
    const standby = price(prices.databaseNode(DatabaseEngineFamily.POSTGRES, 'db-s-4vcpu-8gb', DatabaseNodeRole.STANDBY));
    expect(standby).toBeLessThan(primary);
    expect(price(prices.databaseNode(DatabaseEngineFamily.POSTGRES, 'db-s-4vcpu-8gb', DatabaseNodeRole.READ_REPLICA))).toBe(primary);
    expect(prices.databaseNode(DatabaseEngineFamily.POSTGRES, 'db-s-1vcpu-1gb', DatabaseNodeRole.STANDBY)).toBeUndefined();
  });

  test('prices the Kubernetes control plane, load balancers, Spaces, volumes and AWS', () => {
    expect(price(prices.kubernetesHaControlPlane())).toBe(40);
    expect(price(prices.kubernetesNode('s-4vcpu-8gb'))).toBe(price(prices.droplet('s-4vcpu-8gb')));
    expect(price(prices.loadBalancerNode())).toBe(12);
    expect(price(prices.spacesSubscription())).toBe(5);
    expect(prices.volume()).toMatchObject({ price: 0.1, unit: PriceUnit.GIB_MONTH });
    expect(price(prices.kmsKey())).toBe(1);
    expect(price(prices.s3Storage('us-east-1', S3StorageClass.STANDARD))).toBe(0.023);
    for (const region of ['us-east-1', 'eu-west-1', 'eu-central-1']) {
      const standard = price(prices.s3Storage(region, S3StorageClass.STANDARD));
      expect(price(prices.s3Storage(region, S3StorageClass.STANDARD_IA))).toBeLessThan(standard);
      expect(price(prices.s3Storage(region, S3StorageClass.GLACIER_FLEXIBLE_RETRIEVAL))).toBeLessThan(price(prices.s3Storage(region, S3StorageClass.STANDARD_IA)));
      expect(price(prices.s3Storage(region, S3StorageClass.DEEP_ARCHIVE))).toBeLessThan(price(prices.s3Storage(region, S3StorageClass.GLACIER_FLEXIBLE_RETRIEVAL)));
    }
    expect(prices.rdsInstance('us-east-1', DatabaseEngineFamily.POSTGRES, 'db.t4g.micro')).toMatchObject({ unit: PriceUnit.HOUR });
    expect(prices.free('cloudflare/access')?.note).toMatch(/50 users/);
  });

  test('with() adds a size the catalogue lacks and replaces a price', () => {
    const custom = prices.with([
      { key: 'digitalocean/droplet/s-16vcpu-64gb', description: 'Droplet s-16vcpu-64gb', price: 384, unit: PriceUnit.MONTH, source: { url: 'https://www.digitalocean.com/pricing/droplets', asOf: '2026-11' } },
      { ...prices.droplet('s-1vcpu-1gb')!, price: 5 },
    ]);
    expect(price(custom.droplet('s-16vcpu-64gb'))).toBe(384);
    expect(price(custom.droplet('s-1vcpu-1gb'))).toBe(5);
    expect(price(prices.droplet('s-1vcpu-1gb'))).toBe(6);
  });
});

describe('estimate of DigitalOcean resources', () => {
  test('prices a droplet per instance of its count', () => {
    const e = estimateOf((s) => {
      withDo(s);
      new Droplet(s, 'Web', { name: 'web', size: 's-2vcpu-4gb', image: 'ubuntu-24-04-x64', count: 3 });
    });
    const [item] = e.itemsOf('digitalocean_droplet.Web');
    expect(item).toMatchObject({ status: CostItemStatus.PRICED, quantity: 3, unitPriceUsd: price(prices.droplet('s-2vcpu-4gb')) });
    expect(item.monthlyUsd).toBe(3 * price(prices.droplet('s-2vcpu-4gb')));
    expect(item.source?.url).toBe('https://www.digitalocean.com/pricing/droplets');
    expect(e.totalUsd).toBe(item.monthlyUsd);
  });

  test('prices weekly and daily backups as their share of the droplet price', () => {
    const e = estimateOf((s) => {
      withDo(s);
      new Droplet(s, 'Weekly', { name: 'a', size: 's-8vcpu-16gb', image: 'x', backups: true, backupPolicy: { plan: 'weekly', weekday: 'SUN', hour: 4 } });
      new Droplet(s, 'Daily', { name: 'b', size: 's-4vcpu-8gb', image: 'x', backups: true, backupPolicy: { plan: 'daily', hour: 4 } });
      new Droplet(s, 'NoPolicy', { name: 'c', size: 's-1vcpu-1gb', image: 'x', backups: true });
      new Droplet(s, 'None', { name: 'd', size: 's-1vcpu-1gb', image: 'x' });
    });
    const backup = (addr: string): number | undefined => e.itemsOf(addr).find((i) => i.catalogueKey?.startsWith('digitalocean/droplet-backup/'))?.monthlyUsd;
    expect(backup('digitalocean_droplet.Weekly')).toBeCloseTo(0.2 * price(prices.droplet('s-8vcpu-16gb')), 10);
    expect(backup('digitalocean_droplet.Daily')).toBeCloseTo(0.3 * price(prices.droplet('s-4vcpu-8gb')), 10);
    expect(backup('digitalocean_droplet.NoPolicy')).toBeCloseTo(price(prices.dropletBackup(DropletBackupPlan.WEEKLY)) * price(prices.droplet('s-1vcpu-1gb')), 10);
    expect(backup('digitalocean_droplet.None')).toBeUndefined();
  });

  test('lists a droplet whose size is only known at apply time as having no known price', () => {
    const e = estimateOf((s) => {
      withDo(s);
      const size = new TerraformVariable(s, 'size', { type: 'string' });
      new Droplet(s, 'Web', { name: 'web', size: size.stringValue, image: 'x' });
    });
    expect(e.itemsOf('digitalocean_droplet.Web')).toEqual([expect.objectContaining({ status: CostItemStatus.NO_KNOWN_PRICE })]);
    expect(e.unknownItems).toHaveLength(1);
    expect(e.totalUsd).toBe(0);
  });

  test('estimates a computed count as one instance and says so', () => {
    const e = estimateOf((s) => {
      withDo(s);
      const n = new TerraformVariable(s, 'n', { type: 'number' });
      new Droplet(s, 'Web', { name: 'web', size: 's-1vcpu-1gb', image: 'x', count: Token.asNumber(n.value) });
    });
    const [item] = e.itemsOf('digitalocean_droplet.Web');
    expect(item.quantity).toBe(1);
    expect(item.notes.join(' ')).toMatch(/count .* computed at apply time/);
  });

  test('prices a droplet autoscale pool at its minimum and shows its maximum', () => {
    const e = estimateOf((s) => {
      withDo(s);
      new DropletAutoscale(s, 'Pool', {
        name: 'pool',
        config: { minInstances: 2, maxInstances: 6, targetCpuUtilization: 0.6 },
        dropletTemplate: { size: 's-2vcpu-2gb', image: 'x', region: 'fra1', sshKeys: ['1'] },
      });
    });
    const each = price(prices.droplet('s-2vcpu-2gb'));
    expect(e.itemsOf('digitalocean_droplet_autoscale.Pool')[0]).toMatchObject({ quantity: 2, maxQuantity: 6, monthlyUsd: 2 * each, maxMonthlyUsd: 6 * each });
  });

  test('prices a database cluster as a primary plus standby nodes', () => {
    const e = estimateOf((s) => {
      withDo(s);
      new DatabaseCluster(s, 'Pg', { name: 'pg', engine: 'pg', version: '17', size: 'db-s-2vcpu-4gb', nodeCount: 3, region: 'fra1' });
      new DatabaseCluster(s, 'Cache', { name: 'cache', engine: 'valkey', version: '8', size: 'db-s-1vcpu-1gb', nodeCount: 1, region: 'fra1' });
    });
    const primary = price(prices.databaseNode(DatabaseEngineFamily.POSTGRES, 'db-s-2vcpu-4gb', DatabaseNodeRole.PRIMARY));
    const standby = price(prices.databaseNode(DatabaseEngineFamily.POSTGRES, 'db-s-2vcpu-4gb', DatabaseNodeRole.STANDBY));
    expect(e.totalOf('digitalocean_database_cluster.Pg')).toBe(primary + 2 * standby);
    expect(e.itemsOf('digitalocean_database_cluster.Pg').map((i) => i.quantity)).toEqual([1, 2]);
    expect(e.totalOf('digitalocean_database_cluster.Cache')).toBe(price(prices.databaseNode(DatabaseEngineFamily.VALKEY, 'db-s-1vcpu-1gb')));
  });

  test('lists engines and standby nodes without a known price instead of counting them as 0', () => {
    const e = estimateOf((s) => {
      withDo(s);
      new DatabaseCluster(s, 'Mongo', { name: 'm', engine: 'mongodb', version: '7', size: 'db-s-1vcpu-1gb', nodeCount: 1, region: 'fra1' });
      new DatabaseCluster(s, 'Tiny', { name: 't', engine: 'pg', version: '17', size: 'db-s-1vcpu-1gb', nodeCount: 2, region: 'fra1' });
    });
    expect(e.itemsOf('digitalocean_database_cluster.Mongo')[0]).toMatchObject({ status: CostItemStatus.NO_KNOWN_PRICE });
    const tiny = e.itemsOf('digitalocean_database_cluster.Tiny');
    expect(tiny.map((i) => i.status)).toEqual([CostItemStatus.PRICED, CostItemStatus.NO_KNOWN_PRICE]);
    expect(e.totalUsd).toBe(price(prices.databaseNode(DatabaseEngineFamily.POSTGRES, 'db-s-1vcpu-1gb')));
    expect(e.toTable()).toMatch(/no known price \(not in the total\):\s*\n\s+digitalocean_database_cluster\.Mongo/);
  });

  test('prices a read replica at the primary price of its size and engine, defaulting to the cluster size', () => {
    const e = estimateOf((s) => {
      withDo(s);
      const db = new DatabaseCluster(s, 'Db', { name: 'db', engine: 'mysql', version: '8', size: 'db-s-4vcpu-8gb', nodeCount: 1, region: 'fra1' });
      new DatabaseReplica(s, 'Sized', { clusterId: db.id, name: 'r1', size: 'db-s-2vcpu-4gb' });
      new DatabaseReplica(s, 'Unsized', { clusterId: db.id, name: 'r2' });
    });
    expect(e.itemsOf('digitalocean_database_replica.Sized')[0]).toMatchObject({
      monthlyUsd: price(prices.databaseNode(DatabaseEngineFamily.MYSQL, 'db-s-2vcpu-4gb', DatabaseNodeRole.READ_REPLICA)),
      description: expect.stringContaining('MySQL'),
    });
    expect(e.itemsOf('digitalocean_database_replica.Unsized')[0].monthlyUsd).toBe(price(prices.databaseNode(DatabaseEngineFamily.MYSQL, 'db-s-4vcpu-8gb', DatabaseNodeRole.READ_REPLICA)));
  });

  test('prices Kubernetes nodes at the autoscaling minimum, shows the maximum, and adds the HA control plane', () => {
    const e = estimateOf((s) => {
      withDo(s);
      const k = new KubernetesCluster(s, 'Cluster', {
        name: 'k', region: 'fra1', version: '1.33.1-do.0', ha: true,
        nodePool: { name: 'default', size: 's-4vcpu-8gb', autoScale: true, minNodes: 3, maxNodes: 6 },
      });
      new KubernetesNodePool(s, 'Workers', { clusterId: k.id, name: 'workers', size: 'c-4', nodeCount: 2 });
      new KubernetesCluster(s, 'Plain', { name: 'p', region: 'fra1', version: '1.33.1-do.0', nodePool: { name: 'p', size: 's-2vcpu-4gb', nodeCount: 1 } });
    });
    const node = price(prices.kubernetesNode('s-4vcpu-8gb'));
    const cluster = e.itemsOf('digitalocean_kubernetes_cluster.Cluster');
    expect(cluster[0]).toMatchObject({ description: 'DOKS high-availability control plane', monthlyUsd: price(prices.kubernetesHaControlPlane()) });
    expect(cluster[1]).toMatchObject({ quantity: 3, maxQuantity: 6, monthlyUsd: 3 * node, maxMonthlyUsd: 6 * node });
    expect(e.totalOf('digitalocean_kubernetes_node_pool.Workers')).toBe(2 * price(prices.kubernetesNode('c-4')));
    expect(e.itemsOf('digitalocean_kubernetes_cluster.Plain')[0].status).toBe(CostItemStatus.FREE);
    expect(e.maxTotalUsd - e.totalUsd).toBe(3 * node);
    expect(e.summary()).toMatch(/up to .* with autoscaling/);
  });

  test('prices a load balancer per node of its size unit', () => {
    const rule = [{ entryPort: 80, entryProtocol: 'http', targetPort: 80, targetProtocol: 'http' }];
    const e = estimateOf((s) => {
      withDo(s);
      new Loadbalancer(s, 'Three', { name: 'a', region: 'fra1', sizeUnit: 3, forwardingRule: rule });
      new Loadbalancer(s, 'OneNode', { name: 'b', region: 'fra1', forwardingRule: rule });
      new Loadbalancer(s, 'Global', { name: 'c', type: 'GLOBAL', forwardingRule: rule });
    });
    const node = price(prices.loadBalancerNode());
    expect(e.totalOf('digitalocean_loadbalancer.Three')).toBe(3 * node);
    expect(e.totalOf('digitalocean_loadbalancer.OneNode')).toBe(node);
    expect(e.itemsOf('digitalocean_loadbalancer.Global')[0].status).toBe(CostItemStatus.NO_KNOWN_PRICE);
  });

  test('counts the Spaces subscription once and extra storage from the stated assumption', () => {
    const build = (s: TerraformStack): void => {
      withDo(s);
      new SpacesBucket(s, 'A', { name: 'a', region: 'fra1' });
      new SpacesBucket(s, 'B', { name: 'b', region: 'fra1' });
    };
    const sub = price(prices.spacesSubscription());
    expect(estimateOf(build).totalUsd).toBe(sub);
    const big = estimateOf(build, { assumptions: { spacesStorageGib: 600 } });
    expect(big.totalUsd).toBeCloseTo(sub + 350 * price(prices.spacesExtraStorage()), 10);
    const extra = big.items.find((i) => i.status === CostItemStatus.USAGE_ASSUMED)!;
    expect(extra.notes.join(' ')).toMatch(/assumes 600 GiB .*spacesStorageGib/);
    expect(big.itemsOf('digitalocean_spaces_bucket.B')[0].status).toBe(CostItemStatus.FREE);
  });

  test('prices a volume per GiB, lists free DigitalOcean resources, and lists an NFS share as not priced', () => {
    const e = estimateOf((s) => {
      withDo(s);
      new Volume(s, 'Data', { name: 'data', region: 'fra1', size: 100 });
      const vpc = new Vpc(s, 'Vpc', { name: 'vpc', region: 'fra1' });
      const db = new DatabaseCluster(s, 'Db', { name: 'db', engine: 'pg', version: '17', size: 'db-s-1vcpu-1gb', nodeCount: 1, region: 'fra1' });
      new DatabaseFirewall(s, 'DbFirewall', { clusterId: db.id, rule: [{ type: 'tag', value: 'app' }] });
      new Nfs(s, 'Share', { name: 'share', region: 'fra1', size: 50, vpcId: vpc.id });
    });
    expect(e.totalOf('digitalocean_volume.Data')).toBeCloseTo(100 * price(prices.volume()), 10);
    expect(e.freeItems.map((i) => i.address).sort()).toEqual(['digitalocean_database_firewall.DbFirewall', 'digitalocean_vpc.Vpc']);
    // the catalogue has no verified list price for Network File Storage: listed, left out of the total
    expect(e.unknownItems.map((i) => i.address)).toEqual(['digitalocean_nfs.Share']);
  });
});

describe('estimate of AWS, Cloudflare and Kubernetes resources', () => {
  test('prices S3 storage in the provider region from the storage assumption', () => {
    const e = estimateOf((s) => {
      new AwsProvider(s, 'aws', { region: 'eu-central-1' });
      const b = new S3Bucket(s, 'Vault', { bucketPrefix: 'vault-' });
      new S3BucketVersioningA(s, 'Versioning', { bucket: b.id, versioningConfiguration: { status: 'Enabled' } });
      new KmsKey(s, 'Key', { description: 'vault' });
    });
    const [storage] = e.itemsOf('aws_s3_bucket.Vault');
    expect(storage).toMatchObject({ status: CostItemStatus.USAGE_ASSUMED, quantity: 50, unitPriceUsd: price(prices.s3Storage('eu-central-1', S3StorageClass.STANDARD)) });
    expect(storage.notes.join(' ')).toMatch(/assumes 50 GiB stored \(assumption s3StorageGibPerBucket\)/);
    expect(e.totalOf('aws_kms_key.Key')).toBe(price(prices.kmsKey()));
    expect(e.itemsOf('aws_s3_bucket_versioning.Versioning')[0].status).toBe(CostItemStatus.FREE);
  });

  test('splits S3 storage between classes by the stated shares, per bucket address', () => {
    const e = estimateOf((s) => {
      new AwsProvider(s, 'aws', { region: 'us-east-1' });
      new S3Bucket(s, 'Vault', { bucketPrefix: 'vault-' });
    }, { assumptions: { s3StorageGibByAddress: { 'aws_s3_bucket.Vault': 400 }, s3StorageClassShares: { STANDARD: 0.25, GLACIER: 0.75 } } });
    const expected = 100 * price(prices.s3Storage('us-east-1', S3StorageClass.STANDARD)) + 300 * price(prices.s3Storage('us-east-1', S3StorageClass.GLACIER_FLEXIBLE_RETRIEVAL));
    expect(e.totalOf('aws_s3_bucket.Vault')).toBeCloseTo(expected, 10);
    expect(e.itemsOf('aws_s3_bucket.Vault').map((i) => i.quantity)).toEqual([100, 300]);
  });

  test('lists S3 storage in a region without known prices as having no known price', () => {
    const e = estimateOf((s) => {
      new AwsProvider(s, 'aws', { region: 'ap-south-1' });
      new S3Bucket(s, 'Vault', { bucketPrefix: 'vault-' });
    });
    expect(e.itemsOf('aws_s3_bucket.Vault')[0]).toMatchObject({ status: CostItemStatus.NO_KNOWN_PRICE });
    expect(e.totalUsd).toBe(0);
  });

  test('prices an RDS instance per hour over the month, doubled with Multi-AZ, with its storage', () => {
    const e = estimateOf((s) => {
      new AwsProvider(s, 'aws', { region: 'us-east-1' });
      new DbInstance(s, 'Db', { engine: 'postgres', instanceClass: 'db.t4g.micro', allocatedStorage: 20, multiAz: true });
    });
    const hourly = price(prices.rdsInstance('us-east-1', DatabaseEngineFamily.POSTGRES, 'db.t4g.micro'));
    const [inst, storage] = e.itemsOf('aws_db_instance.Db');
    expect(inst.monthlyUsd).toBeCloseTo(hourly * HOURS_PER_MONTH * 2, 10);
    expect(storage.monthlyUsd).toBeCloseTo(20 * price(prices.rdsStorage('us-east-1', DatabaseEngineFamily.POSTGRES)) * 2, 10);
  });

  test('lists Cloudflare tunnels and DNS records as free', () => {
    const e = estimateOf((s) => {
      new CloudflareProvider(s, 'cloudflare', {});
      new ZeroTrustTunnelCloudflared(s, 'Tunnel', { accountId: 'a', name: 't' });
      new DnsRecord(s, 'Record', { zoneId: 'z', name: 'app', type: 'CNAME', ttl: 1, content: 'x.cfargotunnel.com', proxied: true });
    });
    expect(e.items.map((i) => i.status)).toEqual([CostItemStatus.FREE, CostItemStatus.FREE]);
    expect(e.items.every((i) => i.source !== undefined)).toBe(true);
  });

  test('prices Advanced Certificate Manager at $10 a month per zone: the first advanced pack of a zone counts it, others are covered', () => {
    const entry = prices.advancedCertificateManager();
    expect(entry).toMatchObject({ price: 10, unit: PriceUnit.MONTH });
    expect(entry!.source.url).toBe('https://www.cloudflare.com/application-services/products/advanced-certificate-manager/');
    const pack = (s: TerraformStack, id: string, zoneId: string): void => {
      new CertificatePack(s, id, {
        zoneId, type: 'advanced', hosts: ['example.com', '*.fact.example.com'], certificateAuthority: 'lets_encrypt', validationMethod: 'txt', validityDays: 90,
      });
    };
    const e = estimateOf((s) => {
      new CloudflareProvider(s, 'cloudflare', {});
      pack(s, 'A', 'zone-one');
      pack(s, 'B', 'zone-one');
      pack(s, 'C', 'zone-two');
    });
    expect(e.items.map((i) => [i.address, i.status, i.monthlyUsd])).toEqual([
      ['cloudflare_certificate_pack.A', CostItemStatus.PRICED, 10],
      ['cloudflare_certificate_pack.B', CostItemStatus.FREE, 0],
      ['cloudflare_certificate_pack.C', CostItemStatus.PRICED, 10],
    ]);
    expect(e.totalUsd).toBe(20);
    expect(e.items[0].notes.join(' ')).toMatch(/one subscription per zone/);
  });

  test('prices a Kubernetes LoadBalancer service and a volume claim as the DigitalOcean resources they create', () => {
    const e = estimateOf((s) => {
      new KubernetesProvider(s, 'kubernetes', {});
      new ServiceV1(s, 'Web', {
        metadata: { name: 'web', annotations: { 'service.beta.kubernetes.io/do-loadbalancer-size-unit': '2' } },
        spec: { type: 'LoadBalancer', port: [{ port: 80 }], selector: { app: 'web' } },
      });
      new ServiceV1(s, 'Internal', { metadata: { name: 'api' }, spec: { port: [{ port: 80 }], selector: { app: 'api' } } });
      new PersistentVolumeClaimV1(s, 'Data', {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '20Gi' } } },
      });
    });
    expect(e.totalOf('kubernetes_service_v1.Web')).toBe(2 * price(prices.loadBalancerNode()));
    expect(e.itemsOf('kubernetes_service_v1.Internal')[0].status).toBe(CostItemStatus.FREE);
    expect(e.totalOf('kubernetes_persistent_volume_claim_v1.Data')).toBeCloseTo(20 * price(prices.volume()), 10);
  });
});

describe('estimate of a live stack', () => {
  test('agrees with the estimate of the synthesized JSON, also from inside a lazy output', () => {
    const app = new App({ outdir: Testing.app().outdir });
    const stack = new TerraformStack(app, 'live');
    withDo(stack);
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    new Droplet(stack, 'Web', { name: 'web', size: 's-4vcpu-8gb', image: 'x', backups: true, count: 2 });
    new S3Bucket(stack, 'Vault', { bucketPrefix: 'v-' });
    new TerraformOutput(stack, 'monthly_cost', { value: Lazy.stringValue({ produce: () => estimateStack(stack).summary() }) });
    const synthesized = JSON.parse(Testing.synth(stack));
    const fromJson = estimateTerraformJson(synthesized);
    expect(estimateStack(stack).items).toEqual(fromJson.items);
    expect(synthesized.output.monthly_cost.value).toBe(fromJson.summary());
    const expected = 2 * price(prices.droplet('s-4vcpu-8gb')) * (1 + price(prices.dropletBackup(DropletBackupPlan.WEEKLY)))
      + 50 * price(prices.s3Storage('eu-west-1', S3StorageClass.STANDARD));
    expect(fromJson.totalUsd).toBeCloseTo(expected, 10);
  });
});

describe('comparison with a quoted plan', () => {
  test('sets each plan line beside its items and lists the priced items no line names', () => {
    const e = estimateOf((s) => {
      withDo(s);
      new Droplet(s, 'App', { name: 'a', size: 's-8vcpu-16gb', image: 'x', backups: true });
      new Volume(s, 'Data', { name: 'd', region: 'fra1', size: 10 });
    });
    const c = compareWithPlan(e, [
      { label: 'Droplet', usd: 96, addresses: ['digitalocean_droplet.App'], catalogueKeyPrefix: 'digitalocean/droplet/' },
      { label: 'Backups', usd: 20, addresses: ['digitalocean_droplet.App'], catalogueKeyPrefix: 'digitalocean/droplet-backup/', why: 'a share of the droplet price' },
    ]);
    expect(c.lines.map((l) => l.estimateUsd)).toEqual([96, 0.2 * 96]);
    expect(c.lines[1].differenceUsd).toBeCloseTo(0.2 * 96 - 20, 10);
    expect(c.unplannedItems.map((i) => i.address)).toEqual(['digitalocean_volume.Data']);
    expect(c.planTotalUsd).toBe(116);
    expect(c.differenceUsd).toBeCloseTo(e.totalUsd - 116, 10);
    expect(c.toTable()).toMatch(/Backups \(-\$0\.80\): a share of the droplet price/);
  });
});

describe('usage assumptions', () => {
  const tf = { resource: { aws_s3_bucket: { Vault: { bucket_prefix: 'v-' } } } };

  test('fails on a negative stored size, naming the assumption', () => {
    expect(() => estimateTerraformJson(tf, { assumptions: { s3StorageGibPerBucket: -5 } })).toThrow(/assumptions\.s3StorageGibPerBucket.*got -5/);
    expect(() => estimateTerraformJson(tf, { assumptions: { spacesStorageGib: Number.NaN } })).toThrow(/assumptions\.spacesStorageGib/);
  });

  test('fails on storage class shares that do not add up to 1, naming every problem at once', () => {
    const run = (): CostEstimate => estimateTerraformJson(tf, { assumptions: { s3StorageClassShares: { STANDARD: 0.5, GLACIER: 0.2 }, defaultAwsRegion: 'Frankfurt' } });
    expect(run).toThrow(/assumptions\.s3StorageClassShares: shares must add up to 1/);
    expect(run).toThrow(/assumptions\.defaultAwsRegion/);
  });

  test('uses the default AWS region when no provider names one', () => {
    const e = estimateTerraformJson(tf, { assumptions: { defaultAwsRegion: 'eu-west-1' } });
    expect(e.items[0].catalogueKey).toBe('aws/s3/eu-west-1/STANDARD');
  });
});

describe('monitoring and zone rules', () => {
  test('an uptime check is priced per check and its alerts and Cloudflare rulesets are listed as free', () => {
    const e = estimateTerraformJson({
      resource: {
        digitalocean_uptime_check: { Check: { name: 'app', target: 'https://app.example.com/health' } },
        digitalocean_uptime_alert: { Down: { name: 'down', type: 'down_global' } },
        cloudflare_ruleset: { Headers: { phase: 'http_response_headers_transform' } },
      },
    });
    expect(e.pricedItems.map((i) => [i.address, i.monthlyUsd])).toEqual([
      ['digitalocean_uptime_check.Check', PriceCatalogue.standard().find('digitalocean/uptime-check')!.price],
    ]);
    expect(e.freeItems.map((i) => i.address).sort()).toEqual(['cloudflare_ruleset.Headers', 'digitalocean_uptime_alert.Down']);
    expect(e.unknownItems).toEqual([]);
  });
});

describe('dollar amounts', () => {
  // What en-US number formatting prints (through ICU), which formatUsd matches without loading it.
  const icu = (usd: number): string => {
    const abs = Math.abs(usd);
    const digits = abs < 1 && Math.abs(Math.round(abs * 100) / 100 - abs) > 1e-9 ? 4 : 2;
    return `${usd < 0 ? '-' : ''}$${abs.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })}`;
  };

  test('formats with thousands separators, cents, and 4 decimals below a dollar when cents would round', () => {
    expect(formatUsd(1234567.891)).toBe('$1,234,567.89');
    expect(formatUsd(419.38)).toBe('$419.38');
    expect(formatUsd(0.0123)).toBe('$0.0123');
    expect(formatUsd(0.5)).toBe('$0.50');
    expect(formatUsd(-5.5)).toBe('-$5.50');
    expect(formatUsd(0)).toBe('$0.00');
  });

  test('rounds a printed half up, as en-US formatting does (4,234.825 is $4,234.83, not the binary 4,234.82499...)', () => {
    expect(formatUsd(4234.825)).toBe('$4,234.83');
    expect(formatUsd(34484.405)).toBe('$34,484.41');
    expect(formatUsd(999.995)).toBe('$1,000.00');
  });

  test('prints what en-US formatting prints for any amount with up to 6 decimals', () => {
    const amount = fc.tuple(fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 6 })).map(([n, d]) => n / 10 ** d);
    fc.assert(fc.property(amount, (usd) => formatUsd(usd) === icu(usd)), { seed: 20261123, numRuns: 5000 });
  });
});
