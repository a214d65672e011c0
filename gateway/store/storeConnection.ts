import Database from 'better-sqlite3';
import { migrate } from './migrate.ts';

/** PRAGMA synchronous of a store connection: full (durable across power loss) or normal (across crashes only). */
export type StoreSynchronous = 'full' | 'normal';

/** Kinds of the outbox rows the store queues in the same transaction as the write they describe. */
export type OutboxKind = 'event' | 'record' | 'invalid' | 'hll' | 'superseded';

/**
 * One connection to the local store: the handle, its transactions and the
 * outbox insert every synced write shares. Only gateway/store/ sees it.
 */
export class StoreConnection {
  private readonly committedHooks: (() => void)[] = [];
  private readonly outboxInsert;

  constructor(readonly db: Database.Database) {
    this.outboxInsert = db.prepare('INSERT INTO outbox (kind, payload, created_at) VALUES (?, ?, ?)');
  }

  /** Opens (creating if needed) a writable connection, applies pragmas and migrations. */
  static open(path: string, synchronous: StoreSynchronous, now: number): Database.Database {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -4000');
    migrate(db, undefined, now);
    return db;
  }

  /** Opens an existing store read-only (the caller checked that it exists). */
  static openReadOnly(path: string): Database.Database {
    const db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    return db;
  }

  get isOpen(): boolean {
    return this.db.open;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Runs fn in one transaction (nested calls join the outer one). */
  tx<T>(fn: () => T): T {
    const result = this.db.transaction(fn)();
    if (!this.db.inTransaction) for (const hook of this.committedHooks) hook();
    return result;
  }

  /** Runs `hook` after each outermost transaction of tx() commits (WAL upkeep between transactions). */
  onCommitted(hook: () => void): void {
    this.committedHooks.push(hook);
  }

  /** Queues an outbox row (call inside the transaction of the write it describes). */
  queue(kind: OutboxKind, payload: string, at: number): void {
    this.outboxInsert.run(kind, payload, at);
  }
}
