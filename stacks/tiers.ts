import { AppDescription, TierName, TierOverrides } from './description/description';

/** The sizes a tier uses unless the description overrides them. */
export interface TierSettings {
  readonly dropletSize: string;
  readonly dropletCount: number;
  /** Weekly droplet backups. */
  readonly dropletBackups: boolean;
  readonly databaseSize: string;
  readonly databaseNodeCount: number;
  /** A read replica of the database. */
  readonly readReplica: boolean;
  /** Managed Valkey size; undefined: a cache container on the droplet. */
  readonly cacheSize?: string;
  /** Cloudflare connectors (cloudflared replicas). */
  readonly connectors: number;
  /** Object lock on the backup vault, in days (undefined: off). */
  readonly objectLockDays?: number;
  /** Replicate the backup vault to a second region. */
  readonly replicateBackups: boolean;
  readonly nodeSize: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly webReplicas: number;
  /** PostgreSQL connection pool size; undefined: no pool. */
  readonly poolSize?: number;
  readonly localPort: number;
}

/**
 * The tier table of the design, as numbers:
 * - dev: one s-4vcpu-8gb droplet, a one-node database, cache on the droplet, one connector.
 * - prod: one s-8vcpu-16gb droplet with weekly backups, database with a standby and a pool,
 *   managed Valkey, two connectors, object lock.
 * - ha: Kubernetes with an HA control plane and 3 to 6 s-4vcpu-8gb nodes, a three-node database
 *   plus a read replica, managed Valkey, object lock and replication.
 */
const DEFAULTS: Record<TierName, TierSettings> = {
  dev: {
    dropletSize: 's-4vcpu-8gb', dropletCount: 1, dropletBackups: false,
    databaseSize: 'db-s-1vcpu-1gb', databaseNodeCount: 1, readReplica: false,
    cacheSize: undefined, connectors: 1, objectLockDays: undefined, replicateBackups: false,
    nodeSize: 's-4vcpu-8gb', minNodes: 3, maxNodes: 6, webReplicas: 1, poolSize: undefined, localPort: 8080,
  },
  prod: {
    dropletSize: 's-8vcpu-16gb', dropletCount: 1, dropletBackups: false,
    databaseSize: 'db-s-2vcpu-4gb', databaseNodeCount: 2, readReplica: false,
    cacheSize: 'db-s-1vcpu-1gb', connectors: 2, objectLockDays: 30, replicateBackups: false,
    nodeSize: 's-4vcpu-8gb', minNodes: 3, maxNodes: 6, webReplicas: 1, poolSize: 20, localPort: 8080,
  },
  ha: {
    dropletSize: 's-4vcpu-8gb', dropletCount: 0, dropletBackups: false,
    databaseSize: 'db-s-2vcpu-4gb', databaseNodeCount: 3, readReplica: true,
    cacheSize: 'db-s-1vcpu-2gb', connectors: 2, objectLockDays: 30, replicateBackups: true,
    nodeSize: 's-4vcpu-8gb', minNodes: 3, maxNodes: 6, webReplicas: 3, poolSize: 20, localPort: 8080,
  },
  local: {
    dropletSize: 's-1vcpu-1gb', dropletCount: 0, dropletBackups: false,
    databaseSize: 'local', databaseNodeCount: 1, readReplica: false,
    cacheSize: undefined, connectors: 0, objectLockDays: undefined, replicateBackups: false,
    nodeSize: 's-1vcpu-1gb', minNodes: 0, maxNodes: 0, webReplicas: 1, poolSize: undefined, localPort: 8080,
  },
};

/** A tier's settings before the description's overrides. */
export function defaultTierSettings(tier: TierName): TierSettings {
  return DEFAULTS[tier];
}

/** The settings of a tier: its defaults with the description's overrides applied. */
export function tierSettings(description: AppDescription, tier: TierName): TierSettings {
  const o: TierOverrides = description.tiers?.[tier] ?? {};
  const d = DEFAULTS[tier];
  return {
    ...d,
    dropletSize: o.dropletSize ?? d.dropletSize,
    dropletCount: o.dropletCount ?? d.dropletCount,
    databaseSize: o.databaseSize ?? d.databaseSize,
    databaseNodeCount: o.databaseNodeCount ?? d.databaseNodeCount,
    cacheSize: o.cacheSize ?? d.cacheSize,
    nodeSize: o.nodeSize ?? d.nodeSize,
    minNodes: o.minNodes ?? d.minNodes,
    maxNodes: o.maxNodes ?? d.maxNodes,
    webReplicas: o.webReplicas ?? description.processes.web.replicas ?? d.webReplicas,
    poolSize: description.database.engine === 'postgres' ? (description.database.poolSize ?? d.poolSize) : undefined,
    localPort: o.localPort ?? d.localPort,
  };
}
