import type { Finding } from './finding.ts';
import { durationOf } from './formatTime.ts';
import type { SessionView } from './sessionView.ts';

/**
 * Late arrival. Arrival is the start of the first presence inside the session
 * (a stay that began before start counts as arriving at start). With ref the
 * reference instant (start, or later for back-to-back transit):
 *   arrival <= ref + graceSec                    -> on time
 *   ref + graceSec < arrival <= ref + absentAfterSec -> 'late' (decidable before the end)
 *   additionally arrival > ref + lateSec         -> flag 'very_late'
 *   arrival > ref + absentAfterSec               -> left to the absence rule
 */
export function lateArrival(view: SessionView, arrivalRef: number): Finding[] {
  const { clockOf } = view;
  const first = view.segments[0];
  if (first === undefined) return [];
  const { th } = view;
  const arrival = first.from;
  const entryIds = first.stay.passages[0]?.eventIds ?? [];
  const delay = arrival - arrivalRef;
  if (arrival > arrivalRef + th.absentAfterSec * 1000) return [];
  if (arrival <= arrivalRef + th.graceSec * 1000) {
    return [
      {
        rule: 'on_time',
        text: `arrived ${clockOf(first.stay.from)}, counted from ${clockOf(arrival)}: within grace (${durationOf(Math.max(0, delay))} after ${clockOf(arrivalRef)})`,
        thresholds: { graceSec: th.graceSec },
        eventIds: entryIds,
      },
    ];
  }
  const out: Finding[] = [
    {
      rule: 'late_arrival',
      flag: 'late',
      verdict: 'late',
      text: `arrived ${clockOf(arrival)}, ${durationOf(delay)} after ${clockOf(arrivalRef)}: after grace, not after the absent cut-off`,
      thresholds: { graceSec: th.graceSec, absentAfterSec: th.absentAfterSec },
      eventIds: entryIds,
    },
  ];
  if (arrival > arrivalRef + th.lateSec * 1000) {
    out.push({
      rule: 'very_late',
      flag: 'very_late',
      text: `arrival ${durationOf(delay)} after ${clockOf(arrivalRef)} is past the late band`,
      thresholds: { lateSec: th.lateSec },
      eventIds: entryIds,
    });
  }
  return out;
}
