import { CheckedReference, CheckedResource } from '../model';
import { RuleFinding } from '../erp-rule';

/** A block or list of the Terraform JSON as a list: `[]` for none, `[v]` for a single block. */
export function list<T = any>(v: unknown): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v as T[] : [v as T];
}

/** True when the value is (or holds) a reference only known at apply time (`${...}`). */
export function isRef(v: unknown): boolean {
  return typeof v === 'string' && v.includes('${');
}

/** `address.attribute`, or the address alone, as findings name a reference. */
export function refLabel(r: CheckedReference): string {
  return r.attribute ? `${r.address}.${r.attribute}` : r.address;
}

/** A finding on a resource (for helpers shared by several rules; rules use `this.finding`). */
export function findingOn(el: CheckedResource, message: string): RuleFinding {
  return { construct: el.construct, address: el.address, message };
}
