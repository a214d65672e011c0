import type { Finding } from './finding.ts';
import type { SessionView } from './sessionView.ts';

/**
 * Missing exit: a stay overlapping the session had no exit at all and nothing
 * else was seen afterwards. Presence was assumed until the end of the session
 * (chain) it belongs to (see presenceIntervals). Always flagged 'missing_exit';
 * with missingExit 'flag' the record goes to 'review' as well.
 */
export function missingExit(view: SessionView): Finding[] {
  const { clockOf } = view;
  const { th } = view;
  const out: Finding[] = [];
  for (const stay of view.stays) {
    if (stay.closedBy !== 'missing_exit') continue;
    const review = th.missingExit === 'flag';
    const f: Finding = {
      rule: 'missing_exit',
      flag: 'missing_exit',
      text: `entry ${clockOf(stay.from)} has no exit; presence assumed until ${clockOf(stay.to)}${review ? ', needs review' : ''}`,
      thresholds: { missingExit: th.missingExit },
      eventIds: stay.passages[0]?.eventIds ?? [],
    };
    if (review) f.verdict = 'review';
    out.push(f);
  }
  return out;
}
