import { absence } from './absence.ts';
import { ambiguous } from './ambiguous.ts';
import { backToBack } from './backToBack.ts';
import { breaks } from './breaks.ts';
import { cardFaceCheck } from './cardFaceCheck.ts';
import type { DayContext } from './dayContext.ts';
import { decideStatus } from './decideStatus.ts';
import { earlyExit } from './earlyExit.ts';
import { eventNotes } from './eventNotes.ts';
import { toExplanation, type Finding } from './finding.ts';
import { lateArrival } from './lateArrival.ts';
import { missingExit } from './missingExit.ts';
import { multipleExits } from './multipleExits.ts';
import { presenceRatio } from './presenceRatio.ts';
import { buildSessionView, presentMs } from './sessionView.ts';
import type { AttendanceRecord, LectureSession } from './types.ts';

/** Unique flags in the order the findings raised them. */
export function flagsOf(findings: readonly Finding[]): string[] {
  const flags: string[] = [];
  for (const f of findings) if (f.flag !== undefined && !flags.includes(f.flag)) flags.push(f.flag);
  return flags;
}

/**
 * One (student, enrolled session) record. Rules run in a fixed order (which
 * only orders flags and explanations); the status comes from decideStatus's
 * priority list, not from the order.
 */
export function classifySession(session: LectureSession, day: DayContext): AttendanceRecord {
  const view = buildSessionView(session, day.timetable, day.intervals, day.passages, day.now, day.clock);
  const { th, window } = view;
  const viewIds = new Set(view.passages.flatMap((p) => p.eventIds));
  const mismatches = day.mismatches.filter((m) => viewIds.has(m.badge.eventId));
  const { arrivalRef, findings: b2b } = backToBack(view, day.timetable, day.intervals);
  const findings: Finding[] = [
    ...cardFaceCheck(view.passages, mismatches, th, day.clock),
    ...ambiguous(view, day.timetable, day.intervals, day.orphanExits),
    ...missingExit(view),
    ...b2b,
    ...lateArrival(view, arrivalRef),
    ...absence(view, arrivalRef),
    ...breaks(view),
    ...multipleExits(view),
    ...earlyExit(view),
    ...presenceRatio(view),
    ...eventNotes(session.hallId, window, day.lowConfidence, day.debounced, th),
  ];
  const { status, finding } = decideStatus(findings, view.ended);
  findings.push(finding);
  return {
    studentId: day.studentId,
    sessionId: session.sessionId,
    courseId: session.courseId,
    hallId: session.hallId,
    status,
    minutesPresent: Math.floor(presentMs(view) / 60_000),
    intervals: view.segments.map((s) => ({ from: s.from, to: s.to })),
    flags: flagsOf(findings),
    explanations: findings.map(toExplanation),
    eventIds: view.passages.flatMap((p) => p.eventIds),
  };
}
