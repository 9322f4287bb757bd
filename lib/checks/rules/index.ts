import { ErpRule } from '../erp-rule';
import {
  RdsInstanceSafe, S3DefaultEncryption, S3KmsEncryption, S3LifecycleCleanup, S3ObjectLockEnabled, S3PublicAccessBlocked, S3TlsOnly,
  S3VersioningEnabled,
} from './aws';
import { TunnelAdminRoutesBehindAccess, TunnelCatchAllRule, TunnelDnsProxied } from './cloudflare';
import { StatefulPreventDestroy } from './data';
import {
  DatabaseFirewallAdmitsApp, DatabaseFirewallRestricted, DatabasePrivateNetwork, DropletSshKeys, FirewallDatabasePortsNotPublic,
  FirewallSshNotPublic, KubernetesAutoUpgrade, SpacesPrivate, SpacesVersioningEnabled,
} from './digitalocean';
import { DockerDevelopmentSecrets, NoPlainSecrets, SecretOutputsSensitive } from './secrets';

/**
 * The default pack: every built-in rule, one instance each, in report order (the order of
 * RULES.md and of findings of one severity in a report). `ErpChecks.DEFAULT_RULES` is this list.
 */
export const DEFAULT_RULES: readonly ErpRule[] = Object.freeze([
  new S3PublicAccessBlocked(), new S3TlsOnly(), new S3DefaultEncryption(), new S3KmsEncryption(), new S3VersioningEnabled(),
  new S3LifecycleCleanup(), new S3ObjectLockEnabled(),
  new StatefulPreventDestroy(), new RdsInstanceSafe(),
  new DropletSshKeys(), new FirewallSshNotPublic(), new FirewallDatabasePortsNotPublic(), new DatabaseFirewallRestricted(),
  new DatabaseFirewallAdmitsApp(), new DatabasePrivateNetwork(),
  new KubernetesAutoUpgrade(), new SpacesPrivate(), new SpacesVersioningEnabled(),
  new TunnelAdminRoutesBehindAccess(), new TunnelCatchAllRule(), new TunnelDnsProxied(),
  new NoPlainSecrets(), new DockerDevelopmentSecrets(), new SecretOutputsSensitive(),
]);
