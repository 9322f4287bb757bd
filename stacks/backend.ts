import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from 'cdktf';
import { AppDescription, DescriptionBackend, TierName } from './description/description';
import { Problems } from '../lib/private/validate';

/** Environment variables that pick the backend without editing the description. */
export const BACKEND_ENV = {
  /** `local`, `cloud` or `s3`. */
  type: 'ERP_TF_BACKEND',
  /** Terraform Cloud organization (the variable Terraform itself reads). */
  organization: 'TF_CLOUD_ORGANIZATION',
  /** Terraform Cloud / Enterprise host (the variable Terraform itself reads). */
  hostname: 'TF_CLOUD_HOSTNAME',
  /** S3 state bucket. */
  bucket: 'ERP_TF_STATE_BUCKET',
  /** S3 state bucket region. */
  region: 'ERP_TF_STATE_REGION',
} as const;

/** The backend of a stack: the description's, overridden by the environment. */
export function backendSettings(description: AppDescription, env: NodeJS.ProcessEnv = process.env): DescriptionBackend {
  const base = description.backend ?? { type: 'local' as const };
  const type = (env[BACKEND_ENV.type] as DescriptionBackend['type'] | undefined) ?? base.type;
  const p = new Problems();
  p.check(['local', 'cloud', 's3'].includes(type), BACKEND_ENV.type, type, 'is not a backend', 'use "local", "cloud" (Terraform Cloud) or "s3"');
  p.throwIfAny('environment');
  return {
    type,
    organization: env[BACKEND_ENV.organization] ?? base.organization,
    hostname: env[BACKEND_ENV.hostname] ?? base.hostname,
    bucket: env[BACKEND_ENV.bucket] ?? base.bucket,
    region: env[BACKEND_ENV.region] ?? base.region,
  };
}

/** The Terraform Cloud workspace of a stack: one per app and stack (`<app>-<stack>`, e.g. `facturador-ha-platform`). */
export function workspaceName(description: AppDescription, stack: TierName | string): string {
  return `${description.name}-${stack}`;
}

/**
 * Configures where the stack keeps its state:
 * - `local` (default): `terraform.<stack>.tfstate` in the project root (not in cdktf.out, which a clean build deletes);
 * - `cloud`: Terraform Cloud, organization from the description or TF_CLOUD_ORGANIZATION, workspace `<app>-<stack>`;
 * - `s3`: an S3 bucket, key `<app>/<stack>.tfstate`, encrypted, with S3's native lock file.
 */
export function configureBackend(stack: TerraformStack, description: AppDescription, stackName: TierName | string, env: NodeJS.ProcessEnv = process.env): void {
  const b = backendSettings(description, env);
  switch (b.type) {
    case 'cloud': {
      const p = new Problems();
      p.check(!!b.organization, 'backend.organization', b.organization, 'is required for the "cloud" backend',
        `set backend.organization in the app description, or the ${BACKEND_ENV.organization} environment variable`);
      p.throwIfAny(stack);
      new CloudBackend(stack, {
        organization: b.organization!,
        hostname: b.hostname,
        workspaces: new NamedCloudWorkspace(workspaceName(description, stackName)),
      });
      return;
    }
    case 's3': {
      const p = new Problems();
      p.check(!!b.bucket, 'backend.bucket', b.bucket, 'is required for the "s3" backend',
        `set backend.bucket in the app description, or the ${BACKEND_ENV.bucket} environment variable`);
      p.throwIfAny(stack);
      const backend = new S3Backend(stack, {
        bucket: b.bucket!,
        key: `${description.name}/${stackName}.tfstate`,
        region: b.region ?? description.awsRegion ?? 'eu-central-1',
        encrypt: true,
      });
      // Terraform >= 1.10 locks S3 state with a lock object; cdktf 0.21's S3BackendConfig has no typed field for it.
      backend.addOverride('use_lockfile', true);
      return;
    }
    case 'local':
    default:
      // Terraform runs in cdktf.out/stacks/<stack>; a path relative to it would put the state in the build
      // folder, which is gitignored and which a clean build deletes. Three levels up is the project root,
      // where cdktf's own default keeps it (`terraform.<stack>.tfstate`).
      new LocalBackend(stack, { path: `../../../terraform.${stackName}.tfstate` });
  }
}
