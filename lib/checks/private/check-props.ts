import { Problems } from '../../private/validate';
import { ErpRule } from '../erp-rule';
import { CheckSeverity } from '../rule';

/** The prefix of the built-in rules' ids; team rules use their own. */
export const BUILT_IN_PREFIX = 'ERP-';

/** What a rule id looks like: a letter, then letters, digits, `-`, `_` or `.` (`ERP-S3-1`, `ACME-1`). */
const RULE_ID_RE = /^[A-Za-z][A-Za-z0-9_.-]*$/;

const SEVERITIES: readonly string[] = Object.values(CheckSeverity);

/** True when `id` may name a team rule in a suppression: shaped like an id, not in the built-in namespace. */
export function isTeamRuleId(id: unknown): boolean {
  return typeof id === 'string' && RULE_ID_RE.test(id) && !id.startsWith(BUILT_IN_PREFIX);
}

/** Records the problems of one rule of `rules` other than its id (a team rule written in JavaScript may lack anything). */
function checkRuleShape(p: Problems, prop: string, rule: ErpRule): boolean {
  if (!rule || typeof rule !== 'object' || typeof (rule as any).check !== 'function') {
    p.add(prop, rule, 'is not a rule', 'give an instance of a class that extends ErpRule (id, severity, description, fix and check)');
    return false;
  }
  p.check(SEVERITIES.includes(rule.severity), `${prop}.severity`, rule.severity, 'is not a severity', 'use CheckSeverity.ERROR or CheckSeverity.WARNING');
  for (const key of ['description', 'fix'] as const) {
    p.check(typeof rule[key] === 'string' && rule[key].trim().length > 0, `${prop}.${key}`, rule[key], 'is empty',
      key === 'description' ? 'say in one sentence what the rule requires' : 'say how to satisfy the rule');
  }
  return true;
}

/** Records a problem when the id of `rules[i]` is malformed, taken by a built-in rule, reserved, or used twice. */
function checkRuleId(p: Problems, prop: string, rule: ErpRule, builtIns: readonly ErpRule[], seen: Map<string, string>): void {
  const id = rule.id;
  const builtIn = builtIns.find((b) => b.id === id);
  if (typeof id !== 'string' || !RULE_ID_RE.test(id)) {
    p.add(`${prop}.id`, id, 'is not a rule id', 'start with a letter and use letters, digits, "-", "_" or "." only, with your team\'s prefix (ACME-1)');
  } else if (builtIn && builtIn.constructor !== rule.constructor) {
    p.add(`${prop}.id`, id, `is the id of the built-in rule "${builtIn.description}"`,
      'give the team rule an id of its own with your team\'s prefix (ACME-1); to turn the built-in rule off, use skipRules or ErpChecks.suppress');
  } else if (!builtIn && id.startsWith(BUILT_IN_PREFIX)) {
    p.add(`${prop}.id`, id, `starts with ${BUILT_IN_PREFIX}, which is kept for the built-in rules (a later version may add this id)`,
      'give the team rule an id with your team\'s prefix (ACME-1)');
  } else if (seen.has(id)) {
    p.add(`${prop}.id`, id, `is also the id of ${seen.get(id)}`, 'give every rule its own id, and list each rule once');
  }
  if (typeof id === 'string' && !seen.has(id)) seen.set(id, prop);
}

/**
 * Checks the props of `ErpChecks`: every rule of `rules` is complete and has an id of its own
 * that no built-in rule has, and every id of `skipRules` names one of those rules. Throws one
 * `ErpValidationError` listing every problem.
 */
export function checkErpChecksProps(rules: readonly ErpRule[], skipRules: readonly string[], builtIns: readonly ErpRule[]): void {
  const p = new Problems();
  const seen = new Map<string, string>();
  if (!Array.isArray(rules)) {
    p.add('rules', rules, 'must be a list', 'give a list of rules, e.g. [...ErpChecks.DEFAULT_RULES, new MyRule()], or leave it out');
  } else {
    for (const [i, rule] of rules.entries()) {
      if (checkRuleShape(p, `rules[${i}]`, rule)) checkRuleId(p, `rules[${i}]`, rule, builtIns, seen);
    }
  }
  for (const [i, id] of skipRules.entries()) {
    p.check(seen.has(id), `skipRules[${i}]`, id, 'is not the id of a rule', `use one of ${[...seen.keys()].join(', ')}`);
  }
  p.throwIfAny('ErpChecks');
}
