import type { Finding } from './finding.ts';
import type { Passage } from './pairCardFace.ts';
import type { PresenceInterval } from './presenceIntervals.ts';
import type { SessionView } from './sessionView.ts';
import type { Timetable } from './timetable.ts';

/**
 * Cases the engine does not resolve on its own; each sends the record to 'review':
 * - 'exit_without_entry': an exit in this hall within the session window while
 *   the student was not inside (decidable at once);
 * - 'overlapping_sessions': another enrolled session in a different hall
 *   overlaps this one in time (a timetable clash, decidable at once);
 * - 'outside_session': after the session ended, no presence inside it, but the
 *   student was in the hall within the tolerance window, in a stay that
 *   overlaps no session at all (e.g. came and went before the start).
 */
export function ambiguous(
  view: SessionView,
  timetable: Timetable,
  intervals: readonly PresenceInterval[],
  orphanExits: readonly Passage[],
): Finding[] {
  const { clockOf } = view;
  const { session, th, window } = view;
  const out: Finding[] = [];
  const orphans = orphanExits.filter(
    (p) => p.hallId === session.hallId && p.ts >= window.from && p.ts <= window.to,
  );
  if (orphans.length > 0) {
    out.push({
      rule: 'exit_without_entry',
      flag: 'exit_without_entry',
      verdict: 'review',
      text: `exit at ${orphans.map((p) => clockOf(p.ts)).join(', ')} with no entry before it`,
      thresholds: { sessionToleranceSec: th.sessionToleranceSec },
      eventIds: orphans.flatMap((p) => p.eventIds),
    });
  }
  const clashes = timetable.enrolled.filter(
    (t) => t !== session && t.hallId !== session.hallId && t.start < session.end && session.start < t.end,
  );
  if (clashes.length > 0) {
    out.push({
      rule: 'overlapping_sessions',
      flag: 'overlapping_sessions',
      verdict: 'review',
      text: `overlaps ${clashes.map((t) => `${t.sessionId} in ${t.hallId}`).join(', ')}; the engine does not pick one`,
      thresholds: {},
      eventIds: [],
    });
  }
  if (view.ended && view.segments.length === 0) {
    const cores = timetable.byHall.get(session.hallId) ?? [];
    const near = intervals.filter(
      (iv) =>
        iv.hallId === session.hallId &&
        iv.from <= window.to &&
        iv.to >= window.from &&
        !cores.some((s) => iv.from < s.end && iv.to > s.start),
    );
    if (near.length > 0) {
      out.push({
        rule: 'outside_session',
        flag: 'outside_session',
        verdict: 'review',
        text: `in ${session.hallId} ${near.map((iv) => `${clockOf(iv.from)}-${clockOf(iv.to)}`).join(', ')}: within the tolerance window but not during the session`,
        thresholds: { sessionToleranceSec: th.sessionToleranceSec },
        eventIds: near.flatMap((iv) =>
          iv.passages.filter((p) => p.hallId === session.hallId).flatMap((p) => p.eventIds),
        ),
      });
    }
  }
  return out;
}
