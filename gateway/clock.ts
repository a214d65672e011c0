/** Injected time source, so tests control time without sleeping. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests and simulations move by hand; it keeps whole milliseconds, as Date.now() does. */
export class ManualClock implements Clock {
  private t: number;
  constructor(t: number) {
    this.t = Math.floor(t);
  }
  now(): number {
    return this.t;
  }
  set(t: number): void {
    this.t = Math.floor(t);
  }
  advance(ms: number): void {
    this.t = Math.floor(this.t + ms);
  }
}

const DAY_MS = 86_400_000;
/** The last day asked for (most calls in a row ask for the same day): [its first ms, its last ms + 1, its name]. */
let lastDay: [from: number, to: number, day: string] = [0, 0, ''];

/** UTC day ('YYYY-MM-DD') of an epoch-ms instant. */
export function utcDay(ts: number): string {
  if (ts >= lastDay[0] && ts < lastDay[1]) return lastDay[2];
  const day = new Date(ts).toISOString().slice(0, 10);
  // Outside Date's range toISOString has already thrown; UTC days are exactly 86,400,000 ms long.
  const from = Math.floor(ts / DAY_MS) * DAY_MS;
  lastDay = [from, from + DAY_MS, day];
  return day;
}
