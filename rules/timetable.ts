import { effectiveThresholds } from './defaultThresholds.ts';
import type { LectureSession, Thresholds } from './types.ts';

/** The day's sessions, indexed the ways the rules look them up. */
export interface Timetable {
  /** Every session, by start, end, sessionId. */
  all: LectureSession[];
  /** Sessions of courses the student is enrolled in, same order. */
  enrolled: LectureSession[];
  enrolledCourses: ReadonlySet<string>;
  byHall: ReadonlyMap<string, LectureSession[]>;
  enrolledByHall: ReadonlyMap<string, LectureSession[]>;
  /** Effective thresholds of a session's course. */
  thresholdsOf(session: LectureSession): Thresholds;
}

export function compareSessions(a: LectureSession, b: LectureSession): number {
  return (
    a.start - b.start || a.end - b.end || (a.sessionId < b.sessionId ? -1 : a.sessionId > b.sessionId ? 1 : 0)
  );
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const list = m.get(k);
  if (list === undefined) m.set(k, [v]);
  else list.push(v);
}

/**
 * Indexes the sessions that can matter for this student: those of enrolled
 * courses, and every session in the halls the student was seen in. (The
 * gateway passes the whole day's timetable; the rest is never looked at.)
 */
export function buildTimetable(
  sessions: readonly LectureSession[],
  enrolledCourseIds: readonly string[],
  hallsSeen: ReadonlySet<string>,
  base: Thresholds,
  overrides: Record<string, Partial<Thresholds>> | undefined,
): Timetable {
  const enrolledCourses = new Set(enrolledCourseIds);
  const relevant: LectureSession[] = [];
  for (let i = 0; i < sessions.length; i++) {
    const s = sessions[i]!;
    if (enrolledCourses.has(s.courseId) || hallsSeen.has(s.hallId)) relevant.push(s);
  }
  const seen = new Set<string>();
  const all: LectureSession[] = [];
  for (const s of relevant.sort(compareSessions)) {
    if (seen.has(s.sessionId)) continue;
    seen.add(s.sessionId);
    all.push(s);
  }
  const enrolled: LectureSession[] = [];
  const byHall = new Map<string, LectureSession[]>();
  const enrolledByHall = new Map<string, LectureSession[]>();
  for (const s of all) {
    push(byHall, s.hallId, s);
    if (enrolledCourses.has(s.courseId)) {
      enrolled.push(s);
      push(enrolledByHall, s.hallId, s);
    }
  }
  const memo = new Map<string, Thresholds>();
  return {
    all,
    enrolled,
    enrolledCourses,
    byHall,
    enrolledByHall,
    thresholdsOf(session) {
      let th = memo.get(session.courseId);
      if (th === undefined) {
        th = effectiveThresholds(base, overrides, session.courseId);
        memo.set(session.courseId, th);
      }
      return th;
    },
  };
}

/** [start - tolerance, end + tolerance]: events in here count toward the session. */
export function windowOf(session: LectureSession, th: Thresholds): { from: number; to: number } {
  const tol = th.sessionToleranceSec * 1000;
  return { from: session.start - tol, to: session.end + tol };
}
