import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { exitWithin } from '../workerExit.ts';
import type { CheckpointReport, CheckpointRoundsOptions } from './checkpointRounds.ts';
import type { StoreSynchronous } from './storeConnection.ts';

/** What a round copies before it waits for a gap: a few frames, a millisecond or so. */
const TAIL_FRAMES = 256;
/** A round that found no gap hands the tail to the main connection only past this many WAL frames (32 MiB). */
const FALLBACK_FRAMES = 8192;

/** What the rounds did, for health and tests. */
export interface CheckpointCounters {
  /** Rounds that ran to completion, on whichever thread. */
  rounds: number;
  failures: number;
  /** Rounds after which the WAL started over without the main connection copying anything. */
  startedOver: number;
  /** Rounds that found no gap between transactions and handed the tail to the main connection. */
  handedOver: number;
  /** Tails the main connection copied itself, between two transactions (the fallback). */
  tailCopiesOnMain: number;
}

/**
 * Runs WAL checkpoints on a background thread with its own connection: a
 * thread of its own (start()), or the classifier thread, which runs the rounds
 * described by rounds() and passes their reports to report(). The main
 * connection's automatic checkpoint is raised to a safety net (it only
 * triggers if the thread falls far behind or dies). A round copies the WAL and
 * lets it start over without the main connection (see checkpointRounds.ts);
 * only when the writer left no gap for long does it flag the tail, and
 * finishRound(), called between two transactions, copies it on the main
 * connection.
 */
export class BackgroundCheckpointer {
  private worker: Worker | undefined;
  /** Shared with the thread that runs the rounds (see CheckpointRoundsOptions.signal). */
  private readonly shared = new Int32Array(new SharedArrayBuffer(16));
  private failures = 0;
  private tailCopiesOnMain = 0;
  /** PRAGMA synchronous of the connection that runs the rounds (undefined until its first report). */
  threadSynchronous: number | undefined;

  constructor(
    private readonly path: string,
    private readonly log: Logger,
    private readonly everyMs = 1000,
    private readonly synchronous: StoreSynchronous = 'full',
  ) {}

  /** What the rounds did so far (read from shared memory: right even when the event loop is busy). */
  get counters(): CheckpointCounters {
    return {
      rounds: Atomics.load(this.shared, 1),
      failures: this.failures,
      startedOver: Atomics.load(this.shared, 2),
      handedOver: Atomics.load(this.shared, 3),
      tailCopiesOnMain: this.tailCopiesOnMain,
    };
  }

  /** The rounds a background thread runs. */
  rounds(): CheckpointRoundsOptions {
    return {
      everyMs: this.everyMs,
      signal: this.shared.buffer,
      tailFrames: TAIL_FRAMES,
      gapWaitMs: Math.min(50, Math.max(5, this.everyMs / 2)),
      fallbackFrames: FALLBACK_FRAMES,
    };
  }

  /** A round's outcome, from whichever thread ran it. */
  report(r: CheckpointReport): void {
    if (r.ok) this.threadSynchronous = r.synchronous;
    else {
      this.failures++;
      this.log.warn({ error: r.error }, 'background checkpoint failed');
    }
  }

  /** Runs the rounds on a thread of its own. */
  start(): void {
    this.worker = new Worker(new URL('../workerEntry.mjs', import.meta.url), {
      workerData: {
        main: 'store/checkpointWorkerMain',
        path: this.path,
        synchronous: this.synchronous,
        ...this.rounds(),
      },
    });
    this.worker.unref();
    this.worker.on('message', (m: CheckpointReport) => this.report(m));
    this.worker.on('error', (err) =>
      this.log.error({ err }, 'checkpoint worker died; automatic checkpoints remain'),
    );
  }

  /** A round left its tail for the main connection to copy (finishRound has not yet done it). */
  tailPending(): boolean {
    return Atomics.load(this.shared, 0) === 1;
  }

  /** Between transactions on the main connection: copies the tail a round handed over, if it did. */
  finishRound(db: Database.Database): void {
    if (!this.tailPending() || db.inTransaction) return;
    Atomics.store(this.shared, 0, 0);
    this.tailCopiesOnMain++;
    try {
      db.pragma('wal_checkpoint(PASSIVE)');
    } catch (err) {
      this.failures++;
      this.log.warn({ err }, 'checkpoint of the WAL tail failed');
    }
  }

  async stop(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = undefined;
    w.postMessage('stop');
    await exitWithin(w, 2000);
  }
}
