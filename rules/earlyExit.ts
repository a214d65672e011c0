import type { Finding } from './finding.ts';
import { durationOf } from './formatTime.ts';
import type { SessionView } from './sessionView.ts';

/**
 * Early exit, decided once the session has ended: the last presence in the
 * session ends (by an exit, or by showing up in another hall) before
 * end - earlyExitSec, and the student did not come back before the end.
 */
export function earlyExit(view: SessionView): Finding[] {
  const { clockOf } = view;
  const last = view.segments.at(-1);
  if (!view.ended || last === undefined) return [];
  const { th, session } = view;
  if (last.stay.closedBy !== 'exit' && last.stay.closedBy !== 'implicit_exit') return [];
  if (last.to >= session.end - th.earlyExitSec * 1000) return [];
  const how = last.stay.closedBy === 'exit' ? 'left' : 'was seen in another hall';
  return [
    {
      rule: 'early_exit',
      flag: 'early_exit',
      verdict: 'early_exit',
      text: `${how} at ${clockOf(last.to)}, ${durationOf(session.end - last.to)} before the end, and did not return`,
      thresholds: { earlyExitSec: th.earlyExitSec },
      eventIds: last.stay.passages.at(-1)?.eventIds ?? [],
    },
  ];
}
