/**
 * One problem found in the props of a construct or in the app description.
 */
export interface ValidationProblem {
  /** The prop or field, as a path from the props root (`processes.web.port`). */
  readonly prop: string;
  /** The value that was received. */
  readonly value: unknown;
  /** What is wrong with it. */
  readonly problem: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * The error every construct of this library throws for bad input.
 *
 * It gathers every problem of one call, and its message names the construct
 * path, each prop, the value received and the fix.
 */
export class ErpValidationError extends Error {
  /** The construct path (`dev/Database`) or the description file that was checked. */
  public readonly where: string;
  /** Every problem found, in the order found. */
  public readonly problems: ValidationProblem[];

  constructor(where: string, problems: ValidationProblem[]) {
    const lines = problems.map((p) => `  - ${p.prop}: ${p.problem} (got ${describeValue(p.value)}). Fix: ${p.fix}`);
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`Invalid input at ${where} (${count}):\n${lines.join('\n')}`);
    this.name = 'ErpValidationError';
    this.where = where;
    this.problems = problems;
    Object.setPrototypeOf(this, ErpValidationError.prototype);
  }
}

/** @internal */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  try {
    const text = JSON.stringify(value);
    if (text === undefined) return String(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return String(value);
  }
}
