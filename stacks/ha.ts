import { Construct } from 'constructs';
import { TierStack, TierStackProps } from './tier-stack';

/** The `ha` tier stack. */
export class HaStack extends TierStack {
  constructor(scope: Construct, props: TierStackProps) {
    super(scope, 'ha', props);
  }
}
