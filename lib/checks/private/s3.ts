import { CheckedResource, ICheckedStack } from '../model';
import { list } from './values';

/** The companion resources of type `type` (versioning, policy...) that configure `bucket`, through their `bucket` attribute. */
export function companions(m: ICheckedStack, bucket: CheckedResource, type: string): CheckedResource[] {
  return m.pointingAt(bucket, type, 'bucket', 'bucket');
}

/** The statements of a bucket policy: parsed JSON, or the `statement` blocks of an `aws_iam_policy_document` it references. */
function policyStatements(m: ICheckedStack, policy: unknown): Array<{ effect: string; bool: Record<string, unknown> }> | undefined {
  if (typeof policy !== 'string') return undefined;
  const doc = m.target(policy, 'aws_iam_policy_document');
  if (doc) {
    return list<any>(doc.config.statement).map((s) => ({
      effect: String(s.effect ?? 'Allow'),
      bool: Object.fromEntries(list<any>(s.condition).filter((c) => c.test === 'Bool').map((c) => [String(c.variable), list(c.values).map(String)])),
    }));
  }
  try {
    const parsed = JSON.parse(policy);
    return list<any>(parsed.Statement).map((s) => ({ effect: String(s.Effect), bool: (s.Condition?.Bool ?? {}) as Record<string, unknown> }));
  } catch {
    return undefined;
  }
}

/** True when the policy denies requests with aws:SecureTransport false; undefined when it cannot be read at synthesis. */
export function deniesPlainHttp(m: ICheckedStack, policy: unknown): boolean | undefined {
  const statements = policyStatements(m, policy);
  if (!statements) return undefined;
  return statements.some((s) => s.effect === 'Deny' && list(s.bool['aws:SecureTransport']).map(String).includes('false'));
}
