import { Construct } from 'constructs';
import {
  AppEnvironment, BackupJobEnvironment, DatabaseAccessSource, DatabaseConnection, DatabaseEngineFamily,
  IBackupDestination, IConnectableDatabase, IDatabaseClient, ITunnelIngress, TunnelConnector,
} from '../lib/common/contracts';
import { S3ReleaseStore } from '../lib/app-service/runtimes/droplet/release-store';

/** Distinctive fake secret values: tests grep the synthesized JSON for them. */
export const SECRET = {
  dbPassword: 'FAKE-DB-PASSWORD-q7Zt9',
  dbUri: 'postgresql://erp:FAKE-DB-PASSWORD-q7Zt9@db.internal:25060/erp?sslmode=require',
  accessKey: 'FAKEACCESSKEYID-K3Y9',
  secretKey: 'FAKE-SECRET-ACCESS-KEY-s3cr3t',
  tunnelToken: 'FAKE-TUNNEL-TOKEN-eyJhIjoi',
  appKey: 'FAKE-APP-KEY-base64-Zm9vYmFy',
};

/** A database double that records who was admitted. */
export class FakeDatabase implements IConnectableDatabase {
  public readonly admitted: Array<IDatabaseClient | DatabaseAccessSource> = [];
  public readonly connection: DatabaseConnection;
  constructor(engine: DatabaseEngineFamily = DatabaseEngineFamily.POSTGRES, env?: AppEnvironment) {
    const port = engine === DatabaseEngineFamily.MYSQL ? '25060' : '25061';
    this.connection = {
      engine,
      host: 'db.internal',
      port,
      user: 'erp',
      password: SECRET.dbPassword,
      database: engine === DatabaseEngineFamily.VALKEY ? '' : 'erp',
      uri: SECRET.dbUri,
      environment: env ?? (engine === DatabaseEngineFamily.VALKEY
        ? { plain: { REDIS_HOST: 'cache.internal' }, secret: { REDIS_URL: `rediss://default:${SECRET.dbPassword}@cache.internal:25061` } }
        : { plain: { DB_HOST: 'db.internal', DB_PORT: port, DB_DATABASE: 'erp', DB_USERNAME: 'erp' }, secret: { DB_PASSWORD: SECRET.dbPassword, DATABASE_URL: SECRET.dbUri } }),
    };
  }
  allowFrom(...sources: Array<IDatabaseClient | DatabaseAccessSource>): void {
    this.admitted.push(...sources);
  }
}

/** A vault double that records grants: `grants` the writers' ids, `restoreGrants` the restorers'. */
export class FakeVault implements IBackupDestination {
  public readonly grants: string[] = [];
  public readonly restoreGrants: string[] = [];
  grantWrite(id: string): BackupJobEnvironment {
    this.grants.push(id);
    return FakeVault.environment();
  }
  grantRestore(id: string): BackupJobEnvironment {
    this.restoreGrants.push(id);
    return FakeVault.environment();
  }
  private static environment(): BackupJobEnvironment {
    return {
      endpoint: 'https://s3.us-east-1.amazonaws.com',
      bucket: 'erp-backups-vault',
      region: 'us-east-1',
      dailyPrefix: 'daily/',
      weeklyPrefix: 'weekly/',
      monthlyPrefix: 'monthly/',
      safetyPrefix: 'safety/',
      uploadArgs: ['--sse', 'aws:kms', '--sse-kms-key-id', 'arn:aws:kms:us-east-1:111122223333:key/fake'],
      environment: { plain: { AWS_REGION: 'us-east-1' }, secret: { AWS_ACCESS_KEY_ID: SECRET.accessKey, AWS_SECRET_ACCESS_KEY: SECRET.secretKey } },
    };
  }
}

export class FakeTunnel implements ITunnelIngress {
  public readonly connector: TunnelConnector = {
    tunnelId: 'fake-tunnel-id',
    token: SECRET.tunnelToken,
    image: 'cloudflare/cloudflared:2025.4.0',
  };
}

/** The release store of a test stack (one per stack, id `Releases`). */
export function releaseStore(scope: Construct): S3ReleaseStore {
  return (scope.node.tryFindChild('Releases') as S3ReleaseStore | undefined) ?? new S3ReleaseStore(scope, 'Releases', { name: 'erp-test' });
}

/**
 * The release of one droplet as the store holds it: the text of every object under `<prefix>/`, by key,
 * after Terraform's template escapes (`$${` is `${`); references stay as `${...}`.
 */
export function releaseObjects(synth: Record<string, any>, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of Object.values<Record<string, any>>(synth.resource?.aws_s3_object ?? {})) {
    const key = String(o.key);
    if (key.startsWith(`${prefix}/`)) out[key.slice(prefix.length + 1)] = String(o.content).replace(/\$\$\{/g, '${').replace(/%%\{/g, '%{');
  }
  return out;
}
