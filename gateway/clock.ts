/** Injected time source, so tests control time without sleeping. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  set(t: number): void {
    this.t = t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

/** UTC day ('YYYY-MM-DD') of an epoch-ms instant. */
export function utcDay(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}
