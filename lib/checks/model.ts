import { IConstruct } from 'constructs';

/**
 * One resource or data source of a stack, as the checks see it: its configuration exactly as
 * synthesis writes it to the Terraform JSON.
 */
export interface CheckedResource {
  /** The construct that makes it (`prod/Backups/Resource`); findings are reported on it. */
  readonly construct: IConstruct;
  /** The Terraform type (`aws_s3_bucket`). */
  readonly type: string;
  /** The Terraform address: `aws_s3_bucket.Vault_Resource_1A2B3C4D`, or `data.aws_region.X` for a data source. */
  readonly address: string;
  /** True for a data source. */
  readonly isData: boolean;
  /**
   * The configuration as it is written to the Terraform JSON: snake_case keys, blocks as lists
   * or objects, references as `${type.name.attr}` strings, `lifecycle` included.
   */
  readonly config: Record<string, any>;
  /** Every reference the configuration makes to another resource, data source or sensitive variable of the stack. */
  readonly refs: CheckedReference[];
}

/** A reference from a configuration to an attribute of another element of the stack (`${aws_s3_bucket.x.id}`). */
export interface CheckedReference {
  /** The address referred to (`aws_s3_bucket.x`, `data.aws_region.r`, `var.ssh_key`). */
  readonly address: string;
  /** The first attribute after the address (`id`, `password`), or `''` for none. */
  readonly attribute: string;
}

/** An output of the stack, as the checks see it. */
export interface CheckedOutput {
  /** The `TerraformOutput` construct. */
  readonly construct: IConstruct;
  /** The output's address in the Terraform JSON (`output.db_uri`). */
  readonly address: string;
  /** True when the output is marked sensitive. */
  readonly sensitive: boolean;
  /** Every reference its value makes to an element of the stack. */
  readonly refs: CheckedReference[];
}

/**
 * The stack a rule checks: every resource, data source and output, read back from the
 * Terraform JSON that synthesis writes, with queries that follow references the way
 * Terraform does.
 *
 * Resources are related through the references Terraform itself follows: a public access
 * block whose `bucket` is `${aws_s3_bucket.x.id}` belongs to `aws_s3_bucket.x`, whoever made
 * either of them. A resource that names its bucket by a literal name is matched by that name
 * (the `matchAttribute` of `target` and `pointingAt`).
 */
export interface ICheckedStack {
  /** Every resource and data source of the stack, in construct order. */
  readonly resources: readonly CheckedResource[];
  /** Every output of the stack, in construct order. */
  readonly outputs: readonly CheckedOutput[];
  /**
   * The elements of one Terraform type (`aws_s3_bucket`): resources only, or data sources only when `data` is true.
   * @param data - true for data sources (`data.aws_iam_policy_document`)
   */
  ofType(type: string, data?: boolean): CheckedResource[];
  /** The resource or data source at a Terraform address (`aws_s3_bucket.x`, `data.aws_region.r`). */
  get(address: string): CheckedResource | undefined;
  /**
   * The element of type `type` that `value` points at: a reference `${type.name.attr}` in it, or,
   * with `matchAttribute`, a literal equal to that attribute of an element (a bucket given by its name).
   */
  target(value: unknown, type: string, matchAttribute?: string): CheckedResource | undefined;
  /**
   * The resources of type `type` whose attribute `attr` points at `target` (see `target`):
   * `pointingAt(bucket, 'aws_s3_bucket_versioning', 'bucket', 'bucket')` is the versioning of a bucket.
   */
  pointingAt(target: CheckedResource, type: string, attr: string, matchAttribute?: string): CheckedResource[];
  /** True when the reference reads a secret: a sensitive attribute (password, uri, token...), a sensitive variable, a generated password. */
  isSecretReference(ref: CheckedReference): boolean;
  /** The references in a value (a string, list or object of the configuration) that read a secret. */
  secretReferences(value: unknown): CheckedReference[];
}
