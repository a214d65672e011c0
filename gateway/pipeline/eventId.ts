import { createHash } from 'node:crypto';

/** Deterministic id of a badge swipe: the same read replayed gets the same id. */
export function swipeEventId(gateId: string, uid: string, ts: number): string {
  // Time first, so ids of new events land at the end of the unique index (append, not scatter).
  const h = createHash('sha256').update(`${gateId}\u0000${uid}\u0000${ts}`).digest('hex').slice(0, 20);
  return `rfid-${ts.toString(36).padStart(9, '0')}-${h}`;
}

/** A short, non-reversible tag of a card UID for logs (UIDs are logged only when the operator asks). */
export function cardTag(uid: string): string {
  return createHash('sha256').update(uid).digest('hex').slice(0, 10);
}
