import type { StoreConnection } from './storeConnection.ts';

export interface DeadLetterRow {
  id: number;
  source: string;
  reason: string;
  payload: string;
  at: number;
}

/** Input the gateway could not use, kept with the reason (`dead_letters`). */
export class DeadLetterTable {
  private readonly insert;
  private readonly count;

  constructor(private readonly conn: StoreConnection) {
    this.insert = conn.db.prepare(
      'INSERT INTO dead_letters (source, reason, payload, at) VALUES (?, ?, ?, ?)',
    );
    this.count = conn.db.prepare<[], number>('SELECT COUNT(*) FROM dead_letters').pluck();
  }

  deadLetter(source: string, reason: string, payload: string, now: number): void {
    this.insert.run(source, reason, payload, now);
  }
  listDeadLetters(): DeadLetterRow[] {
    return this.conn.db
      .prepare('SELECT id, source, reason, payload, at FROM dead_letters ORDER BY id')
      .all() as DeadLetterRow[];
  }
  /** How many dead letters are kept (0 once the store is closed). */
  deadLetterCount(): number {
    return this.conn.isOpen ? this.count.get()! : 0;
  }
}
