import type { Clock } from '../../kernel/clock.ts';
import type { CentralRecord, CentralStore } from '../aggregator/centralStore.ts';
import type { AtRiskPolicy, CampusCourse, CampusSession, CampusStore, CampusStudent } from './campusStore.ts';
import {
  courseRegister,
  rateOf,
  sessionRegister,
  type CourseRegisterRow,
  type RateCounts,
  type SessionRegisterRow,
} from './registers.ts';

/** What the campus queries read: both central stores, the clock, the site's at-risk default. */
export interface CampusContext {
  campus: CampusStore;
  central: CentralStore;
  clock: Clock;
  atRiskDefault: AtRiskPolicy;
}

/** Students of the given ids (a student on no roster gets an empty name), by id. */
export async function studentsOf(ctx: CampusContext, ids: readonly string[]): Promise<CampusStudent[]> {
  const found = new Map((await ctx.campus.studentsByIds(ids)).map((s) => [s.studentId, s]));
  return ids.map((id) => found.get(id) ?? { studentId: id, name: '', cardUids: [] });
}

export interface SessionRegister {
  session: CampusSession;
  course: CampusCourse | null;
  rows: SessionRegisterRow[];
}

export async function sessionRegisterOf(
  ctx: CampusContext,
  sessionId: string,
): Promise<SessionRegister | null> {
  const session = await ctx.campus.session(sessionId);
  if (!session) return null;
  const students = await studentsOf(ctx, await ctx.campus.enrolledStudents(session.courseId));
  return {
    session,
    course: await ctx.campus.course(session.courseId),
    rows: await registerRows(ctx, session, students),
  };
}

async function registerRows(
  ctx: CampusContext,
  session: CampusSession,
  students: readonly CampusStudent[],
): Promise<SessionRegisterRow[]> {
  const [records, excuses, decisions] = await Promise.all([
    ctx.central.recordsBySession(session.sessionId),
    ctx.campus.excuses(),
    ctx.campus.decisionsOfSession(session.sessionId),
  ]);
  return sessionRegister(session, students, records, excuses, decisions, ctx.clock.now());
}

export interface CourseRegister {
  course: CampusCourse;
  from: string;
  to: string;
  sessions: CampusSession[];
  rows: CourseRegisterRow[];
}

export async function courseRegisterOf(
  ctx: CampusContext,
  courseId: string,
  from: string,
  to: string,
): Promise<CourseRegister | null> {
  const course = await ctx.campus.course(courseId);
  if (!course) return null;
  const sessions = await ctx.campus.sessionsOfCourse(courseId, from, to);
  const students = await studentsOf(ctx, await ctx.campus.enrolledStudents(courseId));
  const registers = new Map<string, SessionRegisterRow[]>();
  for (const s of sessions) registers.set(s.sessionId, await registerRows(ctx, s, students));
  return { course, from, to, sessions, rows: courseRegister(sessions, students, registers) };
}

export interface StudentView {
  student: CampusStudent;
  courses: (RateCounts & { courseId: string; name: string })[];
  records: CentralRecord[];
}

/** A student's history: every enrolled course with its rate so far, and every record received. */
export async function studentViewOf(ctx: CampusContext, studentId: string): Promise<StudentView | null> {
  const student = await ctx.campus.student(studentId);
  if (!student) return null;
  const courses: StudentView['courses'] = [];
  for (const courseId of await ctx.campus.enrolledCourses(studentId)) {
    const reg = await courseRegisterOf(ctx, courseId, '0000-01-01', '9999-12-31');
    const row = reg?.rows.find((r) => r.studentId === studentId);
    const counts = row ?? rateOf([]);
    courses.push({
      courseId,
      name: reg?.course.name ?? '',
      sessions: counts.sessions,
      present: counts.present,
      late: counts.late,
      excused: counts.excused,
      absent: counts.absent,
      rate: counts.rate,
    });
  }
  return { student, courses, records: await ctx.central.recordsByStudent(studentId) };
}

export interface AtRiskRow {
  studentId: string;
  name: string;
  rate: number | null;
  atRisk: boolean;
}

export interface AtRiskReport {
  courseId: string;
  policy: AtRiskPolicy;
  /** The sessions looked at: the last `policy.sessions` that have ended, by start. */
  sessionIds: string[];
  students: AtRiskRow[];
}

/** Students of a course and whether their rate over its last N ended sessions is below the threshold. */
export async function atRiskOf(ctx: CampusContext, courseId: string): Promise<AtRiskReport | null> {
  const course = await ctx.campus.course(courseId);
  if (!course) return null;
  const policy = course.atRisk ?? ctx.atRiskDefault;
  const now = ctx.clock.now();
  const ended = (await ctx.campus.sessionsOfCourse(courseId, '0000-01-01', '9999-12-31')).filter(
    (s) => s.end <= now,
  );
  const last = ended.slice(Math.max(0, ended.length - policy.sessions));
  const students = await studentsOf(ctx, await ctx.campus.enrolledStudents(courseId));
  const registers = new Map<string, SessionRegisterRow[]>();
  for (const s of last) registers.set(s.sessionId, await registerRows(ctx, s, students));
  const rows = courseRegister(last, students, registers);
  return {
    courseId,
    policy,
    sessionIds: last.map((s) => s.sessionId),
    students: rows.map((r) => ({
      studentId: r.studentId,
      name: r.name,
      rate: r.rate,
      atRisk: r.rate !== null && r.rate < policy.threshold,
    })),
  };
}
