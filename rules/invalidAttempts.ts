import { orderEvents } from './orderEvents.ts';
import type { IdentityEvent, InvalidAttempt, Thresholds } from './types.ts';

/**
 * Attempts by identities not in the roster (studentId null): a badge is
 * 'unknown_badge', a face 'unknown_face'. Chronological, one per eventId, and
 * repeats of the same card (or face track) at the same gate within debounceSec
 * collapse into the first. Events with a studentId are ignored here.
 */
export function invalidAttempts(events: readonly IdentityEvent[], thresholds: Thresholds): InvalidAttempt[] {
  const unknown = events.filter((e) => e.studentId === null);
  return orderEvents(unknown, thresholds.debounceSec).events.map((e) => ({
    eventId: e.eventId,
    reason: e.source === 'rfid' ? 'unknown_badge' : 'unknown_face',
    rawId: e.rawId,
    gateId: e.gateId,
    hallId: e.hallId,
    ts: e.ts,
  }));
}
