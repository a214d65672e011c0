import type { Logger } from 'pino';

/** An error reduced to what a log line needs (no stack: the cause is the disk, not the code). */
function brief(err: unknown): { code?: string; message: string } {
  const e = err as { code?: unknown; message?: unknown };
  return {
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    message: typeof e.message === 'string' ? e.message : String(err),
  };
}

/**
 * Logs the store refusing writes once per change of condition: one error when
 * it starts refusing (with the first error), one line when it takes writes
 * again (with how many inputs were spooled meanwhile), nothing per swipe.
 */
export class StoreRefusal {
  private refusing = false;
  private spooled = 0;

  constructor(private readonly log: Logger) {}

  /** A write was refused; `inputs` went to the spool. */
  refused(err: unknown, inputs: number): void {
    this.spooled += inputs;
    if (this.refusing) return;
    this.refusing = true;
    this.log.error(
      { error: brief(err), inputs },
      'store refuses writes (disk full?): inputs are spooled until it takes them again',
    );
  }

  /** A write went through; `replayed` spooled inputs were stored with it. */
  accepted(replayed: number): void {
    if (!this.refusing) {
      if (replayed > 0) this.log.info({ replayed }, 'spooled inputs replayed');
      return;
    }
    this.refusing = false;
    this.log.warn({ spooledMeanwhile: this.spooled, replayed }, 'store takes writes again');
    this.spooled = 0;
  }

  isRefusing(): boolean {
    return this.refusing;
  }
}
