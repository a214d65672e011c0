import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Logger } from 'pino';

/** What the worker leaves for the main connection to copy: a few frames, a millisecond or so. */
const TAIL_FRAMES = 256;

/**
 * Runs WAL checkpoints on a worker thread with its own connection. The main
 * connection's automatic checkpoint is raised to a safety net (it only
 * triggers if the worker falls far behind or dies). After each round the
 * worker flags that only a short tail is left; finishRound(), called between
 * two transactions, copies it on the main connection so the WAL can start
 * over at its head (see checkpointWorker.mjs for why the worker cannot).
 */
export class BackgroundCheckpointer {
  private worker: Worker | undefined;
  private readonly tailReady = new Int32Array(new SharedArrayBuffer(4));
  failures = 0;

  constructor(
    private readonly path: string,
    private readonly log: Logger,
    private readonly everyMs = 1000,
  ) {}

  start(): void {
    const file = join(dirname(fileURLToPath(import.meta.url)), 'checkpointWorker.mjs');
    this.worker = new Worker(file, {
      workerData: {
        path: this.path,
        everyMs: this.everyMs,
        signal: this.tailReady.buffer,
        tailFrames: TAIL_FRAMES,
      },
    });
    this.worker.unref();
    this.worker.on('message', (m: { ok: boolean; error?: string }) => {
      if (!m.ok) {
        this.failures++;
        this.log.warn({ error: m.error }, 'background checkpoint failed');
      }
    });
    this.worker.on('error', (err) =>
      this.log.error({ err }, 'checkpoint worker died; automatic checkpoints remain'),
    );
  }

  /** Between transactions on the main connection: copies the tail a worker round left, if it left one. */
  finishRound(db: Database.Database): void {
    if (Atomics.load(this.tailReady, 0) === 0 || db.inTransaction) return;
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
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    w.postMessage('stop');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    await w.terminate();
  }
}
