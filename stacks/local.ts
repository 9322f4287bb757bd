import { Construct } from 'constructs';
import { TierStack, TierStackProps } from './tier-stack';

/** The `local` tier stack. */
export class LocalStack extends TierStack {
  constructor(scope: Construct, props: TierStackProps) {
    super(scope, 'local', props);
  }
}
