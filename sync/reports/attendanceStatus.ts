import type { RecordPayload } from '../schema.ts';

type Status = RecordPayload['status'];

/** Statuses that count as attending the session. */
export const ATTENDED_STATUSES: ReadonlySet<Status> = new Set(['present', 'late', 'early_exit', 'partial']);

/**
 * Statuses left out of every rate: 'unauthorized' (the student is not enrolled
 * in that session, or no session was running) and 'pending' (not decided yet).
 * Everything else ('present', 'late', 'early_exit', 'partial', 'absent',
 * 'review') is an enrolled record and counts in the denominator.
 */
export const UNSCORED_STATUSES: ReadonlySet<Status> = new Set(['unauthorized', 'pending']);

export function isEnrolled(r: Pick<RecordPayload, 'status'>): boolean {
  return !UNSCORED_STATUSES.has(r.status);
}

export function isAttended(r: Pick<RecordPayload, 'status'>): boolean {
  return ATTENDED_STATUSES.has(r.status);
}

/** Late arrival: status 'late', or the 'late' flag on a record whose status says something stronger (e.g. early_exit). */
export function isLate(r: Pick<RecordPayload, 'status' | 'flags'>): boolean {
  return r.status === 'late' || r.flags.includes('late');
}
