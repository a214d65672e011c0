import type { Finding } from './finding.ts';
import type { SessionView } from './sessionView.ts';

/** More than maxExits exits (explicit or implied) strictly inside the session is flagged 'multiple_exits'. */
export function multipleExits(view: SessionView): Finding[] {
  const { th, session } = view;
  const exits = view.segments.filter(
    (s) =>
      s.to === s.stay.to &&
      s.to < session.end &&
      (s.stay.closedBy === 'exit' || s.stay.closedBy === 'implicit_exit'),
  );
  if (exits.length <= th.maxExits) return [];
  return [
    {
      rule: 'multiple_exits',
      flag: 'multiple_exits',
      text: `${exits.length} exits during the session, more than ${th.maxExits}`,
      thresholds: { maxExits: th.maxExits },
      eventIds: exits.flatMap((s) => s.stay.passages.at(-1)?.eventIds ?? []),
    },
  ];
}
