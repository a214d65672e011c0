import type { IdentityEvent } from './types.ts';

/**
 * Faces of known students that no badge of the same student confirms (same
 * gate, within pairingWindowSec). These are the faces worth passing as
 * StudentDayInput.otherFaceEvents: a face already explained by its owner's
 * badge is someone walking in next to the badge holder, not a mismatch.
 * Input in any order; output chronological by ts, then eventId.
 */
export function unpairedFaces(events: readonly IdentityEvent[], pairingWindowSec: number): IdentityEvent[] {
  const windowMs = pairingWindowSec * 1000;
  const badges = new Map<string, number[]>();
  for (const e of events) {
    if (e.source !== 'rfid' || e.studentId === null) continue;
    const key = `${e.studentId}\u0000${e.gateId}`;
    const list = badges.get(key);
    if (list === undefined) badges.set(key, [e.ts]);
    else list.push(e.ts);
  }
  return events
    .filter((e) => {
      if (e.source !== 'face' || e.studentId === null) return false;
      const list = badges.get(`${e.studentId}\u0000${e.gateId}`);
      return list === undefined || !list.some((t) => Math.abs(t - e.ts) <= windowMs);
    })
    .sort((a, b) => a.ts - b.ts || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
}
