import { z } from 'zod';
import { ATTENDANCE_STATUSES, DECISION_STATUSES } from '../rules/types.ts';
import { thresholdOverridesSchema } from '../kernel/thresholdSchema.ts';

/**
 * The wire format between gateways and the aggregator, shared by both ends.
 * Every message carries `schemaVersion`; a receiver rejects a version it does
 * not know rather than guessing. Times are epoch milliseconds (UTC), days are
 * 'YYYY-MM-DD' (UTC).
 */

export const SCHEMA_VERSION = 1;

const id = z.string().min(1).max(200);
const topicId = z
  .string()
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
  .max(100);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');
const epochMs = z.number().int().nonnegative();

// ---- outbox payloads (one per outbox kind) --------------------------------

export const eventPayloadSchema = z.object({
  eventId: id,
  source: z.enum(['rfid', 'face']),
  studentId: id.nullable(),
  rawId: z.string().max(200),
  gateId: id,
  hallId: id,
  direction: z.enum(['enter', 'exit', 'unknown']),
  ts: epochMs,
  day,
  confidence: z.number().min(0).max(1).optional(),
  trackId: z.string().max(200).optional(),
  /** Lecture (the id the HLL sketches use) the gateway attributed the event to; absent or null: none. */
  lectureId: id.nullable().optional(),
  /** The gateway's clock was suspect when the event was stored (issue 12 §10): its ts may be off. */
  clockSuspect: z.boolean().optional(),
});

const interval = z.object({ from: epochMs, to: epochMs });
const explanation = z.object({
  rule: z.string(),
  text: z.string(),
  thresholds: z.record(z.string(), z.unknown()),
  eventIds: z.array(z.string()),
});

export const recordPayloadSchema = z.object({
  studentId: id,
  sessionId: id,
  courseId: id,
  hallId: id,
  day,
  version: z.number().int().nonnegative(),
  status: z.enum(ATTENDANCE_STATUSES),
  minutesPresent: z.number().int().nonnegative(),
  intervals: z.array(interval),
  flags: z.array(z.string()),
  explanations: z.array(explanation),
  eventIds: z.array(z.string()),
  decidedAt: epochMs,
  manual: z.boolean(),
  /** Reviewer's note of a manual decision. */
  note: z.string().max(2000).optional(),
});

export const invalidPayloadSchema = z.object({
  eventId: id,
  reason: z.string().min(1).max(100),
  rawId: z.string().max(200),
  gateId: id,
  hallId: id,
  ts: epochMs,
  day,
});

export const hllPayloadSchema = z.object({
  lectureId: id,
  day,
  /** base64 of the 2^n register bytes (see hllRegisters.ts). */
  registers: z.string().min(1).max(200_000),
});

/**
 * An event the gateway decided again (issue 16: an unknown badge whose card was
 * enrolled later): the centre drops its invalid attempt and its unattributed
 * event of that id, so the event sent again after it is stored with its student.
 */
export const supersededPayloadSchema = z.object({ eventId: id, day, ts: epochMs, gateId: id, hallId: id });

export type EventPayload = z.infer<typeof eventPayloadSchema>;
export type RecordPayload = z.infer<typeof recordPayloadSchema>;
export type InvalidPayload = z.infer<typeof invalidPayloadSchema>;
export type HllPayload = z.infer<typeof hllPayloadSchema>;
export type SupersededPayload = z.infer<typeof supersededPayloadSchema>;

export const OUTBOX_KINDS = ['event', 'record', 'invalid', 'hll', 'superseded'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

const seq = z.number().int().positive();
export const batchItemSchema = z.discriminatedUnion('kind', [
  z.object({ seq, kind: z.literal('event'), createdAt: epochMs, payload: eventPayloadSchema }),
  z.object({ seq, kind: z.literal('record'), createdAt: epochMs, payload: recordPayloadSchema }),
  z.object({ seq, kind: z.literal('invalid'), createdAt: epochMs, payload: invalidPayloadSchema }),
  z.object({ seq, kind: z.literal('hll'), createdAt: epochMs, payload: hllPayloadSchema }),
  z.object({ seq, kind: z.literal('superseded'), createdAt: epochMs, payload: supersededPayloadSchema }),
]);
export type BatchItem = z.infer<typeof batchItemSchema>;

// ---- batch (gateway -> aggregator) -----------------------------------------

export const MAX_BATCH_ITEMS = 10_000;

/**
 * Largest batch payload the aggregator parses (bytes); a larger one is
 * dead-lettered unread. The shipped broker config refuses larger packets
 * (`max_packet_size` in scripts/mosquitto/mosquitto.conf) and the gateway keeps
 * its batches well below it (MAX_UPLINK_BATCH_BYTES).
 */
export const MAX_BATCH_PAYLOAD_BYTES = 1024 * 1024;

/** Most serialized item bytes the uplink puts in one batch: half the limit leaves room for the envelope. */
export const MAX_UPLINK_BATCH_BYTES = MAX_BATCH_PAYLOAD_BYTES / 2;

/** The batch envelope; items are checked one by one so one bad item does not sink the batch. */
export const batchEnvelopeSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  gatewayId: topicId,
  site: topicId,
  batchId: id,
  sentAt: epochMs,
  items: z.array(z.unknown()).min(1).max(MAX_BATCH_ITEMS),
});
export type BatchEnvelope = z.infer<typeof batchEnvelopeSchema>;

/** A whole valid batch (what the gateway means to send). */
export const batchSchema = batchEnvelopeSchema.extend({
  items: z.array(batchItemSchema).min(1).max(MAX_BATCH_ITEMS),
});
export type Batch = z.infer<typeof batchSchema>;

// ---- end-to-end acknowledgement (aggregator -> gateway) --------------------

export const ackSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  batchId: id,
  /** Every outbox seq of the batch this ack covers: the gateway deletes exactly these. */
  seqs: z.array(seq).max(MAX_BATCH_ITEMS),
  /** ok: written durably. rejected: the whole batch was dead-lettered centrally. */
  status: z.enum(['ok', 'rejected']),
  /** Items of an 'ok' batch that failed validation and went to the central dead-letter store. */
  deadLettered: z.array(seq).max(MAX_BATCH_ITEMS).optional(),
  reason: z.string().max(2000).optional(),
  /** The aggregator's wall clock when it acknowledged (the gateway's clock-sanity check). */
  at: epochMs.optional(),
});
export type Ack = z.infer<typeof ackSchema>;

// ---- availability -----------------------------------------------------------

export const statusSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  gatewayId: topicId,
  site: topicId,
  state: z.enum(['online', 'offline']),
  /** Absent in the last will (the broker sends it, no clock). */
  at: epochMs.optional(),
  version: z.string().max(100).optional(),
});
export type GatewayStatusMessage = z.infer<typeof statusSchema>;

export const healthSchema = z.object({
  readerConnected: z.boolean(),
  cameraFps: z.number().nonnegative().nullable(),
  outboxDepth: z.number().int().nonnegative(),
  oldestUnsyncedAgeMs: z.number().nonnegative().nullable(),
  diskFreeBytes: z.number().nonnegative().nullable(),
  queueLimitExceeded: z.boolean(),
  diskLow: z.boolean(),
  inFlightBatches: z.number().int().nonnegative(),
  version: z.string().max(100),
  /** The gateway's wall clock is suspect (issue 12 §10); absent from older gateways. */
  clockSuspect: z.boolean().optional(),
  /** Gateway clock minus the aggregator's at the last ack (ms); null before the first. */
  clockSkewMs: z.number().nullable().optional(),
  /** The gateway found its store damaged at start and runs on a fresh one (gateway/store/recoverStore.ts). */
  storeRecovered: z.boolean().optional(),
  /** Last applied configuration version per kind (0: never), so the centre sees what each gateway runs. */
  configVersions: z.record(z.string().max(40), z.number().int().nonnegative()).optional(),
});
export type GatewayHealth = z.infer<typeof healthSchema>;

export const heartbeatSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  gatewayId: topicId,
  site: topicId,
  at: epochMs,
  health: healthSchema,
});
export type Heartbeat = z.infer<typeof heartbeatSchema>;

// ---- configuration downlink (site -> gateways, retained) -------------------

const rosterData = z.array(
  z.object({
    studentId: id,
    name: z.string().max(300).default(''),
    cardUid: z.string().max(100).nullable().default(null),
    /** Every card of the student (cardUid is the first, for gateways that read only it). */
    cardUids: z.array(z.string().max(100)).max(20).optional(),
  }),
);
const enrolmentsData = z.array(z.object({ studentId: id, courseId: id }));
const timetableData = z.array(
  z
    .object({ sessionId: id, courseId: id, hallId: id, start: epochMs, end: epochMs })
    .refine((s) => s.end > s.start, 'end must be after start'),
);
/** Any subset of the thresholds (rules/thresholdTable.ts), unknown keys refused. */
const thresholdsData = thresholdOverridesSchema;

/** Manual decisions made centrally; the gateway keeps them as reviewer decisions the engine never overwrites. */
const decisionsData = z.array(
  z.object({
    studentId: id,
    sessionId: id,
    courseId: id,
    hallId: id,
    status: z.enum(DECISION_STATUSES),
    note: z.string().min(1).max(2000),
    by: z.string().min(1).max(200),
    decidedAt: epochMs,
  }),
);

/**
 * The thresholds message: the site's, and (`courses`) the per-course overrides
 * of the courses held in the gateway's halls, each listed course's overrides
 * replacing the gateway's (`{}`: none). Without `courses` the gateway keeps its own.
 */
const thresholdsConfigData = thresholdsData.extend({ courses: z.record(id, thresholdsData).optional() });

const configBase = {
  schemaVersion: z.literal(SCHEMA_VERSION),
  version: z.number().int().positive(),
  issuedAt: epochMs,
};
export const configMessageSchema = z.discriminatedUnion('kind', [
  z.object({ ...configBase, kind: z.literal('roster'), data: rosterData }),
  z.object({ ...configBase, kind: z.literal('enrolments'), data: enrolmentsData }),
  z.object({ ...configBase, kind: z.literal('timetable'), data: timetableData }),
  z.object({ ...configBase, kind: z.literal('thresholds'), data: thresholdsConfigData }),
  z.object({ ...configBase, kind: z.literal('decisions'), data: decisionsData }),
]);
export type ConfigMessage = z.infer<typeof configMessageSchema>;
export type ConfigData<K extends ConfigMessage['kind']> = Extract<ConfigMessage, { kind: K }>['data'];

/** First issue of a zod error as one line: `items.3.payload.day: YYYY-MM-DD`. */
export function describeZodError(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    .join('; ');
}
