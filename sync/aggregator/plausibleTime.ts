import { utcSite } from '../../kernel/siteTime.ts';
import type { BatchItem } from '../schema.ts';

/** The earliest instant the centre accepts (epoch ms): 2000-01-01T00:00:00Z. */
export const EARLIEST_MS = Date.UTC(2000, 0, 1);
/** How far ahead of the aggregator's clock an instant may lie. */
export const MAX_AHEAD_MS = 86_400_000;

/** Civil time zones lie between UTC-12 and UTC+14. */
const WEST_MS = 12 * 3_600_000;
const EAST_MS = 14 * 3_600_000;

/**
 * Why `day` cannot be the local day of `ts` in any time zone, or null. Each
 * gateway names days in its site's zone (kernel/siteTime.ts), which the
 * centre does not hold, so the day must lie between the instant's day at
 * UTC-12 and at UTC+14: a day that no zone gives is refused.
 */
export function dayMismatch(day: string, ts: number): string | null {
  const site = utcSite();
  const earliest = site.dayOf(ts - WEST_MS);
  const latest = site.dayOf(ts + EAST_MS);
  return day >= earliest && day <= latest
    ? null
    : `day ${day} does not match ts ${ts} (day ${earliest}..${latest})`;
}

/** Why an instant is implausible (outside 2000-01-01 .. now + 1 day), or null. */
export function instantProblem(what: string, ts: number, now: number): string | null {
  if (!Number.isSafeInteger(ts) || ts < EARLIEST_MS) return `${what} ${ts} is before 2000-01-01`;
  if (ts > now + MAX_AHEAD_MS) return `${what} ${ts} is more than a day ahead of the aggregator's clock`;
  return null;
}

/** Why a 'YYYY-MM-DD' is not a real day in the plausible range, or null. */
export function dayProblem(what: string, day: string, now: number): string | null {
  const ms = Date.parse(`${day}T00:00:00Z`);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day)
    return `${what} ${day} is not a date`;
  if (ms < EARLIEST_MS || ms > now + MAX_AHEAD_MS) return `${what} ${day} is out of range`;
  return null;
}

/** Checks every time of a schema-valid item against the bounds and its day against its timestamp. */
export function itemTimeProblem(item: BatchItem, now: number): string | null {
  switch (item.kind) {
    case 'event':
    case 'invalid':
    case 'superseded': {
      const p = item.payload;
      const bad = instantProblem('ts', p.ts, now);
      if (bad !== null) return bad;
      return dayMismatch(p.day, p.ts);
    }
    case 'record': {
      const p = item.payload;
      return (
        dayProblem('day', p.day, now) ??
        instantProblem('decidedAt', p.decidedAt, now) ??
        p.intervals.reduce<string | null>(
          (err, iv) =>
            err ?? instantProblem('interval from', iv.from, now) ?? instantProblem('interval to', iv.to, now),
          null,
        )
      );
    }
    case 'hll':
      return dayProblem('day', item.payload.day, now);
  }
}
