import type { Finding } from './finding.ts';
import { durationOf } from './formatTime.ts';
import type { SessionView } from './sessionView.ts';

/**
 * Breaks: every gap between two presences inside the session. A gap of at most
 * maxBreakSec is a 'break' (still present); a longer one is an 'extended_break'
 * and makes the session 'partial'.
 */
export function breaks(view: SessionView): Finding[] {
  const { clockOf } = view;
  const { th } = view;
  const out: Finding[] = [];
  let total = 0;
  for (let i = 1; i < view.segments.length; i++) {
    const a = view.segments[i - 1]!;
    const b = view.segments[i]!;
    const gap = b.from - a.to;
    if (gap <= 0) continue;
    total += gap;
    const eventIds = [...(a.stay.passages.at(-1)?.eventIds ?? []), ...(b.stay.passages[0]?.eventIds ?? [])];
    const text = `out ${clockOf(a.to)}, back ${clockOf(b.from)}: ${durationOf(gap)}`;
    if (gap <= th.maxBreakSec * 1000) {
      out.push({
        rule: 'break',
        flag: 'break',
        text: `${text}, within the break allowance`,
        thresholds: { maxBreakSec: th.maxBreakSec },
        eventIds,
      });
    } else {
      out.push({
        rule: 'extended_break',
        flag: 'extended_break',
        verdict: 'partial',
        text: `${text}, longer than the break allowance`,
        thresholds: { maxBreakSec: th.maxBreakSec },
        eventIds,
      });
    }
  }
  if (out.length > 1) {
    out.push({
      rule: 'break_total',
      text: `total time out: ${durationOf(total)}`,
      thresholds: {},
      eventIds: [],
    });
  }
  return out;
}
