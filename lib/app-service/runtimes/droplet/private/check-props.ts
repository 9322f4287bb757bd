import { checkRegion } from '../../../../common/region';
import { checkDoTags, checkDoVpcRange } from '../../../../private/limits';
import { isIpv4Cidr, isIpv6Cidr } from '../../../../private/patterns';
import { Problems, checkInt, isUnresolved } from '../../../../private/validate';
import type { DropletRuntimeProps } from '../droplet-runtime';
import { DropletSize } from '../droplet-size';

const FINGERPRINT = /^([0-9a-f]{2}:){15}[0-9a-f]{2}$/;

/**
 * The base name of the droplets (`<name>-<n>`), their volumes (`<name>-<n>-data`) and their agents'
 * IAM users (`<name>-<n>-agent`): at most 46 characters, which keeps the droplet name a hostname label
 * (`DROPLET_NAME_MAX`), the volume name within `DO_VOLUME_NAME_MAX` and the user within `IAM_USER_NAME_MAX`.
 */
export const DROPLET_BASE_NAME = /^[a-z]([a-z0-9-]{0,44}[a-z0-9])?$/;

/**
 * Records the problems of a `DropletRuntime`'s own props, from `region` to
 * `tags` (the shared ones and the log rotation are checked by the runtime).
 */
export function checkDropletRuntimeProps(p: Problems, props: DropletRuntimeProps): void {
  checkRegion(p, 'region', props.region, { required: true });
  const size = props.size ?? DropletSize.S_2VCPU_4GB;
  if (!isUnresolved(size?.slug)) {
    p.check(typeof size?.slug === 'string' && /^[a-z0-9]+(-[a-z0-9]+)*$/.test(size.slug), 'size', size?.slug, 'is not a droplet size slug',
      "use a DropletSize member or DropletSize.of('s-2vcpu-4gb')");
  }
  checkInt(p, 'count', props.count ?? 1, 1, 20);
  checkSshKeys(p, props);
  p.check(props.releaseStore !== undefined && props.releaseStore !== null && typeof props.releaseStore.putObject === 'function',
    'releaseStore', props.releaseStore, 'is not a release store', "pass new S3ReleaseStore(stack, 'Releases', { name: 'erp-prod' })");
  if (props.name !== undefined && !isUnresolved(props.name)) {
    p.check(typeof props.name === 'string' && DROPLET_BASE_NAME.test(props.name), 'name', props.name,
      'is not a droplet name: lowercase letters, digits and "-", starting with a letter, at most 46 characters', "use the app and environment, e.g. 'erp-prod'");
  }
  checkAdminCidrs(p, props);
  if (props.vpcIpRange !== undefined && !isUnresolved(props.vpcIpRange)) {
    checkDoVpcRange(p, 'vpcIpRange', props.vpcIpRange, '10.20.0.0/20');
  }
  if (props.backupHourUtc !== undefined) {
    p.check([0, 4, 8, 12, 16, 20].includes(props.backupHourUtc), 'backupHourUtc', props.backupHourUtc, 'is not the start of a DigitalOcean backup window', 'use 0, 4, 8, 12, 16 or 20');
    p.check(props.backups === true, 'backupHourUtc', props.backupHourUtc, 'is set but backups are off', 'set backups: true, or drop backupHourUtc');
  }
  checkDoTags(p, 'tags', props.tags);
}

function checkSshKeys(p: Problems, props: DropletRuntimeProps): void {
  if (isUnresolved(props.sshKeys)) return;
  if (!Array.isArray(props.sshKeys) || props.sshKeys.length === 0) {
    p.add('sshKeys', props.sshKeys, 'is empty', 'give at least one DigitalOcean SSH key id or fingerprint; droplets without a key get a mailed root password');
    return;
  }
  props.sshKeys.forEach((k, i) => p.check(typeof k === 'string' && (/^\d+$/.test(k) || FINGERPRINT.test(k)), `sshKeys[${i}]`, k,
    'is not an SSH key id or MD5 fingerprint', "give the key's numeric id or its fingerprint (aa:bb:...:ff)"));
}

function checkAdminCidrs(p: Problems, props: DropletRuntimeProps): void {
  if (props.adminCidrs === undefined || isUnresolved(props.adminCidrs)) return;
  if (!Array.isArray(props.adminCidrs)) {
    p.add('adminCidrs', props.adminCidrs, 'is not a list of CIDR blocks', 'give the operators\' CIDR blocks (203.0.113.7/32), or leave it out to open no port');
    return;
  }
  props.adminCidrs.forEach((c, i) => {
    if (isUnresolved(c)) return;
    const valid = typeof c === 'string' && (isIpv4Cidr(c) || isIpv6Cidr(c));
    p.check(valid, `adminCidrs[${i}]`, c, 'is not an IPv4 or IPv6 CIDR block', 'write address/prefix, e.g. 203.0.113.7/32');
    if (valid && /\/0$/.test(c) && !props.allowSshFromAnywhere) {
      p.add(`adminCidrs[${i}]`, c, 'opens SSH to the whole internet', 'give the admins\' CIDR blocks, or set allowSshFromAnywhere: true if the Terraform runner has no fixed address');
    }
  });
}
