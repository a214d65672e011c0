import type { Thresholds } from '../../rules/types.ts';
import type { ConfigData } from '../schema.ts';
import type { ConfigKind } from '../topics.ts';
import type { CampusGateway, CampusSession, CampusStudent, Excuse, ReviewDecision } from './campusStore.ts';
import { excuseCovers } from './registers.ts';

/** The campus as publishing reads it, once per publication. */
export interface CampusSnapshot {
  sessions: readonly CampusSession[];
  enrolments: readonly { studentId: string; courseId: string }[];
  students: readonly CampusStudent[];
  siteThresholds: Partial<Thresholds>;
  /** Per-course threshold overrides by course id (courses without any may be absent). */
  courseThresholds: Readonly<Record<string, Partial<Thresholds>>>;
  decisions: readonly ReviewDecision[];
  excuses: readonly Excuse[];
}

/**
 * What one gateway needs of one configuration kind, and nothing more: the
 * sessions held in its halls (timetable), the enrolments of the courses held
 * there, the students of those enrolments with every card UID (roster:
 * `cardUids`, and `cardUid` the first for gateways that read only it), the
 * site thresholds with the overrides of the courses held there.
 */
export function gatewayConfig<K extends ConfigKind>(
  kind: K,
  gateway: Pick<CampusGateway, 'hallIds'>,
  campus: CampusSnapshot,
): ConfigData<K> {
  const halls = new Set(gateway.hallIds);
  const sessions = campus.sessions.filter((s) => halls.has(s.hallId));
  const courses = new Set(sessions.map((s) => s.courseId));
  const enrolments = campus.enrolments.filter((e) => courses.has(e.courseId));
  const students = new Set(enrolments.map((e) => e.studentId));
  switch (kind) {
    case 'timetable':
      return sessions.map(({ sessionId, courseId, hallId, start, end }) => ({
        sessionId,
        courseId,
        hallId,
        start,
        end,
      })) as ConfigData<K>;
    case 'enrolments':
      return enrolments.map(({ studentId, courseId }) => ({ studentId, courseId })) as ConfigData<K>;
    case 'roster':
      return campus.students
        .filter((s) => students.has(s.studentId))
        .map((s) => ({
          studentId: s.studentId,
          name: s.name,
          cardUid: s.cardUids[0] ?? null,
          cardUids: s.cardUids,
        })) as ConfigData<K>;
    case 'thresholds':
      // Every course held in its halls, so an override removed centrally is removed there too.
      return {
        ...campus.siteThresholds,
        courses: Object.fromEntries(
          [...courses].sort().map((c) => [c, { ...(campus.courseThresholds[c] ?? {}) }]),
        ),
      } as ConfigData<K>;
    case 'decisions':
      return decisionsFor(sessions, enrolments, campus) as ConfigData<K>;
  }
  throw new Error(`unknown configuration kind ${String(kind)}`);
}

/**
 * The central decisions on the gateway's sessions: review resolutions, and
 * each excuse expanded to the sessions it covers of courses the student is
 * enrolled in. An excuse goes down as status 'excused' with its reason as the
 * note and wins over a review decision. The list is complete: a decision the
 * gateway applied before and no longer finds here (a withdrawn excuse) is
 * dropped there and the record decided again by the engine.
 */
function decisionsFor(
  sessions: readonly CampusSession[],
  enrolments: readonly { studentId: string; courseId: string }[],
  campus: CampusSnapshot,
): ConfigData<'decisions'> {
  const byId = new Map(sessions.map((s) => [s.sessionId, s]));
  const out = new Map<string, ConfigData<'decisions'>[number]>();
  for (const d of campus.decisions) {
    const s = byId.get(d.sessionId);
    if (!s) continue;
    out.set(`${d.sessionId}/${d.studentId}`, {
      studentId: d.studentId,
      sessionId: d.sessionId,
      courseId: s.courseId,
      hallId: s.hallId,
      status: d.status,
      note: d.reason,
      by: d.author,
      decidedAt: d.decidedAt,
    });
  }
  const enrolled = new Set(enrolments.map((e) => `${e.studentId}/${e.courseId}`));
  for (const e of campus.excuses)
    for (const s of sessions) {
      if (!enrolled.has(`${e.studentId}/${s.courseId}`) || !excuseCovers(e, e.studentId, s)) continue;
      out.set(`${s.sessionId}/${e.studentId}`, {
        studentId: e.studentId,
        sessionId: s.sessionId,
        courseId: s.courseId,
        hallId: s.hallId,
        status: 'excused',
        note: e.reason,
        by: e.author,
        decidedAt: e.createdAt,
      });
    }
  return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, d]) => d);
}
