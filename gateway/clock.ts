/** Injected time source, so tests control time without sleeping. */
export interface Clock {
  /** Epoch milliseconds (wall clock): for instants that are stored. It may jump. */
  now(): number;
  /**
   * Milliseconds from an arbitrary origin that never jump or go back: for every
   * timeout, retry and interval (performance.now in production).
   */
  monotonic(): number;
}

export const systemClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };

/**
 * A clock tests and simulations move by hand; it keeps whole milliseconds, as
 * Date.now() does. `advance` and a forward `set` are time passing (both clocks
 * move); `jump` steps the wall clock only, as an NTP step or a wrong RTC does.
 */
export class ManualClock implements Clock {
  private t: number;
  private mono = 0;
  constructor(t: number) {
    this.t = Math.floor(t);
  }
  now(): number {
    return this.t;
  }
  monotonic(): number {
    return this.mono;
  }
  set(t: number): void {
    const next = Math.floor(t);
    this.mono += Math.max(0, next - this.t);
    this.t = next;
  }
  advance(ms: number): void {
    const next = Math.floor(this.t + ms);
    this.mono += Math.max(0, next - this.t);
    this.t = next;
  }
  /** Steps the wall clock by `ms` (either way) while no time passes. */
  jump(ms: number): void {
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
