// The ingest benchmark's anchor: the events the pipeline stored, inserted again
// with plain better-sqlite3 into a fresh file holding only the events table
// (same columns, same indexes), with the store's pragmas and the same number of
// events per transaction. What SQLite itself costs, with no validation,
// classification or outbox: the pipeline's rate is read against it.
import Database from 'better-sqlite3';

export interface AnchorOptions {
  /** The store the pipeline wrote (read only). */
  from: string;
  /** A fresh file for the raw inserts. */
  to: string;
  batch: number;
  synchronous: 'full' | 'normal';
  cacheMb: number;
}

const COLUMNS =
  'event_id, source, student_id, raw_id, gate_id, hall_id, direction, ts, day, confidence, track_id, received_at';

/** Inserts the events of `from` into `to`, `batch` per transaction; returns their number and rate. */
export function rawInsertAnchor(o: AnchorOptions): { events: number; perSec: number } {
  const src = new Database(o.from, { readonly: true });
  const schema = src
    .prepare<[], { sql: string }>(
      "SELECT sql FROM sqlite_master WHERE tbl_name = 'events' AND sql IS NOT NULL ORDER BY type DESC",
    )
    .all()
    .map((r) => r.sql);
  // Read a chunk at a time (not timed), so the anchor needs no more memory than the benchmark.
  const chunk = src
    .prepare<[number], unknown[]>(`SELECT ${COLUMNS} FROM events ORDER BY seq LIMIT 10000 OFFSET ?`)
    .raw();

  const db = new Database(o.to);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${o.synchronous}`);
  db.pragma(`cache_size = -${o.cacheMb * 1024}`);
  for (const sql of schema) db.exec(sql);
  const insert = db.prepare(`INSERT INTO events (${COLUMNS}) VALUES (${COLUMNS.replace(/\w+/g, '?')})`);
  const tx = db.transaction((rows: unknown[][], from: number, to: number) => {
    for (let i = from; i < to; i++) insert.run(rows[i]!);
  });
  let events = 0;
  let nanos = 0n;
  for (let rows = chunk.all(0); rows.length > 0; rows = chunk.all(events)) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < rows.length; i += o.batch) tx(rows, i, Math.min(rows.length, i + o.batch));
    nanos += process.hrtime.bigint() - t0;
    events += rows.length;
  }
  src.close();
  db.close();
  return { events, perSec: events / (Number(nanos) / 1e9) };
}
