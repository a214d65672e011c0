import type { Direction, IdentityEvent } from './types.ts';

/** One crossing of a gate by the student: a badge, a face, or both paired. */
export interface Passage {
  /** Position in processing order (index of its first event). */
  seq: number;
  ts: number;
  hallId: string;
  gateId: string;
  direction: Direction;
  /** The badge's id first when paired. */
  eventIds: string[];
  /** A badge confirmed by a face of the same student. */
  verified: boolean;
}

/** A badge of this student at a gate where, within the window, only someone else's face was seen. */
export interface CardFaceMismatch {
  badge: IdentityEvent;
  face: IdentityEvent;
}

function nearest(
  badge: IdentityEvent,
  candidates: readonly IdentityEvent[],
  windowMs: number,
  taken: ReadonlySet<number> | null,
): number {
  let best = -1;
  let bestDt = Infinity;
  for (let i = 0; i < candidates.length; i++) {
    const f = candidates[i]!;
    if (f.ts < badge.ts - windowMs) continue;
    if (f.ts > badge.ts + windowMs) break;
    if (f.gateId !== badge.gateId || taken?.has(i) === true) continue;
    const dt = Math.abs(f.ts - badge.ts);
    if (dt < bestDt) {
      best = i;
      bestDt = dt;
    }
  }
  return best;
}

/**
 * Pairs each badge of the student with the nearest face of the same student at
 * the same gate within pairingWindowSec (each face pairs at most once; badges in
 * chronological order). A pair is one passage at the badge's time, 'verified';
 * the badge's direction wins unless it is 'unknown'. Unpaired badges and faces
 * are passages of their own. An unpaired badge with a face of another known
 * identity at that gate within the window is a mismatch.
 *
 * `events` and `otherFaces` must be chronological (orderEvents).
 */
export function pairCardFace(
  events: readonly IdentityEvent[],
  otherFaces: readonly IdentityEvent[],
  pairingWindowSec: number,
): { passages: Passage[]; mismatches: CardFaceMismatch[] } {
  const windowMs = pairingWindowSec * 1000;
  const faces: IdentityEvent[] = [];
  const faceSeq: number[] = [];
  events.forEach((e, i) => {
    if (e.source === 'face') {
      faces.push(e);
      faceSeq.push(i);
    }
  });
  const taken = new Set<number>();
  const passages: Passage[] = [];
  const mismatches: CardFaceMismatch[] = [];
  events.forEach((e, i) => {
    if (e.source !== 'rfid') return;
    const f = nearest(e, faces, windowMs, taken);
    if (f >= 0) {
      taken.add(f);
      const face = faces[f]!;
      passages.push({
        seq: Math.min(i, faceSeq[f]!),
        ts: e.ts,
        hallId: e.hallId,
        gateId: e.gateId,
        direction: e.direction !== 'unknown' ? e.direction : face.direction,
        eventIds: [e.eventId, face.eventId],
        verified: true,
      });
      return;
    }
    passages.push({
      seq: i,
      ts: e.ts,
      hallId: e.hallId,
      gateId: e.gateId,
      direction: e.direction,
      eventIds: [e.eventId],
      verified: false,
    });
    const o = nearest(e, otherFaces, windowMs, null);
    if (o >= 0) mismatches.push({ badge: e, face: otherFaces[o]! });
  });
  faces.forEach((face, f) => {
    if (taken.has(f)) return;
    passages.push({
      seq: faceSeq[f]!,
      ts: face.ts,
      hallId: face.hallId,
      gateId: face.gateId,
      direction: face.direction,
      eventIds: [face.eventId],
      verified: false,
    });
  });
  passages.sort((a, b) => a.ts - b.ts || a.seq - b.seq);
  return { passages, mismatches };
}
