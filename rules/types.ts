import type { Thresholds } from './thresholdTable.ts';

/**
 * Data types of the rule engine. Everything here is plain data: the engine
 * receives it, never fetches it. Times are epoch milliseconds (UTC).
 */

export type EventSource = 'rfid' | 'face';
export type Direction = 'enter' | 'exit' | 'unknown';

/** One identity observation at a gate: a badge swipe or a face recognition. */
export interface IdentityEvent {
  /** Globally unique id; a replayed event carries the same id. */
  eventId: string;
  source: EventSource;
  /** Roster student id, or null when the badge/face is not in the roster. */
  studentId: string | null;
  /** What the device read: the card UID, or a face label ("unknown" / track). */
  rawId: string;
  gateId: string;
  hallId: string;
  direction: Direction;
  /** Epoch milliseconds, UTC. */
  ts: number;
  /** Face match confidence (0..1); absent for badges. */
  confidence?: number;
  /** Face tracker id; absent for badges. */
  trackId?: string;
}

/** One scheduled lecture session in one hall. */
export interface LectureSession {
  sessionId: string;
  courseId: string;
  hallId: string;
  /** Epoch ms, UTC. */
  start: number;
  /** Epoch ms, UTC. */
  end: number;
}

/** Every threshold the engine knows: derived from the one table in thresholdTable.ts. */
export type { Thresholds };

/**
 * Every attendance status, declared once (the wire and API schemas and the CLI's choices use this
 * list). `excused`: excused centrally (reason, author, time), a manual decision only, the engine
 * never produces it. `pending`: the session is not over yet, the final status is decided when it ends.
 */
export const ATTENDANCE_STATUSES = [
  'present',
  'late',
  'absent',
  'early_exit',
  'partial',
  'unauthorized',
  'review',
  'excused',
  'pending',
] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

/** The statuses a reviewer sets (an excuse makes `excused`; `pending` is no decision). */
export const REVIEW_STATUSES = [
  'present',
  'late',
  'absent',
  'early_exit',
  'partial',
  'unauthorized',
  'review',
] as const satisfies readonly AttendanceStatus[];

/** The statuses of a central decision sent to gateways: a review resolution or an excuse. */
export const DECISION_STATUSES = [
  ...REVIEW_STATUSES,
  'excused',
] as const satisfies readonly AttendanceStatus[];

export interface Interval {
  from: number;
  to: number;
}

/** Why a record came out as it did: which rule fired, with which thresholds and which events. */
export interface Explanation {
  rule: string;
  text: string;
  thresholds: Partial<Thresholds>;
  eventIds: string[];
}

export interface AttendanceRecord {
  studentId: string;
  sessionId: string;
  courseId: string;
  hallId: string;
  status: AttendanceStatus;
  /** Whole minutes present within the session. */
  minutesPresent: number;
  intervals: Interval[];
  /** Secondary findings, e.g. 'late', 'break', 'extended_break', 'multiple_exits', 'verified', 'card_face_mismatch', 'missing_exit'. */
  flags: string[];
  explanations: Explanation[];
  /** Event ids that contributed, in processing order. */
  eventIds: string[];
}

export type InvalidReason = 'unknown_badge' | 'unknown_face';

export interface InvalidAttempt {
  eventId: string;
  reason: InvalidReason;
  rawId: string;
  gateId: string;
  hallId: string;
  ts: number;
}

/**
 * A local day of the site and the UTC offsets in effect during it, from the
 * gateway's day module (the engine has no time zone database and no clock).
 */
export interface SiteDay {
  /** The local day, 'YYYY-MM-DD'. */
  day: string;
  /**
   * Offsets in force from each instant on (local = UTC + offsetMs), in time order;
   * the first `from` is the day's local midnight. Two entries on a daylight-saving day.
   */
  offsets: { from: number; offsetMs: number }[];
}

/** Input for one student's day. */
export interface StudentDayInput {
  studentId: string;
  /** Every session of the day, in every hall (the engine picks what applies). */
  sessions: LectureSession[];
  /** Course ids the student is enrolled in. */
  enrolledCourseIds: string[];
  /** The student's events of the day, in any order, duplicates allowed. */
  events: IdentityEvent[];
  thresholds: Thresholds;
  /** Per-course overrides of any threshold. */
  courseOverrides?: Record<string, Partial<Thresholds>>;
  /** "Now", epoch ms: sessions not yet ended may come out 'pending'. */
  now: number;
  /**
   * Face events of OTHER identities (another studentId; null ones are ignored) at
   * the gates this student used that day. Only the card/face mismatch rule reads
   * them: a badge of this student with no matching face of this student but a
   * face of someone else at the same gate within pairingWindowSec is flagged
   * 'card_face_mismatch'. Best passed without faces that were themselves
   * confirmed by their owner's badge, to keep crowded doorways quiet.
   */
  otherFaceEvents?: IdentityEvent[];
  /**
   * The site's local day the events belong to, with its UTC offsets: clock times
   * in explanations and the day of `none:` records are local. Absent: UTC.
   */
  siteDay?: SiteDay;
}

export interface StudentDayResult {
  records: AttendanceRecord[];
}
