import type { Thresholds } from './types.ts';

/**
 * University defaults. Durations in seconds. Every "up to" bound is inclusive:
 * arriving exactly at start + graceSec is on time, one second later is late.
 */
export const defaultThresholds: Readonly<Thresholds> = Object.freeze({
  graceSec: 5 * 60,
  lateSec: 15 * 60,
  absentAfterSec: 30 * 60,
  earlyExitSec: 10 * 60,
  maxBreakSec: 15 * 60,
  maxExits: 2,
  minPresenceRatio: 0.75,
  transitSec: 10 * 60,
  debounceSec: 10,
  faceMinConfidence: 0.6,
  pairingWindowSec: 10,
  sessionToleranceSec: 15 * 60,
  missingExit: 'until_end',
});

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
