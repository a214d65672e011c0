import type { LocalClock } from './localClock.ts';
import type { Passage } from './pairCardFace.ts';
import type { PresenceInterval } from './presenceIntervals.ts';
import { windowOf, type Timetable } from './timetable.ts';
import type { LectureSession, Thresholds } from './types.ts';

/** A part of a stay that falls inside the session (and before "now"). */
export interface Segment {
  from: number;
  to: number;
  stay: PresenceInterval;
}

/** Everything the per-session rules look at for one (student, session). */
export interface SessionView {
  session: LectureSession;
  th: Thresholds;
  now: number;
  started: boolean;
  ended: boolean;
  /** [start - tolerance, end + tolerance]. */
  window: { from: number; to: number };
  /** Stays in this hall clipped to [start, min(end, now)], positive length only, chronological. */
  segments: Segment[];
  /** Stays in this hall that overlap the session itself. */
  stays: PresenceInterval[];
  /** Passages at this hall within the window, plus every passage of the overlapping stays. */
  passages: Passage[];
  /** Local clock time of an instant (explanation texts). */
  clockOf: (ts: number) => string;
}

export function buildSessionView(
  session: LectureSession,
  timetable: Timetable,
  intervals: readonly PresenceInterval[],
  passages: readonly Passage[],
  now: number,
  clock: LocalClock,
): SessionView {
  const th = timetable.thresholdsOf(session);
  const window = windowOf(session, th);
  const clipEnd = Math.min(session.end, now);
  const segments: Segment[] = [];
  const stays: PresenceInterval[] = [];
  const seqs = new Set<number>();
  const attributed: Passage[] = [];
  const attribute = (p: Passage): void => {
    if (seqs.has(p.seq)) return;
    seqs.add(p.seq);
    attributed.push(p);
  };
  for (const iv of intervals) {
    if (iv.hallId !== session.hallId) continue;
    if (iv.from < session.end && iv.to > session.start) {
      stays.push(iv);
      for (const p of iv.passages) attribute(p);
      const from = Math.max(iv.from, session.start);
      const to = Math.min(iv.to, clipEnd);
      if (to > from) segments.push({ from, to, stay: iv });
    }
  }
  for (const p of passages) {
    if (p.hallId === session.hallId && p.ts >= window.from && p.ts <= window.to) attribute(p);
  }
  attributed.sort((a, b) => a.seq - b.seq);
  return {
    session,
    th,
    now,
    started: now >= session.start,
    ended: now >= session.end,
    window,
    segments,
    stays,
    passages: attributed,
    clockOf: clock.clockOf,
  };
}

export function presentMs(view: SessionView): number {
  let ms = 0;
  for (const s of view.segments) ms += s.to - s.from;
  return ms;
}
