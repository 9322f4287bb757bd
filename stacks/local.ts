import { TerraformOutput } from 'cdktf';
import { Construct } from 'constructs';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { ErpAppService } from '../lib/app-service/app-service';
import { DockerRuntime } from '../lib/app-service/runtimes/docker/docker-runtime';
import { LocalDatabase } from '../lib/database/local-database';
import { ErpChecks } from '../lib/checks/erp-checks';
import { DatabaseEngineFamily } from '../lib/common/contracts';
import { appProcesses } from './parts';
import { TierStack, TierStackProps } from './tier-stack';
import { appRegistries, appSecrets } from './secrets';

/**
 * The local tier (`local`): the same processes as containers on the user's
 * own Docker engine, a PostgreSQL or MySQL container with a volume, a Valkey
 * container, the web process published on a localhost port. No cloud account
 * is needed: `npx cdktf deploy local` on a machine with Docker brings it up.
 */
export class LocalStack extends TierStack {
  public readonly runtime: DockerRuntime;
  public readonly database: LocalDatabase;
  public readonly app: ErpAppService;

  constructor(scope: Construct, props: TierStackProps) {
    super(scope, 'local', props);
    const d = this.description;
    const s = this.settings;
    new DockerProvider(this, 'docker', {});
    // a DigitalOcean Container Registry's pull credentials are made by the DigitalOcean provider (DIGITALOCEAN_TOKEN)
    if (d.registries?.some((r) => r.digitalOcean !== undefined)) new DigitaloceanProvider(this, 'digitalocean', {});
    this.runtime = new DockerRuntime(this, 'Runtime', { hostPort: s.localPort });
    this.database = new LocalDatabase(this, 'Database', {
      runtime: this.runtime,
      engine: d.database.engine === 'postgres' ? DatabaseEngineFamily.POSTGRES : DatabaseEngineFamily.MYSQL,
      version: String(d.database.version),
      databaseName: d.database.name ?? d.name.replace(/-/g, '_'),
      user: d.database.user ?? d.name.replace(/-/g, '_'),
    });
    this.app = new ErpAppService(this, 'App', { name: d.name, runtime: this.runtime, processes: appProcesses(d, s), environment: d.environment, secrets: appSecrets(this, d, props.env), registries: appRegistries(this, d, props.env), timeZone: d.timeZone, persistentPaths: d.persistentPaths });
    this.app.connectTo(this.database, { uriParameters: d.database.uriParameters, aliases: d.database.aliases });
    ErpChecks.suppress(this, 'ERP-SEC-2', 'the local tier runs on the developer\'s own Docker engine with a generated development password, never a production secret');
    new TerraformOutput(this, 'app_urls', { value: [`http://localhost:${s.localPort}`], description: 'The app on this machine' });
    new TerraformOutput(this, 'database_host', { value: this.database.connection.host, description: 'Database container on the app network' });
  }
}
