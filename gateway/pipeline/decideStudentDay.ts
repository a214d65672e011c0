import { classifyStudentDay, unpairedFaces } from '../../rules/index.ts';
import type { AttendanceRecord, IdentityEvent, Thresholds } from '../../rules/types.ts';
import type { LocalStore, RecordDecision } from '../store/localStore.ts';

/** What classifying reads: a store connection (the daemon's, or a classifier thread's own) and the thresholds. */
export interface DecideContext {
  store: LocalStore;
  thresholds: Thresholds;
  /** Look for card/face mismatches (only useful with a camera). */
  faceFusion: boolean;
}

/** The engine's decisions for one student's day: the records to write, and the courses attended. */
export interface DayDecision {
  studentId: string;
  day: string;
  /** Records that differ from the stored ones (unchanged and reviewer-decided ones left out). */
  records: RecordDecision[];
  /** Courses in which the engine found the student present for any time (unique-attendee counts). */
  present: string[];
}

/**
 * Reads one student's day from the store, runs the pure rule engine on it and
 * says what to write. Reads only: the caller writes the decisions (in the same
 * transaction, or later with LocalStore.applyRecord's check).
 */
export function decideStudentDay(
  ctx: DecideContext,
  studentId: string,
  day: string,
  now: number,
): DayDecision {
  const { store, thresholds } = ctx;
  const events = store.eventsOfStudentDay(studentId, day);
  const input: Parameters<typeof classifyStudentDay>[0] = {
    studentId,
    sessions: store.sessionsOfDay(day),
    enrolledCourseIds: store.enrolledCourseIds(studentId),
    events,
    thresholds,
    courseOverrides: store.courseOverrides(),
    now,
    siteDay: store.site.siteDay(day),
  };
  if (ctx.faceFusion) input.otherFaceEvents = facesNearBadges(ctx, studentId, day, events);
  const { records } = classifyStudentDay(input);
  const out: DayDecision = { studentId, day, records: [], present: [] };
  for (const record of records) {
    const d = store.decideRecord(record, now, isBlank(record));
    if (typeof d !== 'string') out.records.push(d);
    if (record.minutesPresent > 0) out.present.push(record.courseId);
  }
  return out;
}

/**
 * A session not over in which the engine saw nothing of the student (a
 * lecture later in the day, or one not yet reached): no record is written for
 * it until there is something to say; the session-end sweep decides it then.
 * One already stored is still brought up to date.
 */
function isBlank(r: AttendanceRecord): boolean {
  return (
    r.status === 'pending' && r.eventIds.length === 0 && r.intervals.length === 0 && r.flags.length === 0
  );
}

/**
 * Students whose day a recognised face can change besides its own: those who
 * badged at the same gate within the pairing window (a face can arrive after
 * the badge it contradicts).
 */
export function badgersNearFace(ctx: DecideContext, face: IdentityEvent, day: string): string[] {
  const w = ctx.thresholds.pairingWindowSec * 1000;
  const badgers = new Set<string>();
  for (const e of ctx.store.hallEventsBetween(face.hallId, day, face.ts - w, face.ts + w)) {
    if (
      e.source === 'rfid' &&
      e.gateId === face.gateId &&
      e.studentId !== null &&
      e.studentId !== face.studentId
    )
      badgers.add(e.studentId);
  }
  return [...badgers];
}

/**
 * Faces of other people that no badge of their own explains, seen at the
 * gates where this student badged within the pairing window: the candidates
 * for a card/face mismatch (possible proxy attendance).
 */
function facesNearBadges(
  ctx: DecideContext,
  studentId: string,
  day: string,
  events: IdentityEvent[],
): IdentityEvent[] {
  const w = ctx.thresholds.pairingWindowSec * 1000;
  const found = new Map<string, IdentityEvent>();
  for (const badge of events) {
    if (badge.source !== 'rfid') continue;
    const around = ctx.store.hallEventsBetween(badge.hallId, day, badge.ts - 2 * w, badge.ts + 2 * w);
    for (const f of unpairedFaces(around, ctx.thresholds.pairingWindowSec)) {
      if (f.studentId !== studentId && f.gateId === badge.gateId && Math.abs(f.ts - badge.ts) <= w)
        found.set(f.eventId, f);
    }
  }
  return [...found.values()];
}
