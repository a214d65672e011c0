import type { Thresholds } from './types.ts';
import { thresholdDefaults } from './thresholdTable.ts';

/** University defaults, from the threshold table (durations in seconds). */
export const defaultThresholds: Readonly<Thresholds> = Object.freeze(thresholdDefaults());

/** The thresholds that apply to one course: the base with that course's overrides on top. */
export function effectiveThresholds(
  base: Thresholds,
  overrides: Record<string, Partial<Thresholds>> | undefined,
  courseId: string,
): Thresholds {
  const own = overrides?.[courseId];
  if (own === undefined) return base;
  const out: Thresholds = { ...base };
  for (const key of Object.keys(own) as (keyof Thresholds)[]) {
    const value = own[key];
    if (value !== undefined) (out as unknown as Record<string, unknown>)[key] = value;
  }
  return out;
}
