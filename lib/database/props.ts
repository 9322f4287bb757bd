import { DatabaseAccessSource, DatabaseAccessSourceType, IDatabaseClient } from '../common/contracts';
import { DatabaseEngine, DatabaseSize, MaintenanceWindow } from './engine';

/** What `allowFrom` accepts on every database implementation. */
export type DatabaseAccessEntry = IDatabaseClient | DatabaseAccessSource;

/**
 * The props every database implementation (DigitalOcean, AWS RDS) shares.
 * Each implementation adds its own platform props.
 */
export interface DatabaseCoreProps {
  /** The cluster or instance name: 3 to 63 lowercase letters, digits and hyphens, starting with a letter. */
  readonly name: string;
  /** The engine and major version. */
  readonly engine: DatabaseEngine;
  /** The node size. */
  readonly size: DatabaseSize;
  /**
   * Nodes, 1 to 3: one primary, the rest standby nodes that take over when the primary fails.
   * @default 1
   */
  readonly nodeCount?: number;
  /**
   * Databases to create (SQL engines only). The first one is the app's database in `connection`.
   * @default - none; apps use the cluster's default database
   */
  readonly databases?: string[];
  /**
   * Users to create (SQL engines only). The first one is the app's user in `connection`.
   * @default - none; apps use the cluster's admin user
   */
  readonly users?: string[];
  /**
   * The weekly maintenance window, in UTC.
   * @default - the provider picks one
   */
  readonly maintenanceWindow?: MaintenanceWindow;
  /**
   * Clients or sources the firewall admits from the start; `allowFrom()` adds more later.
   * @default - none: nobody can connect
   */
  readonly allowFrom?: DatabaseAccessEntry[];
  /**
   * Admit `0.0.0.0/0` (the whole internet) when it is named in `allowFrom`.
   * @default false
   */
  readonly allowPublicInternet?: boolean;
  /**
   * Protect the database from `terraform destroy` and from replacement (`lifecycle.preventDestroy`).
   * @default true
   */
  readonly preventDestroy?: boolean;
  /**
   * Tags for the database and its companions.
   * @default - none
   */
  readonly tags?: string[];
}

/**
 * Factories for firewall entries, so that callers need not spell rule types.
 *
 *   db.allowFrom(DatabaseAccess.tag('erp-web'), DatabaseAccess.cidr('203.0.113.7/32'))
 */
export class DatabaseAccess {
  /** A droplet, by id. */
  public static droplet(dropletId: string | number): DatabaseAccessSource {
    return { type: DatabaseAccessSourceType.DROPLET, value: String(dropletId) };
  }

  /** Every droplet (and Kubernetes node) that carries a tag. */
  public static tag(tag: string): DatabaseAccessSource {
    return { type: DatabaseAccessSourceType.TAG, value: tag };
  }

  /** A DigitalOcean Kubernetes cluster, by id. */
  public static kubernetes(clusterId: string): DatabaseAccessSource {
    return { type: DatabaseAccessSourceType.KUBERNETES, value: clusterId };
  }

  /** An App Platform app, by id. */
  public static app(appId: string): DatabaseAccessSource {
    return { type: DatabaseAccessSourceType.APP, value: appId };
  }

  /** An IPv4 address or CIDR block. */
  public static cidr(cidr: string): DatabaseAccessSource {
    return { type: DatabaseAccessSourceType.IP_ADDRESS, value: cidr };
  }
}
