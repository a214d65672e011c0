import type { InvalidPayload, RecordPayload } from '../schema.ts';

/** The fields of a (latest-version) attendance record the reports read. */
export type ReportRecord = Pick<
  RecordPayload,
  'studentId' | 'sessionId' | 'courseId' | 'day' | 'status' | 'minutesPresent' | 'flags' | 'intervals'
>;

/** The fields of an invalid attempt the reports read. */
export type ReportInvalid = Pick<InvalidPayload, 'gateId' | 'hallId' | 'reason' | 'rawId' | 'ts'>;

/** Everything the report builders need, read once from a store (or written by hand in tests). */
export interface ReportInput {
  records: ReportRecord[];
  invalid: ReportInvalid[];
  /** Estimated unique attendees per course over the range (merged HLL sketches); absent: no sketch. */
  uniqueByCourse: ReadonlyMap<string, number>;
}
