import type { SiteDay } from './types.ts';

const DAY_MS = 86_400_000;
const pad = (n: number): string => String(n).padStart(2, '0');

/**
 * Calendar day ('YYYY-MM-DD') of a wall time given as ms since 1970-01-01
 * 00:00 on that wall clock, by arithmetic only (rules/ has no Date).
 * Days-to-civil conversion after H. Hinnant.
 */
function civilDayOf(ts: number): string {
  const z = Math.floor(ts / DAY_MS) + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

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
    dayOf: (ts) => civilDayOf(ts + offsetAt(ts)),
  };
}

/** The UTC clock (no site day given). */
export const UTC_CLOCK: LocalClock = localClock(undefined);
