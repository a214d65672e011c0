import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';

/**
 * Runs WAL checkpoints on a worker thread with its own connection. The main
 * connection's automatic checkpoint is raised to a safety net (it only
 * triggers if the worker falls far behind or dies).
 */
export class BackgroundCheckpointer {
  private worker: Worker | undefined;
  failures = 0;

  constructor(
    private readonly path: string,
    private readonly log: Logger,
    private readonly everyMs = 1000,
  ) {}

  start(): void {
    const file = join(dirname(fileURLToPath(import.meta.url)), 'checkpointWorker.mjs');
    this.worker = new Worker(file, { workerData: { path: this.path, everyMs: this.everyMs } });
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
