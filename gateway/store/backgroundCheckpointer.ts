import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';
import { exitWithin } from '../workerExit.ts';
import type { CheckpointReport, CheckpointRoundsOptions } from './checkpointRounds.ts';

/** What the worker leaves for the main connection to copy: a few frames, a millisecond or so. */
const TAIL_FRAMES = 256;

/**
 * Runs WAL checkpoints on a background thread with its own connection: a
 * thread of its own (start()), or the classifier thread, which runs the rounds
 * described by rounds() and passes their reports to report(). The main
 * connection's automatic checkpoint is raised to a safety net (it only
 * triggers if the thread falls far behind or dies). After each round the
 * thread flags that only a short tail is left; finishRound(), called between
 * two transactions, copies it on the main connection so the WAL can start
 * over at its head (see checkpointRounds.ts for why the thread cannot).
 */
export class BackgroundCheckpointer {
  private worker: Worker | undefined;
  private readonly tailReady = new Int32Array(new SharedArrayBuffer(4));
  failures = 0;
  /** Rounds that ran to completion, on whichever thread. */
  roundsDone = 0;

  constructor(
    private readonly path: string,
    private readonly log: Logger,
    private readonly everyMs = 1000,
  ) {}

  /** The rounds a background thread runs. */
  rounds(): CheckpointRoundsOptions {
    return {
      everyMs: this.everyMs,
      signal: this.tailReady.buffer,
      tailFrames: TAIL_FRAMES,
    };
  }

  /** A round's outcome, from whichever thread ran it. */
  report(r: CheckpointReport): void {
    if (r.ok) this.roundsDone++;
    else {
      this.failures++;
      this.log.warn({ error: r.error }, 'background checkpoint failed');
    }
  }

  /** Runs the rounds on a thread of its own. */
  start(): void {
    this.worker = new Worker(new URL('../workerEntry.mjs', import.meta.url), {
      workerData: { main: 'store/checkpointWorkerMain', path: this.path, ...this.rounds() },
    });
    this.worker.unref();
    this.worker.on('message', (m: CheckpointReport) => this.report(m));
    this.worker.on('error', (err) =>
      this.log.error({ err }, 'checkpoint worker died; automatic checkpoints remain'),
    );
  }

  /** A round left its tail for the main connection to copy (finishRound has not yet done it). */
  tailPending(): boolean {
    return Atomics.load(this.tailReady, 0) === 1;
  }

  /** Between transactions on the main connection: copies the tail a worker round left, if it left one. */
  finishRound(db: Database.Database): void {
    if (!this.tailPending() || db.inTransaction) return;
    Atomics.store(this.tailReady, 0, 0);
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
