import { Construct } from 'constructs';
import { TierStack, TierStackProps } from './tier-stack';

/** The `dev` tier stack. */
export class DevStack extends TierStack {
  constructor(scope: Construct, props: TierStackProps) {
    super(scope, 'dev', props);
  }
}
