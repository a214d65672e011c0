/**
 * Every threshold the engine knows, declared once: its unit, default and
 * meaning. The TypeScript type (Thresholds), the defaults, the configuration
 * schema (gateway/config/schema.ts) and the wire schema (sync/schema.ts, via
 * kernel/thresholdSchema.ts) are all derived from this table. Plain data: the
 * zod schemas are built outside rules/.
 *
 * Units: 's' seconds (integer >= 0), 'count' (integer >= 0), 'ratio' (0..1),
 * 'choice' (one of `values`). Every "up to" bound is inclusive: arriving
 * exactly at start + graceSec is on time, one second later is late.
 */

interface NumberSpec {
  readonly unit: 's' | 'count' | 'ratio';
  readonly default: number;
  readonly doc: string;
  /** The configuration leaves it unset by default (another setting supplies it). */
  readonly optionalInConfig?: true;
}
interface ChoiceSpec {
  readonly unit: 'choice';
  readonly values: readonly [string, ...string[]];
  readonly default: string;
  readonly doc: string;
}
export type ThresholdSpec = NumberSpec | ChoiceSpec;

export const thresholdTable = {
  graceSec: { unit: 's', default: 5 * 60, doc: 'Arrival up to start + grace is on time' },
  lateSec: { unit: 's', default: 15 * 60, doc: 'End of the "late" band after start' },
  absentAfterSec: { unit: 's', default: 30 * 60, doc: 'Arrival after start + this counts as absent' },
  earlyExitSec: {
    unit: 's',
    default: 10 * 60,
    doc: 'Leaving before end - this (and not returning) is an early exit',
  },
  maxBreakSec: { unit: 's', default: 15 * 60, doc: 'Longest break still counted as present' },
  maxExits: { unit: 'count', default: 2, doc: 'More exits than this within a session is flagged' },
  minPresenceRatio: { unit: 'ratio', default: 0.75, doc: 'Fraction of the session that must be covered' },
  transitSec: {
    unit: 's',
    default: 10 * 60,
    doc: 'Walking allowance between back-to-back lectures in different halls',
  },
  debounceSec: {
    unit: 's',
    default: 10,
    doc: 'Same identity at the same gate within this window is one event',
  },
  faceMinConfidence: {
    unit: 'ratio',
    default: 0.6,
    optionalInConfig: true,
    doc: "Face recognitions below this confidence are ignored (default: the camera engine's match threshold, so engine and rules agree)",
  },
  pairingWindowSec: {
    unit: 's',
    default: 10,
    doc: 'A badge and a face at the same gate within this window are paired',
  },
  sessionToleranceSec: {
    unit: 's',
    default: 15 * 60,
    doc: 'Events this long before start / after end still count toward a session',
  },
  missingExit: {
    unit: 'choice',
    values: ['until_end', 'flag'],
    default: 'until_end',
    doc: 'Entry with no exit: presence until end, or flag for review',
  },
} as const satisfies Record<string, ThresholdSpec>;

export type ThresholdTable = typeof thresholdTable;
export type ThresholdKey = keyof ThresholdTable;

type ValueOf<S> = S extends { readonly unit: 'choice'; readonly values: readonly (infer V)[] } ? V : number;

/** Every threshold the engine knows (see thresholdTable for units and meaning). */
export type Thresholds = { -readonly [K in ThresholdKey]: ValueOf<ThresholdTable[K]> };

export const thresholdKeys = Object.keys(thresholdTable) as ThresholdKey[];

/** The table's defaults as a Thresholds object. */
export function thresholdDefaults(): Thresholds {
  return Object.fromEntries(thresholdKeys.map((k) => [k, thresholdTable[k].default])) as Thresholds;
}
