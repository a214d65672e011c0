import { HallgateError } from '../../gateway/errors.ts';
import type { DayRange } from './reportTable.ts';

/** Longest range a report reads (stores are read day by day for some queries). */
export const MAX_RANGE_DAYS = 731;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

function dayMs(day: string, what: string): number {
  const m = DAY.exec(day);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) {
    throw new HallgateError('USAGE', `${what} must be a date YYYY-MM-DD, got '${day}'`);
  }
  return ms;
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
  for (let t = dayMs(range.from, 'from'); t <= dayMs(range.to, 'to'); t += MS_PER_DAY) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
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

/** ISO weekday index of a day (0 = Monday .. 6 = Sunday). */
export function weekdayIndex(day: string): number {
  return (new Date(dayMs(day, 'day')).getUTCDay() + 6) % 7;
}
