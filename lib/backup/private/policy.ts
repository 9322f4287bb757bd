/** A typed IAM policy document, rendered with JSON.stringify (cdktf resolves the tokens inside the string). */

export type PolicyConditions = Record<string, Record<string, string | string[]>>;

export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: '*' | Record<string, string | string[]>;
  readonly Action: string[];
  readonly Resource?: string[];
  readonly Condition?: PolicyConditions;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: PolicyStatement[];
}

/** Renders a policy document as the JSON string IAM and S3 expect. */
export function policyJson(statements: PolicyStatement[]): string {
  const doc: PolicyDocument = { Version: '2012-10-17', Statement: statements };
  return JSON.stringify(doc);
}

/** The object ARNs under each prefix (`arn:...:bucket/daily/*`). */
export function prefixObjectArns(bucketArn: string, prefixes: readonly string[]): string[] {
  return prefixes.map((prefix) => `${bucketArn}/${prefix}*`);
}
