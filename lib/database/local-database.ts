import { Container } from '@cdktf/provider-docker/lib/container';
import { Volume } from '@cdktf/provider-docker/lib/volume';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import {
  DatabaseAccessSource, DatabaseConnection, DatabaseEngineFamily, IConnectableDatabase, IDatabaseClient,
} from '../common/contracts';
import { Problems, requireProps } from '../private/validate';
import type { IPlainTextDatabase } from '../app-service/app-service';
import type { DockerRuntime } from '../app-service/runtimes/docker/docker-runtime';

/** Props of `LocalDatabase`. */
export interface LocalDatabaseProps {
  /** The runtime whose network the database joins. */
  readonly runtime: DockerRuntime;
  /**
   * Engine family (PostgreSQL or MySQL).
   * @default DatabaseEngineFamily.POSTGRES
   */
  readonly engine?: DatabaseEngineFamily;
  /**
   * Engine major version (image tag).
   * @default '17' for PostgreSQL, '8.4' for MySQL
   */
  readonly version?: string;
  /**
   * Database name.
   * @default 'app'
   */
  readonly databaseName?: string;
  /**
   * User name.
   * @default 'app'
   */
  readonly user?: string;
  /**
   * Password. The container is reachable only on the app's network; use a development value.
   * @default 'local-development-only'
   */
  readonly password?: string;
}

/**
 * A PostgreSQL or MySQL container with its data on a volume, on a
 * `DockerRuntime`'s network (alias `db`, no published port): the database of
 * a local environment. It implements `IConnectableDatabase`, so
 * `app.connectTo(db)` and `app.backupTo(vault)` work as with a managed
 * database; its environment uses the same variable names, without TLS
 * (it is an `IPlainTextDatabase`). App containers start once it is healthy.
 *
 * ```ts
 * const runtime = new DockerRuntime(stack, 'Runtime');
 * const db = new LocalDatabase(stack, 'Database', { runtime, engine: DatabaseEngineFamily.MYSQL });
 * app.connectTo(db);
 * ```
 */
export class LocalDatabase extends Construct implements IConnectableDatabase, IPlainTextDatabase {
  /** The database container. */
  public readonly container: Container;
  /** The data volume. */
  public readonly volume: Volume;
  public readonly connection: DatabaseConnection;
  /** No TLS on the local network. */
  public readonly plainTextOnly = true;

  constructor(scope: Construct, id: string, props: LocalDatabaseProps) {
    super(scope, id);
    requireProps(this, props, '{ runtime }');
    const engine = props.engine ?? DatabaseEngineFamily.POSTGRES;
    const p = new Problems();
    p.check(engine === DatabaseEngineFamily.POSTGRES || engine === DatabaseEngineFamily.MYSQL, 'engine', engine, 'is not a SQL engine', 'use DatabaseEngineFamily.POSTGRES or MYSQL (the runtime runs the cache itself)');
    p.check(props.version === undefined || (typeof props.version === 'string' && /^[0-9]+(\.[0-9]+)?$/.test(props.version)), 'version', props.version, 'is not a major version', "use e.g. '15' or '8.4'");
    const ident = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;
    p.check(props.databaseName === undefined || ident.test(props.databaseName), 'databaseName', props.databaseName, 'is not a database name', 'use letters, digits and _');
    p.check(props.user === undefined || ident.test(props.user), 'user', props.user, 'is not a user name', 'use letters, digits and _');
    p.check(props.password === undefined || /^[^'\n\r@:/?#]{8,}$/.test(props.password), 'password', '<hidden>', 'must be 8+ characters without quotes, line breaks or URI delimiters', 'use letters, digits and -_.');
    p.throwIfAny(this);

    const pg = engine === DatabaseEngineFamily.POSTGRES;
    const version = props.version ?? (pg ? '17' : '8.4');
    const database = props.databaseName ?? 'app';
    const user = props.user ?? 'app';
    const password = props.password ?? 'local-development-only';
    const port = pg ? '5432' : '3306';
    const host = 'db';
    const rt = props.runtime;
    const dbName = Lazy.stringValue({ produce: () => `${rt.appName}-db` });
    this.volume = new Volume(this, 'Volume', { name: dbName });
    this.container = new Container(this, 'Resource', {
      name: dbName,
      image: rt.image(pg ? `postgres:${version}-alpine` : `mysql:${version}`).imageId,
      restart: 'unless-stopped',
      env: pg
        ? [`POSTGRES_DB=${database}`, `POSTGRES_USER=${user}`, `POSTGRES_PASSWORD=${password}`]
        : [`MYSQL_DATABASE=${database}`, `MYSQL_USER=${user}`, `MYSQL_PASSWORD=${password}`, `MYSQL_RANDOM_ROOT_PASSWORD=yes`],
      volumes: [{ volumeName: this.volume.name, containerPath: pg ? '/var/lib/postgresql/data' : '/var/lib/mysql' }],
      healthcheck: {
        test: pg ? ['CMD-SHELL', `pg_isready -U ${user} -d ${database}`] : ['CMD', 'mysqladmin', 'ping', '-h', '127.0.0.1'],
        interval: '10s', timeout: '5s', retries: 10, startPeriod: '30s',
      },
      networksAdvanced: [{ name: rt.network.name, aliases: [host] }],
      wait: true,
    });
    rt.startAfter(this.container);
    const uri = pg ? `postgresql://${user}:${password}@${host}:${port}/${database}?sslmode=disable` : `mysql://${user}:${password}@${host}:${port}/${database}`;
    const plain: Record<string, string> = {
      DB_CONNECTION: pg ? 'pgsql' : 'mysql', DB_HOST: host, DB_PORT: port, DB_DATABASE: database, DB_USERNAME: user,
      ...(pg ? { DB_SSLMODE: 'disable', PGHOST: host, PGPORT: port, PGDATABASE: database, PGUSER: user, PGSSLMODE: 'disable' } : {}),
    };
    const secret: Record<string, string> = { DB_PASSWORD: password, DATABASE_URL: uri, ...(pg ? { PGPASSWORD: password } : {}) };
    this.connection = { engine, engineVersion: version.split('.')[0], host, port, user, password, database, uri, environment: { plain, secret } };
  }

  /** Nothing to open: the container is reachable only on the runtime's network. */
  public allowFrom(..._sources: Array<IDatabaseClient | DatabaseAccessSource>): void {
    // a private container network has no firewall
  }
}
