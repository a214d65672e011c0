import { randomUUID } from 'node:crypto';
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
import { SqliteCampusBase } from './sqliteCampusBase.ts';
import { utcSite, type SiteTime } from '../../kernel/siteTime.ts';
import type { Thresholds } from '../../rules/types.ts';

const SESSION_COLS = 'session_id AS sessionId, course_id AS courseId, hall_id AS hallId, start, end, day';
const EXCUSE_COLS = `id, student_id AS studentId, session_id AS sessionId, from_day AS fromDay, to_day AS toDay,
  reason, author, created_at AS createdAt`;
const DECISION_COLS = `student_id AS studentId, session_id AS sessionId, status, reason, author, decided_at AS decidedAt`;

interface CourseRow {
  course_id: string;
  name: string;
  thresholds: string;
  at_risk: string | null;
}

/**
 * The campus tables in a SQLite file (the central store's file by default:
 * tables are prefixed `campus_`, migrations named `campus_NNN`). WAL,
 * synchronous=FULL; each call is one transaction.
 */
export class SqliteCampusStore extends SqliteCampusBase implements CampusStore {
  readonly kind = 'sqlite' as const;

  /** `site` names a session's day (its start's local day, as the gateways name it); default UTC. */
  constructor(
    path: string,
    private readonly site: SiteTime = utcSite(),
  ) {
    super(path);
  }

  // ---- students -------------------------------------------------------------

  upsertStudents(rows: readonly CampusStudent[]): Promise<void> {
    return this.write((db) => {
      const put = db.prepare(
        `INSERT INTO campus_students (student_id, name, name_lc) VALUES (?, ?, ?)
         ON CONFLICT (student_id) DO UPDATE SET name = excluded.name, name_lc = excluded.name_lc`,
      );
      const drop = db.prepare('DELETE FROM campus_cards WHERE student_id = ?');
      const card = db.prepare(
        `INSERT INTO campus_cards (card_uid, student_id) VALUES (?, ?)
         ON CONFLICT (card_uid) DO UPDATE SET student_id = excluded.student_id`,
      );
      for (const s of rows) {
        put.run(s.studentId, s.name, s.name.toLowerCase());
        drop.run(s.studentId);
        for (const c of s.cardUids) card.run(c.toUpperCase(), s.studentId);
      }
    });
  }

  async students(query: StudentQuery = {}): Promise<CampusStudent[]> {
    const limit = query.limit ?? 1000;
    const q = query.q?.toLowerCase();
    const rows = q
      ? await this.all<{ student_id: string; name: string }>(
          `SELECT student_id, name FROM campus_students
           WHERE instr(lower(student_id), ?) > 0 OR instr(name_lc, ?) > 0 ORDER BY student_id LIMIT ?`,
          q,
          q,
          limit,
        )
      : await this.all<{ student_id: string; name: string }>(
          'SELECT student_id, name FROM campus_students ORDER BY student_id LIMIT ?',
          limit,
        );
    return rows.map((r) => ({ studentId: r.student_id, name: r.name, cardUids: this.cardsOf(r.student_id) }));
  }

  private cardsOf(studentId: string): string[] {
    return (
      this.d
        .prepare('SELECT card_uid FROM campus_cards WHERE student_id = ? ORDER BY card_uid')
        .all(studentId) as { card_uid: string }[]
    ).map((r) => r.card_uid);
  }

  async student(studentId: string): Promise<CampusStudent | null> {
    const r = await this.one<{ name: string }>(
      'SELECT name FROM campus_students WHERE student_id = ?',
      studentId,
    );
    return r ? { studentId, name: r.name, cardUids: this.cardsOf(studentId) } : null;
  }

  studentsByIds(ids: readonly string[]): Promise<CampusStudent[]> {
    const out: CampusStudent[] = [];
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const marks = chunk.map(() => '?').join(',');
      const cards = new Map<string, string[]>();
      for (const c of this.d
        .prepare(
          `SELECT student_id, card_uid FROM campus_cards WHERE student_id IN (${marks}) ORDER BY card_uid`,
        )
        .all(...chunk) as { student_id: string; card_uid: string }[])
        cards.set(c.student_id, [...(cards.get(c.student_id) ?? []), c.card_uid]);
      for (const r of this.d
        .prepare(`SELECT student_id, name FROM campus_students WHERE student_id IN (${marks})`)
        .all(...chunk) as { student_id: string; name: string }[])
        out.push({ studentId: r.student_id, name: r.name, cardUids: cards.get(r.student_id) ?? [] });
    }
    return Promise.resolve(
      out.sort((a, b) => (a.studentId < b.studentId ? -1 : a.studentId > b.studentId ? 1 : 0)),
    );
  }

  async studentByCard(cardUid: string): Promise<string | null> {
    const r = await this.one<{ student_id: string }>(
      'SELECT student_id FROM campus_cards WHERE card_uid = ?',
      cardUid.toUpperCase(),
    );
    return r?.student_id ?? null;
  }

  // ---- courses, enrolments, halls, sessions ----------------------------------

  upsertCourses(rows: readonly CampusCourse[]): Promise<void> {
    return this.write((db) => {
      const put = db.prepare(
        `INSERT INTO campus_courses (course_id, name, thresholds, at_risk) VALUES (?, ?, ?, ?)
         ON CONFLICT (course_id) DO UPDATE SET name = excluded.name, thresholds = excluded.thresholds,
           at_risk = excluded.at_risk`,
      );
      for (const c of rows)
        put.run(c.courseId, c.name, JSON.stringify(c.thresholds), c.atRisk ? JSON.stringify(c.atRisk) : null);
    });
  }

  async courses(): Promise<CampusCourse[]> {
    return (await this.all<CourseRow>('SELECT * FROM campus_courses ORDER BY course_id')).map(toCourse);
  }

  async course(courseId: string): Promise<CampusCourse | null> {
    const r = await this.one<CourseRow>('SELECT * FROM campus_courses WHERE course_id = ?', courseId);
    return r ? toCourse(r) : null;
  }

  upsertEnrolments(rows: readonly { studentId: string; courseId: string }[]): Promise<void> {
    return this.write((db) => {
      const put = db.prepare('INSERT OR IGNORE INTO campus_enrolments (course_id, student_id) VALUES (?, ?)');
      for (const r of rows) put.run(r.courseId, r.studentId);
    });
  }

  async enrolledStudents(courseId: string): Promise<string[]> {
    const rows = await this.all<{ s: string }>(
      'SELECT student_id AS s FROM campus_enrolments WHERE course_id = ? ORDER BY student_id',
      courseId,
    );
    return rows.map((r) => r.s);
  }

  async enrolledCourses(studentId: string): Promise<string[]> {
    const rows = await this.all<{ c: string }>(
      'SELECT course_id AS c FROM campus_enrolments WHERE student_id = ? ORDER BY course_id',
      studentId,
    );
    return rows.map((r) => r.c);
  }

  enrolments(): Promise<{ studentId: string; courseId: string }[]> {
    return this.all(
      'SELECT student_id AS studentId, course_id AS courseId FROM campus_enrolments ORDER BY course_id, student_id',
    );
  }

  upsertHalls(rows: readonly CampusHall[]): Promise<void> {
    return this.write((db) => {
      const put = db.prepare(
        `INSERT INTO campus_halls (hall_id, name) VALUES (?, ?)
         ON CONFLICT (hall_id) DO UPDATE SET name = CASE WHEN excluded.name = '' THEN name ELSE excluded.name END`,
      );
      for (const h of rows) put.run(h.hallId, h.name);
    });
  }

  halls(): Promise<CampusHall[]> {
    return this.all('SELECT hall_id AS hallId, name FROM campus_halls ORDER BY hall_id');
  }

  upsertSessions(rows: readonly Omit<CampusSession, 'day'>[]): Promise<void> {
    return this.write((db) => {
      const put = db.prepare(
        `INSERT INTO campus_sessions (session_id, course_id, hall_id, start, end, day) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (session_id) DO UPDATE SET course_id = excluded.course_id, hall_id = excluded.hall_id,
           start = excluded.start, end = excluded.end, day = excluded.day`,
      );
      for (const s of rows)
        put.run(s.sessionId, s.courseId, s.hallId, s.start, s.end, this.site.dayOf(s.start));
    });
  }

  session(sessionId: string): Promise<CampusSession | null> {
    return this.one(`SELECT ${SESSION_COLS} FROM campus_sessions WHERE session_id = ?`, sessionId);
  }

  sessionsOfDay(day: string): Promise<CampusSession[]> {
    return this.all(
      `SELECT ${SESSION_COLS} FROM campus_sessions WHERE day = ? ORDER BY start, session_id`,
      day,
    );
  }

  sessionsOfCourse(courseId: string, fromDay: string, toDay: string): Promise<CampusSession[]> {
    return this.all(
      `SELECT ${SESSION_COLS} FROM campus_sessions WHERE course_id = ? AND day BETWEEN ? AND ?
       ORDER BY start, session_id`,
      courseId,
      fromDay,
      toDay,
    );
  }

  allSessions(): Promise<CampusSession[]> {
    return this.all(`SELECT ${SESSION_COLS} FROM campus_sessions ORDER BY start, session_id`);
  }

  // ---- gateways ---------------------------------------------------------------

  upsertGateway(g: CampusGateway): Promise<void> {
    return this.write((db) => {
      db.prepare(
        `INSERT INTO campus_gateways (site, gateway_id, hall_ids) VALUES (?, ?, ?)
         ON CONFLICT (site, gateway_id) DO UPDATE SET hall_ids = excluded.hall_ids`,
      ).run(g.site, g.gatewayId, JSON.stringify([...g.hallIds].sort()));
    });
  }

  async gateways(): Promise<CampusGateway[]> {
    const rows = await this.all<{ site: string; gateway_id: string; hall_ids: string }>(
      'SELECT * FROM campus_gateways ORDER BY site, gateway_id',
    );
    return rows.map((r) => ({
      site: r.site,
      gatewayId: r.gateway_id,
      hallIds: JSON.parse(r.hall_ids) as string[],
    }));
  }

  // ---- excuses and decisions ---------------------------------------------------

  async addExcuse(e: ExcuseInput): Promise<Excuse> {
    const ex: Excuse = { id: randomUUID(), ...e };
    await this.write((db) => {
      db.prepare(
        `INSERT INTO campus_excuses (id, student_id, session_id, from_day, to_day, reason, author, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(ex.id, ex.studentId, ex.sessionId, ex.fromDay, ex.toDay, ex.reason, ex.author, ex.createdAt);
    });
    return ex;
  }

  excuses(filter: { studentId?: string } = {}): Promise<Excuse[]> {
    return filter.studentId
      ? this.all(
          `SELECT ${EXCUSE_COLS} FROM campus_excuses WHERE student_id = ? ORDER BY from_day, created_at, id`,
          filter.studentId,
        )
      : this.all(`SELECT ${EXCUSE_COLS} FROM campus_excuses ORDER BY from_day, student_id, created_at, id`);
  }

  excuse(id: string): Promise<Excuse | null> {
    return this.one(`SELECT ${EXCUSE_COLS} FROM campus_excuses WHERE id = ?`, id);
  }

  async withdrawExcuse(id: string, w: ExcuseWithdrawal): Promise<boolean> {
    let moved = false;
    await this.write((db) => {
      db.prepare(
        `INSERT INTO campus_excuse_withdrawals (id, student_id, session_id, from_day, to_day, reason, author, created_at,
           withdrawn_reason, withdrawn_by, withdrawn_at)
         SELECT id, student_id, session_id, from_day, to_day, reason, author, created_at, ?, ?, ?
         FROM campus_excuses WHERE id = ?`,
      ).run(w.reason, w.author, w.at, id);
      moved = db.prepare('DELETE FROM campus_excuses WHERE id = ?').run(id).changes > 0;
    });
    return moved;
  }

  async withdrawnExcuses(filter: { studentId?: string } = {}): Promise<WithdrawnExcuse[]> {
    const rows = await this.all<Excuse & { wReason: string; wBy: string; wAt: number }>(
      `SELECT ${EXCUSE_COLS}, withdrawn_reason AS wReason, withdrawn_by AS wBy, withdrawn_at AS wAt
       FROM campus_excuse_withdrawals ${filter.studentId ? 'WHERE student_id = ?' : ''}
       ORDER BY withdrawn_at, id`,
      ...(filter.studentId ? [filter.studentId] : []),
    );
    return rows.map(({ wReason, wBy, wAt, ...e }) => ({
      ...e,
      withdrawal: { reason: wReason, author: wBy, at: wAt },
    }));
  }

  putDecision(d: ReviewDecision): Promise<void> {
    return this.write((db) => {
      db.prepare(
        `INSERT INTO campus_decisions (student_id, session_id, status, reason, author, decided_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (session_id, student_id) DO UPDATE SET status = excluded.status, reason = excluded.reason,
           author = excluded.author, decided_at = excluded.decided_at`,
      ).run(d.studentId, d.sessionId, d.status, d.reason, d.author, d.decidedAt);
    });
  }

  decisionsOfSession(sessionId: string): Promise<ReviewDecision[]> {
    return this.all(
      `SELECT ${DECISION_COLS} FROM campus_decisions WHERE session_id = ? ORDER BY student_id`,
      sessionId,
    );
  }

  decisions(): Promise<ReviewDecision[]> {
    return this.all(`SELECT ${DECISION_COLS} FROM campus_decisions ORDER BY session_id, student_id`);
  }
}

function toCourse(r: CourseRow): CampusCourse {
  return {
    courseId: r.course_id,
    name: r.name,
    thresholds: JSON.parse(r.thresholds) as Partial<Thresholds>,
    atRisk: r.at_risk ? (JSON.parse(r.at_risk) as CampusCourse['atRisk']) : null,
  };
}
