import type Database from 'better-sqlite3';
import type { OutboxQueue, OutboxRow } from '../../sync/outbox.ts';
import type { RecordRow } from './recordRow.ts';

/** A record row with its manual note, as the uplink sends it. */
type ResolvedRow = Omit<RecordRow, 'fingerprint'> & { note: string | null };

function statements(db: Database.Database) {
  return {
    after: db.prepare<[number, number], OutboxRow>(
      'SELECT seq, kind, payload, created_at AS createdAt FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?',
    ),
    del: db.prepare<[string]>('DELETE FROM outbox WHERE seq IN (SELECT value FROM json_each(?))'),
    copyDead: db.prepare<[{ reason: string; at: number; list: string }]>(
      `INSERT INTO dead_letters (source, reason, payload, at)
       SELECT 'sync', @reason, json_object('seq', seq, 'kind', kind, 'payload', payload, 'createdAt', created_at), @at
       FROM outbox WHERE seq IN (SELECT value FROM json_each(@list))`,
    ),
    depth: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox'),
    oldest: db.prepare<[], { createdAt: number }>(
      'SELECT created_at AS createdAt FROM outbox ORDER BY seq LIMIT 1',
    ),
    summary: db.prepare<[], { n: number; oldest: number | null }>(
      'SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox',
    ),
    record: db.prepare<[string, string], ResolvedRow>(
      `SELECT r.student_id, r.session_id, r.course_id, r.hall_id, r.day, r.version, r.status, r.minutes_present,
              r.flags, r.explanations, r.event_ids, r.intervals, r.decided_at, m.note
       FROM attendance_records r
       LEFT JOIN manual_decisions m ON m.student_id = r.student_id AND m.session_id = r.session_id
       WHERE r.student_id = ? AND r.session_id = ?`,
    ),
  };
}

/**
 * The `outbox` table as the uplink's queue: read oldest first, delete on ack,
 * move unsendable rows to `dead_letters`, and resolve record references.
 * Statements are prepared on first use (the uplink may start before any row).
 */
export class SqliteOutboxQueue implements OutboxQueue {
  private stmts: ReturnType<typeof statements> | undefined;

  constructor(private readonly db: Database.Database) {}

  private get s(): ReturnType<typeof statements> {
    this.stmts ??= statements(this.db);
    return this.stmts;
  }

  readAfter(afterSeq: number, limit: number): OutboxRow[] {
    return this.s.after.all(afterSeq, limit);
  }
  remove(seqs: readonly number[]): number {
    return this.s.del.run(JSON.stringify(seqs)).changes;
  }
  moveToDeadLetters(seqs: readonly number[], reason: string, at: number): number {
    const list = JSON.stringify(seqs);
    return this.db.transaction(() => {
      this.s.copyDead.run({ reason, at, list });
      return this.s.del.run(list).changes;
    })();
  }
  depth(): number {
    return this.s.depth.get()!.n;
  }
  oldestCreatedAt(): number | null {
    return this.s.oldest.get()?.createdAt ?? null;
  }
  /** Depth and the earliest creation instant of any queued row (the health report's view). */
  summary(): { depth: number; oldest: number | null } {
    const r = this.s.summary.get()!;
    return { depth: r.n, oldest: r.oldest };
  }
  /** The store's file (null: in memory), for the free space on its filesystem. */
  file(): string | null {
    return this.db.memory || this.db.name === '' ? null : this.db.name;
  }

  /** The record's payload JSON (the shape sync/schema.ts validates) as it stands now; null when not stored. */
  recordPayload(studentId: string, sessionId: string): string | null {
    const r = this.s.record.get(studentId, sessionId);
    if (!r) return null;
    // The JSON columns hold JSON.stringify output already: spliced in, not parsed and serialised again.
    const manual = r.note !== null;
    const note = r.note ? `,"note":${JSON.stringify(r.note)}` : '';
    return (
      `{"studentId":${JSON.stringify(r.student_id)},"sessionId":${JSON.stringify(r.session_id)},` +
      `"courseId":${JSON.stringify(r.course_id)},"hallId":${JSON.stringify(r.hall_id)},` +
      `"status":${JSON.stringify(r.status)},"minutesPresent":${r.minutes_present},"intervals":${r.intervals},` +
      `"flags":${r.flags},"explanations":${r.explanations},"eventIds":${r.event_ids},` +
      `"day":${JSON.stringify(r.day)},"version":${r.version},"decidedAt":${r.decided_at},"manual":${manual}${note}}`
    );
  }
}
