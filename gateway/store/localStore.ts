import type Database from 'better-sqlite3';
import type {
  AttendanceRecord,
  AttendanceStatus,
  IdentityEvent,
  InvalidAttempt,
  LectureSession,
  Thresholds,
} from '../../rules/types.ts';
import { existsSync } from 'node:fs';
import { privateDatabase } from '../../kernel/fileModes.ts';
import { SiteTime } from '../../kernel/siteTime.ts';
import { HallgateError } from '../../kernel/errors.ts';
import { rederiveDays, ZONE_KEY, type Rederived } from './rederiveDays.ts';
import { StoreConnection, type StoreSynchronous } from './storeConnection.ts';
import { MetaTable } from './metaTable.ts';
import { RosterTable, type CourseRow, type StudentRow } from './rosterTable.ts';
import { TimetableTable } from './timetableTable.ts';
import { EventLog } from './eventLog.ts';
import { RecordTable, type RecordFilter, type SaveOutcome, type StoredRecord } from './recordTable.ts';
import type { RecordDecision } from './recordFingerprint.ts';
import { AttemptsTable } from './attemptsTable.ts';
import { SketchTable } from './sketchTable.ts';
import { DeadLetterTable, type DeadLetterRow } from './deadLetterTable.ts';
import { SqliteOutboxQueue } from './outboxQueue.ts';
import { StoreMaintenance } from './storeMaintenance.ts';
import { Gallery } from './galleryTable.ts';

export type { StoreSynchronous } from './storeConnection.ts';
export type { StudentRow, CourseRow } from './rosterTable.ts';
export type { StoredRecord, RecordFilter, SaveOutcome } from './recordTable.ts';
export { recordOfDecision, type RecordDecision, type RecordParams } from './recordFingerprint.ts';

export interface StoreOpenOptions {
  synchronous?: StoreSynchronous;
  /** The site's IANA time zone; without it, the zone the store was last used with. */
  timeZone?: string;
}

export interface StoreCounts {
  students: number;
  courses: number;
  enrolments: number;
  sessions: number;
  events: number;
  records: number;
  invalid: number;
  outbox: number;
  deadLetters: number;
}

/**
 * The gateway's local SQLite store: roster, timetable, raw events, records,
 * invalid attempts, HLL sketches, dead letters and the sync outbox, one table
 * family per module, composed here. Every write that must be synced adds its
 * outbox row in the same transaction.
 */
export class LocalStore {
  readonly db: Database.Database;
  /** The connection the table families share (gateway/store/ only). */
  readonly conn: StoreConnection;
  readonly meta: MetaTable;
  readonly roster: RosterTable;
  readonly timetable: TimetableTable;
  readonly events: EventLog;
  readonly records: RecordTable;
  readonly attempts: AttemptsTable;
  readonly sketches: SketchTable;
  readonly deadLetters: DeadLetterTable;
  /** The outbox as the uplink's queue. */
  readonly outboxQueue: SqliteOutboxQueue;
  /** Page cache, checkpoints, backups, retention. */
  readonly maintenance: StoreMaintenance;
  /** The face enrolment gallery. */
  readonly gallery: Gallery;

  private constructor(
    db: Database.Database,
    /** The site's clock: every day this store writes is a local day of it. */
    readonly site: SiteTime,
    /** What opening changed when the store's days were moved to another zone (null: nothing). */
    readonly rederived: Rederived | null,
  ) {
    this.db = db;
    this.conn = new StoreConnection(db);
    this.meta = new MetaTable(this.conn);
    this.roster = new RosterTable(this.conn, this.meta);
    this.timetable = new TimetableTable(this.conn, site, this.roster, this.meta);
    this.events = new EventLog(this.conn, site);
    this.records = new RecordTable(this.conn, site, this.timetable);
    this.attempts = new AttemptsTable(this.conn, site);
    this.sketches = new SketchTable(this.conn);
    this.deadLetters = new DeadLetterTable(this.conn);
    this.outboxQueue = new SqliteOutboxQueue(db);
    this.maintenance = new StoreMaintenance(this.conn);
    this.gallery = new Gallery(db);
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
    try {
      const db = StoreConnection.open(path, opts.synchronous ?? 'full', now);
      const site = new SiteTime(opts.timeZone ?? storedZone(db) ?? 'UTC');
      return new LocalStore(db, site, rederiveDays(db, site));
    } catch (err) {
      throw new HallgateError(
        'STORE_OPEN_FAILED',
        `cannot open local store ${path}: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }

  /**
   * Opens an existing store for reading only: never creates the file or its
   * directory and never migrates (the CLI's queries). Throws STORE_MISSING when
   * there is no store at `path`.
   */
  static openReadOnly(path: string): LocalStore {
    if (!existsSync(path)) throw new HallgateError('STORE_MISSING', `no store at ${path}`);
    try {
      const db = StoreConnection.openReadOnly(path);
      return new LocalStore(db, new SiteTime(storedZone(db) ?? 'UTC'), null);
    } catch (err) {
      throw new HallgateError('STORE_OPEN_FAILED', `cannot read store ${path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  close(): void {
    this.conn.close();
  }
  clearCaches(): void {
    this.timetable.clearCaches();
  }
  cachesEpoch(): number {
    return this.timetable.cachesEpoch();
  }
  tx<T>(fn: () => T): T {
    return this.conn.tx(fn);
  }
  onCommitted(hook: () => void): void {
    this.conn.onCommitted(hook);
  }

  // ---- roster, courses, timetable (rosterTable.ts, timetableTable.ts) ----
  upsertStudent(s: StudentRow, now: number): void {
    this.roster.upsertStudent(s, now);
  }
  upsertCourse(c: CourseRow): void {
    this.roster.upsertCourse(c);
  }
  upsertEnrolment(studentId: string, courseId: string): void {
    this.roster.upsertEnrolment(studentId, courseId);
  }
  upsertHall(hallId: string, name = ''): void {
    this.roster.upsertHall(hallId, name);
  }
  upsertSession(s: LectureSession): void {
    this.timetable.upsertSession(s);
  }
  replaceRoster(rows: StudentRow[], now: number): void {
    this.roster.replaceRoster(rows, now);
  }
  replaceEnrolments(rows: { studentId: string; courseId: string }[], now: number): void {
    this.roster.replaceEnrolments(rows, now);
  }
  replaceTimetable(sessions: LectureSession[], now: number): void {
    this.timetable.replaceTimetable(sessions, now);
  }
  studentByCard(cardUid: string): string | undefined {
    return this.roster.studentByCard(cardUid);
  }
  studentExists(studentId: string): boolean {
    return this.roster.studentExists(studentId);
  }
  courseExists(courseId: string): boolean {
    return this.roster.courseExists(courseId);
  }
  cardUids(): Generator<string> {
    return this.roster.cardUids();
  }
  counts(): StoreCounts {
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
    return this.roster.enrolledCourseIds(studentId);
  }
  enrolledStudentIds(courseId: string): string[] {
    return this.roster.enrolledStudentIds(courseId);
  }
  courseOverrides(): Record<string, Partial<Thresholds>> {
    return this.timetable.courseOverrides();
  }
  sessionsOfDay(day: string): LectureSession[] {
    return this.timetable.sessionsOfDay(day);
  }
  sessionsEndedBetween(fromExclusive: number, toInclusive: number) {
    return this.timetable.sessionsEndedBetween(fromExclusive, toInclusive);
  }

  // ---- events (eventLog.ts) ----
  insertEvent(
    ev: IdentityEvent,
    receivedAt: number,
    lectureId: string | null = null,
    clockSuspect = false,
  ): boolean {
    return this.events.insertEvent(ev, receivedAt, lectureId, clockSuspect);
  }
  lastEventSeq(): number {
    return this.events.lastEventSeq();
  }
  maxEventSeq(): number {
    return this.events.maxEventSeq();
  }
  studentDaysSince(seq: number): { studentId: string; day: string }[] {
    return this.events.studentDaysSince(seq);
  }
  faceEventsSince(seq: number): IdentityEvent[] {
    return this.events.faceEventsSince(seq);
  }
  eventsOfStudentDay(studentId: string, day: string): IdentityEvent[] {
    return this.events.eventsOfStudentDay(studentId, day);
  }
  hallEventsBetween(hallId: string, day: string, from: number, to: number): IdentityEvent[] {
    return this.events.hallEventsBetween(hallId, day, from, to);
  }

  // ---- records (recordTable.ts) ----
  saveRecord(r: AttendanceRecord, now: number): SaveOutcome {
    return this.records.saveRecord(r, now);
  }
  decideRecord(
    r: AttendanceRecord,
    now: number,
    onlyIfStored = false,
  ): RecordDecision | 'unchanged' | 'manual' {
    return this.records.decideRecord(r, now, onlyIfStored);
  }
  applyRecord(d: RecordDecision, now: number): boolean {
    return this.records.applyRecord(d, now);
  }
  getRecord(studentId: string, sessionId: string): StoredRecord | undefined {
    return this.records.getRecord(studentId, sessionId);
  }
  listRecords(f: RecordFilter = {}): StoredRecord[] {
    return this.records.listRecords(f);
  }
  resolveManually(
    studentId: string,
    sessionId: string,
    status: AttendanceStatus,
    note: string,
    by: string,
    now: number,
  ): StoredRecord {
    return this.records.resolveManually(studentId, sessionId, status, note, by, now);
  }

  /**
   * Drops a reviewer's decision (a central one withdrawn): the record keeps its
   * content until the engine decides it again. Returns whether one was held.
   */
  dropManual(studentId: string, sessionId: string): boolean {
    return this.records.dropManual(studentId, sessionId);
  }

  // ---- invalid attempts, sketches, meta, dead letters ----
  insertInvalid(a: InvalidAttempt, now: number): boolean {
    return this.attempts.insertInvalid(a, now);
  }
  listInvalid(day?: string): (InvalidAttempt & { day: string })[] {
    return this.attempts.listInvalid(day);
  }
  loadHll(lectureId: string, day: string): Buffer | undefined {
    return this.sketches.loadHll(lectureId, day);
  }
  saveHll(lectureId: string, day: string, registers: Buffer, now: number): void {
    this.sketches.saveHll(lectureId, day, registers, now);
  }
  presentSince(day: string): Generator<{ courseId: string; day: string; studentId: string }> {
    return this.sketches.presentSince(day);
  }
  exactUniqueCount(lectureId: string, day: string): number {
    return this.sketches.exactUniqueCount(lectureId, day);
  }
  getMeta(key: string): string | undefined {
    return this.meta.getMeta(key);
  }
  setMeta(key: string, value: string): void {
    this.meta.setMeta(key, value);
  }
  deadLetter(source: string, reason: string, payload: string, now: number): void {
    this.deadLetters.deadLetter(source, reason, payload, now);
  }
  listDeadLetters(): DeadLetterRow[] {
    return this.deadLetters.listDeadLetters();
  }
}

function storedZone(db: Database.Database): string | undefined {
  return (db.prepare('SELECT value FROM meta WHERE key = ?').get(ZONE_KEY) as { value: string } | undefined)
    ?.value;
}
