import { HallgateError } from '../../kernel/errors.ts';
import { addDays, parseDay, weekdayOfDay } from '../../kernel/siteTime.ts';
import type { DayRange } from './reportTable.ts';

/** Longest range a report reads (stores are read day by day for some queries). */
export const MAX_RANGE_DAYS = 731;

const MS_PER_DAY = 86_400_000;

/** Calendar days are zone-free: a range of local days is counted on the calendar. */
function dayMs(day: string, what: string): number {
  const p = parseDay(day);
  if (p === null) throw new HallgateError('USAGE', `${what} must be a date YYYY-MM-DD, got '${day}'`);
  return Date.UTC(p[0], p[1] - 1, p[2]);
}

/** Checks a user-given range: real dates, from <= to, at most MAX_RANGE_DAYS days. */
export function parseDayRange(from: string | undefined, to: string | undefined): DayRange {
  if (from === undefined || to === undefined)
    throw new HallgateError('USAGE', '--from and --to are required');
  const a = dayMs(from, '--from');
  const b = dayMs(to, '--to');
  if (a > b) throw new HallgateError('USAGE', `--from ${from} is after --to ${to}`);
  if ((b - a) / MS_PER_DAY + 1 > MAX_RANGE_DAYS) {
    throw new HallgateError('USAGE', `range ${from}..${to} is longer than ${MAX_RANGE_DAYS} days`);
  }
  return { from, to };
}

/** Every day of the range, in order. */
export function daysOf(range: DayRange): string[] {
  const out: string[] = [];
  const n = (dayMs(range.to, 'to') - dayMs(range.from, 'from')) / MS_PER_DAY;
  for (let i = 0; i <= n; i++) out.push(addDays(range.from, i));
  return out;
}

export const WEEKDAYS = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
] as const;

/** ISO weekday index of a (local) day (0 = Monday .. 6 = Sunday). */
export function weekdayIndex(day: string): number {
  dayMs(day, 'day');
  return weekdayOfDay(day);
}
