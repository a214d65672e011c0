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

/** A day's sessions grouped by course and by hall. */
interface SessionGroups {
  /** How many sessions the array held when grouped. */
  length: number;
  byCourse: Map<string, LectureSession[]>;
  byHall: Map<string, LectureSession[]>;
}

/**
 * Groups per sessions array. The gateway passes the same array (the whole
 * day's timetable) for every student of that day, so it is grouped once, not
 * scanned per student. An array that grew or shrank since is grouped again;
 * callers must not replace its elements in place.
 */
const groupsOf = new WeakMap<readonly LectureSession[], SessionGroups>();

function groupSessions(sessions: readonly LectureSession[]): SessionGroups {
  let g = groupsOf.get(sessions);
  if (g === undefined || g.length !== sessions.length) {
    g = { length: sessions.length, byCourse: new Map(), byHall: new Map() };
    for (let i = 0; i < sessions.length; i++) {
      const s = sessions[i]!;
      push(g.byCourse, s.courseId, s);
      push(g.byHall, s.hallId, s);
    }
    groupsOf.set(sessions, g);
  }
  return g;
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
  const groups = groupSessions(sessions);
  const relevant: LectureSession[] = [];
  for (const c of enrolledCourses) relevant.push(...(groups.byCourse.get(c) ?? []));
  for (const h of hallsSeen) relevant.push(...(groups.byHall.get(h) ?? []));
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
