import type { AttendanceRecord, AttendanceStatus } from '../../rules/types.ts';
import type { SiteTime } from '../../kernel/siteTime.ts';
import { HallgateError } from '../../kernel/errors.ts';
import { recordRef } from '../../sync/recordRef.ts';
import type { RecordRow } from './recordRow.ts';
import { recordJson, type RecordDecision, type RecordJson, type RecordParams } from './recordFingerprint.ts';
import type { StoreConnection } from './storeConnection.ts';
import type { TimetableTable } from './timetableTable.ts';

export interface StoredRecord extends AttendanceRecord {
  day: string;
  version: number;
  decidedAt: number;
  manual: boolean;
  note?: string;
}
export interface RecordFilter {
  /** Course id or session id. */
  lecture?: string;
  day?: string;
  studentId?: string;
  status?: AttendanceStatus;
}
export type SaveOutcome = 'inserted' | 'updated' | 'unchanged' | 'manual';

/** Writes a record whatever it held (a reviewer's write; the engine's adds a WHERE). */
const UPSERT_RECORD = `INSERT INTO attendance_records (student_id, session_id, course_id, hall_id, day, version, status,
    minutes_present, flags, explanations, event_ids, intervals, fingerprint, decided_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT(student_id, session_id) DO UPDATE SET version = excluded.version, status = excluded.status,
    minutes_present = excluded.minutes_present,
    flags = excluded.flags, explanations = excluded.explanations, event_ids = excluded.event_ids,
    intervals = excluded.intervals, fingerprint = excluded.fingerprint, decided_at = excluded.decided_at`;

function statements(db: StoreConnection['db']) {
  return {
    getRecord: db.prepare<[string, string], RecordRow>(
      'SELECT * FROM attendance_records WHERE student_id = ? AND session_id = ?',
    ),
    // A reviewer's decision needs a record to decide on, so a manual decision without a record cannot exist.
    recordState: db
      .prepare<[string, string], [version: number, fingerprint: string, manual: number]>(
        `SELECT r.version, r.fingerprint,
           EXISTS (SELECT 1 FROM manual_decisions m WHERE m.student_id = r.student_id AND m.session_id = r.session_id)
         FROM attendance_records r WHERE r.student_id = ? AND r.session_id = ?`,
      )
      .raw(),
    putRecord: db.prepare<RecordParams>(UPSERT_RECORD),
    // The engine's write: replaces only the version it was decided against, never a reviewer's decision.
    putDecided: db.prepare<RecordParams>(
      `${UPSERT_RECORD}
       WHERE attendance_records.version = excluded.version - 1
         AND NOT EXISTS (SELECT 1 FROM manual_decisions m
                         WHERE m.student_id = excluded.student_id AND m.session_id = excluded.session_id)`,
    ),
    dropManual: db.prepare<[string, string]>(
      'DELETE FROM manual_decisions WHERE student_id = ? AND session_id = ?',
    ),
    manual: db.prepare<
      [string, string],
      { status: string; note: string; decided_by: string; decided_at: number }
    >(
      'SELECT status, note, decided_by, decided_at FROM manual_decisions WHERE student_id = ? AND session_id = ?',
    ),
    putManual: db.prepare(
      `INSERT INTO manual_decisions (student_id, session_id, status, note, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(student_id, session_id) DO UPDATE SET status = excluded.status, note = excluded.note,
         decided_by = excluded.decided_by, decided_at = excluded.decided_at`,
    ),
  };
}

/**
 * Attendance records with their fingerprints, the engine's guarded writes and
 * reviewers' manual decisions; every write queues a reference for sync.
 */
export class RecordTable {
  private readonly stmts;

  constructor(
    private readonly conn: StoreConnection,
    private readonly site: SiteTime,
    private readonly timetable: TimetableTable,
  ) {
    this.stmts = statements(conn.db);
  }

  /**
   * Saves the engine's decision for (student, session). The version grows only
   * when the decision changed; a manual decision is never overwritten.
   */
  saveRecord(r: AttendanceRecord, now: number): SaveOutcome {
    const d = this.decideRecord(r, now);
    if (typeof d === 'string') return d;
    if (!this.applyRecord(d, now)) throw new Error('record changed within its own transaction');
    return d.outcome;
  }

  /**
   * What saving the engine's record would write, read from this connection's
   * view: 'unchanged' when the stored record says the same, 'manual' when a
   * reviewer decided it. `onlyIfStored`: a record not stored yet is left
   * unwritten ('unchanged'). Reads only (a classifier thread calls it on its own connection).
   */
  decideRecord(
    r: AttendanceRecord,
    now: number,
    onlyIfStored = false,
  ): RecordDecision | 'unchanged' | 'manual' {
    const prev = this.stmts.recordState.get(r.studentId, r.sessionId);
    if (!prev && onlyIfStored) return 'unchanged';
    if (prev?.[2]) return 'manual';
    const json = recordJson(r);
    if (prev && prev[1] === json.fingerprint) return 'unchanged';
    return {
      row: this.recordParams(r, (prev?.[0] ?? 0) + 1, json, now),
      outcome: prev ? 'updated' : 'inserted',
    };
  }

  /**
   * Writes a decision (and its outbox row) if the stored record is still the
   * version it was decided against and no reviewer has decided it since;
   * false (nothing written) otherwise.
   */
  applyRecord(d: RecordDecision, now: number): boolean {
    if (this.stmts.putDecided.run(...d.row).changes === 0) return false;
    // A reference, not a copy: sync/outbox.ts sends the record as it stands when the row is read
    // (the latest version, which supersedes any queued earlier one centrally).
    this.conn.queue('record', recordRef(d.row[0], d.row[1]), now);
    return true;
  }

  private recordParams(r: AttendanceRecord, version: number, json: RecordJson, now: number): RecordParams {
    const day = this.timetable.sessionDay(r.sessionId) ?? this.site.dayOf(r.intervals[0]?.from ?? now);
    return [
      r.studentId,
      r.sessionId,
      r.courseId,
      r.hallId,
      day,
      version,
      r.status,
      r.minutesPresent,
      json.flags,
      json.explanations,
      json.eventIds,
      json.intervals,
      json.fingerprint,
      now,
    ];
  }

  /** A reviewer's write: replaces the record whatever it holds. */
  private writeRecord(r: AttendanceRecord, version: number, json: RecordJson, now: number): void {
    const row = this.recordParams(r, version, json, now);
    this.stmts.putRecord.run(...row);
    this.conn.queue('record', recordRef(r.studentId, r.sessionId), now);
  }

  getRecord(studentId: string, sessionId: string): StoredRecord | undefined {
    const row = this.stmts.getRecord.get(studentId, sessionId);
    return row ? this.toStored(row) : undefined;
  }

  private toStored(row: RecordRow): StoredRecord {
    const manual = this.stmts.manual.get(row.student_id, row.session_id);
    const rec: StoredRecord = {
      studentId: row.student_id,
      sessionId: row.session_id,
      courseId: row.course_id,
      hallId: row.hall_id,
      day: row.day,
      version: row.version,
      status: row.status as AttendanceStatus,
      minutesPresent: row.minutes_present,
      flags: JSON.parse(row.flags) as string[],
      explanations: JSON.parse(row.explanations) as AttendanceRecord['explanations'],
      eventIds: JSON.parse(row.event_ids) as string[],
      intervals: JSON.parse(row.intervals) as AttendanceRecord['intervals'],
      decidedAt: row.decided_at,
      manual: manual !== undefined,
    };
    if (manual) rec.note = `${manual.note} (by ${manual.decided_by})`;
    return rec;
  }

  listRecords(f: RecordFilter = {}): StoredRecord[] {
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (f.lecture) {
      where.push('(course_id = ? OR session_id = ?)');
      args.push(f.lecture, f.lecture);
    }
    if (f.day) {
      where.push('day = ?');
      args.push(f.day);
    }
    if (f.studentId) {
      where.push('student_id = ?');
      args.push(f.studentId);
    }
    if (f.status) {
      where.push('status = ?');
      args.push(f.status);
    }
    const sql = `SELECT * FROM attendance_records ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY day, session_id, student_id`;
    return (this.conn.db.prepare(sql).all(...args) as RecordRow[]).map((r) => this.toStored(r));
  }

  /**
   * A reviewer's decision: replaces the record's status, keeps who and why,
   * bumps the version (synced as an update); the engine never overwrites it.
   */
  /** Drops a reviewer's decision (a central one withdrawn); whether one was held. */
  dropManual(studentId: string, sessionId: string): boolean {
    return this.stmts.dropManual.run(studentId, sessionId).changes > 0;
  }

  resolveManually(
    studentId: string,
    sessionId: string,
    status: AttendanceStatus,
    note: string,
    by: string,
    now: number,
  ): StoredRecord {
    return this.conn.tx(() => {
      const prev = this.stmts.getRecord.get(studentId, sessionId);
      if (!prev)
        throw new HallgateError(
          'RECORD_NOT_FOUND',
          `no record for student ${studentId} in session ${sessionId}`,
        );
      this.stmts.putManual.run(studentId, sessionId, status, note, by, now);
      const rec = this.toStored(prev);
      const updated: AttendanceRecord = {
        ...rec,
        status,
        explanations: [
          ...rec.explanations,
          { rule: 'manual_review', text: `set to ${status} by ${by}: ${note}`, thresholds: {}, eventIds: [] },
        ],
      };
      this.writeRecord(updated, prev.version + 1, recordJson(updated), now);
      return this.getRecord(studentId, sessionId)!;
    });
  }
}
