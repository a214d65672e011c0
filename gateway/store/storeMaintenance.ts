import type { BackgroundCheckpointer } from './backgroundCheckpointer.ts';
import {
  startCheckpointRounds,
  type CheckpointReport,
  type CheckpointRoundsOptions,
} from './checkpointRounds.ts';
import type { StoreConnection } from './storeConnection.ts';

/** Retention targets: each deletes old rows of one table family in batches. */
export type RetentionTarget = 'rfidEvents' | 'faceEvents' | 'invalidAttempts' | 'deadLetters';

const RETENTION: Record<RetentionTarget, { select: string; del: string }> = {
  rfidEvents: {
    select: "SELECT seq FROM events WHERE source = 'rfid' AND ts < ? ORDER BY seq LIMIT ?",
    del: 'DELETE FROM events WHERE seq = ?',
  },
  faceEvents: {
    select: "SELECT seq FROM events WHERE source = 'face' AND ts < ? ORDER BY seq LIMIT ?",
    del: 'DELETE FROM events WHERE seq = ?',
  },
  invalidAttempts: {
    select: 'SELECT event_id FROM invalid_attempts WHERE ts < ? LIMIT ?',
    del: 'DELETE FROM invalid_attempts WHERE event_id = ?',
  },
  deadLetters: {
    select: 'SELECT id FROM dead_letters WHERE at < ? ORDER BY id LIMIT ?',
    del: 'DELETE FROM dead_letters WHERE id = ?',
  },
};

/**
 * The connection-level upkeep the daemon needs (page cache, WAL tuning and
 * checkpoints, backups, retention, change detection), so nothing outside
 * gateway/store/ holds the SQLite handle.
 */
export class StoreMaintenance {
  constructor(private readonly conn: StoreConnection) {}

  get isOpen(): boolean {
    return this.conn.isOpen;
  }
  /** Sets this connection's page cache. */
  setCacheMb(mb: number): void {
    this.conn.db.pragma(`cache_size = -${mb * 1024}`);
  }
  /** Leaves checkpoints to a background thread: a far-off autocheckpoint and a WAL size limit. */
  deferCheckpoints(autocheckpointPages: number, journalSizeLimitBytes: number): void {
    this.conn.db.pragma(`wal_autocheckpoint = ${autocheckpointPages}`);
    this.conn.db.pragma(`journal_size_limit = ${journalSizeLimitBytes}`);
  }
  /** Copies on this connection the WAL tail a background round handed over, if any. */
  finishCheckpointRound(checkpointer: BackgroundCheckpointer): void {
    checkpointer.finishRound(this.conn.db);
  }
  /** Runs checkpoint rounds on this connection, between its jobs; returns the stop function. */
  startCheckpointRounds(o: CheckpointRoundsOptions, report: (r: CheckpointReport) => void): () => void {
    return startCheckpointRounds(this.conn.db, o, report);
  }
  /** Runs fn in one deferred (read) transaction: every read sees the same snapshot. */
  readSnapshot<T>(fn: () => T): T {
    return this.conn.db.transaction(fn).deferred();
  }
  /** PRAGMA data_version: changes when another connection committed. */
  dataVersion(): number {
    return this.conn.db.pragma('data_version', { simple: true }) as number;
  }
  /** An online, consistent copy of the store into `file`. */
  async backup(file: string): Promise<void> {
    await this.conn.db.backup(file);
  }
  /**
   * Deletes up to `batch` rows of `target` older than `cutoff` in one
   * transaction; returns how many went (0 once the store is closed).
   */
  deleteOlderThan(target: RetentionTarget, cutoff: number, batch: number): number {
    if (!this.conn.isOpen) return 0;
    const { select, del } = RETENTION[target];
    const find = this.conn.db.prepare<[number, number], unknown>(select).pluck();
    const remove = this.conn.db.prepare<[unknown]>(del);
    return this.conn.tx(() => {
      const keys = find.all(cutoff, batch);
      for (const k of keys) remove.run(k);
      return keys.length;
    });
  }
}
