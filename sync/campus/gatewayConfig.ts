import type { Thresholds } from '../../rules/types.ts';
import type { ConfigData } from '../schema.ts';
import type { ConfigKind } from '../topics.ts';
import type { CampusGateway, CampusSession, CampusStudent } from './campusStore.ts';

/** The campus as publishing reads it, once per publication. */
export interface CampusSnapshot {
  sessions: readonly CampusSession[];
  enrolments: readonly { studentId: string; courseId: string }[];
  students: readonly CampusStudent[];
  siteThresholds: Partial<Thresholds>;
}

/**
 * What one gateway needs of one configuration kind, and nothing more: the
 * sessions held in its halls (timetable), the enrolments of the courses held
 * there, the students of those enrolments with their card (roster: a
 * student's first card UID; the wire format carries one), the site thresholds.
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
        })) as ConfigData<K>;
    case 'thresholds':
      return { ...campus.siteThresholds } as ConfigData<K>;
  }
  throw new Error(`unknown configuration kind ${String(kind)}`);
}
