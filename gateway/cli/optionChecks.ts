import { HallgateError } from '../../kernel/errors.ts';

/**
 * Checks of CLI option values, each throwing a USAGE error that names the
 * option, what it got and what it takes (exit 2), in the words `report` uses.
 */

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar day YYYY-MM-DD (2026-02-31 and 2026-99-99 are not), or undefined when not given. */
export function dayOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const m = DAY.exec(value);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw new HallgateError('USAGE', `${name} must be a date YYYY-MM-DD, got '${value}'`);
  }
  return value;
}

/** One of `allowed`, or undefined when not given. */
export function choiceOption<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new HallgateError('USAGE', `${name} must be one of ${allowed.join(', ')}, got '${value}'`);
  }
  return value as T;
}

/** A number in [min, max] (an integer when `integer`). */
export function numberOption(
  name: string,
  value: string,
  range: { min: number; max: number; integer?: boolean },
): number {
  const n = Number(value);
  const integer = range.integer ?? false;
  if (
    value.trim() === '' ||
    !Number.isFinite(n) ||
    n < range.min ||
    n > range.max ||
    (integer && !Number.isInteger(n))
  ) {
    throw new HallgateError(
      'USAGE',
      `${name} must be ${integer ? 'an integer' : 'a number'} in [${range.min}, ${range.max}], got '${value}'`,
    );
  }
  return n;
}

/** A percentage 0-100, returned as a fraction 0-1. */
export function percentOption(name: string, value: string): number {
  return numberOption(name, value, { min: 0, max: 100 }) / 100;
}
