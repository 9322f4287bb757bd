/**
 * The second deploy and the hundredth: what a weekly change does to the
 * droplets. Each droplet tier is synthesized from the built-in description and
 * from variants of it, and every attribute that forces a new droplet (or a new
 * data volume, or a new release store) must come out byte-identical, so that
 * the plan of a release changes objects in the store and nothing else.
 */
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { DigitaloceanProvider } from '@cdktf/provider-digitalocean/lib/provider';
import { App, TerraformStack, Testing } from 'cdktf';
import { ErpAppService } from '../lib/app-service/app-service';
import { DropletRuntime } from '../lib/app-service/runtimes/droplet/droplet-runtime';
import { S3ReleaseStore } from '../lib/app-service/runtimes/droplet/release-store';
import { DoRegion } from '../lib/common/region';
import { AppDescription, LARAVEL_INVOICING_EXAMPLE, buildStacks } from '../stacks';
import { AppSecret } from '../lib/app-service/secret';

type Json = Record<string, any>;

/**
 * What forces a new `digitalocean_droplet` in the DigitalOcean provider v2.71.0, with the line that says so.
 * The schema is digitalocean/droplet/resource_droplet.go; the docs page is docs/resources/droplet.md.
 */
const DROPLET_FORCES_NEW: Record<string, string> = {
  image: 'schema "image": { Type: TypeString, Required: true, ForceNew: true }',
  region: 'schema "region": { Optional: true, Computed: true, ForceNew: true }',
  ssh_keys: 'schema "ssh_keys": { Type: TypeSet, ForceNew: true }; docs: "Modifying this field will prompt you to destroy and recreate the Droplet."',
  user_data: 'schema "user_data": { Type: TypeString, ForceNew: true, StateFunc: HashStringStateFunc() }',
  monitoring: 'schema "monitoring": { Type: TypeBool, ForceNew: true }',
  droplet_agent: 'schema "droplet_agent": { Type: TypeBool, ForceNew: true }',
  vpc_uuid: 'schema "vpc_uuid": { Optional: true, ForceNew: true, Computed: true }',
  ipv6: 'CustomizeDiff: customdiff.ForceNewIfChange("ipv6", old && !new) ("Forces replacement when IPv6 has attribute changes to false")',
  // not an attribute, but it decides what the plan does with the ones above
  lifecycle: 'ignore_changes / create_before_destroy meta-arguments',
};

/** What forces a new `digitalocean_volume` (docs/resources/volume.md, v2.71.0): name, region, filesystem, snapshot. */
const VOLUME_FORCES_NEW = ['name', 'region', 'initial_filesystem_type', 'initial_filesystem_label', 'snapshot_id', 'lifecycle'];

/** What forces a new `aws_s3_bucket` (hashicorp/aws 5.100.0): its name or prefix, object lock at creation. */
const BUCKET_FORCES_NEW = ['bucket', 'bucket_prefix', 'object_lock_enabled', 'lifecycle'];

function pick(o: Json, keys: readonly string[]): Json {
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}

function synthTiers(d: AppDescription): Record<string, Json> {
  const app = Testing.app() as App;
  const stacks = buildStacks(app, d, {});
  const out: Record<string, Json> = {};
  for (const s of stacks) if (s.tier === 'dev' || s.tier === 'prod') out[s.tier] = JSON.parse(Testing.synth(s));
  return out;
}

const base = LARAVEL_INVOICING_EXAMPLE;
const procs = base.processes;
const VARIANTS: Record<string, AppDescription> = {
  'a new image tag': { ...base, processes: { ...procs, web: { ...procs.web, image: 'ghcr.io/example/facturador:2.4.2' } } },
  'an added environment variable': { ...base, environment: { ...base.environment, MAIL_MAILER: 'smtp' } },
  'a changed schedule': { ...base, backups: { ...base.backups, schedule: '30 3 * * *' } },
  'a time zone for the schedules (timers instead of the cron table)': { ...base, timeZone: 'America/Lima' },
  'an added worker': { ...base, processes: { ...procs, workers: [...procs.workers!, { name: 'mail', command: ['php', 'artisan', 'queue:work', '--queue=mail'] }] } },
  'a renamed worker': { ...base, processes: { ...procs, workers: [{ ...procs.workers![0], name: 'jobs' }] } },
  'a changed replica count': { ...base, processes: { ...procs, workers: [{ ...procs.workers![0], replicas: 4 }] } },
  'an added app SSH key': { ...base, sshKeys: [...base.sshKeys, '41234567'] },
};

describe('a release replaces no droplet, no data volume and no release store', () => {
  const before = synthTiers(base);

  for (const tier of ['dev', 'prod']) {
    const res = (synth: Json, type: string) => synth.resource[type] as Record<string, Json>;

    for (const [change, description] of Object.entries(VARIANTS)) {
      test(`${tier}: ${change} leaves every replacement-forcing attribute of every droplet byte-identical`, () => {
        const after = synthTiers(description)[tier];
        // the change did reach the release (a new SSH key is for droplets created later: DigitalOcean installs keys at creation)
        if (change !== 'an added app SSH key') {
          expect(JSON.stringify(res(after, 'aws_s3_object'))).not.toBe(JSON.stringify(res(before[tier], 'aws_s3_object')));
        }
        expect(Object.keys(res(after, 'digitalocean_droplet'))).toEqual(Object.keys(res(before[tier], 'digitalocean_droplet')));
        for (const [address, droplet] of Object.entries(res(after, 'digitalocean_droplet'))) {
          const was = res(before[tier], 'digitalocean_droplet')[address];
          const keys = Object.keys(DROPLET_FORCES_NEW);
          if (change === 'an added app SSH key') {
            // DigitalOcean cannot add a key to a running droplet: the droplet ignores the change (a later droplet gets it)
            expect(droplet.lifecycle.ignore_changes).toContain('ssh_keys');
            expect(droplet.ssh_keys).toHaveLength(2);
            expect(pick(droplet, keys.filter((k) => k !== 'ssh_keys'))).toEqual(pick(was, keys.filter((k) => k !== 'ssh_keys')));
          } else {
            expect(JSON.stringify(pick(droplet, keys))).toBe(JSON.stringify(pick(was, keys)));
          }
        }
        for (const [address, volume] of Object.entries(res(after, 'digitalocean_volume'))) {
          expect(pick(volume, VOLUME_FORCES_NEW)).toEqual(pick(res(before[tier], 'digitalocean_volume')[address], VOLUME_FORCES_NEW));
        }
        for (const [address, bucket] of Object.entries(res(after, 'aws_s3_bucket'))) {
          expect(pick(bucket, BUCKET_FORCES_NEW)).toEqual(pick(res(before[tier], 'aws_s3_bucket')[address], BUCKET_FORCES_NEW));
        }
      });
    }
  }

  test('a changed secret value changes the env file that holds it and nothing that forces a new droplet', () => {
    const synthWith = (appKey: string): Json => {
      const stack = new TerraformStack(Testing.app(), 'dev');
      new DigitaloceanProvider(stack, 'digitalocean', {});
      new AwsProvider(stack, 'aws', { region: 'eu-central-1' });
      const runtime = new DropletRuntime(stack, 'Runtime', {
        region: DoRegion.FRA1, sshKeys: ['41234567'], releaseStore: new S3ReleaseStore(stack, 'Releases', { name: 'erp-dev' }),
      });
      new ErpAppService(stack, 'App', {
        name: 'erp', runtime, processes: { web: { image: 'ghcr.io/acme/erp:1.0.0', port: 8080 } }, secrets: { APP_KEY: AppSecret.unsafePlainText(appKey) },
      });
      return JSON.parse(Testing.synth(stack));
    };
    const one = synthWith('base64:b25lLXNlY3JldC1rZXk=');
    const two = synthWith('base64:dHdvLXNlY3JldC1rZXk=');
    expect(two.resource.digitalocean_droplet).toEqual(one.resource.digitalocean_droplet);
    expect(two.resource.digitalocean_volume).toEqual(one.resource.digitalocean_volume);
    const changed = Object.keys(one.resource.aws_s3_object).filter((k) => one.resource.aws_s3_object[k].content !== two.resource.aws_s3_object[k].content);
    expect(changed.map((k) => k.replace(/_[0-9A-F]{8}$/, '')).sort()).toEqual(['Runtime_Release_File-env-app-env', 'Runtime_Release_Manifest']);
  });

  test('no droplet tier has a provisioner, an SSH connection or a variable Terraform would need to reach a droplet', () => {
    for (const tier of ['dev', 'prod']) {
      const text = JSON.stringify(before[tier]);
      expect(text).not.toMatch(/"provisioner"|"connection"|ssh_private_key/);
    }
  });

  test('a deploy needs no inbound port: without adminCidrs the droplets\' firewall has no inbound rule', () => {
    const { adminCidrs: _omit, ...withoutAdmins } = base;
    const synth = synthTiers(withoutAdmins);
    for (const tier of ['dev', 'prod']) {
      const [fw] = Object.values<Json>(synth[tier].resource.digitalocean_firewall);
      expect(fw.inbound_rule).toBeUndefined();
    }
  });
});
