import type { Database } from 'better-sqlite3';

/** Rows read per query while the pages hold; a range that fails is halved down to single rows. */
const WINDOW = 512;
/** Consecutive empty windows (about 50 million rowids) after which a table is taken as read. */
const MAX_EMPTY_WINDOWS = 100_000;

export interface TableSalvage {
  /** Rows copied into the fresh store. */
  copied: number;
  /**
   * Rows given up: rowids whose pages could not be read (an estimate where the
   * range had gaps) and rows read with damaged text.
   */
  unreadable: number;
}

/**
 * Garbage in an overflow page is not always noticed by SQLite: such a row
 * reads back with text that is not valid UTF-8 (U+FFFD after decoding) or holds
 * control characters no column of the store ever has. Those rows are dropped.
 */
// eslint-disable-next-line no-control-regex
const DAMAGED_TEXT = /[\uFFFD\u0000-\u0008\u000B\u000C\u000E-\u001F]/;

function looksDamaged(row: unknown[]): boolean {
  return row.some((v) => typeof v === 'string' && DAMAGED_TEXT.test(v));
}

/**
 * Copies what SQLite can still read of one table of a damaged database into
 * the same table of a fresh one, by rowid ranges (the table's own b-tree, no
 * index), halving a range that errors down to single rows and skipping those.
 * Only the columns both tables have are copied, rowids included, so outbox rows
 * keep their sequence numbers.
 */
export function salvageTable(from: Database, to: Database, table: string): TableSalvage {
  const cols = sharedColumns(from, to, table);
  const result: TableSalvage = { copied: 0, unreadable: 0 };
  if (cols.length === 0) return result;
  const max = rowidBound(from, table, 'MAX');
  if (max === null) return result;
  const min = rowidBound(from, table, 'MIN') ?? 1;
  const list = cols.map((c) => `"${c}"`).join(', ');
  const read = from.prepare(`SELECT rowid, ${list} FROM "${table}" WHERE rowid >= ? AND rowid < ?`).raw();
  const write = to.prepare(
    `INSERT OR IGNORE INTO "${table}" (rowid, ${list}) VALUES (${['?', ...cols.map(() => '?')].join(', ')})`,
  );
  let seen = 0;
  const copyRange = (lo: number, hi: number): void => {
    let batch: unknown[][];
    try {
      batch = read.all(lo, hi) as unknown[][];
    } catch {
      if (hi - lo <= 1) {
        result.unreadable++;
        return;
      }
      const mid = lo + Math.floor((hi - lo) / 2);
      copyRange(lo, mid);
      copyRange(mid, hi);
      return;
    }
    seen += batch.length;
    for (const row of batch) {
      if (looksDamaged(row)) result.unreadable++;
      else result.copied += write.run(...row).changes;
    }
  };
  to.transaction(() => {
    // A bound read from a damaged page could be absurd: give up after a long stretch with no row at all.
    let empty = 0;
    for (let lo = min; lo <= max && empty < MAX_EMPTY_WINDOWS; lo += WINDOW) {
      const before = seen;
      copyRange(lo, lo + WINDOW);
      empty = seen === before ? empty + 1 : 0;
    }
  })();
  return result;
}

function columnsOf(db: Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string }[]).map((c) => c.name);
}

function sharedColumns(from: Database, to: Database, table: string): string[] {
  try {
    const have = new Set(columnsOf(from, table));
    return columnsOf(to, table).filter((c) => have.has(c));
  } catch {
    return [];
  }
}

/** The smallest or largest rowid in use, from the table or (largest, if that page is damaged) from sqlite_sequence. */
function rowidBound(db: Database, table: string, fn: 'MIN' | 'MAX'): number | null {
  try {
    return (db.prepare(`SELECT ${fn}(rowid) FROM "${table}"`).pluck().get() as number | null) ?? null;
  } catch {
    if (fn === 'MIN') return null;
    try {
      const seq = db.prepare('SELECT seq FROM sqlite_sequence WHERE name = ?').pluck().get(table);
      return typeof seq === 'number' ? seq : null;
    } catch {
      return null;
    }
  }
}
