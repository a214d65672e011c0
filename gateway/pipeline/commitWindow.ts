import { performance } from 'node:perf_hooks';

/**
 * Group commit: a transaction starts at most once per `windowMs`. Inputs that
 * arrive sooner after the last one wait for the window to pass and go in one
 * transaction together (one WAL sync for all of them, and a gap between two
 * transactions in which the checkpoint thread can let the WAL start over).
 * An input after a quiet spell is committed at once: the window adds latency
 * only under a flood, and at most `windowMs`. Monotonic time.
 */
export class CommitWindow {
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly windowMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** How long to wait before the next transaction may start, ms (0: now). */
  delay(): number {
    return Math.max(0, this.last + this.windowMs - this.now());
  }

  /** A transaction starts now. */
  started(): void {
    this.last = this.now();
  }
}
