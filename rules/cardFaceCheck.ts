import type { Finding } from './finding.ts';
import type { LocalClock } from './localClock.ts';
import type { CardFaceMismatch, Passage } from './pairCardFace.ts';
import type { Thresholds } from './types.ts';

/**
 * Card/face agreement for the passages and mismatches of one record:
 * - a badge paired with this student's face: flag 'verified';
 * - a badge with, at the same gate within pairingWindowSec, no face of this
 *   student but the face of another known student: flag 'card_face_mismatch'
 *   and 'review' (decidable at once).
 */
export function cardFaceCheck(
  passages: readonly Passage[],
  mismatches: readonly CardFaceMismatch[],
  th: Thresholds,
  { clockOf }: LocalClock,
): Finding[] {
  const out: Finding[] = [];
  const verified = passages.filter((p) => p.verified);
  if (verified.length > 0) {
    out.push({
      rule: 'card_face_verified',
      flag: 'verified',
      text: `badge confirmed by face at ${verified.map((p) => `${p.gateId} ${clockOf(p.ts)}`).join(', ')}`,
      thresholds: { pairingWindowSec: th.pairingWindowSec, faceMinConfidence: th.faceMinConfidence },
      eventIds: verified.flatMap((p) => p.eventIds),
    });
  }
  for (const m of mismatches) {
    out.push({
      rule: 'card_face_mismatch',
      flag: 'card_face_mismatch',
      verdict: 'review',
      text: `badge at ${m.badge.gateId} ${clockOf(m.badge.ts)} but the face seen there was ${m.face.studentId ?? '?'} (${clockOf(m.face.ts)})`,
      thresholds: { pairingWindowSec: th.pairingWindowSec, faceMinConfidence: th.faceMinConfidence },
      eventIds: [m.badge.eventId, m.face.eventId],
    });
  }
  return out;
}
