import type { Passage } from './pairCardFace.ts';
import type { Timetable } from './timetable.ts';
import type { LectureSession } from './types.ts';

/** How a stay in a hall ended. */
export type ClosedBy =
  /** An exit passage at that hall. */
  | 'exit'
  /** The student showed up in another hall: they must have left. */
  | 'implicit_exit'
  /** Nothing more was seen, and the sessions the entry belongs to are over. */
  | 'missing_exit'
  /** Nothing more was seen yet and the sessions are still running: cut at "now". */
  | 'still_inside';

/** A continuous stay of the student in one hall. */
export interface PresenceInterval {
  hallId: string;
  from: number;
  to: number;
  closedBy: ClosedBy;
  /** Every passage of the stay: the entry, confirmations, and the exit (or the passage elsewhere that ended it). */
  passages: Passage[];
  /** Last passage seen inside this hall during the stay. */
  lastSeen: number;
  /** For implicit/missing exits: the session chain the stay was assumed to last until. */
  assumedUntilSessionId: string | null;
  /**
   * No exit, and no enrolled session of the student to assume the stay lasted
   * for: it ends at the last sighting. Evidence of being at the door, not of
   * staying (flagged for review where it would count as unauthorized).
   */
  sightingOnly: boolean;
}

interface OpenStay {
  hallId: string;
  from: number;
  lastSeen: number;
  passages: Passage[];
}

/**
 * Walks the passages in order with a one-hall state machine:
 * - outside + enter/unknown: a stay begins ('unknown' means entry when not inside);
 * - inside hall H + enter/unknown at H: a confirmation, nothing changes;
 * - inside H + exit at H: the stay ends;
 * - inside H + any passage at another hall: the stay in H ends (implicit exit),
 *   then that passage is handled as if outside;
 * - outside + exit: an exit with no entry, returned for the ambiguity rule.
 * Stays with no exit are closed by closeStay.
 */
export function tracePresence(
  passages: readonly Passage[],
  timetable: Timetable,
  now: number,
): { intervals: PresenceInterval[]; orphanExits: Passage[] } {
  const intervals: PresenceInterval[] = [];
  const orphanExits: Passage[] = [];
  let open: OpenStay | null = null;
  for (const p of passages) {
    if (open !== null && p.hallId !== open.hallId) {
      intervals.push(closeStay(open, p, timetable, now));
      open = null;
    }
    if (open === null) {
      if (p.direction === 'exit') orphanExits.push(p);
      else open = { hallId: p.hallId, from: p.ts, lastSeen: p.ts, passages: [p] };
      continue;
    }
    open.passages.push(p);
    if (p.direction === 'exit') {
      intervals.push({
        hallId: open.hallId,
        from: open.from,
        to: p.ts,
        closedBy: 'exit',
        passages: open.passages,
        lastSeen: p.ts,
        assumedUntilSessionId: null,
        sightingOnly: false,
      });
      open = null;
    } else {
      open.lastSeen = p.ts;
    }
  }
  if (open !== null) intervals.push(closeStay(open, null, timetable, now));
  return { intervals, orphanExits };
}

/**
 * The session a stay with no exit belongs to: an enrolled session at that hall
 * whose [start - tolerance, end) holds the last sighting (else the entry), then
 * extended over enrolled sessions in the same hall that follow within
 * transitSec (back-to-back in one hall). Never another course's session: a
 * stray swipe at its door is not evidence of sitting through it (null: the
 * stay ends at the last sighting).
 */
function assumedEnd(stay: OpenStay, timetable: Timetable): { until: number; sessionId: string } | null {
  const find = (list: readonly LectureSession[] | undefined, t: number): LectureSession | undefined =>
    list?.find((s) => t >= s.start - timetable.thresholdsOf(s).sessionToleranceSec * 1000 && t < s.end);
  const enrolled = timetable.enrolledByHall.get(stay.hallId);
  const anchor = find(enrolled, stay.lastSeen) ?? find(enrolled, stay.from);
  if (enrolled === undefined || anchor === undefined) return null;
  let until = anchor.end;
  let last = anchor;
  for (const s of enrolled) {
    if (s.start < anchor.start || s === anchor) continue;
    if (s.start > until + timetable.thresholdsOf(last).transitSec * 1000) break;
    if (s.end > until) {
      until = s.end;
      last = s;
    }
  }
  return { until, sessionId: last.sessionId };
}

/**
 * Ends a stay that had no exit. Missing exit: presence is assumed until the end
 * of the session chain it belongs to (never before the last sighting); with no
 * such session, until the last sighting (sightingOnly). Implicit exit (seen elsewhere at t):
 * the same, but no later than t. If the assumed end is after "now", the stay is
 * cut at now and marked 'still_inside'.
 */
function closeStay(
  stay: OpenStay,
  next: Passage | null,
  timetable: Timetable,
  now: number,
): PresenceInterval {
  const assumed = assumedEnd(stay, timetable);
  let to = assumed === null ? stay.lastSeen : Math.max(stay.lastSeen, assumed.until);
  let closedBy: ClosedBy;
  const passages = [...stay.passages];
  if (next !== null) {
    to = Math.max(stay.lastSeen, Math.min(to, next.ts));
    closedBy = 'implicit_exit';
    passages.push(next);
  } else if (to > now) {
    to = Math.max(stay.lastSeen, now);
    closedBy = 'still_inside';
  } else {
    closedBy = 'missing_exit';
  }
  return {
    hallId: stay.hallId,
    from: stay.from,
    to,
    closedBy,
    passages,
    lastSeen: stay.lastSeen,
    assumedUntilSessionId: assumed?.sessionId ?? null,
    sightingOnly: assumed === null,
  };
}
