import { Annotations, Aspects, IAspect, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { ErpValidationError } from '../errors';
import { Problems } from '../private/validate';
import { ErpRule } from './erp-rule';
import { BUILT_IN_PREFIX, checkErpChecksProps, isTeamRuleId } from './private/check-props';
import { StackModel } from './private/model';
import { CheckFinding, CheckRuleInfo, CheckSeverity, CheckSuppression, ChecksReport } from './rule';
import { DEFAULT_RULES } from './rules';

/** Construct metadata type under which suppressions are recorded. */
const SUPPRESSION_METADATA = 'erp-checks:suppression';

/** Props of `ErpChecks`. */
export interface ErpChecksProps {
  /**
   * The rules to run, in report order: the built-in ones and your team's own (classes that
   * extend `ErpRule`), e.g. `[...ErpChecks.DEFAULT_RULES, new MyRule()]`. A team rule's id must
   * not be one a built-in rule has, nor start with `ERP-`; every id appears once. Give only
   * your own rules to run them in a second `ErpChecks` beside one that runs the defaults.
   * @default ErpChecks.DEFAULT_RULES
   */
  readonly rules?: ErpRule[];
  /**
   * Ids of rules not to run at all in this scope (prefer `ErpChecks.suppress` on the construct, which keeps a reason).
   * @default - every rule runs
   */
  readonly skipRules?: string[];
  /**
   * Treat warnings as errors (synthesis fails on any finding).
   * @default false
   */
  readonly warningsAsErrors?: boolean;
}

/**
 * Synthesis fails with this error when a secure-default rule with severity error is not met.
 * It lists every error finding of the stack: construct path, rule id, what is wrong and the fix.
 */
export class ErpChecksError extends ErpValidationError {
  /** The error findings, in report order. */
  public readonly findings: CheckFinding[];

  constructor(stack: string, findings: CheckFinding[]) {
    super(stack, findings.map((f) => ({
      prop: `${f.path} [${f.ruleId}]`,
      value: f.address,
      problem: f.message,
      fix: `${f.fix}; or, when it is intended, ErpChecks.suppress(construct, '${f.ruleId}', '<reason>')`,
    })));
    this.name = 'ErpChecksError';
    this.findings = findings;
    Object.setPrototypeOf(this, ErpChecksError.prototype);
  }
}

/**
 * The secure-default checks, run as a cdktf Aspect at synthesis.
 *
 * Add it to a stack (or any scope); when the stack is synthesized, every rule reads the
 * stack's resources as they will be written to the Terraform JSON. Findings of rules with
 * severity error fail synthesis with one `ErpChecksError` listing all of them; warnings
 * become warning annotations. `ErpChecks.suppress` switches a rule off for a construct and
 * everything below it, with a reason; `report()` lists findings and suppressions.
 *
 * ```ts
 * const checks = new ErpChecks();
 * Aspects.of(stack).add(checks);
 * ErpChecks.suppress(vault, 'ERP-S3-7', 'a development environment keeps no backups worth locking');
 * app.synth();
 * console.log(formatChecksReport(checks.report()));
 * ```
 *
 * A team adds rules of its own: a class that extends `ErpRule` (an id with the team's prefix,
 * a severity, a description, a fix, and a `check` over the stack's synthesized resources),
 * given with the built-in ones. Its findings fail synthesis or warn, are suppressed and
 * reported exactly like the built-in ones:
 *
 * ```ts
 * class DropletsAreTagged extends ErpRule {
 *   public readonly id = 'ACME-1';
 *   public readonly severity = CheckSeverity.ERROR;
 *   public readonly description = 'Every droplet carries the team tag, so billing can be split by team.';
 *   public readonly fix = 'add the tag "team:erp" to the droplet (DropletRuntime: tags)';
 *   public check(stack: ICheckedStack): RuleFinding[] {
 *     return stack.ofType('digitalocean_droplet')
 *       .filter((d) => !(d.config.tags ?? []).includes('team:erp'))
 *       .map((d) => this.finding(d, 'the droplet has no team:erp tag'));
 *   }
 * }
 *
 * Aspects.of(stack).add(new ErpChecks({ rules: [...ErpChecks.DEFAULT_RULES, new DropletsAreTagged()] }));
 * ErpChecks.suppress(legacyDroplet, 'ACME-1', 'billed to the platform team until it is retired');
 * ```
 */
export class ErpChecks implements IAspect {
  /** The built-in rules (the default pack), one instance each, in report order: what runs when `rules` is not given. */
  public static readonly DEFAULT_RULES: readonly ErpRule[] = DEFAULT_RULES;

  /** What the built-in rules require (id, severity, description, fix), in report order, as RULES.md lists them. */
  public static readonly RULES: readonly CheckRuleInfo[] = DEFAULT_RULES.map(({ id, severity, description, fix }) => ({ id, severity, description, fix }));

  /**
   * Switches rule `ruleId` off for `scope` and every construct below it. The reason is
   * required and is listed in the report. `ruleId` is a built-in rule's id or a team rule's
   * (any id not starting with `ERP-`); a suppression that silences nothing shows in the report
   * as no longer needed.
   */
  public static suppress(scope: IConstruct, ruleId: string, reason: string): void {
    const p = new Problems();
    p.check(DEFAULT_RULES.some((r) => r.id === ruleId) || isTeamRuleId(ruleId), 'ruleId', ruleId, 'is not the id of a rule',
      `use one of ${DEFAULT_RULES.map((r) => r.id).join(', ')}, or the id of one of your team's rules (ids starting with ${BUILT_IN_PREFIX} are the built-in ones)`);
    p.check(typeof reason === 'string' && reason.trim().length > 0, 'reason', reason, 'is empty',
      'say why the rule does not apply here (it is listed in the checks report)');
    p.throwIfAny(scope);
    scope.node.addMetadata(SUPPRESSION_METADATA, { ruleId, reason: reason.trim() });
  }

  /** The instances of ErpChecks added to a scope with `Aspects.of(scope).add`. */
  public static of(scope: IConstruct): ErpChecks | undefined {
    return Aspects.of(scope).all.find((a): a is ErpChecks => a instanceof ErpChecks);
  }

  private readonly props: ErpChecksProps;
  /** The rules that run: `rules` without `skipRules`, in report order. */
  private readonly rules: readonly ErpRule[];
  private readonly scopes: IConstruct[] = [];
  private readonly reports = new Map<IConstruct, ChecksReport>();

  constructor(props: ErpChecksProps = {}) {
    const rules = props.rules ?? DEFAULT_RULES;
    checkErpChecksProps(rules, props.skipRules ?? [], DEFAULT_RULES);
    this.props = props;
    const skip = new Set(props.skipRules ?? []);
    this.rules = rules.filter((r) => !skip.has(r.id));
  }

  /**
   * Called by cdktf for every construct. On the first visit of a scope (the construct the
   * aspect was added to) it registers the evaluation as a validation of that scope: cdktf
   * runs validations after every aspect, so resources that runtimes create late are seen too.
   */
  public visit(node: IConstruct): void {
    if (this.scopes.some((s) => s === node || isBelow(node, s))) return;
    this.scopes.push(node);
    node.node.addValidation({ validate: () => this.enforce(node) });
  }

  /**
   * The report of the scope this aspect was added to (the first one, or `scope`). It is
   * computed at synthesis; called before, it evaluates the tree as it stands.
   */
  public report(scope?: IConstruct): ChecksReport {
    const target = scope ?? this.scopes[0];
    if (!target) {
      throw new ErpValidationError('ErpChecks', [{
        prop: 'scope', value: undefined, problem: 'the checks have not visited any stack yet',
        fix: 'add them with Aspects.of(stack).add(checks) and synthesize, or pass the stack: checks.report(stack)',
      }]);
    }
    return this.reports.get(target) ?? this.evaluate(target);
  }

  /** The reports of every scope visited. */
  public reportAll(): ChecksReport[] {
    return this.scopes.map((s) => this.report(s));
  }

  private enforce(scope: IConstruct): string[] {
    const report = this.evaluate(scope);
    this.reports.set(scope, report);
    for (const f of report.findings.filter((x) => x.severity === CheckSeverity.WARNING)) {
      const target = findByPath(scope, f.path) ?? scope;
      Annotations.of(target).addWarning(`[${f.ruleId}] ${f.message}. Fix: ${f.fix}`);
    }
    const errors = report.findings.filter((f) => f.severity === CheckSeverity.ERROR);
    if (errors.length > 0) throw new ErpChecksError(report.stack, errors);
    return [];
  }

  /** Runs every rule on the stack of `scope`, keeps the findings under `scope`, applies suppressions. */
  private evaluate(scope: IConstruct): ChecksReport {
    const stack = TerraformStack.of(scope);
    const model = new StackModel(stack);
    const rules = this.rules;
    const suppressions = collectSuppressions(scope);
    const findings: CheckFinding[] = [];
    const scopePath = scope.node.path;
    for (const rule of rules) {
      for (const raw of rule.check(model)) {
        const path = raw.construct.node.path;
        if (scopePath !== '' && path !== scopePath && !path.startsWith(`${scopePath}/`)) continue;
        const f: CheckFinding = {
          ruleId: rule.id,
          severity: this.props.warningsAsErrors ? CheckSeverity.ERROR : rule.severity,
          path,
          address: raw.address,
          message: raw.message,
          fix: rule.fix,
        };
        const s = suppressions.find((x) => x.ruleId === rule.id && (x.path === '' || path === x.path || path.startsWith(`${x.path}/`)));
        if (s) s.suppressed.push(f);
        else findings.push(f);
      }
    }
    findings.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === CheckSeverity.ERROR ? -1 : 1));
    return {
      stack: stack.node.path,
      findings,
      suppressions,
      errorCount: findings.filter((f) => f.severity === CheckSeverity.ERROR).length,
      warningCount: findings.filter((f) => f.severity === CheckSeverity.WARNING).length,
      rulesRun: rules.map((r) => r.id),
    };
  }
}

function isBelow(node: IConstruct, scope: IConstruct): boolean {
  return node.node.scopes.includes(scope);
}

function findByPath(scope: IConstruct, path: string): IConstruct | undefined {
  return scope.node.findAll().find((c) => c.node.path === path);
}

function collectSuppressions(scope: IConstruct): Array<CheckSuppression & { suppressed: CheckFinding[] }> {
  const out: Array<CheckSuppression & { suppressed: CheckFinding[] }> = [];
  // Suppressions on the scope's ancestors (the stack, the app) apply as well.
  const nodes = [...scope.node.scopes.slice(0, -1), ...scope.node.findAll()];
  for (const c of nodes) {
    for (const md of c.node.metadata) {
      if (md.type !== SUPPRESSION_METADATA) continue;
      const data = md.data as { ruleId: string; reason: string };
      out.push({ path: c.node.path, ruleId: data.ruleId, reason: data.reason, suppressed: [] });
    }
  }
  return out;
}
