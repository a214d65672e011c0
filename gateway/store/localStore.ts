import Database from 'better-sqlite3';
import { hash } from 'node:crypto';
import { existsSync } from 'node:fs';
import type {
  AttendanceRecord,
  AttendanceStatus,
  IdentityEvent,
  InvalidAttempt,
  LectureSession,
  Thresholds,
} from '../../rules/types.ts';
import { SiteTime } from '../../kernel/siteTime.ts';
import { HallgateError } from '../../kernel/errors.ts';
import { migrate } from './migrate.ts';
import { privateDatabase } from '../../kernel/fileModes.ts';
import { rederiveDays, ZONE_KEY, type Rederived } from './rederiveDays.ts';
import { recordRef } from '../../sync/recordRef.ts';
import type { RecordRow } from './recordRow.ts';

/** PRAGMA synchronous of a store connection: full (durable across power loss) or normal (across crashes only). */
export type StoreSynchronous = 'full' | 'normal';
export interface StoreOpenOptions {
  synchronous?: StoreSynchronous;
  /** The site's IANA time zone; without it, the zone the store was last used with. */
  timeZone?: string;
}

export interface StudentRow {
  studentId: string;
  name: string;
  cardUid: string | null;
  /** Further cards of the student beyond `cardUid` (the centre's roster); upper case. */
  moreCards?: string[];
}
export interface CourseRow {
  courseId: string;
  name: string;
  overrides: Partial<Thresholds>;
}
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

/**
 * The engine's decision for one record, ready to write: the row's values
 * (version included) and whether it is new. decideRecord() makes it from a
 * snapshot (possibly on another connection); applyRecord() writes it only if
 * the stored record is still the one it was decided against.
 */
export interface RecordDecision {
  row: RecordParams;
  outcome: 'inserted' | 'updated';
}

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
/** putRecord's parameters, in column order. */
export type RecordParams = [
  studentId: string,
  sessionId: string,
  courseId: string,
  hallId: string,
  day: string,
  version: number,
  status: string,
  minutesPresent: number,
  flags: string,
  explanations: string,
  eventIds: string,
  intervals: string,
  fingerprint: string,
  decidedAt: number,
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

/** Writes a record whatever it held (a reviewer's write; the engine's adds a WHERE). */
const UPSERT_RECORD = `INSERT INTO attendance_records (student_id, session_id, course_id, hall_id, day, version, status,
    minutes_present, flags, explanations, event_ids, intervals, fingerprint, decided_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT(student_id, session_id) DO UPDATE SET version = excluded.version, status = excluded.status,
    minutes_present = excluded.minutes_present,
    flags = excluded.flags, explanations = excluded.explanations, event_ids = excluded.event_ids,
    intervals = excluded.intervals, fingerprint = excluded.fingerprint, decided_at = excluded.decided_at`;

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

/** A record's JSON columns, serialised once for the row, its fingerprint and nothing else. */
interface RecordJson {
  flags: string;
  explanations: string;
  eventIds: string;
  intervals: string;
  fingerprint: string;
}

/** The record a decision's row describes (JSON columns parsed back). */
export function recordOfDecision(d: RecordDecision): AttendanceRecord {
  const [
    studentId,
    sessionId,
    courseId,
    hallId,
    ,
    ,
    status,
    minutesPresent,
    flags,
    explanations,
    eventIds,
    intervals,
  ] = d.row;
  return {
    studentId,
    sessionId,
    courseId,
    hallId,
    status: status as AttendanceStatus,
    minutesPresent,
    intervals: JSON.parse(intervals) as AttendanceRecord['intervals'],
    flags: JSON.parse(flags) as string[],
    explanations: JSON.parse(explanations) as AttendanceRecord['explanations'],
    eventIds: JSON.parse(eventIds) as string[],
  };
}

function recordJson(r: AttendanceRecord): RecordJson {
  const flags = JSON.stringify(r.flags);
  const explanations = JSON.stringify(r.explanations);
  const eventIds = JSON.stringify(r.eventIds);
  const intervals = JSON.stringify(r.intervals);
  // SHA-1 of, byte for byte, JSON.stringify([status, minutesPresent, intervals, flags, eventIds, explanations]).
  const fingerprint = hash(
    'sha1',
    `[${JSON.stringify(r.status)},${JSON.stringify(r.minutesPresent)},${intervals},${flags},${eventIds},${explanations}]`,
    'base64',
  );
  return { flags, explanations, eventIds, intervals, fingerprint };
}

/**
 * The gateway's local SQLite store: roster, timetable, raw events, records,
 * invalid attempts, HLL sketches, dead letters and the sync outbox. Every
 * write that must be synced adds its outbox row in the same transaction.
 */
export class LocalStore {
  readonly db: Database.Database;
  private readonly stmts;
  private sessionsCache = new Map<string, LectureSession[]>();
  private readonly sessionDays = new Map<string, string | null>();
  private overridesCache: Record<string, Partial<Thresholds>> | undefined;
  private readonly committedHooks: (() => void)[] = [];
  private lastSeq = 0;
  /** Grows whenever the cached timetable or overrides are dropped (other connections follow it). */
  private cacheEpoch = 0;

  /** The site's clock: every day this store writes is a local day of it. */
  readonly site: SiteTime;
  /** What opening changed when the store's days were moved to another zone (null: nothing). */
  readonly rederived: Rederived | null;

  private constructor(db: Database.Database, site: SiteTime, rederived: Rederived | null) {
    this.db = db;
    this.site = site;
    this.rederived = rederived;
    this.stmts = {
      studentByCard: db.prepare<[string], { student_id: string }>(
        'SELECT student_id FROM students INDEXED BY students_by_card WHERE card_uid = ?',
      ),
      studentByMoreCard: db.prepare<[string], { student_id: string }>(
        'SELECT student_id FROM student_cards WHERE card_uid = ?',
      ),
      addMoreCard: db.prepare<[string, string]>(
        'INSERT INTO student_cards (card_uid, student_id) VALUES (?, ?)',
      ),
      studentById: db.prepare<[string], { student_id: string }>(
        'SELECT student_id FROM students WHERE student_id = ?',
      ),
      upsertStudent: db.prepare(
        `INSERT INTO students (student_id, name, card_uid, updated_at) VALUES (@studentId, @name, @cardUid, @now)
         ON CONFLICT(student_id) DO UPDATE SET name = excluded.name, card_uid = excluded.card_uid, updated_at = excluded.updated_at`,
      ),
      upsertCourse: db.prepare(
        `INSERT INTO courses (course_id, name, overrides) VALUES (@courseId, @name, @overrides)
         ON CONFLICT(course_id) DO UPDATE SET name = excluded.name, overrides = excluded.overrides`,
      ),
      upsertEnrolment: db.prepare('INSERT OR IGNORE INTO enrolments (student_id, course_id) VALUES (?, ?)'),
      upsertHall: db.prepare(
        'INSERT INTO halls (hall_id, name) VALUES (?, ?) ON CONFLICT(hall_id) DO UPDATE SET name = excluded.name',
      ),
      upsertSession: db.prepare(
        `INSERT INTO lecture_sessions (session_id, course_id, hall_id, start_ts, end_ts, day)
         VALUES (@sessionId, @courseId, @hallId, @start, @end, @day)
         ON CONFLICT(session_id) DO UPDATE SET course_id = excluded.course_id, hall_id = excluded.hall_id,
           start_ts = excluded.start_ts, end_ts = excluded.end_ts, day = excluded.day`,
      ),
      enrolledCourses: db
        .prepare<[string], string>('SELECT course_id FROM enrolments WHERE student_id = ? ORDER BY course_id')
        .pluck(),
      enrolledStudents: db.prepare<[string], { student_id: string }>(
        'SELECT student_id FROM enrolments WHERE course_id = ? ORDER BY student_id',
      ),
      sessionsOfDay: db.prepare<
        [string],
        { session_id: string; course_id: string; hall_id: string; start_ts: number; end_ts: number }
      >(
        'SELECT session_id, course_id, hall_id, start_ts, end_ts FROM lecture_sessions WHERE day = ? ORDER BY start_ts, session_id',
      ),
      sessionsEndedBetween: db.prepare<
        [number, number],
        { session_id: string; course_id: string; day: string }
      >(
        'SELECT session_id, course_id, day FROM lecture_sessions WHERE end_ts > ? AND end_ts <= ? ORDER BY end_ts',
      ),
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
      sessionDay: db.prepare<[string], { day: string }>(
        'SELECT day FROM lecture_sessions WHERE session_id = ?',
      ),
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
      maxEventSeq: db.prepare<[], number | null>('SELECT MAX(seq) FROM events').pluck(),
      studentDaysSince: db.prepare<[number], { student_id: string; day: string }>(
        'SELECT DISTINCT student_id, day FROM events WHERE seq > ? AND student_id IS NOT NULL',
      ),
      faceEventsSince: db
        .prepare<[number], EventRow>(
          `SELECT ${EVENT_COLUMNS} FROM events WHERE seq > ? AND source = 'face' AND student_id IS NOT NULL ORDER BY seq`,
        )
        .raw(),
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
      insertInvalid: db.prepare(
        `INSERT INTO invalid_attempts (event_id, reason, raw_id, gate_id, hall_id, ts, day)
         VALUES (@eventId, @reason, @rawId, @gateId, @hallId, @ts, @day) ON CONFLICT(event_id) DO NOTHING`,
      ),
      getHll: db.prepare<[string, string], { registers: Buffer }>(
        'SELECT registers FROM hll_sketches WHERE lecture_id = ? AND day = ?',
      ),
      putHll: db.prepare(
        `INSERT INTO hll_sketches (lecture_id, day, registers, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT(lecture_id, day) DO UPDATE SET registers = excluded.registers, updated_at = excluded.updated_at`,
      ),
      outbox: db.prepare('INSERT INTO outbox (kind, payload, created_at) VALUES (?, ?, ?)'),
      deadLetter: db.prepare('INSERT INTO dead_letters (source, reason, payload, at) VALUES (?, ?, ?, ?)'),
    };
  }

  /**
   * Opens (creating if needed) the store, applies pragmas and migrations. With
   * `timeZone`, the store's days are local days of that zone (moved there by
   * rederiveDays when they were derived in another); without it, in the zone
   * the store was last used with (readers), UTC for a store that never had one.
   * `synchronous` FULL (the default) syncs the WAL at every commit: a stored
   * swipe survives a power cut, not only a crash of the process.
   */
  static open(path: string, now: number = Date.now(), opts: StoreOpenOptions = {}): LocalStore {
    privateDatabase(path);
    let db: Database.Database;
    let site: SiteTime;
    let rederived: Rederived | null;
    try {
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${opts.synchronous ?? 'full'}`);
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      db.pragma('cache_size = -4000');
      migrate(db, undefined, now);
      const stored = (
        db.prepare('SELECT value FROM meta WHERE key = ?').get(ZONE_KEY) as { value: string } | undefined
      )?.value;
      site = new SiteTime(opts.timeZone ?? stored ?? 'UTC');
      rederived = rederiveDays(db, site);
    } catch (err) {
      throw new HallgateError(
        'STORE_OPEN_FAILED',
        `cannot open local store ${path}: ${(err as Error).message}`,
        { cause: err },
      );
    }
    return new LocalStore(db, site, rederived);
  }

  /**
   * Opens an existing store for reading only: never creates the file or its
   * directory and never migrates (the CLI's queries). Throws STORE_MISSING when
   * there is no store at `path`.
   */
  static openReadOnly(path: string): LocalStore {
    if (!existsSync(path)) throw new HallgateError('STORE_MISSING', `no store at ${path}`);
    let db: Database.Database;
    try {
      db = new Database(path, { readonly: true, fileMustExist: true });
      db.pragma('busy_timeout = 5000');
      const zone = db.prepare('SELECT value FROM meta WHERE key = ?').get(ZONE_KEY) as
        { value: string } | undefined;
      return new LocalStore(db, new SiteTime(zone?.value ?? 'UTC'), null);
    } catch (err) {
      throw new HallgateError('STORE_OPEN_FAILED', `cannot read store ${path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  /** Forgets cached timetable and course overrides (another process changed them). */
  clearCaches(): void {
    this.sessionsCache.clear();
    this.sessionDays.clear();
    this.overridesCache = undefined;
    this.cacheEpoch++;
  }
  /** Changes whenever cached timetable data was dropped: a reader on another connection drops its own then. */
  cachesEpoch(): number {
    return this.cacheEpoch;
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

  // ---- roster, courses, timetable -------------------------------------------------

  upsertStudent(s: StudentRow, now: number): void {
    this.stmts.upsertStudent.run({ studentId: s.studentId, name: s.name, cardUid: s.cardUid, now });
    for (const c of s.moreCards ?? []) if (c !== s.cardUid) this.stmts.addMoreCard.run(c, s.studentId);
  }
  upsertCourse(c: CourseRow): void {
    this.stmts.upsertCourse.run({
      courseId: c.courseId,
      name: c.name,
      overrides: JSON.stringify(c.overrides),
    });
  }
  upsertEnrolment(studentId: string, courseId: string): void {
    this.stmts.upsertEnrolment.run(studentId, courseId);
  }
  upsertHall(hallId: string, name = ''): void {
    this.stmts.upsertHall.run(hallId, name);
  }
  upsertSession(s: LectureSession): void {
    this.stmts.upsertSession.run({ ...s, day: this.site.dayOf(s.start) });
    this.clearCaches();
  }

  /** A full roster version: upserts every student, removes those no longer listed. */
  replaceRoster(rows: StudentRow[], now: number): void {
    this.tx(() => {
      this.db.exec(
        'CREATE TEMP TABLE IF NOT EXISTS keep_students (student_id TEXT PRIMARY KEY); DELETE FROM keep_students;',
      );
      const keep = this.db.prepare('INSERT OR IGNORE INTO keep_students VALUES (?)');
      // Free every card first so cards moving between students do not collide.
      this.db.prepare('UPDATE students SET card_uid = NULL').run();
      this.db.prepare('DELETE FROM student_cards').run();
      for (const r of rows) {
        this.upsertStudent(r, now);
        keep.run(r.studentId);
      }
      this.db.exec(
        'DELETE FROM students WHERE student_id NOT IN (SELECT student_id FROM keep_students); DROP TABLE keep_students;',
      );
      this.setMeta('roster_version', String(now));
    });
  }

  /** A full enrolment version: replaces every enrolment. */
  replaceEnrolments(rows: { studentId: string; courseId: string }[], now: number): void {
    this.tx(() => {
      this.db.prepare('DELETE FROM enrolments').run();
      for (const r of rows) {
        if (!this.courseExists(r.courseId))
          this.upsertCourse({ courseId: r.courseId, name: '', overrides: {} });
        this.upsertEnrolment(r.studentId, r.courseId);
      }
      this.setMeta('roster_version', String(now));
    });
  }

  /** A timetable version: upserts every session; future sessions no longer listed are removed (past ones stay: they have records). */
  replaceTimetable(sessions: LectureSession[], now: number): void {
    this.tx(() => {
      const listed = new Set(sessions.map((s) => s.sessionId));
      for (const s of sessions) {
        if (!this.courseExists(s.courseId))
          this.upsertCourse({ courseId: s.courseId, name: '', overrides: {} });
        this.upsertHall(s.hallId);
        this.upsertSession(s);
      }
      const future = this.db
        .prepare<[number], { session_id: string }>(
          'SELECT session_id FROM lecture_sessions WHERE start_ts > ?',
        )
        .all(now);
      const del = this.db.prepare('DELETE FROM lecture_sessions WHERE session_id = ?');
      for (const f of future) if (!listed.has(f.session_id)) del.run(f.session_id);
      this.clearCaches();
      this.setMeta('timetable_version', String(now));
    });
  }

  /** Holder of a card: its first card (one index lookup), else one of its further cards. */
  studentByCard(cardUid: string): string | undefined {
    return (
      this.stmts.studentByCard.get(cardUid)?.student_id ??
      this.stmts.studentByMoreCard.get(cardUid)?.student_id
    );
  }
  studentExists(studentId: string): boolean {
    return this.stmts.studentById.get(studentId) !== undefined;
  }
  courseExists(courseId: string): boolean {
    return this.db.prepare('SELECT 1 FROM courses WHERE course_id = ?').get(courseId) !== undefined;
  }
  /** Every card UID on the roster (for the Bloom filter). */
  *cardUids(): Generator<string> {
    for (const r of this.db
      .prepare(
        'SELECT card_uid FROM students WHERE card_uid IS NOT NULL UNION ALL SELECT card_uid FROM student_cards',
      )
      .iterate() as Iterable<{ card_uid: string }>) {
      yield r.card_uid;
    }
  }
  counts(): {
    students: number;
    courses: number;
    enrolments: number;
    sessions: number;
    events: number;
    records: number;
    invalid: number;
    outbox: number;
    deadLetters: number;
  } {
    const n = (t: string): number =>
      (this.db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n;
    return {
      students: n('students'),
      courses: n('courses'),
      enrolments: n('enrolments'),
      sessions: n('lecture_sessions'),
      events: n('events'),
      records: n('attendance_records'),
      invalid: n('invalid_attempts'),
      outbox: n('outbox'),
      deadLetters: n('dead_letters'),
    };
  }

  enrolledCourseIds(studentId: string): string[] {
    return this.stmts.enrolledCourses.all(studentId);
  }
  enrolledStudentIds(courseId: string): string[] {
    return this.stmts.enrolledStudents.all(courseId).map((r) => r.student_id);
  }
  courseOverrides(): Record<string, Partial<Thresholds>> {
    if (this.overridesCache) return this.overridesCache;
    const out: Record<string, Partial<Thresholds>> = {};
    for (const r of this.db.prepare('SELECT course_id, overrides FROM courses').all() as {
      course_id: string;
      overrides: string;
    }[]) {
      const o = JSON.parse(r.overrides) as Partial<Thresholds>;
      if (Object.keys(o).length > 0) out[r.course_id] = o;
    }
    this.overridesCache = out;
    return out;
  }
  sessionsOfDay(day: string): LectureSession[] {
    let s = this.sessionsCache.get(day);
    if (!s) {
      s = this.stmts.sessionsOfDay.all(day).map((r) => ({
        sessionId: r.session_id,
        courseId: r.course_id,
        hallId: r.hall_id,
        start: r.start_ts,
        end: r.end_ts,
      }));
      this.sessionsCache.set(day, s);
    }
    return s;
  }
  sessionsEndedBetween(
    fromExclusive: number,
    toInclusive: number,
  ): { sessionId: string; courseId: string; day: string }[] {
    return this.stmts.sessionsEndedBetween
      .all(fromExclusive, toInclusive)
      .map((r) => ({ sessionId: r.session_id, courseId: r.course_id, day: r.day }));
  }

  // ---- events ------------------------------------------------------------------------

  /**
   * Appends a raw event (and its outbox row, naming the lecture it belongs to
   * when known); false when the event id was already stored.
   */
  insertEvent(
    ev: IdentityEvent,
    receivedAt: number,
    lectureId: string | null = null,
    clockSuspect = false,
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
    if (clockSuspect) this.db.prepare('UPDATE events SET clock_suspect = 1 WHERE seq = ?').run(this.lastSeq);
    const payload = clockSuspect ? { ...ev, day, lectureId, clockSuspect } : { ...ev, day, lectureId };
    this.stmts.outbox.run('event', JSON.stringify(payload), receivedAt);
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

  // ---- records -----------------------------------------------------------------------

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
    this.stmts.outbox.run('record', recordRef(d.row[0], d.row[1]), now);
    return true;
  }

  private recordParams(r: AttendanceRecord, version: number, json: RecordJson, now: number): RecordParams {
    const day = this.sessionDay(r.sessionId) ?? this.site.dayOf(r.intervals[0]?.from ?? now);
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
    this.stmts.outbox.run('record', recordRef(r.studentId, r.sessionId), now);
  }

  /** The day a session belongs to (null: no such session); remembered until the timetable changes. */
  private sessionDay(sessionId: string): string | null {
    let day = this.sessionDays.get(sessionId);
    if (day === undefined) {
      day = this.stmts.sessionDay.get(sessionId)?.day ?? null;
      if (this.sessionDays.size >= 10_000) this.sessionDays.clear();
      this.sessionDays.set(sessionId, day);
    }
    return day;
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
    return (this.db.prepare(sql).all(...args) as RecordRow[]).map((r) => this.toStored(r));
  }

  /**
   * A reviewer's decision: replaces the record's status, keeps who and why,
   * bumps the version (synced as an update); the engine never overwrites it.
   */
  resolveManually(
    studentId: string,
    sessionId: string,
    status: AttendanceStatus,
    note: string,
    by: string,
    now: number,
  ): StoredRecord {
    return this.tx(() => {
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

  // ---- invalid attempts, HLL, dead letters ---------------------------------------------

  insertInvalid(a: InvalidAttempt, now: number): boolean {
    const day = this.site.dayOf(a.ts);
    const info = this.stmts.insertInvalid.run({ ...a, day });
    if (info.changes === 0) return false;
    this.stmts.outbox.run('invalid', JSON.stringify({ ...a, day }), now);
    return true;
  }
  listInvalid(day?: string): (InvalidAttempt & { day: string })[] {
    const sql = `SELECT event_id AS eventId, reason, raw_id AS rawId, gate_id AS gateId, hall_id AS hallId, ts, day
                 FROM invalid_attempts ${day ? 'WHERE day = ?' : ''} ORDER BY ts`;
    return (day ? this.db.prepare(sql).all(day) : this.db.prepare(sql).all()) as (InvalidAttempt & {
      day: string;
    })[];
  }

  loadHll(lectureId: string, day: string): Buffer | undefined {
    return this.stmts.getHll.get(lectureId, day)?.registers;
  }
  saveHll(lectureId: string, day: string, registers: Buffer, now: number): void {
    this.stmts.putHll.run(lectureId, day, registers, now);
    this.stmts.outbox.run(
      'hll',
      JSON.stringify({ lectureId, day, registers: registers.toString('base64') }),
      now,
    );
  }
  /** (course, day, student) of every record with presence since a day: to restore HLL sketches after a crash. */
  *presentSince(day: string): Generator<{ courseId: string; day: string; studentId: string }> {
    const stmt = this.db.prepare<[string], { course_id: string; day: string; student_id: string }>(
      'SELECT course_id, day, student_id FROM attendance_records WHERE day >= ? AND minutes_present > 0',
    );
    for (const r of stmt.iterate(day)) yield { courseId: r.course_id, day: r.day, studentId: r.student_id };
  }

  /** Exact number of distinct students present (for any time) in a lecture (course) on a day. */
  exactUniqueCount(lectureId: string, day: string): number {
    const row = this.db
      .prepare(
        'SELECT COUNT(DISTINCT student_id) AS n FROM attendance_records WHERE course_id = ? AND day = ? AND minutes_present > 0',
      )
      .get(lectureId, day) as { n: number };
    return row.n;
  }

  getMeta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)
      ?.value;
  }
  setMeta(key: string, value: string): void {
    this.db
      .prepare(
        'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(key, value);
  }

  deadLetter(source: string, reason: string, payload: string, now: number): void {
    this.stmts.deadLetter.run(source, reason, payload, now);
  }
  listDeadLetters(): { id: number; source: string; reason: string; payload: string; at: number }[] {
    return this.db.prepare('SELECT id, source, reason, payload, at FROM dead_letters ORDER BY id').all() as {
      id: number;
      source: string;
      reason: string;
      payload: string;
      at: number;
    }[];
  }
}
