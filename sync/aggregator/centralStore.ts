import type {
  EventPayload,
  GatewayHealth,
  InvalidPayload,
  RecordPayload,
  SupersededPayload,
} from '../schema.ts';

/**
 * The central store behind the aggregator. Every write is idempotent (keys
 * carry the sending gateway and its event id, the record's (student, session)
 * with its version, the sketch's (lecture, day, gateway)). Items are bound to their sender: event ids are unique per
 * (site, gateway). A session belongs to the gateway the campus data assigns
 * it to (its hall among the gateway's halls: the aggregator checks that and
 * names the sender's sessions in `ownedSessions`), else to the first gateway
 * that sent a record of it; another gateway's record for it is a conflict (not
 * written, returned to the aggregator, which dead-letters it and reports it in the ack).
 * Dead letters keep a bounded prefix of the payload with its sha256 and size,
 * and the table is capped (oldest dropped first, counted). Writes are durable
 * when their promise resolves: the aggregator acknowledges a batch only after `writeBatch` resolved.
 * Two implementations pass one contract suite (test/sync/centralStore.contract.ts):
 * SqliteCentralStore (embedded default) and CassandraCentralStore (production).
 */

/** Events without a lecture attribution are filed under this lecture id prefix + hall id. */
export const UNATTRIBUTED_LECTURE_PREFIX = 'hall:';

export function lectureOf(e: Pick<EventPayload, 'lectureId' | 'hallId'>): string {
  return e.lectureId ?? `${UNATTRIBUTED_LECTURE_PREFIX}${e.hallId}`;
}

export interface CentralHll {
  lectureId: string;
  day: string;
  /** Outbox seq of the sketch at its gateway: a later sketch of one gateway has a higher seq. */
  seq: number;
  registers: Uint8Array;
}

/** Bounds of the dead-letter table. */
export interface DeadLetterLimits {
  /** Most rows kept; beyond it the oldest (by `at`) are dropped and counted. */
  maxRows: number;
  /** Most bytes of a payload kept (a UTF-8 prefix); its sha256 and full size are kept too. */
  maxPayloadBytes: number;
}

export const DEFAULT_DEAD_LETTER_LIMITS: DeadLetterLimits = { maxRows: 10_000, maxPayloadBytes: 4096 };

/** An item of a batch the store refused because another gateway owns what it names. */
export interface ItemConflict {
  kind: 'record';
  /** Index in the batch's `records`. */
  index: number;
  reason: string;
}

/** Why a record was refused: its session belongs to another gateway. */
export function sessionConflict(sessionId: string, site: string, gatewayId: string): string {
  return `conflict: session ${sessionId} belongs to ${site}/${gatewayId}`;
}

export interface WriteOutcome {
  conflicts: ItemConflict[];
}

export interface DeadLetterInput {
  /** Idempotency key: the same bad input dead-lettered twice is one row. */
  key: string;
  site: string | null;
  gatewayId: string | null;
  topic: string;
  batchId: string | null;
  reason: string;
  payload: string;
  at: number;
}

export interface CentralBatch {
  site: string;
  gatewayId: string;
  batchId: string;
  receivedAt: number;
  events: EventPayload[];
  records: RecordPayload[];
  invalid: InvalidPayload[];
  hll: CentralHll[];
  /**
   * Events of this sender decided again: their invalid attempts and unattributed
   * events are dropped before this batch's events are written.
   */
  superseded?: SupersededPayload[];
  /** Items of this batch that failed validation; written with the batch. */
  deadLetters: DeadLetterInput[];
  /**
   * Sessions the campus data assigns to this sender: it becomes their owner
   * even if another gateway sent a record first, and that gateway's records of them are dropped.
   */
  ownedSessions?: readonly string[];
}

export interface GatewayStatusInput {
  site: string;
  gatewayId: string;
  state?: 'online' | 'offline';
  version?: string;
  health?: GatewayHealth;
  at: number;
}

export interface CentralEvent extends EventPayload {
  lectureId: string;
  site: string;
  gatewayId: string;
}

export interface CentralRecord extends RecordPayload {
  site: string;
  gatewayId: string;
}

export interface CentralInvalid extends InvalidPayload {
  site: string;
  gatewayId: string;
}

export interface GatewayStatusRow {
  site: string;
  gatewayId: string;
  state: 'online' | 'offline' | null;
  version: string | null;
  health: GatewayHealth | null;
  updatedAt: number;
}

export interface DeadLetterRow extends DeadLetterInput {
  attempts: number;
  /** Size in bytes (UTF-8) of the whole payload; `payload` holds at most a bounded prefix of it. */
  payloadBytes: number;
  /** sha256 (hex) of the whole payload. */
  payloadSha256: string;
}

export interface CentralCounts {
  events: number;
  records: number;
  invalid: number;
  deadLetters: number;
}

export interface CentralStore {
  readonly kind: 'sqlite' | 'cassandra';
  start(): Promise<void>;
  stop(): Promise<void>;

  /** Writes every item it accepts; items that conflict with another gateway's are returned, not written. */
  writeBatch(batch: CentralBatch): Promise<WriteOutcome>;
  writeDeadLetter(dl: DeadLetterInput): Promise<void>;
  writeGatewayStatus(s: GatewayStatusInput): Promise<void>;

  /** Events of one lecture and day, by time. */
  eventsByLectureDay(lectureId: string, day: string): Promise<CentralEvent[]>;
  /** Events of one student and day, by time. */
  eventsByStudentDay(studentId: string, day: string): Promise<CentralEvent[]>;
  /** Latest version of each student's record in one session, by student id. */
  recordsBySession(sessionId: string): Promise<CentralRecord[]>;
  /** Latest version of each of one student's records, by day then session id. */
  recordsByStudent(studentId: string): Promise<CentralRecord[]>;
  /**
   * Latest version of every record whose day lies in [fromDay, toDay] (inclusive,
   * 'YYYY-MM-DD'), by day, then session id, then student id. For reports.
   */
  recordsByDayRange(fromDay: string, toDay: string): Promise<CentralRecord[]>;
  /** Invalid attempts of one day (every gate), by time. */
  invalidAttemptsByDay(day: string): Promise<CentralInvalid[]>;
  /** Invalid attempts at one gate on one day, by time. */
  invalidAttemptsByGateDay(gateId: string, day: string): Promise<CentralInvalid[]>;
  /** Estimated unique attendees of a lecture/day over the merged sketches of every gateway; null if none. */
  uniqueCount(lectureId: string, day: string): Promise<number | null>;
  /** Merged registers of a lecture/day (register-wise max over gateways); null if none. */
  mergedSketch(lectureId: string, day: string): Promise<Uint8Array | null>;
  gatewayStatuses(): Promise<GatewayStatusRow[]>;
  deadLetters(): Promise<DeadLetterRow[]>;
  /** Dead letters dropped by the row cap since the store was created. */
  droppedDeadLetters(): Promise<number>;
  /** Exact row counts (events, distinct (student, session) records, invalid attempts, dead letters). */
  counts(): Promise<CentralCounts>;
}
