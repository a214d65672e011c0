import type { Thresholds } from '../../rules/types.ts';
import type { MetaTable } from './metaTable.ts';
import type { StoreConnection } from './storeConnection.ts';

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

function statements(db: StoreConnection['db']) {
  return {
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
    enrolledCourses: db
      .prepare<[string], string>('SELECT course_id FROM enrolments WHERE student_id = ? ORDER BY course_id')
      .pluck(),
    enrolledStudents: db.prepare<[string], { student_id: string }>(
      'SELECT student_id FROM enrolments WHERE course_id = ? ORDER BY student_id',
    ),
  };
}

/** Students and their cards, courses, enrolments and halls. */
export class RosterTable {
  private readonly stmts;

  constructor(
    private readonly conn: StoreConnection,
    private readonly meta: MetaTable,
  ) {
    this.stmts = statements(conn.db);
  }

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
  /** Sets a course's threshold overrides, keeping its name; a course not held yet is created without one. */
  setCourseOverrides(courseId: string, overrides: Partial<Thresholds>): void {
    if (this.courseExists(courseId))
      this.conn.db
        .prepare('UPDATE courses SET overrides = ? WHERE course_id = ?')
        .run(JSON.stringify(overrides), courseId);
    else this.upsertCourse({ courseId, name: '', overrides });
  }
  /** Adds a course with no name and no overrides unless it exists. */
  ensureCourse(courseId: string): void {
    if (!this.courseExists(courseId)) this.upsertCourse({ courseId, name: '', overrides: {} });
  }

  /** A full roster version: upserts every student, removes those no longer listed. */
  replaceRoster(rows: StudentRow[], now: number): void {
    const db = this.conn.db;
    this.conn.tx(() => {
      db.exec(
        'CREATE TEMP TABLE IF NOT EXISTS keep_students (student_id TEXT PRIMARY KEY); DELETE FROM keep_students;',
      );
      const keep = db.prepare('INSERT OR IGNORE INTO keep_students VALUES (?)');
      // Free every card first so cards moving between students do not collide.
      db.prepare('UPDATE students SET card_uid = NULL').run();
      db.prepare('DELETE FROM student_cards').run();
      for (const r of rows) {
        this.upsertStudent(r, now);
        keep.run(r.studentId);
      }
      db.exec(
        'DELETE FROM students WHERE student_id NOT IN (SELECT student_id FROM keep_students); DROP TABLE keep_students;',
      );
      this.meta.setMeta('roster_version', String(now));
    });
  }

  /** A full enrolment version: replaces every enrolment. */
  replaceEnrolments(rows: { studentId: string; courseId: string }[], now: number): void {
    this.conn.tx(() => {
      this.conn.db.prepare('DELETE FROM enrolments').run();
      for (const r of rows) {
        this.ensureCourse(r.courseId);
        this.upsertEnrolment(r.studentId, r.courseId);
      }
      this.meta.setMeta('roster_version', String(now));
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
    return this.conn.db.prepare('SELECT 1 FROM courses WHERE course_id = ?').get(courseId) !== undefined;
  }
  /** Every card UID on the roster (for the Bloom filter). */
  *cardUids(): Generator<string> {
    for (const r of this.conn.db
      .prepare(
        'SELECT card_uid FROM students WHERE card_uid IS NOT NULL UNION ALL SELECT card_uid FROM student_cards',
      )
      .iterate() as Iterable<{ card_uid: string }>) {
      yield r.card_uid;
    }
  }
  enrolledCourseIds(studentId: string): string[] {
    return this.stmts.enrolledCourses.all(studentId);
  }
  enrolledStudentIds(courseId: string): string[] {
    return this.stmts.enrolledStudents.all(courseId).map((r) => r.student_id);
  }
}
