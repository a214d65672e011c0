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
