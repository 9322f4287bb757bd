import { Construct } from 'constructs';
import { DropletTierStack } from './droplet-tier';
import { TierStackProps } from './tier-stack';

/**
 * The production tier (`prod`): an s-8vcpu-16gb droplet with weekly backups,
 * a database with a standby node and a connection pool (PostgreSQL), managed
 * Valkey, the zone's security headers (as the default owner of the zone
 * settings, `cloudflare.zoneSettingsStack`), Access on admin tools, and an S3
 * vault with object lock.
 */
export class ProdStack extends DropletTierStack {
  constructor(scope: Construct, props: TierStackProps) {
    super(scope, 'prod', props);
  }
}
