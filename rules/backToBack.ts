import type { Finding } from './finding.ts';
import { durationOf } from './formatTime.ts';
import type { PresenceInterval } from './presenceIntervals.ts';
import type { SessionView } from './sessionView.ts';
import type { Timetable } from './timetable.ts';

/**
 * Back-to-back lectures.
 * - Same hall: one continuous stay that began in an earlier enrolled session in
 *   this hall also covers this one; no new swipe is needed (flag 'back_to_back').
 * - Different halls: if the student attended an enrolled session in another
 *   hall that ended less than transitSec before this one starts, arrival is
 *   measured from max(start, previous end + transitSec) instead of start, so
 *   grace, late band and absent cut-off all move by the walking allowance
 *   (flag 'back_to_back_transit').
 * Returns the reference instant lateness is measured from.
 */
export function backToBack(
  view: SessionView,
  timetable: Timetable,
  intervals: readonly PresenceInterval[],
): { arrivalRef: number; findings: Finding[] } {
  const { clockOf } = view;
  const { session, th } = view;
  const findings: Finding[] = [];
  const first = view.segments[0];
  if (first !== undefined && first.stay.from < session.start) {
    const prev = (timetable.enrolledByHall.get(session.hallId) ?? []).filter(
      (p) => p !== session && p.end <= session.start && first.stay.from < p.end && first.stay.to > p.start,
    );
    const p = prev.at(-1);
    if (p !== undefined) {
      findings.push({
        rule: 'back_to_back',
        flag: 'back_to_back',
        text: `one continuous stay in ${session.hallId} from ${clockOf(first.stay.from)} covers ${p.sessionId} and this session; no new entry needed`,
        thresholds: {},
        eventIds: first.stay.passages[0]?.eventIds ?? [],
      });
    }
  }
  const transitMs = th.transitSec * 1000;
  let best: (typeof timetable.enrolled)[number] | undefined;
  for (const p of timetable.enrolled) {
    if (p.hallId === session.hallId || p.end > session.start || session.start - p.end >= transitMs) continue;
    const attended = intervals.some((iv) => iv.hallId === p.hallId && iv.from < p.end && iv.to > p.start);
    if (attended && (best === undefined || p.end >= best.end)) best = p;
  }
  if (best === undefined) return { arrivalRef: session.start, findings };
  const arrivalRef = Math.max(session.start, best.end + transitMs);
  findings.push({
    rule: 'back_to_back_transit',
    flag: 'back_to_back_transit',
    text: `previous lecture ${best.sessionId} in ${best.hallId} ended ${clockOf(best.end)}; lateness counted from ${clockOf(arrivalRef)} (+${durationOf(arrivalRef - session.start)} walking allowance)`,
    thresholds: { transitSec: th.transitSec },
    eventIds: [],
  });
  return { arrivalRef, findings };
}
