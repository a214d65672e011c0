import type { RecordPayload } from '../schema.ts';

type Status = RecordPayload['status'];

/** Statuses that count as attending the session. */
export const ATTENDED_STATUSES: ReadonlySet<Status> = new Set(['present', 'late', 'early_exit', 'partial']);

/**
 * Statuses left out of every rate: 'unauthorized' (the student is not enrolled
 * in that session, or no session was running), 'pending' (not decided yet) and
 * 'excused' (rate = attended / (sessions - excused)); a manual 'absent' noted
 * "excused: ..." from before the 'excused' status counts as excused too.
 * Everything else ('present', 'late', 'early_exit', 'partial', 'absent',
 * 'review') is an enrolled record and counts in the denominator.
 */
export const UNSCORED_STATUSES: ReadonlySet<Status> = new Set(['unauthorized', 'pending', 'excused']);

export function isEnrolled(
  r: Pick<RecordPayload, 'status'> & Partial<Pick<RecordPayload, 'manual' | 'note'>>,
): boolean {
  return !UNSCORED_STATUSES.has(recordStatus(r));
}

export function isAttended(r: Pick<RecordPayload, 'status'>): boolean {
  return ATTENDED_STATUSES.has(r.status);
}

/** Late arrival: status 'late', or the 'late' flag on a record whose status says something stronger (e.g. early_exit). */
export function isLate(r: Pick<RecordPayload, 'status' | 'flags'>): boolean {
  return r.status === 'late' || r.flags.includes('late');
}

/** The note gateways gave an excuse before 'excused' was a status ('absent' with "excused: <reason>"). */
const LEGACY_EXCUSE_NOTE = /^excused: /;

/**
 * A record's status as the registers count it: a record from before the
 * 'excused' status, a manual 'absent' noted "excused: ...", still counts as excused.
 */
export function recordStatus(
  r: Pick<RecordPayload, 'status'> & Partial<Pick<RecordPayload, 'manual' | 'note'>>,
): Status {
  if (r.status === 'absent' && r.manual === true && LEGACY_EXCUSE_NOTE.test(r.note ?? '')) return 'excused';
  return r.status;
}
