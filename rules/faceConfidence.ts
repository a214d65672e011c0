import type { IdentityEvent } from './types.ts';

/**
 * Splits off face recognitions whose confidence is below faceMinConfidence.
 * Badges always pass. A face event without a confidence passes too: the
 * recogniser that produced it already applied its own threshold.
 */
export function splitByFaceConfidence(
  events: readonly IdentityEvent[],
  faceMinConfidence: number,
): { kept: IdentityEvent[]; ignored: IdentityEvent[] } {
  const kept: IdentityEvent[] = [];
  const ignored: IdentityEvent[] = [];
  for (const e of events) {
    if (e.source === 'face' && e.confidence !== undefined && e.confidence < faceMinConfidence)
      ignored.push(e);
    else kept.push(e);
  }
  return { kept, ignored };
}
