/**
 * A 5-field cron parser (minute, hour, day of month, month, day of week) with
 * the Vixie cron grammar: `*`, values, ranges `a-b`, steps `*\/n`, `a-b/n`,
 * `a/n`, lists `a,b-c`, month names (JAN-DEC), day names (SUN-SAT, 0 and 7 are
 * Sunday), and the macros `@yearly`, `@annually`, `@monthly`, `@weekly`,
 * `@daily`, `@midnight`, `@hourly`.
 */

/** The expanded value sets of one cron expression. */
export interface CronSchedule {
  /** The expression as given. */
  readonly expression: string;
  /** The 5-field form (macros expanded). */
  readonly fiveField: string;
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: readonly number[];
  readonly months: readonly number[];
  /** 0 = Sunday ... 6 = Saturday (7 is folded into 0). */
  readonly daysOfWeek: readonly number[];
  /** True when the day-of-month field is `*` (unrestricted). */
  readonly anyDayOfMonth: boolean;
  /** True when the day-of-week field is `*` (unrestricted). */
  readonly anyDayOfWeek: boolean;
}

export type CronParseResult = { ok: true; schedule: CronSchedule } | { ok: false; error: string };

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

interface FieldSpec {
  readonly label: string;
  readonly min: number;
  readonly max: number;
  /** Names for min, min+1, ... */
  readonly names?: readonly string[];
  readonly nameBase?: number;
}

const FIELDS: readonly FieldSpec[] = [
  { label: 'minute', min: 0, max: 59 },
  { label: 'hour', min: 0, max: 23 },
  { label: 'day of month', min: 1, max: 31 },
  { label: 'month', min: 1, max: 12, names: MONTH_NAMES, nameBase: 1 },
  { label: 'day of week', min: 0, max: 7, names: DAY_NAMES, nameBase: 0 },
];

function parseValue(text: string, spec: FieldSpec): number | string {
  if (/^[0-9]+$/.test(text)) {
    const n = Number(text);
    if (n < spec.min || n > spec.max) return `${spec.label} value ${n} is outside ${spec.min}-${spec.max}`;
    return n;
  }
  if (spec.names && /^[A-Za-z]{3}$/.test(text)) {
    const idx = spec.names.indexOf(text.toUpperCase());
    if (idx >= 0) return idx + (spec.nameBase ?? 0);
  }
  return `${spec.label} value "${text}" is not a number${spec.names ? ' or a name' : ''}`;
}

/** Parses one field; returns the sorted value set or an error message. */
function parseField(text: string, spec: FieldSpec): number[] | string {
  if (text === '') return `${spec.label} field is empty`;
  const values = new Set<number>();
  for (const item of text.split(',')) {
    if (item === '') return `${spec.label} field "${text}" has an empty list item`;
    const [rangePart, stepPart, extra] = item.split('/');
    if (extra !== undefined) return `${spec.label} item "${item}" has more than one step`;
    let step = 1;
    if (stepPart !== undefined) {
      if (!/^[0-9]+$/.test(stepPart) || Number(stepPart) < 1) return `${spec.label} step "${stepPart}" must be a whole number of 1 or more`;
      step = Number(stepPart);
      if (step > spec.max - spec.min + 1) return `${spec.label} step ${step} is larger than the field's range ${spec.min}-${spec.max}`;
    }
    let lo: number;
    let hi: number;
    if (rangePart === '*') {
      lo = spec.min;
      hi = spec.max;
    } else {
      const bounds = rangePart.split('-');
      if (bounds.length > 2) return `${spec.label} range "${rangePart}" has more than two bounds`;
      const a = parseValue(bounds[0], spec);
      if (typeof a === 'string') return a;
      lo = a;
      if (bounds.length === 2) {
        const b = parseValue(bounds[1], spec);
        if (typeof b === 'string') return b;
        hi = b;
        if (hi < lo) return `${spec.label} range "${rangePart}" runs backwards`;
      } else {
        // `a/n` means from a to the field maximum, stepping by n
        hi = stepPart !== undefined ? spec.max : lo;
      }
    }
    for (let v = lo; v <= hi; v += step) values.add(v);
  }
  return [...values].sort((x, y) => x - y);
}

/** Parses a cron expression; the error says which field is wrong and why. */
export function parseCron(expression: string): CronParseResult {
  if (typeof expression !== 'string') return { ok: false, error: 'is not a string' };
  const trimmed = expression.trim();
  let fiveField = trimmed;
  if (trimmed.startsWith('@')) {
    const expanded = MACROS[trimmed.toLowerCase()];
    if (!expanded) {
      return { ok: false, error: `unknown macro "${trimmed}" (known: ${Object.keys(MACROS).join(', ')})` };
    }
    fiveField = expanded;
  }
  const parts = fiveField.split(/\s+/);
  if (parts.length !== 5) {
    return { ok: false, error: `has ${parts.length} field${parts.length === 1 ? '' : 's'}; a cron line has 5 (minute hour day-of-month month day-of-week)` };
  }
  const sets: number[][] = [];
  for (let i = 0; i < 5; i++) {
    const r = parseField(parts[i], FIELDS[i]);
    if (typeof r === 'string') return { ok: false, error: r };
    sets.push(r);
  }
  const daysOfWeek = [...new Set(sets[4].map((d) => (d === 7 ? 0 : d)))].sort((a, b) => a - b);
  const anyDayOfMonth = parts[2] === '*' || parts[2] === '*/1';
  const anyDayOfWeek = parts[4] === '*' || parts[4] === '*/1';
  // A day-of-month restriction alone that no chosen month has never fires.
  if (!anyDayOfMonth && anyDayOfWeek) {
    const possible = sets[3].some((m) => sets[2].some((d) => d <= DAYS_IN_MONTH[m - 1]));
    if (!possible) return { ok: false, error: `day of month ${parts[2]} never occurs in month ${parts[3]}, so it never runs` };
  }
  return {
    ok: true,
    schedule: {
      expression,
      fiveField: parts.join(' '),
      minutes: sets[0],
      hours: sets[1],
      daysOfMonth: sets[2],
      months: sets[3],
      daysOfWeek,
      anyDayOfMonth,
      anyDayOfWeek,
    },
  };
}
