import type { Logger } from 'pino';
import type { LocalStore } from '../store/localStore.ts';
import { DEAD_LETTER_MAX_ROWS, writeDeadLetters, type DeadLetterRow } from '../store/deadLetterRetention.ts';
import type { BadFrameEvent, BadFrameReason } from './badgeReader.ts';

/** Samples of rejected bytes kept per run (each at most 32 bytes, as the reader cut them). */
const SAMPLES_PER_RUN = 4;

/** Consecutive bad frames of one reader, kept as one dead letter. */
interface Run {
  source: string;
  firstAt: number;
  lastAt: number;
  frames: number;
  reasons: Partial<Record<BadFrameReason, number>>;
  samples: string[];
}

export interface NoiseQuarantineOptions {
  /** Runs are written at most this long after their first bad frame. */
  flushAfterMs?: number;
  /** Runs waiting to be written beyond this are written at once (one transaction). */
  maxPending?: number;
  /** Longest the dead_letters table grows; oldest rows go first. */
  maxRows?: number;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * Quarantines garbage from the serial line without a write per bad frame:
 * consecutive bad frames of a reader (until a good frame or a flush) become
 * one run, counted per reason with a few byte samples, and runs are written
 * together in one transaction, a short while later or once enough wait. The
 * table is capped (oldest first, dropped rows counted in meta).
 */
export class NoiseQuarantine {
  private readonly open = new Map<string, Run>();
  private closed: Run[] = [];
  private timer: unknown;
  private failing = false;
  private lost = 0;
  private readonly flushAfterMs: number;
  private readonly maxPending: number;
  private readonly maxRows: number;

  constructor(
    private readonly store: LocalStore,
    private readonly log: Logger,
    opts: NoiseQuarantineOptions = {},
    private readonly timers: Timers = realTimers,
  ) {
    this.flushAfterMs = opts.flushAfterMs ?? 1000;
    this.maxPending = opts.maxPending ?? 256;
    this.maxRows = opts.maxRows ?? DEAD_LETTER_MAX_ROWS;
  }

  /** A bad frame: joins its reader's open run. */
  add(ev: BadFrameEvent, now: number): void {
    const source = `serial:${ev.readerId}`;
    let run = this.open.get(source);
    if (!run) {
      run = { source, firstAt: now, lastAt: now, frames: 0, reasons: {}, samples: [] };
      this.open.set(source, run);
    }
    run.frames++;
    run.lastAt = now;
    run.reasons[ev.reason] = (run.reasons[ev.reason] ?? 0) + 1;
    if (run.samples.length < SAMPLES_PER_RUN) run.samples.push(ev.bytes);
    this.schedule();
  }

  /** A good frame from the reader ends its run of noise. */
  endRun(readerId: string): void {
    const source = `serial:${readerId}`;
    const run = this.open.get(source);
    if (!run) return;
    this.open.delete(source);
    this.closed.push(run);
    if (this.closed.length >= this.maxPending) this.flush();
  }

  /** Writes every run (open ones too) in one transaction. Returns the rows written. */
  flush(): number {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    const runs = [...this.closed, ...this.open.values()];
    if (runs.length === 0) return 0;
    try {
      const dropped = writeDeadLetters(this.store, runs.map(toRow), this.maxRows);
      if (dropped > 0)
        this.log.warn({ dropped, maxRows: this.maxRows }, 'oldest dead letters dropped (table full)');
      if (this.failing) this.log.info('dead letters written again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.log.warn({ err, runs: runs.length }, 'cannot write dead letters; keeping them');
      this.failing = true;
      return this.keepBounded(runs);
    }
    this.closed = [];
    this.open.clear();
    return runs.length;
  }

  /** Bad-frame runs that could not be kept (the store refused writes and too many were waiting). */
  lostRuns(): number {
    return this.lost;
  }

  private keepBounded(runs: Run[]): number {
    this.open.clear();
    this.closed = runs;
    if (this.closed.length > this.maxPending) {
      this.lost += this.closed.length - this.maxPending;
      this.closed = this.closed.slice(-this.maxPending);
    }
    this.schedule();
    return 0;
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.flushAfterMs);
  }
}

function toRow(r: Run): DeadLetterRow {
  const reasons = Object.entries(r.reasons).sort((a, b) => b[1] - a[1]);
  return {
    source: r.source,
    reason: reasons.map(([k, n]) => `${k} x${n}`).join(', '),
    payload: JSON.stringify({
      frames: r.frames,
      reasons: Object.fromEntries(reasons),
      firstAt: r.firstAt,
      lastAt: r.lastAt,
      samples: r.samples,
    }),
    at: r.firstAt,
  };
}
