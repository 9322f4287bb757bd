import { Aspects, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ErpChecks } from '../lib/checks/erp-checks';
import { AppDescription, TierName } from '../lib/config/description';
import { configureBackend } from './backend';
import { TierSettings, tierSettings } from './tiers';

/** Props of every tier stack. */
export interface TierStackProps {
  /** The validated app description. */
  readonly description: AppDescription;
  /** Environment the backend choice is read from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

/** What every tier stack shares: its description, its settings and its backend. */
export abstract class TierStack extends TerraformStack {
  public readonly description: AppDescription;
  public readonly tier: TierName;
  public readonly settings: TierSettings;
  /** The secure-default checks of this stack; `checks.report()` after synth lists findings and suppressions. */
  public readonly checks: ErpChecks;

  constructor(scope: Construct, tier: TierName, props: TierStackProps) {
    super(scope, tier);
    this.description = props.description;
    this.tier = tier;
    this.settings = tierSettings(props.description, tier);
    configureBackend(this, props.description, tier, props.env);
    // Secure-default checks: an error fails synth, a warning becomes an annotation.
    this.checks = new ErpChecks();
    Aspects.of(this).add(this.checks);
  }
}
