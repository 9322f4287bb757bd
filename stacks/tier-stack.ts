import { Aspects, Lazy, TerraformOutput, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { ErpChecks } from '../lib/checks/erp-checks';
import { estimateStack, estimateTerraformJson } from '../lib/cost/estimate';
import { ErpValidationError } from '../lib/errors';
import { undeclaredReferences } from '../lib/private/terraform-refs';
import { AppDescription, TierName } from './description/description';
import { configureBackend } from './backend';
import { forTier } from './description/placeholders';
import { LockedInputs, checkStacksLock, lockedInputs } from './stacks-lock';
import { TierSettings, tierSettings } from './tiers';

/** Props of every tier stack. */
export interface TierStackProps {
  /** The validated app description. */
  readonly description: AppDescription;
  /** Environment the backend choice is read from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * The stacks lock file (stacks/stacks-lock.ts): at synth the stack is compared with what it was synthesized with
   * before, and a change that would replace a database, volume, bucket, key, droplet or cluster fails synth.
   * @default - no lock (`buildStacks` takes it from its options, ERP_STACKS_LOCK or the context key `stacksLock`)
   */
  readonly lockFile?: string;
}

/**
 * What every tier stack shares: its description, its settings and its backend.
 *
 * A tier is one stack (`dev`, `prod`, `local`) or several (`ha`: `ha-platform`, then `ha`);
 * `stackName` names the stack, its state file and its Terraform Cloud workspace.
 */
export abstract class TierStack extends TerraformStack {
  public readonly description: AppDescription;
  public readonly tier: TierName;
  /** The stack name (the construct id): the tier's name, or `<tier>-<part>` for a tier of several stacks. */
  public readonly stackName: string;
  public readonly settings: TierSettings;
  /** The secure-default checks of this stack; `checks.report()` after synth lists findings and suppressions. */
  public readonly checks: ErpChecks;

  constructor(scope: Construct, tier: TierName, props: TierStackProps, stackName: string = tier) {
    super(scope, stackName);
    this.tier = tier;
    this.stackName = stackName;
    this.settings = tierSettings(props.description, tier);
    // `{{domain}}` and `{{url}}` in environment values become this tier's own
    this.description = forTier(props.description, tier, this.settings.localPort);
    configureBackend(this, props.description, stackName, props.env);
    this.lockFile = props.lockFile;
    this.lockInputs = lockedInputs(props.description);
    // Secure-default checks: an error fails synth, a warning becomes an annotation.
    this.checks = new ErpChecks();
    Aspects.of(this).add(this.checks);
  }

  /**
   * Adds an output holding the itemized monthly estimate of this stack.
   *
   * The estimate is priced from the Terraform JSON `toTerraform()` writes, once
   * per synthesis, rather than by resolving every resource a second time: while
   * the stack prepares or resolves, the output's value is pending, and the
   * finished JSON is priced and the value filled in. Anything else that
   * resolves the value (HCL output) gets the estimate of the live stack.
   */
  public addCostEstimateOutput(id: string, description: string): TerraformOutput {
    if (this.costOutput) throw new Error(`${this.node.path} already has a cost estimate output (${this.costOutput.node.id})`);
    this.costOutput = new TerraformOutput(this, id, {
      description,
      value: Lazy.stringValue({ produce: () => (this.costPending ? COST_PENDING : estimateStack(this).summary()) }),
    });
    return this.costOutput;
  }

  /**
   * Tier stacks are self-contained: no value of one comes from another. cdktf's
   * preparation resolves every stack once more only to find such references
   * between stacks and wire them; tier stacks skip it (the synth resolves each
   * stack once, not twice), and a reference to a resource the stack does not
   * declare fails synthesis instead (see `toTerraform`).
   */
  public prepareStack(): void {
    this.ensureBackendExists();
  }

  /**
   * Runs the validations, the checks among them. The checks read the stack's
   * Terraform JSON; cdktf writes the stack right after its validations, so the
   * JSON the checks read is kept for that write instead of being resolved again
   * (unless a construct was added in between).
   */
  public runAllValidations(): void {
    this.validated = undefined;
    this.validating = true;
    try {
      super.runAllValidations();
      // The stacks lock compares the JSON the checks read (kept for the write) with what the stack was synthesized with.
      if (this.lockFile) checkStacksLock(this.lockFile, this.stackName, this.lockInputs, this.toTerraform());
    } catch (err) {
      this.validated = undefined;
      throw err;
    } finally {
      this.validating = false;
    }
  }

  public toTerraform(): any {
    const kept = this.validated;
    if (kept) {
      if (!this.validating) this.validated = undefined;
      if (kept.constructs === this.node.findAll().length) return kept.json;
    }
    const tf = this.withCostPending(() => super.toTerraform());
    const undeclared = undeclaredReferences(tf);
    if (undeclared.length > 0) {
      throw new ErpValidationError(this.node.path, undeclared.map((r) => ({
        prop: r.from,
        value: r.address,
        problem: 'refers to a resource this stack does not declare (one of another stack?)',
        fix: 'create the resource in this stack, or hand the value over as a variable: tier stacks do not wire references between stacks',
      })));
    }
    const output = this.costOutput ? tf.output?.[this.costOutput.friendlyUniqueId] : undefined;
    if (output && output.value === COST_PENDING) output.value = estimateTerraformJson(tf).summary();
    if (this.validating) this.validated = { json: tf, constructs: this.node.findAll().length };
    return tf;
  }

  private readonly lockFile?: string;
  private readonly lockInputs: LockedInputs;
  private costOutput?: TerraformOutput;
  private costPending = false;
  private validating = false;
  private validated?: { readonly json: any; readonly constructs: number };

  private withCostPending<T>(fn: () => T): T {
    const before = this.costPending;
    this.costPending = true;
    try {
      return fn();
    } finally {
      this.costPending = before;
    }
  }
}

/** The value of the cost output until the finished JSON is priced; never written. */
const COST_PENDING = 'cost estimate pending: priced from the synthesized JSON';
