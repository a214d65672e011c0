import { utcDayOf } from './utcDay.ts';
import type { SiteDay } from './types.ts';

const DAY_MS = 86_400_000;
const pad = (n: number): string => String(n).padStart(2, '0');

/** Local clock times and days of instants, from a day's offsets given as data. */
export interface LocalClock {
  /** 'HH:MM:SS', local. */
  clockOf: (ts: number) => string;
  /** 'YYYY-MM-DD', local. */
  dayOf: (ts: number) => string;
}

/** 'HH:MM:SS' of a wall time given as ms (a UTC instant shifted by its offset). */
function wallClock(wall: number): string {
  const s = Math.floor((((wall % DAY_MS) + DAY_MS) % DAY_MS) / 1000);
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/**
 * The clock of a site day: the offset of an instant is the last one in force at
 * it (before the day's start, the first; the engine only reads instants of the
 * day and its edges). Without a site day: UTC.
 */
export function localClock(siteDay: SiteDay | undefined): LocalClock {
  const offsets = siteDay?.offsets ?? [];
  const offsetAt = (ts: number): number => {
    let o = offsets[0]?.offsetMs ?? 0;
    for (const x of offsets) if (x.from <= ts) o = x.offsetMs;
    return o;
  };
  return {
    clockOf: (ts) => wallClock(ts + offsetAt(ts)),
    dayOf: (ts) => utcDayOf(ts + offsetAt(ts)),
  };
}

/** The UTC clock (no site day given). */
export const UTC_CLOCK: LocalClock = localClock(undefined);
