import type { IdentityEvent } from '../../rules/types.ts';
import type { SiteTime } from '../../kernel/siteTime.ts';
import type { StoreConnection } from './storeConnection.ts';

/** insertEvent's parameters, in column order. */
type EventParams = [
  eventId: string,
  source: string,
  studentId: string | null,
  rawId: string,
  gateId: string,
  hallId: string,
  direction: string,
  ts: number,
  day: string,
  confidence: number | null,
  trackId: string | null,
  receivedAt: number,
];

/** An events row as an array (raw statements: cheaper than an object per row), in EVENT_COLUMNS order. */
type EventRow = [
  eventId: string,
  source: 'rfid' | 'face',
  studentId: string | null,
  rawId: string,
  gateId: string,
  hallId: string,
  direction: 'enter' | 'exit' | 'unknown',
  ts: number,
  confidence: number | null,
  trackId: string | null,
];
const EVENT_COLUMNS =
  'event_id, source, student_id, raw_id, gate_id, hall_id, direction, ts, confidence, track_id';

function rowToEvent(r: EventRow): IdentityEvent {
  const ev: IdentityEvent = {
    eventId: r[0],
    source: r[1],
    studentId: r[2],
    rawId: r[3],
    gateId: r[4],
    hallId: r[5],
    direction: r[6],
    ts: r[7],
  };
  if (r[8] !== null) ev.confidence = r[8];
  if (r[9] !== null) ev.trackId = r[9];
  return ev;
}

function statements(db: StoreConnection['db']) {
  return {
    // Positional parameters: binding from an array is cheaper than by name on this hot path.
    insertEvent: db.prepare<EventParams>(
      `INSERT INTO events (event_id, source, student_id, raw_id, gate_id, hall_id, direction, ts, day, confidence, track_id, received_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(event_id) DO NOTHING`,
    ),
    eventsOfStudentDay: db
      .prepare<[string, string], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE student_id = ? AND day = ? ORDER BY ts, event_id`,
      )
      .raw(),
    hallEventsBetween: db
      .prepare<[string, string, number, number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE hall_id = ? AND day = ? AND ts BETWEEN ? AND ? ORDER BY ts, event_id`,
      )
      .raw(),
    maxEventSeq: db.prepare<[], number | null>('SELECT MAX(seq) FROM events').pluck(),
    studentDaysSince: db.prepare<[number], { student_id: string; day: string }>(
      'SELECT DISTINCT student_id, day FROM events WHERE seq > ? AND student_id IS NOT NULL',
    ),
    faceEventsSince: db
      .prepare<[number], EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM events WHERE seq > ? AND source = 'face' AND student_id IS NOT NULL ORDER BY seq`,
      )
      .raw(),
  };
}

/** The raw identity events (`events`), each queued for sync as it is stored. */
export class EventLog {
  private readonly stmts;
  private lastSeq = 0;

  constructor(
    private readonly conn: StoreConnection,
    private readonly site: SiteTime,
  ) {
    this.stmts = statements(conn.db);
  }

  /**
   * Appends a raw event (and its outbox row, naming the lecture it belongs to
   * when known); false when the event id was already stored.
   */
  insertEvent(
    ev: IdentityEvent,
    receivedAt: number,
    lectureId: string | null,
    clockSuspect: boolean,
  ): boolean {
    const day = this.site.dayOf(ev.ts);
    const info = this.stmts.insertEvent.run(
      ev.eventId,
      ev.source,
      ev.studentId,
      ev.rawId,
      ev.gateId,
      ev.hallId,
      ev.direction,
      ev.ts,
      day,
      ev.confidence ?? null,
      ev.trackId ?? null,
      receivedAt,
    );
    if (info.changes === 0) return false;
    this.lastSeq = Number(info.lastInsertRowid);
    // Stored all the same on a suspect clock (issue 12 §10), flagged here and in the synced payload.
    if (clockSuspect)
      this.conn.db.prepare('UPDATE events SET clock_suspect = 1 WHERE seq = ?').run(this.lastSeq);
    const payload = clockSuspect ? { ...ev, day, lectureId, clockSuspect } : { ...ev, day, lectureId };
    this.conn.queue('event', JSON.stringify(payload), receivedAt);
    return true;
  }
  /** The sequence number of the last event this connection stored (0: none yet). */
  lastEventSeq(): number {
    return this.lastSeq;
  }
  /** The highest event sequence number stored (0: none). */
  maxEventSeq(): number {
    return this.stmts.maxEventSeq.get() ?? 0;
  }
  /** (student, day) of every identified event stored after sequence number `seq`. */
  studentDaysSince(seq: number): { studentId: string; day: string }[] {
    return this.stmts.studentDaysSince.all(seq).map((r) => ({ studentId: r.student_id, day: r.day }));
  }
  /** Recognised faces stored after sequence number `seq`, in order. */
  faceEventsSince(seq: number): IdentityEvent[] {
    return this.stmts.faceEventsSince.all(seq).map(rowToEvent);
  }
  eventsOfStudentDay(studentId: string, day: string): IdentityEvent[] {
    return this.stmts.eventsOfStudentDay.all(studentId, day).map(rowToEvent);
  }
  /** Every event in a hall on a day between two instants (inclusive): for card/face pairing. */
  hallEventsBetween(hallId: string, day: string, from: number, to: number): IdentityEvent[] {
    return this.stmts.hallEventsBetween.all(hallId, day, from, to).map(rowToEvent);
  }

  /**
   * The face events whose review crops may show a student: unknown faces seen
   * in a hall within `windowSec` of one of their badge swipes there, and any
   * face event of theirs.
   */
  cropEventIdsOfStudent(studentId: string, windowSec: number): string[] {
    return this.conn.db
      .prepare<{ student: string; ms: number }, string>(
        `SELECT DISTINCT f.event_id FROM events b
           JOIN events f ON f.hall_id = b.hall_id AND f.day = b.day AND f.ts BETWEEN b.ts - @ms AND b.ts + @ms
         WHERE b.student_id = @student AND b.source = 'rfid' AND f.source = 'face' AND f.student_id IS NULL
         UNION SELECT event_id FROM events WHERE source = 'face' AND student_id = @student`,
      )
      .pluck()
      .all({ student: studentId, ms: windowSec * 1000 });
  }
}
