import { appendFileSync, existsSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import type { Logger } from 'pino';

/**
 * Where inputs go when the store cannot take them (disk full, I/O error):
 * appended as JSON lines to a file beside the database, with a bounded
 * in-memory tail when even that fails. Replayed by the pipeline once the
 * store accepts writes again; event ids make the replay idempotent.
 */
export class Spool<T> {
  private memory: T[] = [];
  private dropped = 0;

  constructor(
    private readonly path: string,
    private readonly log: Logger,
    private readonly maxInMemory = 10_000,
  ) {}

  put(items: T[]): void {
    try {
      appendFileSync(this.path, items.map((i) => JSON.stringify(i)).join('\n') + '\n', { mode: 0o600 });
    } catch (err) {
      this.log.error(
        { err, spool: this.path, items: items.length },
        'cannot write spool file; keeping inputs in memory',
      );
      for (const i of items) {
        if (this.memory.length >= this.maxInMemory) {
          this.memory.shift();
          this.dropped++;
        }
        this.memory.push(i);
      }
    }
  }

  /** Inputs lost because memory was full too (reported in health). */
  droppedCount(): number {
    return this.dropped;
  }

  /**
   * Hands every spooled input to `replay` (oldest first); on success the spool
   * is emptied, on failure everything stays spooled.
   */
  drain(replay: (items: T[]) => void): number {
    const taking = `${this.path}.draining`;
    let fromFile: T[] = [];
    if (existsSync(taking)) fromFile = this.readLines(taking);
    if (existsSync(this.path)) {
      const more = this.readLines(this.path);
      fromFile = fromFile.concat(more);
      if (existsSync(taking)) unlinkSync(taking);
      renameSync(this.path, taking);
    }
    const items = fromFile.concat(this.memory);
    if (items.length === 0) return 0;
    try {
      replay(items);
    } catch (err) {
      // Put the file back; memory items stay where they are.
      if (existsSync(taking)) renameSync(taking, this.path);
      throw err;
    }
    if (existsSync(taking)) unlinkSync(taking);
    this.memory = [];
    return items.length;
  }

  private readLines(p: string): T[] {
    const out: T[] = [];
    for (const line of readFileSync(p, 'utf8').split('\n')) {
      if (!line) continue;
      try {
        out.push(JSON.parse(line) as T);
      } catch {
        this.log.warn({ spool: p }, 'skipping a torn spool line');
      }
    }
    return out;
  }
}
