import { z } from 'zod';
import { ATTENDANCE_STATUSES, REVIEW_STATUSES } from '../../rules/types.ts';
import { thresholdOverridesSchema } from '../../kernel/thresholdSchema.ts';

/** Response and body schemas of the API's resources (OpenAPI components come from these). */

const statusEnum = z.enum(ATTENDANCE_STATUSES);
export const decisionStatusEnum = z.enum(REVIEW_STATUSES);

export const thresholdsBody = thresholdOverridesSchema;
export const atRiskPolicySchema = z.object({
  sessions: z.number().int().min(1).max(1000),
  threshold: z.number().min(0).max(1),
});

export const studentSchema = z.object({
  studentId: z.string(),
  name: z.string(),
  cardUids: z.array(z.string()),
});
export const courseSchema = z.object({
  courseId: z.string(),
  name: z.string(),
  thresholds: z.record(z.string(), z.unknown()),
  atRisk: atRiskPolicySchema.nullable(),
});
export const hallSchema = z.object({ hallId: z.string(), name: z.string() });
export const sessionSchema = z.object({
  sessionId: z.string(),
  courseId: z.string(),
  hallId: z.string(),
  start: z.number(),
  end: z.number(),
  day: z.string(),
});
export const sessionRegisterRowSchema = z.object({
  studentId: z.string(),
  name: z.string(),
  status: statusEnum,
  minutesPresent: z.number(),
  arrival: z.number().nullable(),
  flags: z.array(z.string()),
  explanations: z.array(z.string()),
  version: z.number().nullable(),
  manual: z.boolean(),
});
const rateCounts = {
  sessions: z.number(),
  present: z.number(),
  late: z.number(),
  excused: z.number(),
  absent: z.number(),
  rate: z.number().nullable(),
};
export const courseRegisterRowSchema = z.object({
  studentId: z.string(),
  name: z.string(),
  statuses: z.array(statusEnum),
  symbols: z.string(),
  ...rateCounts,
});
export const recordSchema = z.object({
  studentId: z.string(),
  sessionId: z.string(),
  courseId: z.string(),
  hallId: z.string(),
  day: z.string(),
  version: z.number(),
  status: statusEnum,
  minutesPresent: z.number(),
  flags: z.array(z.string()),
  explanations: z.array(z.object({ rule: z.string(), text: z.string() })),
  decidedAt: z.number(),
  manual: z.boolean(),
  note: z.string().optional(),
  site: z.string(),
  gatewayId: z.string(),
});
export const studentViewSchema = z.object({
  student: studentSchema,
  courses: z.array(z.object({ courseId: z.string(), name: z.string(), ...rateCounts })),
  records: z.array(recordSchema),
});
export const excuseSchema = z.object({
  id: z.string(),
  studentId: z.string(),
  sessionId: z.string().nullable(),
  fromDay: z.string(),
  toDay: z.string(),
  reason: z.string(),
  author: z.string(),
  createdAt: z.number(),
});
export const withdrawnExcuseSchema = excuseSchema.extend({
  withdrawal: z.object({ reason: z.string(), author: z.string(), at: z.number() }),
});
export const gatewaySchema = z.object({
  site: z.string(),
  gatewayId: z.string(),
  hallIds: z.array(z.string()),
  state: z.enum(['online', 'offline']).nullable(),
  version: z.string().nullable(),
  lastSeen: z.number().nullable(),
  health: z.record(z.string(), z.unknown()).nullable(),
  /** Configuration version applied per kind, as the gateway last reported it. */
  appliedConfig: z.record(z.string(), z.number()).nullable(),
});
export const reviewItemSchema = z.object({
  studentId: z.string(),
  name: z.string(),
  sessionId: z.string(),
  courseId: z.string(),
  day: z.string(),
  flags: z.array(z.string()),
  explanations: z.array(z.string()),
  version: z.number(),
});
export const decisionSchema = z.object({
  studentId: z.string(),
  sessionId: z.string(),
  status: decisionStatusEnum,
  reason: z.string(),
  author: z.string(),
  decidedAt: z.number(),
});
export const importReportSchema = z.object({
  kind: z.string(),
  imported: z.number(),
  errors: z.array(z.object({ line: z.number(), reason: z.string() })),
});
export const deliverySchema = z.object({
  id: z.string(),
  event: z.string(),
  body: z.string(),
  state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  nextAttemptAt: z.number().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
