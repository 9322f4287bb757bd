import { Construct } from 'constructs';
import { TierStack, TierStackProps } from './tier-stack';

/** The `prod` tier stack. */
export class ProdStack extends TierStack {
  constructor(scope: Construct, props: TierStackProps) {
    super(scope, 'prod', props);
  }
}
