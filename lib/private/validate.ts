import { Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { ErpValidationError, ValidationProblem } from '../errors';

/** True when the value holds a cdktf token that is only known at apply time. */
export function isUnresolved(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value === 'string' || typeof value === 'number' || Array.isArray(value)) {
    return Token.isUnresolved(value);
  }
  return false;
}

/**
 * Collects the problems of one call, then throws them together.
 *
 *   const p = new Problems();
 *   p.check(size > 0, 'sizeGib', size, 'must be positive', 'give a size of 1 or more');
 *   p.throwIfAny(this);
 */
export class Problems {
  private readonly list: ValidationProblem[] = [];

  /** Records a problem. */
  public add(prop: string, value: unknown, problem: string, fix: string): void {
    this.list.push({ prop, value, problem, fix });
  }

  /** Records a problem when `ok` is false and the value is not an unresolved token. */
  public check(ok: boolean, prop: string, value: unknown, problem: string, fix: string): void {
    if (!ok && !isUnresolved(value)) this.add(prop, value, problem, fix);
  }

  public get count(): number {
    return this.list.length;
  }

  public get all(): readonly ValidationProblem[] {
    return this.list;
  }

  /** Throws an ErpValidationError naming `where` (a construct: its path) when any problem was recorded. */
  public throwIfAny(where: IConstruct | string): void {
    if (this.list.length === 0) return;
    const path = typeof where === 'string' ? where : where.node.path || where.node.id || '<root>';
    throw new ErpValidationError(path, [...this.list]);
  }
}

/** Checks that a value is a whole number within [min, max]. */
export function checkInt(p: Problems, prop: string, value: number | undefined, min: number, max: number, fix?: string): void {
  if (value === undefined || isUnresolved(value)) return;
  const ok = typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
  p.check(ok, prop, value, `must be a whole number from ${min} to ${max}`, fix ?? `use a whole number from ${min} to ${max}`);
}
