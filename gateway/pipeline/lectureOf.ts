import type { LectureSession } from '../../rules/types.ts';

/**
 * The lecture (course) an event in a hall belongs to, for indexing it
 * centrally: the session running in that hall at that time, widened by the
 * tolerance before its start and after its end; of several, the one that
 * started last. Null when no session is near.
 */
export function lectureOf(
  sessions: readonly LectureSession[],
  hallId: string,
  ts: number,
  toleranceMs: number,
): string | null {
  let best: LectureSession | null = null;
  for (const s of sessions) {
    if (s.hallId !== hallId || ts < s.start - toleranceMs || ts > s.end + toleranceMs) continue;
    const inside = ts <= s.end;
    const bestInside = best !== null && ts <= best.end;
    if (best === null || (inside && !bestInside) || (inside === bestInside && s.start > best.start)) best = s;
  }
  return best?.courseId ?? null;
}
