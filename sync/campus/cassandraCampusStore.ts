import { randomUUID } from 'node:crypto';
import cassandra from 'cassandra-driver';
import type { Logger } from '../../kernel/log.ts';
import { utcSite, type SiteTime } from '../../kernel/siteTime.ts';
import { ALL, CassandraCampusBase, cmp, type CassandraCampusOptions } from './cassandraCampusBase.ts';
import {
  byStart,
  toCourse,
  toDecision,
  toExcuse,
  toSession,
  toStudent,
  toWithdrawnExcuse,
} from './cassandraCampusRows.ts';
import type {
  CampusCourse,
  CampusGateway,
  CampusHall,
  CampusSession,
  CampusStore,
  CampusStudent,
  Excuse,
  ExcuseInput,
  ExcuseWithdrawal,
  ReviewDecision,
  StudentQuery,
  WithdrawnExcuse,
} from './campusStore.ts';

const long = (n: number) => cassandra.types.Long.fromNumber(n);
type Write = [string, unknown[]];

/**
 * The campus on Cassandra, in the aggregator's keyspace (tables `campus_*`,
 * sync/campus/cql/). Every read is one partition of a table made for it; a
 * write updates the row and its query tables, reading the previous row first
 * where a key moves (a student's cards, a session's day or course, an excuse,
 * a delivery's state). Passes test/sync/campusStore.contract.ts.
 */
export class CassandraCampusStore extends CassandraCampusBase implements CampusStore {
  readonly kind = 'cassandra' as const;

  constructor(
    opts: CassandraCampusOptions,
    log: Logger,
    private readonly site: SiteTime = utcSite(),
  ) {
    super(opts, log);
  }

  // ---- students -------------------------------------------------------------

  async upsertStudents(rows: readonly CampusStudent[]): Promise<void> {
    for (const s of rows) {
      const cards = [...new Set(s.cardUids.map((c) => c.toUpperCase()))];
      const old = await this.row('SELECT card_uids FROM {ks}.campus_students WHERE student_id = ?', [
        s.studentId,
      ]);
      const writes: Write[] = [];
      for (const c of (old?.['card_uids'] as string[] | null) ?? []) {
        if (!cards.includes(c))
          writes.push([
            'DELETE FROM {ks}.campus_cards WHERE card_uid = ? IF student_id = ?',
            [c, s.studentId],
          ]);
      }
      writes.push(
        [
          'INSERT INTO {ks}.campus_students (student_id, name, card_uids) VALUES (?, ?, ?)',
          [s.studentId, s.name, cards],
        ],
        [
          'INSERT INTO {ks}.campus_student_list (part, student_id, name) VALUES (?, ?, ?)',
          [ALL, s.studentId, s.name],
        ],
        ...cards.map((c): Write => [
          'INSERT INTO {ks}.campus_cards (card_uid, student_id) VALUES (?, ?)',
          [c, s.studentId],
        ]),
      );
      await this.writeAll(writes);
    }
  }

  async students(query: StudentQuery = {}): Promise<CampusStudent[]> {
    const limit = query.limit ?? 1000;
    const q = query.q?.toLowerCase();
    const rows = await this.rows('SELECT student_id, name FROM {ks}.campus_student_list WHERE part = ?', [
      ALL,
    ]);
    const hits = rows
      .map((r) => ({ id: r['student_id'] as string, name: r['name'] as string }))
      .filter((r) => !q || r.id.toLowerCase().includes(q) || r.name.toLowerCase().includes(q))
      .slice(0, limit);
    return this.studentsByIds(hits.map((h) => h.id));
  }

  async student(studentId: string): Promise<CampusStudent | null> {
    const r = await this.row('SELECT * FROM {ks}.campus_students WHERE student_id = ?', [studentId]);
    return r ? toStudent(r) : null;
  }

  async studentsByIds(ids: readonly string[]): Promise<CampusStudent[]> {
    const out: CampusStudent[] = [];
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = [...new Set(ids.slice(i, i + 100))];
      const rows = await this.rows('SELECT * FROM {ks}.campus_students WHERE student_id IN ?', [chunk]);
      out.push(...rows.map(toStudent));
    }
    return out.sort((a, b) => cmp(a.studentId, b.studentId));
  }

  async studentByCard(cardUid: string): Promise<string | null> {
    const r = await this.row('SELECT student_id FROM {ks}.campus_cards WHERE card_uid = ?', [
      cardUid.toUpperCase(),
    ]);
    return (r?.['student_id'] as string | undefined) ?? null;
  }

  // ---- courses, enrolments, halls -----------------------------------------------

  async upsertCourses(rows: readonly CampusCourse[]): Promise<void> {
    await this.writeAll(
      rows.map((c): Write => [
        'INSERT INTO {ks}.campus_courses (part, course_id, name, thresholds, at_risk) VALUES (?, ?, ?, ?, ?)',
        [ALL, c.courseId, c.name, JSON.stringify(c.thresholds), c.atRisk ? JSON.stringify(c.atRisk) : null],
      ]),
    );
  }

  async courses(): Promise<CampusCourse[]> {
    return (await this.rows('SELECT * FROM {ks}.campus_courses WHERE part = ?', [ALL])).map(toCourse);
  }

  async course(courseId: string): Promise<CampusCourse | null> {
    const r = await this.row('SELECT * FROM {ks}.campus_courses WHERE part = ? AND course_id = ?', [
      ALL,
      courseId,
    ]);
    return r ? toCourse(r) : null;
  }

  async upsertEnrolments(rows: readonly { studentId: string; courseId: string }[]): Promise<void> {
    await this.writeAll(
      rows.flatMap((r): Write[] => [
        [
          'INSERT INTO {ks}.campus_enrolments_by_course (course_id, student_id) VALUES (?, ?)',
          [r.courseId, r.studentId],
        ],
        [
          'INSERT INTO {ks}.campus_enrolments_by_student (student_id, course_id) VALUES (?, ?)',
          [r.studentId, r.courseId],
        ],
      ]),
    );
  }

  async enrolledStudents(courseId: string): Promise<string[]> {
    const rows = await this.rows(
      'SELECT student_id FROM {ks}.campus_enrolments_by_course WHERE course_id = ?',
      [courseId],
    );
    return rows.map((r) => r['student_id'] as string);
  }

  async enrolledCourses(studentId: string): Promise<string[]> {
    const rows = await this.rows(
      'SELECT course_id FROM {ks}.campus_enrolments_by_student WHERE student_id = ?',
      [studentId],
    );
    return rows.map((r) => r['course_id'] as string);
  }

  /** Every enrolment (publishing the roster): the whole table, in (course, student) order. */
  async enrolments(): Promise<{ studentId: string; courseId: string }[]> {
    const rows = await this.rows('SELECT course_id, student_id FROM {ks}.campus_enrolments_by_course');
    return rows
      .map((r) => ({ studentId: r['student_id'] as string, courseId: r['course_id'] as string }))
      .sort((a, b) => cmp(a.courseId, b.courseId) || cmp(a.studentId, b.studentId));
  }

  /** An empty name keeps the hall's name (only the key is written). */
  async upsertHalls(rows: readonly CampusHall[]): Promise<void> {
    await this.writeAll(
      rows.map((h): Write =>
        h.name === ''
          ? ['INSERT INTO {ks}.campus_halls (part, hall_id) VALUES (?, ?)', [ALL, h.hallId]]
          : ['INSERT INTO {ks}.campus_halls (part, hall_id, name) VALUES (?, ?, ?)', [ALL, h.hallId, h.name]],
      ),
    );
  }

  async halls(): Promise<CampusHall[]> {
    const rows = await this.rows('SELECT hall_id, name FROM {ks}.campus_halls WHERE part = ?', [ALL]);
    return rows.map((r) => ({ hallId: r['hall_id'] as string, name: (r['name'] as string | null) ?? '' }));
  }

  // ---- sessions -----------------------------------------------------------------

  async upsertSessions(rows: readonly Omit<CampusSession, 'day'>[]): Promise<void> {
    for (const s of rows) {
      const day = this.site.dayOf(s.start);
      const old = await this.session(s.sessionId);
      const writes: Write[] = [];
      if (old && (old.day !== day || old.start !== s.start))
        writes.push([
          'DELETE FROM {ks}.campus_sessions_by_day WHERE day = ? AND start_ms = ? AND session_id = ?',
          [old.day, long(old.start), s.sessionId],
        ]);
      if (old && (old.courseId !== s.courseId || old.day !== day || old.start !== s.start))
        writes.push([
          'DELETE FROM {ks}.campus_sessions_by_course WHERE course_id = ? AND day = ? AND start_ms = ? AND session_id = ?',
          [old.courseId, old.day, long(old.start), s.sessionId],
        ]);
      const [start, end] = [long(s.start), long(s.end)];
      writes.push(
        [
          `INSERT INTO {ks}.campus_sessions (session_id, course_id, hall_id, start_ms, end_ms, day)
           VALUES (?, ?, ?, ?, ?, ?)`,
          [s.sessionId, s.courseId, s.hallId, start, end, day],
        ],
        [
          `INSERT INTO {ks}.campus_sessions_by_day (day, start_ms, session_id, course_id, hall_id, end_ms)
           VALUES (?, ?, ?, ?, ?, ?)`,
          [day, start, s.sessionId, s.courseId, s.hallId, end],
        ],
        [
          `INSERT INTO {ks}.campus_sessions_by_course (course_id, day, start_ms, session_id, hall_id, end_ms)
           VALUES (?, ?, ?, ?, ?, ?)`,
          [s.courseId, day, start, s.sessionId, s.hallId, end],
        ],
      );
      await this.writeAll(writes);
    }
  }

  async session(sessionId: string): Promise<CampusSession | null> {
    const r = await this.row('SELECT * FROM {ks}.campus_sessions WHERE session_id = ?', [sessionId]);
    return r ? toSession(r) : null;
  }

  async sessionsOfDay(day: string): Promise<CampusSession[]> {
    return (await this.rows('SELECT * FROM {ks}.campus_sessions_by_day WHERE day = ?', [day])).map(toSession);
  }

  async sessionsOfCourse(courseId: string, fromDay: string, toDay: string): Promise<CampusSession[]> {
    const rows = await this.rows(
      'SELECT * FROM {ks}.campus_sessions_by_course WHERE course_id = ? AND day >= ? AND day <= ?',
      [courseId, fromDay, toDay],
    );
    return rows.map(toSession).sort(byStart);
  }

  /** Every session (publishing the timetable): the whole table, by start then id. */
  async allSessions(): Promise<CampusSession[]> {
    return (await this.rows('SELECT * FROM {ks}.campus_sessions')).map(toSession).sort(byStart);
  }

  // ---- gateways -------------------------------------------------------------------

  async upsertGateway(g: CampusGateway): Promise<void> {
    await this.write(
      'INSERT INTO {ks}.campus_gateways (part, site, gateway_id, hall_ids) VALUES (?, ?, ?, ?)',
      [ALL, g.site, g.gatewayId, [...g.hallIds]],
    );
  }

  async gateways(): Promise<CampusGateway[]> {
    const rows = await this.rows(
      'SELECT site, gateway_id, hall_ids FROM {ks}.campus_gateways WHERE part = ?',
      [ALL],
    );
    return rows.map((r) => ({
      site: r['site'] as string,
      gatewayId: r['gateway_id'] as string,
      hallIds: ((r['hall_ids'] as string[] | null) ?? []).slice().sort(),
    }));
  }

  // ---- excuses and decisions ----------------------------------------------------------

  async addExcuse(e: ExcuseInput): Promise<Excuse> {
    const ex: Excuse = { id: randomUUID(), ...e };
    const at = long(ex.createdAt);
    const rest = [ex.sessionId, ex.toDay, ex.reason, ex.author];
    await this.writeAll([
      [
        `INSERT INTO {ks}.campus_excuses (id, student_id, from_day, created_at, session_id, to_day, reason, author)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [ex.id, ex.studentId, ex.fromDay, at, ...rest],
      ],
      [
        `INSERT INTO {ks}.campus_excuse_list (part, from_day, student_id, created_at, id, session_id, to_day, reason,
           author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [ALL, ex.fromDay, ex.studentId, at, ex.id, ...rest],
      ],
      [
        `INSERT INTO {ks}.campus_excuses_by_student (student_id, from_day, created_at, id, session_id, to_day, reason,
           author) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [ex.studentId, ex.fromDay, at, ex.id, ...rest],
      ],
    ]);
    return ex;
  }

  async excuses(filter: { studentId?: string } = {}): Promise<Excuse[]> {
    const rows = filter.studentId
      ? await this.rows('SELECT * FROM {ks}.campus_excuses_by_student WHERE student_id = ?', [
          filter.studentId,
        ])
      : await this.rows('SELECT * FROM {ks}.campus_excuse_list WHERE part = ?', [ALL]);
    return rows.map(toExcuse);
  }

  async excuse(id: string): Promise<Excuse | null> {
    const r = await this.row('SELECT * FROM {ks}.campus_excuses WHERE id = ?', [id]);
    return r ? toExcuse(r) : null;
  }

  /** Moves an excuse in force to the withdrawals (kept with who, when and why). */
  async withdrawExcuse(id: string, w: ExcuseWithdrawal): Promise<boolean> {
    const ex = await this.excuse(id);
    if (!ex) return false;
    const at = long(ex.createdAt);
    const kept = [ex.sessionId, ex.fromDay, ex.toDay, ex.reason, ex.author, at, w.reason, w.author];
    await this.writeAll([
      [
        `INSERT INTO {ks}.campus_excuse_withdrawals (part, withdrawn_at, id, student_id, session_id, from_day, to_day,
           reason, author, created_at, withdrawn_reason, withdrawn_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [ALL, long(w.at), id, ex.studentId, ...kept],
      ],
      [
        `INSERT INTO {ks}.campus_excuse_withdrawals_by_student (student_id, withdrawn_at, id, session_id, from_day,
           to_day, reason, author, created_at, withdrawn_reason, withdrawn_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [ex.studentId, long(w.at), id, ...kept],
      ],
      [
        'DELETE FROM {ks}.campus_excuse_list WHERE part = ? AND from_day = ? AND student_id = ? AND created_at = ? AND id = ?',
        [ALL, ex.fromDay, ex.studentId, at, id],
      ],
      [
        'DELETE FROM {ks}.campus_excuses_by_student WHERE student_id = ? AND from_day = ? AND created_at = ? AND id = ?',
        [ex.studentId, ex.fromDay, at, id],
      ],
      ['DELETE FROM {ks}.campus_excuses WHERE id = ?', [id]],
    ]);
    return true;
  }

  async withdrawnExcuses(filter: { studentId?: string } = {}): Promise<WithdrawnExcuse[]> {
    const rows = filter.studentId
      ? await this.rows('SELECT * FROM {ks}.campus_excuse_withdrawals_by_student WHERE student_id = ?', [
          filter.studentId,
        ])
      : await this.rows('SELECT * FROM {ks}.campus_excuse_withdrawals WHERE part = ?', [ALL]);
    return rows.map(toWithdrawnExcuse);
  }

  async putDecision(d: ReviewDecision): Promise<void> {
    await this.write(
      `INSERT INTO {ks}.campus_decisions (session_id, student_id, status, reason, author, decided_at)
       VALUES (?, ?, ?, ?, ?, ?)`,
      [d.sessionId, d.studentId, d.status, d.reason, d.author, long(d.decidedAt)],
    );
  }

  async decisionsOfSession(sessionId: string): Promise<ReviewDecision[]> {
    return (await this.rows('SELECT * FROM {ks}.campus_decisions WHERE session_id = ?', [sessionId])).map(
      toDecision,
    );
  }

  /** Every decision (publishing them down): the whole table, by session then student. */
  async decisions(): Promise<ReviewDecision[]> {
    return (await this.rows('SELECT * FROM {ks}.campus_decisions'))
      .map(toDecision)
      .sort((a, b) => cmp(a.sessionId, b.sessionId) || cmp(a.studentId, b.studentId));
  }
}
