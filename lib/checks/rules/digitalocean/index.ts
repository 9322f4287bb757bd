// The built-in rules about DigitalOcean resources: droplets, firewalls, managed databases,
// Kubernetes clusters and Spaces.
export { DropletSshKeys } from './droplet-ssh-keys';
export { FirewallSshNotPublic } from './firewall-ssh-not-public';
export { FirewallDatabasePortsNotPublic } from './firewall-database-ports-not-public';
export { DatabaseFirewallRestricted } from './database-firewall-restricted';
export { DatabaseFirewallAdmitsApp } from './database-firewall-admits-app';
export { DatabasePrivateNetwork } from './database-private-network';
export { KubernetesAutoUpgrade } from './kubernetes-auto-upgrade';
export { SpacesPrivate } from './spaces-private';
export { SpacesVersioningEnabled } from './spaces-versioning-enabled';
