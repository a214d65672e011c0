import type { LocalStore } from './localStore.ts';

/** How many dead letters the gateway keeps by default; older ones are dropped first (and counted). */
export const DEAD_LETTER_MAX_ROWS = 10_000;
/** meta key: how many dead letters retention has dropped, ever. */
export const DEAD_LETTERS_DROPPED_KEY = 'dead_letters_dropped';

export interface DeadLetterRow {
  source: string;
  reason: string;
  payload: string;
  at: number;
}

/**
 * Writes dead letters in one transaction and keeps the table at most
 * `maxRows` long, dropping the oldest rows first; the number dropped is
 * added to a counter in `meta`. Returns how many rows were dropped now.
 */
export function writeDeadLetters(store: LocalStore, rows: readonly DeadLetterRow[], maxRows: number): number {
  if (rows.length === 0) return 0;
  const db = store.db;
  return store.tx(() => {
    const insert = db.prepare('INSERT INTO dead_letters (source, reason, payload, at) VALUES (?, ?, ?, ?)');
    for (const r of rows) insert.run(r.source, r.reason, r.payload, r.at);
    const total = db.prepare('SELECT COUNT(*) FROM dead_letters').pluck().get() as number;
    const excess = total - maxRows;
    if (excess <= 0) return 0;
    db.prepare('DELETE FROM dead_letters WHERE id IN (SELECT id FROM dead_letters ORDER BY id LIMIT ?)').run(
      excess,
    );
    store.setMeta(DEAD_LETTERS_DROPPED_KEY, String(deadLettersDropped(store) + excess));
    return excess;
  });
}

/** Dead letters dropped by retention so far. */
export function deadLettersDropped(store: LocalStore): number {
  return Number(store.getMeta(DEAD_LETTERS_DROPPED_KEY) ?? 0);
}
