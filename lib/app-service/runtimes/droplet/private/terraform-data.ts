import {
  AnyMap, TerraformMetaArguments, TerraformResource, anyToHclTerraform, anyToTerraform, hashMapper, hashMapperHcl,
} from 'cdktf';
import { Construct } from 'constructs';

/** Config of `TerraformData`: the arguments of Terraform's built-in `terraform_data` resource. */
export interface TerraformDataConfig extends TerraformMetaArguments {
  /**
   * A value stored in the state and reflected in `output` after apply.
   * @default - none
   */
  readonly input?: { [key: string]: any };
  /**
   * A value stored in the state whose change replaces the resource (and runs its provisioners again).
   * @default - none
   */
  readonly triggersReplace?: { [key: string]: any };
}

/**
 * Terraform's built-in `terraform_data` resource (Terraform 1.4 or later, no
 * provider). It synthesizes exactly as cdktf's `DataResource`, but does not
 * attach a per-instance Terraform version validation: that validation runs
 * `terraform version` in a child process for every instance when the stack is
 * validated (tens of milliseconds each), and the Terraform the project pins
 * is far newer than 1.4.
 */
export class TerraformData extends TerraformResource {
  /** The Terraform resource type. */
  public static readonly tfResourceType = 'terraform_data';

  private _input?: { [key: string]: any };
  private _triggersReplace?: { [key: string]: any };
  private readonly _output = new AnyMap(this, 'output');

  constructor(scope: Construct, id: string, config: TerraformDataConfig = {}) {
    super(scope, id, {
      terraformResourceType: TerraformData.tfResourceType,
      terraformGeneratorMetadata: { providerName: 'terraform' },
      provider: config.provider,
      dependsOn: config.dependsOn,
      count: config.count,
      lifecycle: config.lifecycle,
      provisioners: config.provisioners,
      connection: config.connection,
      forEach: config.forEach,
    });
    this._input = config.input;
    this._triggersReplace = config.triggersReplace;
  }

  /** The resource id (a random UUID Terraform assigns). */
  public get id(): string {
    return this.getStringAttribute('id');
  }

  /** The stored `input`. */
  public get input(): { [key: string]: any } {
    return this.getAnyMapAttribute('input');
  }

  public set input(value: { [key: string]: any }) {
    this._input = value;
  }

  /** `input` as reflected after apply. */
  public get output(): AnyMap {
    return this._output;
  }

  /** The stored replacement triggers. */
  public get triggersReplace(): { [key: string]: any } {
    return this.getAnyMapAttribute('triggers_replace');
  }

  public set triggersReplace(value: { [key: string]: any }) {
    this._triggersReplace = value;
  }

  protected synthesizeAttributes(): { [name: string]: any } {
    return {
      input: hashMapper(anyToTerraform)(this._input),
      triggers_replace: hashMapper(anyToTerraform)(this._triggersReplace),
    };
  }

  protected synthesizeHclAttributes(): { [name: string]: any } {
    return {
      input: hashMapperHcl(anyToHclTerraform)(this._input),
      triggers_replace: hashMapperHcl(anyToHclTerraform)(this._triggersReplace),
    };
  }
}
