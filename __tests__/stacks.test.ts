import { App, Testing } from 'cdktf';
import { LARAVEL_INVOICING_EXAMPLE } from '../lib/config/laravel-example';
import { buildStacks } from '../stacks';

function synthAll(env: NodeJS.ProcessEnv = {}): Record<string, any> {
  const app = Testing.app();
  const stacks = buildStacks(app as App, LARAVEL_INVOICING_EXAMPLE, env);
  return Object.fromEntries(stacks.map((s) => [s.tier, JSON.parse(Testing.synth(s))]));
}

describe('the tier stacks', () => {
  const stacks = synthAll();

  test('the app builds the stacks dev, prod, ha and local', () => {
    expect(Object.keys(stacks)).toEqual(['dev', 'prod', 'ha', 'local']);
  });

  test.each(['dev', 'prod', 'ha', 'local'])('the %s stack matches its snapshot', (tier) => {
    expect(stacks[tier]).toMatchSnapshot();
  });

  test('state is local by default, one file per stack', () => {
    expect(stacks.prod.terraform.backend.local.path).toBe('terraform.prod.tfstate');
  });

  test('Terraform Cloud gets one workspace per app and stack when the environment asks for it', () => {
    const cloud = synthAll({ ERP_TF_BACKEND: 'cloud', TF_CLOUD_ORGANIZATION: 'acme' });
    expect(cloud.prod.terraform.cloud).toEqual({ organization: 'acme', workspaces: { name: 'facturador-prod' } });
    expect(cloud.ha.terraform.cloud.workspaces.name).toBe('facturador-ha');
  });

  test('an S3 backend keeps each stack under its own key, encrypted and locked', () => {
    const s3 = synthAll({ ERP_TF_BACKEND: 's3', ERP_TF_STATE_BUCKET: 'acme-tf-state' });
    expect(s3.dev.terraform.backend.s3).toMatchObject({ bucket: 'acme-tf-state', key: 'facturador/dev.tfstate', encrypt: true, use_lockfile: true });
  });

  test('fails on a cloud backend without an organization, naming the variable to set', () => {
    expect(() => synthAll({ ERP_TF_BACKEND: 'cloud' })).toThrow(/backend\.organization.*TF_CLOUD_ORGANIZATION/s);
  });

  test('fails on an unknown backend in the environment', () => {
    expect(() => synthAll({ ERP_TF_BACKEND: 'consul' })).toThrow(/ERP_TF_BACKEND: is not a backend/);
  });
});
