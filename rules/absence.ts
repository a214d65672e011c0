import type { Finding } from './finding.ts';
import { durationOf } from './formatTime.ts';
import type { SessionView } from './sessionView.ts';

/**
 * Absence, decided only once the session has ended:
 * - no presence in the hall between start and end, or
 * - the first presence begins after ref + absentAfterSec (flag 'arrived_after_cutoff';
 *   the minutes are still reported).
 */
export function absence(view: SessionView, arrivalRef: number): Finding[] {
  const { clockOf } = view;
  const { th, session } = view;
  const first = view.segments[0];
  const cutoff = arrivalRef + th.absentAfterSec * 1000;
  if (first === undefined) {
    if (!view.ended) return [];
    return [
      {
        rule: 'absent',
        verdict: 'absent',
        text: `no presence in ${session.hallId} between ${clockOf(session.start)} and ${clockOf(session.end)}`,
        thresholds: { absentAfterSec: th.absentAfterSec },
        eventIds: [],
      },
    ];
  }
  if (first.from <= cutoff) return [];
  const finding: Finding = {
    rule: 'arrived_after_cutoff',
    flag: 'arrived_after_cutoff',
    text: `first presence ${clockOf(first.from)}, ${durationOf(first.from - arrivalRef)} after ${clockOf(arrivalRef)}: past the absent cut-off${view.ended ? '' : ' (decided when the session ends)'}`,
    thresholds: { absentAfterSec: th.absentAfterSec },
    eventIds: first.stay.passages[0]?.eventIds ?? [],
  };
  if (view.ended) finding.verdict = 'absent';
  return [finding];
}
