import type { Logger } from 'pino';
import type { Clock } from '../kernel/clock.ts';

export interface ClockHealth {
  /** True while the wall clock is not trusted (skew beyond the bound, or an unconfirmed jump). */
  suspect: boolean;
  /** Local wall clock minus the aggregator's at the last genuine ack (ms); null before the first. */
  skewMs: number | null;
  /** Why the clock is suspect; null when it is not. */
  reason: string | null;
}

/**
 * Is the wall clock to be trusted? Two checks, both against a bound
 * (`clock.maxSkewSec`):
 *  - skew: each genuine ack carries the aggregator's time; the difference to
 *    the local clock when it arrives is the skew (an ack's transit time is
 *    far below the bound);
 *  - jumps: between two checks the wall clock must move as the monotonic
 *    clock does; a step larger than the bound (NTP, a bad RTC, an operator)
 *    makes the clock suspect until an ack within the bound confirms it.
 * While suspect, events are still stored (flagged `clock_suspect`), health
 * is degraded, and ended sessions are not finalised.
 */
export class ClockSanity {
  private skew: number | null = null;
  private skewSuspect = false;
  private jumpReason: string | null = null;
  private anchor: { wall: number; mono: number };
  private reported = false;

  constructor(
    private readonly clock: Clock,
    private readonly maxSkewMs: number,
    private readonly log: Logger,
  ) {
    this.anchor = { wall: clock.now(), mono: clock.monotonic() };
  }

  get suspect(): boolean {
    return this.skewSuspect || this.jumpReason !== null;
  }

  health(): ClockHealth {
    return { suspect: this.suspect, skewMs: this.skew, reason: this.reason() };
  }

  /** The aggregator's wall clock `remoteAt`, seen when the local wall clock read `localAt`. */
  observe(remoteAt: number, localAt: number): void {
    this.checkJump();
    this.skew = localAt - remoteAt;
    this.skewSuspect = Math.abs(this.skew) > this.maxSkewMs;
    // A clock within the bound of the aggregator's is right, whatever it did before.
    if (!this.skewSuspect) this.jumpReason = null;
    this.report();
  }

  /** Compares how far the wall and the monotonic clock moved since the last check. */
  checkJump(): void {
    const wall = this.clock.now();
    const mono = this.clock.monotonic();
    const step = wall - this.anchor.wall - (mono - this.anchor.mono);
    this.anchor = { wall, mono };
    if (Math.abs(step) > this.maxSkewMs) {
      this.jumpReason = `wall clock jumped ${step > 0 ? 'forward' : 'back'} by ${Math.round(Math.abs(step) / 1000)} s`;
      this.log.error(
        { stepMs: step },
        `${this.jumpReason}: events are flagged clock_suspect and sessions are not finalised until an aggregator ack confirms the clock (or the daemon restarts)`,
      );
      this.reported = true;
    }
  }

  private reason(): string | null {
    if (this.jumpReason !== null) return this.jumpReason;
    if (this.skewSuspect && this.skew !== null)
      return `clock differs from the aggregator's by ${Math.round(this.skew / 1000)} s (bound ${this.maxSkewMs / 1000} s)`;
    return null;
  }

  /** One log line per change of the suspect state. */
  private report(): void {
    if (this.suspect === this.reported) return;
    this.reported = this.suspect;
    if (this.suspect) this.log.error({ skewMs: this.skew }, `clock suspect: ${this.reason() ?? ''}`);
    else this.log.info({ skewMs: this.skew }, 'clock confirmed by the aggregator');
  }
}
