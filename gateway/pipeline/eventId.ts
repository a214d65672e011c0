import { createHash } from 'node:crypto';

/** Deterministic id of a badge swipe: the same read replayed gets the same id. */
export function swipeEventId(gateId: string, uid: string, ts: number): string {
  return `rfid-${createHash('sha256').update(`${gateId}\u0000${uid}\u0000${ts}`).digest('hex').slice(0, 32)}`;
}

/** A short, non-reversible tag of a card UID for logs (UIDs are logged only when the operator asks). */
export function cardTag(uid: string): string {
  return createHash('sha256').update(uid).digest('hex').slice(0, 10);
}
