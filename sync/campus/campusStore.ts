import type { Thresholds } from '../../rules/types.ts';
import type { RecordPayload } from '../schema.ts';

/**
 * The campus as the centre holds it: students (names, card UIDs), courses
 * (names, per-course threshold overrides), enrolments, halls, gateways (and
 * the halls they serve), the timetable, excuses, central review decisions,
 * site thresholds, published configuration versions, at-risk states and
 * webhook deliveries. Every method is async and every write is an upsert,
 * so a wide-column implementation (Cassandra) can follow the SQLite one; both
 * pass test/sync/campusStore.contract.ts. Days are 'YYYY-MM-DD' (UTC), times
 * epoch milliseconds.
 */

export interface CampusStudent {
  studentId: string;
  name: string;
  /** Upper-case card UIDs, sorted; empty when the student has no card. */
  cardUids: string[];
}

export interface CampusCourse {
  courseId: string;
  name: string;
  /** Per-course overrides of the site thresholds (rule engine). */
  thresholds: Partial<Thresholds>;
  /** Per-course at-risk policy; null: the site default. */
  atRisk: AtRiskPolicy | null;
}

export interface AtRiskPolicy {
  /** Look at the last N sessions of the course. */
  sessions: number;
  /** At risk when the rate over those sessions is below this (0..1). */
  threshold: number;
}

export interface CampusHall {
  hallId: string;
  name: string;
}

export interface CampusSession {
  sessionId: string;
  courseId: string;
  hallId: string;
  start: number;
  end: number;
  /** UTC day of `start`. */
  day: string;
}

export interface CampusGateway {
  site: string;
  gatewayId: string;
  /** Halls this gateway serves: it receives their sessions and their students. */
  hallIds: string[];
}

export interface ExcuseInput {
  studentId: string;
  /** One session, or (sessionId null) every session of the student in [fromDay, toDay]. */
  sessionId: string | null;
  fromDay: string;
  toDay: string;
  reason: string;
  author: string;
  createdAt: number;
}

export interface Excuse extends ExcuseInput {
  id: string;
}

/** Who withdrew an excuse, when and why. */
export interface ExcuseWithdrawal {
  reason: string;
  author: string;
  at: number;
}

/** An excuse withdrawn: kept with its withdrawal, no longer in force. */
export interface WithdrawnExcuse extends Excuse {
  withdrawal: ExcuseWithdrawal;
}

export type DecisionStatus = Exclude<RecordPayload['status'], 'pending'>;

/** A central review resolution of one (student, session). */
export interface ReviewDecision {
  studentId: string;
  sessionId: string;
  status: DecisionStatus;
  reason: string;
  author: string;
  decidedAt: number;
}

export interface AtRiskState {
  courseId: string;
  studentId: string;
  atRisk: boolean;
  rate: number | null;
  changedAt: number;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

export interface WebhookDelivery {
  id: string;
  event: string;
  body: string;
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: number | null;
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface StudentQuery {
  /** Case-insensitive substring of the id or the name. */
  q?: string;
  limit?: number;
}

export interface CampusStore {
  readonly kind: 'sqlite' | 'cassandra';
  start(): Promise<void>;
  stop(): Promise<void>;

  upsertStudents(rows: readonly CampusStudent[]): Promise<void>;
  students(query?: StudentQuery): Promise<CampusStudent[]>;
  student(studentId: string): Promise<CampusStudent | null>;
  /** The students of the given ids that exist, by id. */
  studentsByIds(ids: readonly string[]): Promise<CampusStudent[]>;
  /** Holder of a card UID (upper case), if any. */
  studentByCard(cardUid: string): Promise<string | null>;

  upsertCourses(rows: readonly CampusCourse[]): Promise<void>;
  courses(): Promise<CampusCourse[]>;
  course(courseId: string): Promise<CampusCourse | null>;

  upsertEnrolments(rows: readonly { studentId: string; courseId: string }[]): Promise<void>;
  /** Enrolled student ids of a course, sorted. */
  enrolledStudents(courseId: string): Promise<string[]>;
  /** Course ids a student is enrolled in, sorted. */
  enrolledCourses(studentId: string): Promise<string[]>;
  enrolments(): Promise<{ studentId: string; courseId: string }[]>;

  upsertHalls(rows: readonly CampusHall[]): Promise<void>;
  halls(): Promise<CampusHall[]>;

  upsertSessions(rows: readonly Omit<CampusSession, 'day'>[]): Promise<void>;
  session(sessionId: string): Promise<CampusSession | null>;
  /** Sessions of one day, by start then id. */
  sessionsOfDay(day: string): Promise<CampusSession[]>;
  /** Sessions of one course with day in [fromDay, toDay], by start then id. */
  sessionsOfCourse(courseId: string, fromDay: string, toDay: string): Promise<CampusSession[]>;
  /** Every session, by start then id (publishing the timetable). */
  allSessions(): Promise<CampusSession[]>;

  upsertGateway(g: CampusGateway): Promise<void>;
  gateways(): Promise<CampusGateway[]>;

  addExcuse(e: ExcuseInput): Promise<Excuse>;
  excuses(filter?: { studentId?: string }): Promise<Excuse[]>;
  excuse(id: string): Promise<Excuse | null>;
  /** Withdraws an excuse in force (kept with who, when and why); true when it was in force. */
  withdrawExcuse(id: string, w: ExcuseWithdrawal): Promise<boolean>;
  /** Withdrawn excuses, optionally of one student, oldest withdrawal first. */
  withdrawnExcuses(filter?: { studentId?: string }): Promise<WithdrawnExcuse[]>;

  putDecision(d: ReviewDecision): Promise<void>;
  decisionsOfSession(sessionId: string): Promise<ReviewDecision[]>;
  decisions(): Promise<ReviewDecision[]>;

  siteThresholds(): Promise<Partial<Thresholds>>;
  putSiteThresholds(t: Partial<Thresholds>): Promise<void>;

  /**
   * Reserves the next version of a published configuration kind: one more than
   * the last, and at least `atLeast` (epoch ms, so versions stay above any a
   * hand-made publisher used before).
   */
  nextConfigVersion(kind: string, atLeast?: number): Promise<number>;
  configVersions(): Promise<Record<string, number>>;

  putAtRisk(s: AtRiskState): Promise<void>;
  atRiskStates(courseId: string): Promise<AtRiskState[]>;

  putDelivery(d: WebhookDelivery): Promise<void>;
  deliveries(state?: DeliveryState): Promise<WebhookDelivery[]>;
}
