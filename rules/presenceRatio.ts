import type { Finding } from './finding.ts';
import { durationOf } from './formatTime.ts';
import { presentMs, type SessionView } from './sessionView.ts';

/**
 * Presence ratio, once the session has ended: time present divided by the time
 * from arrival (or start) to the end. Lateness is judged by its own rule, so it
 * is not counted twice here. Below minPresenceRatio the session is 'partial'
 * (flag 'low_presence'): many short breaks add up.
 */
export function presenceRatio(view: SessionView): Finding[] {
  const first = view.segments[0];
  if (!view.ended || first === undefined) return [];
  const { th, session } = view;
  const due = session.end - first.from;
  if (due <= 0) return [];
  const present = presentMs(view);
  const ratio = present / due;
  const text = `present ${durationOf(present)} of ${durationOf(due)} since arrival (ratio ${ratio.toFixed(2)})`;
  if (ratio >= th.minPresenceRatio) {
    return [
      { rule: 'presence_ratio', text, thresholds: { minPresenceRatio: th.minPresenceRatio }, eventIds: [] },
    ];
  }
  return [
    {
      rule: 'presence_ratio',
      flag: 'low_presence',
      verdict: 'partial',
      text: `${text}, below the minimum`,
      thresholds: { minPresenceRatio: th.minPresenceRatio },
      eventIds: [],
    },
  ];
}
