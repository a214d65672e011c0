import type { Finding } from './finding.ts';
import type { DebouncedEvent } from './orderEvents.ts';
import type { IdentityEvent, Thresholds } from './types.ts';

/**
 * Events that were dropped before the rules ran, explained on the records
 * whose window [from, to] in that hall they fall into: low-confidence faces and
 * debounced repeats. No flag, no verdict.
 */
export function eventNotes(
  hallId: string,
  window: { from: number; to: number },
  lowConfidence: readonly IdentityEvent[],
  debounced: readonly DebouncedEvent[],
  th: Thresholds,
): Finding[] {
  const inside = (e: IdentityEvent): boolean =>
    e.hallId === hallId && e.ts >= window.from && e.ts <= window.to;
  const out: Finding[] = [];
  const low = lowConfidence.filter(inside);
  if (low.length > 0) {
    out.push({
      rule: 'face_low_confidence',
      text: `${low.length} face recognition(s) ignored: confidence below the minimum`,
      thresholds: { faceMinConfidence: th.faceMinConfidence },
      eventIds: low.map((e) => e.eventId),
    });
  }
  const rep = debounced.filter((d) => inside(d.event));
  if (rep.length > 0) {
    out.push({
      rule: 'debounce',
      text: `${rep.length} repeated event(s) collapsed into ${[...new Set(rep.map((d) => d.keptEventId))].join(', ')}`,
      thresholds: { debounceSec: th.debounceSec },
      eventIds: rep.map((d) => d.event.eventId),
    });
  }
  return out;
}
