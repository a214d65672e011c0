import type { Database, Statement } from 'better-sqlite3';
import type { RecordRow } from '../gateway/store/recordRow.ts';

/**
 * A 'record' outbox row may name the record instead of carrying it: the store
 * queues `{"studentId":…,"sessionId":…}` and the outbox, when it reads the
 * row, sends the record as it stands then (its latest version, which the
 * central stores keep over any earlier one). Rows with a full payload (no
 * `version`) are sent as they are.
 */
export function recordRef(studentId: string, sessionId: string): string {
  return `{"studentId":${JSON.stringify(studentId)},"sessionId":${JSON.stringify(sessionId)}}`;
}

/** True when a parsed 'record' payload is a reference rather than a full record. */
export function isRecordRef(v: object): v is { studentId: string; sessionId: string } {
  return (
    !('version' in v) &&
    typeof (v as { studentId?: unknown }).studentId === 'string' &&
    typeof (v as { sessionId?: unknown }).sessionId === 'string'
  );
}

/** The columns the resolver reads: the record without its fingerprint, plus a manual decision's note. */
type ResolvedRow = Omit<RecordRow, 'fingerprint'> & { note: string | null };

/** Turns record references into the record payload JSON (the shape sync/schema.ts validates) from the gateway's store. */
export class RecordRefResolver {
  private stmt: Statement<[string, string], ResolvedRow> | undefined;

  constructor(private readonly db: Database) {}

  /** The record's payload JSON as it stands now; null when no such record is stored. */
  resolve(studentId: string, sessionId: string): string | null {
    this.stmt ??= this.db.prepare<[string, string], ResolvedRow>(
      `SELECT r.student_id, r.session_id, r.course_id, r.hall_id, r.day, r.version, r.status, r.minutes_present,
              r.flags, r.explanations, r.event_ids, r.intervals, r.decided_at, m.note
       FROM attendance_records r
       LEFT JOIN manual_decisions m ON m.student_id = r.student_id AND m.session_id = r.session_id
       WHERE r.student_id = ? AND r.session_id = ?`,
    );
    const r = this.stmt.get(studentId, sessionId);
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
