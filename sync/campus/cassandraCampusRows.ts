import type { Thresholds } from '../../rules/types.ts';
import { cmp, num, type Row } from './cassandraCampusBase.ts';
import type {
  CampusCourse,
  CampusSession,
  CampusStudent,
  DecisionStatus,
  Excuse,
  ReviewDecision,
  WithdrawnExcuse,
} from './campusStore.ts';

/** Rows of the campus tables (sync/campus/cql/) as CampusStore values. */

export function toStudent(r: Row): CampusStudent {
  return {
    studentId: r['student_id'] as string,
    name: r['name'] as string,
    cardUids: ((r['card_uids'] as string[] | null) ?? []).slice().sort(),
  };
}

export function toCourse(r: Row): CampusCourse {
  const atRisk = r['at_risk'] as string | null;
  return {
    courseId: r['course_id'] as string,
    name: r['name'] as string,
    thresholds: JSON.parse(r['thresholds'] as string) as Partial<Thresholds>,
    atRisk: atRisk ? (JSON.parse(atRisk) as CampusCourse['atRisk']) : null,
  };
}

export function toSession(r: Row): CampusSession {
  return {
    sessionId: r['session_id'] as string,
    courseId: r['course_id'] as string,
    hallId: r['hall_id'] as string,
    start: num(r['start_ms']),
    end: num(r['end_ms']),
    day: r['day'] as string,
  };
}

export function toExcuse(r: Row): Excuse {
  return {
    id: r['id'] as string,
    studentId: r['student_id'] as string,
    sessionId: (r['session_id'] as string | null) ?? null,
    fromDay: r['from_day'] as string,
    toDay: r['to_day'] as string,
    reason: r['reason'] as string,
    author: r['author'] as string,
    createdAt: num(r['created_at']),
  };
}

/** A withdrawn excuse: the excuse's columns and the withdrawal's. */
export function toWithdrawnExcuse(r: Row): WithdrawnExcuse {
  return {
    ...toExcuse(r),
    withdrawal: {
      reason: r['withdrawn_reason'] as string,
      author: r['withdrawn_by'] as string,
      at: num(r['withdrawn_at']),
    },
  };
}

export function toDecision(r: Row): ReviewDecision {
  return {
    studentId: r['student_id'] as string,
    sessionId: r['session_id'] as string,
    status: r['status'] as DecisionStatus,
    reason: r['reason'] as string,
    author: r['author'] as string,
    decidedAt: num(r['decided_at']),
  };
}

export const byStart = (a: CampusSession, b: CampusSession) =>
  a.start - b.start || cmp(a.sessionId, b.sessionId);
