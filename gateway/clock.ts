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
