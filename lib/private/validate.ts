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

/** Options of the shape checks below. */
export interface ShapeCheckOptions {
  /** Record "is required" when the value is missing (undefined). */
  readonly required?: boolean;
  /** The fix to suggest, instead of the generic one. */
  readonly fix?: string;
}

/**
 * Checks that a value is a list and returns it, or returns `[]` after recording
 * "must be a list" (or "is required", for a missing required list). Lists of tokens pass.
 * Later code can then loop over the result without a type error.
 */
export function checkArray<T = unknown>(p: Problems, prop: string, value: unknown, options: ShapeCheckOptions = {}): T[] {
  if (value === undefined) {
    if (options.required) p.add(prop, value, 'is required', options.fix ?? `give ${prop} as a list`);
    return [];
  }
  if (Array.isArray(value)) return value as T[];
  p.add(prop, value, 'must be a list', options.fix ?? `give ${prop} as a list, e.g. [ ... ], or leave it out`);
  return [];
}

/**
 * Checks that a value is a string (or a string token). Returns true when it is one;
 * records "must be a string" (or "is required", for a missing required string) otherwise.
 * An optional string that is missing returns false without a problem.
 */
export function checkString(p: Problems, prop: string, value: unknown, options: ShapeCheckOptions = {}): value is string {
  if (value === undefined) {
    if (options.required) p.add(prop, value, 'is required', options.fix ?? `give ${prop} as a string`);
    return false;
  }
  if (typeof value === 'string') return true;
  p.add(prop, value, 'must be a string', options.fix ?? `give ${prop} as a string`);
  return false;
}

/** Checks that an optional value is true or false; records "must be true or false" otherwise. */
export function checkBoolean(p: Problems, prop: string, value: unknown, fix?: string): void {
  if (value === undefined || typeof value === 'boolean') return;
  p.add(prop, value, 'must be true or false', fix ?? `set ${prop} to true or false, or leave it out`);
}

/**
 * Checks that a value is an object (not a list, not null). Returns true when it is one;
 * records "must be an object" (or "is required", for a missing required object) otherwise.
 * An optional object that is missing returns false without a problem.
 */
export function checkObject(p: Problems, prop: string, value: unknown, options: ShapeCheckOptions = {}): value is object {
  if (value === undefined) {
    if (options.required) p.add(prop, value, 'is required', options.fix ?? `give ${prop}`);
    return false;
  }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return true;
  p.add(prop, value, 'must be an object', options.fix ?? `give ${prop} as an object { ... }, or leave it out`);
  return false;
}

/**
 * Throws an ErpValidationError naming `where` when a construct's props are not an object at all
 * (left out, null, a list), before any field of them is read.
 */
export function requireProps(where: IConstruct | string, props: unknown, example?: string): void {
  if (typeof props === 'object' && props !== null && !Array.isArray(props)) return;
  const p = new Problems();
  p.add('props', props, props === undefined ? 'is required' : 'must be an object',
    example ? `pass the props object, e.g. ${example}` : 'pass the props object');
  p.throwIfAny(where);
}
