import { Construct } from 'constructs';
import { DropletTierStack } from './droplet-tier';
import { TierStackProps } from './tier-stack';

/**
 * The single-droplet tier (`dev`): one s-4vcpu-8gb droplet runs every process
 * with Docker Compose (Valkey as a container), a one-node managed database,
 * one tunnel connector, dumps in the S3 vault.
 */
export class DevStack extends DropletTierStack {
  constructor(scope: Construct, props: TierStackProps) {
    super(scope, 'dev', props);
  }
}
