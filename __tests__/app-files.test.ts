/**
 * The app's files: read-only files mounted into single processes (`files` of a process, with
 * `AppFile`), on every runtime; and the uploads bucket (`AppFilesBucket`) with its credential.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { App, Aspects, TerraformStack, Testing } from 'cdktf';
import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import * as YAML from 'yaml';
import { AppFile, ErpAppService, ProcessModel } from '../lib/app-service';
import { DockerRuntime } from '../lib/app-service/runtimes/docker/docker-runtime';
import { DropletRuntime } from '../lib/app-service/runtimes/droplet/droplet-runtime';
import { KubernetesCluster } from '../lib/app-service/runtimes/kubernetes/kubernetes-cluster';
import { KubernetesRuntime } from '../lib/app-service/runtimes/kubernetes/kubernetes-runtime';
import { ErpChecks } from '../lib/checks';
import { DoRegion } from '../lib/common/region';
import { ErpValidationError } from '../lib/errors';
import { AppFilesBucket, CorsMethod } from '../lib/storage/app-files-bucket';
import { releaseObjects, releaseStore } from './app-service-fakes';
import { LARAVEL_INVOICING_EXAMPLE, buildStacks, validateAppDescription } from '../stacks';

type Json = Record<string, any>;

const PMA_CONFIG = "<?php\n$cfg['Servers'][1]['ssl'] = true;\n";
const folder = mkdtempSync(join(tmpdir(), 'app-files-'));
writeFileSync(join(folder, 'app.conf'), 'location /static { expires 7d; }\n');

const MODEL: ProcessModel = {
  processes: {
    web: {
      image: 'ghcr.io/acme/invoicing:5.0.0', port: 8080, healthCheck: { path: '/up' },
      files: [{ path: '/etc/nginx/conf.d/app.conf', content: AppFile.fromPath('app.conf', folder) }],
    },
    workers: [{ name: 'queue', command: ['php', 'artisan', 'queue:work'] }],
    services: [{
      name: 'pma', image: 'phpmyadmin:5.2.1', port: 80,
      files: [{ path: '/etc/phpmyadmin/config.user.inc.php', content: AppFile.fromText(PMA_CONFIG) }],
    }],
  },
};

function make(model: ProcessModel, runtimeOf: (stack: TerraformStack) => any, tier = 'dev') {
  const stack = new TerraformStack(Testing.app(), tier);
  new DigitaloceanProvider(stack, 'digitalocean', {});
  new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
  const app = new ErpAppService(stack, 'App', { name: 'invoicing', runtime: runtimeOf(stack), ...model });
  return { stack, app };
}

const droplet = (stack: TerraformStack) => new DropletRuntime(stack, 'Runtime', { region: DoRegion.FRA1, sshKeys: ['41234567'], releaseStore: releaseStore(stack) });

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('did not throw');
}

describe('mounted files', () => {
  test('on droplets, a mounted file travels in the release and is bind-mounted read-only at its path, into its own process only', () => {
    const { stack } = make(MODEL, droplet);
    const release = releaseObjects(JSON.parse(Testing.synth(stack)), 'invoicing-1');
    const compose = YAML.parse(release['compose.yaml'], { version: '1.1' });
    expect(release['files/pma-config-user-inc.php']).toBe(PMA_CONFIG);
    expect(release['files/web-app.conf']).toBe('location /static { expires 7d; }\n');
    expect(compose.services.pma.volumes).toEqual(['./files/pma-config-user-inc.php:/etc/phpmyadmin/config.user.inc.php:ro']);
    expect(compose.services.web.volumes).toEqual(['./files/web-app.conf:/etc/nginx/conf.d/app.conf:ro']);
    expect(compose.services.queue.volumes).toBeUndefined();
  });

  test('on Kubernetes, a mounted file is a ConfigMap mounted read-only at its path', () => {
    const { stack } = make(MODEL, (s) => new KubernetesRuntime(s, 'Runtime', {
      cluster: KubernetesCluster.fromClusterName(s, 'Cluster', { name: 'invoicing-ha', region: DoRegion.FRA1 }),
    }), 'ha');
    const synth = JSON.parse(Testing.synth(stack));
    const maps = Object.values<Json>(synth.resource.kubernetes_config_map_v1);
    expect(maps.map((m) => m.data)).toContainEqual({ 'pma-config-user-inc.php': PMA_CONFIG });
    const pma = Object.entries<Json>(synth.resource.kubernetes_deployment_v1).find(([k]) => k.includes('-pma'))![1];
    const pod = pma.spec.template.spec;
    expect(pod.container[0].volume_mount).toContainEqual(expect.objectContaining({
      mount_path: '/etc/phpmyadmin/config.user.inc.php', sub_path: 'pma-config-user-inc.php', read_only: true,
    }));
    expect(pod.volume).toContainEqual(expect.objectContaining({ config_map: expect.objectContaining({ default_mode: '0444' }) }));
  });

  test('on a local Docker engine, a mounted file is uploaded read-only (mode 0444) at its path', () => {
    const { stack } = make(MODEL, (s) => {
      new DockerProvider(s, 'docker', {});
      return new DockerRuntime(s, 'Runtime', { hostPort: 8081 });
    }, 'local');
    const synth = JSON.parse(Testing.synth(stack));
    const pma = Object.entries<Json>(synth.resource.docker_container).find(([k]) => k.startsWith('Runtime_Container-pma_'))![1];
    expect(pma.upload).toEqual([{ file: '/etc/phpmyadmin/config.user.inc.php', content: PMA_CONFIG, permissions: '0444' }]);
  });

  test('fails on a relative path, two files at one path, a file over 256 KiB, a missing source and a private key, all at once', () => {
    const err = errorOf(() => make({
      processes: {
        web: {
          image: 'ghcr.io/acme/invoicing:5.0.0', port: 8080, healthCheck: { path: '/up' },
          files: [
            { path: 'etc/app.conf', content: 'x' },
            { path: '/etc/a.conf', content: 'a' },
            { path: '/etc/a.conf', content: 'b' },
            { path: '/etc/big.conf', content: 'x'.repeat(256 * 1024 + 1) },
            { path: '/etc/missing.conf', content: AppFile.fromPath('no-such-file.conf', folder) },
            { path: '/etc/key.pem', content: '-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n' },
          ],
        },
      },
    }, droplet));
    expect(err).toBeInstanceOf(ErpValidationError);
    expect(err.message).toMatch(/processes\.web\.files\[0\]\.path: .*not an absolute file path/);
    expect(err.message).toMatch(/processes\.web\.files\[2\]\.path: .*also the path of processes\.web\.files\[1\]/);
    expect(err.message).toMatch(/processes\.web\.files\[3\]\.content: .*larger than 262144 bytes/);
    expect(err.message).toMatch(/processes\.web\.files\[4\]\.content: .*cannot be read/);
    expect(err.message).toMatch(/processes\.web\.files\[5\]\.content: .*private key/);
  });

  test('fails on a file at the database CA certificate\'s path', () => {
    expect(() => make({
      processes: { web: { image: 'ghcr.io/acme/invoicing:5.0.0', port: 8080, healthCheck: { path: '/up' }, files: [{ path: '/etc/ssl/certs/database-ca.pem', content: 'x' }] } },
    }, droplet)).toThrow(/files\[0\]\.path: .*database CA certificate/);
  });
});

function uploadsStack() {
  const { stack, app } = make({
    processes: {
      web: { image: 'ghcr.io/acme/lender:1.0.0', port: 3000, healthCheck: { path: '/api/health' } },
      workers: [{ name: 'jobs', command: ['node', 'jobs.js'] }],
      services: [{ name: 'pma', image: 'phpmyadmin:5.2.1', port: 80 }],
    },
  }, droplet);
  const bucket = new AppFilesBucket(stack, 'Uploads', {
    name: 'lender-prod', cors: { allowedOrigins: ['https://lender.example.com'], allowedMethods: [CorsMethod.PUT, CorsMethod.GET] },
  });
  app.storeFilesIn(bucket, { envPrefix: 'UPLOADS_' });
  const checks = new ErpChecks();
  Aspects.of(stack).add(checks);
  const text = Testing.synth(stack);
  return { stack, bucket, checks, text, synth: JSON.parse(text) as Json };
}

describe('AppFilesBucket', () => {
  const { stack, checks, text, synth } = uploadsStack();
  const one = (type: string) => Object.entries<Json>(synth.resource[type]).find(([k]) => k.startsWith('Uploads_'))![1];

  test('the bucket is protected from destroy and never force-destroyed', () => {
    expect(one('aws_s3_bucket').lifecycle).toEqual({ prevent_destroy: true });
    expect(one('aws_s3_bucket').force_destroy).toBe(false);
  });

  test('the bucket blocks every kind of public access', () => {
    expect(one('aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true,
    });
  });

  test('the bucket is versioned', () => {
    expect(one('aws_s3_bucket_versioning').versioning_configuration.status).toBe('Enabled');
  });

  test('the bucket is encrypted', () => {
    expect(one('aws_s3_bucket_server_side_encryption_configuration').rule[0].apply_server_side_encryption_by_default.sse_algorithm).toBe('AES256');
  });

  test('the bucket policy denies requests without TLS', () => {
    const policy = JSON.parse(one('aws_s3_bucket_policy').policy);
    expect(policy.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });

  test('the bucket has the CORS rules given, and is tagged as app files, not as a backup vault', () => {
    expect(one('aws_s3_bucket_cors_configuration').cors_rule[0]).toMatchObject({ allowed_origins: ['https://lender.example.com'], allowed_methods: ['PUT', 'GET'] });
    expect(one('aws_s3_bucket').tags).toEqual({ 'erp:contents': 'app-files' });
    expect(one('aws_s3_bucket').object_lock_enabled).toBeUndefined();
  });

  test('the credential is an IAM user named after the environment that may only get, put, delete and list the bucket\'s objects', () => {
    expect(one('aws_iam_user').name).toBe('lender-prod-files-invoicing');
    const policy = JSON.parse(one('aws_iam_user_policy').policy);
    expect(policy.Statement.map((s: Json) => s.Action).flat().sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
  });

  test('the credential reaches only app-code processes, as secrets, and its secret never appears as a value in the synthesized JSON', () => {
    const release = releaseObjects(synth, 'invoicing-1');
    const compose = YAML.parse(release['compose.yaml'], { version: '1.1' });
    expect(release['env/app.env']).toMatch(/UPLOADS_SECRET_ACCESS_KEY=/);
    expect(release['env/app.env']).toMatch(/UPLOADS_ACCESS_KEY_ID=/);
    for (const name of ['web', 'jobs']) expect(compose.services[name].env_file).toContain('env/app.env');
    expect(compose.services.pma.env_file).toBeUndefined();
    expect(JSON.stringify(compose.services.pma)).not.toMatch(/UPLOADS_/);
    expect(compose.services.web.environment.UPLOADS_BUCKET).toBeDefined();
    expect(compose.services.web.environment.UPLOADS_SECRET_ACCESS_KEY).toBeUndefined();
    // the only value is a reference to the access key's secret attribute
    expect(text).not.toMatch(/"UPLOADS_SECRET_ACCESS_KEY"\s*:\s*"[^$]/);
    expect(release['env/app.env']).toMatch(/UPLOADS_SECRET_ACCESS_KEY='?\$\{aws_iam_access_key\.[^}]+\.secret\}/);
  });

  test('ERP-S3-7 (object lock) does not fire on the uploads bucket', () => {
    const report = checks.report(stack);
    expect(report.findings.filter((f) => f.ruleId === 'ERP-S3-7')).toEqual([]);
    // SSE-S3 is a deliberate choice, suppressed with a reason
    expect(report.findings.filter((f) => f.ruleId === 'ERP-S3-4')).toEqual([]);
  });

  test('fails on a bad name, a wildcard origin and a bad version expiry, all at once', () => {
    const s = new TerraformStack(Testing.app(), 'x');
    const err = errorOf(() => new AppFilesBucket(s, 'Uploads', {
      name: 'Lender_Prod', cors: { allowedOrigins: ['*'] }, noncurrentVersionExpirationDays: 0,
    }));
    expect(err.message).toMatch(/name: .*not a name/);
    expect(err.message).toMatch(/cors\.allowedOrigins\[0\]: .*not an origin/);
    expect(err.message).toMatch(/noncurrentVersionExpirationDays: /);
  });

  test('fails on an envPrefix that is not a variable prefix', () => {
    const { stack: s, app } = make({ processes: { web: { image: 'ghcr.io/acme/lender:1.0.0', port: 3000, healthCheck: { path: '/' } } } }, droplet);
    const bucket = new AppFilesBucket(s, 'Uploads', { name: 'lender-prod' });
    expect(() => app.storeFilesIn(bucket, { envPrefix: 'uploads' })).toThrow(/storeFilesIn\.options\.envPrefix/);
  });
});

describe('the uploads bucket in the description', () => {
  const tiers = { validateAppDescription, LARAVEL_INVOICING_EXAMPLE, buildStacks };
  const d = tiers.validateAppDescription({ ...tiers.LARAVEL_INVOICING_EXAMPLE, uploads: { envPrefix: 'FILES_', browserUploads: true } });

  test('dev, prod and ha get their own bucket, CORS for the tier\'s URL, and the app its variables; local gets none', () => {
    for (const stack of tiers.buildStacks(Testing.app() as App, d, {})) {
      const synth = JSON.parse(Testing.synth(stack));
      const buckets = Object.entries<any>(synth.resource?.aws_s3_bucket ?? {}).filter(([k]) => k.startsWith('Uploads_'));
      if (stack.node.id === 'local' || stack.node.id === 'ha-platform') {
        expect([stack.node.id, buckets]).toEqual([stack.node.id, []]);
        continue;
      }
      expect([stack.node.id, buckets.map(([, b]) => b.tags['erp:contents'])]).toEqual([stack.node.id, ['app-files']]);
      const cors = Object.values<any>(synth.resource.aws_s3_bucket_cors_configuration)[0];
      expect(JSON.stringify(cors.cors_rule)).toContain(stack.node.id === 'prod' ? 'https://fact.example.com' : `https://${stack.node.id}-fact.example.com`);
      expect(JSON.stringify(synth)).toContain('FILES_BUCKET');
    }
  });

  test('fails on an uploads prefix that is not one and an unknown field', () => {
    expect(() => tiers.validateAppDescription({ ...tiers.LARAVEL_INVOICING_EXAMPLE, uploads: { envPrefix: 'files', public: true } }))
      .toThrow(/uploads\.public: is not a field[\s\S]*uploads\.envPrefix: is malformed/);
  });
});
