import { cardFaceCheck } from './cardFaceCheck.ts';
import { flagsOf } from './classifySession.ts';
import type { DayContext } from './dayContext.ts';
import { eventNotes } from './eventNotes.ts';
import { toExplanation, type Finding } from './finding.ts';
import type { Passage } from './pairCardFace.ts';
import type { PresenceInterval } from './presenceIntervals.ts';
import { windowOf } from './timetable.ts';
import type { AttendanceRecord, Interval, LectureSession, Thresholds } from './types.ts';

/** Session id of presence in a hall where nothing is scheduled. */
export function noSessionId(hallId: string, day: string): string {
  return `none:${hallId}:${day}`;
}

interface Acc {
  sessionId: string;
  courseId: string;
  hallId: string;
  session: LectureSession | null;
  intervals: Interval[];
  passages: Passage[];
  orphans: Passage[];
  /** Pieces that come from stays ending at their last sighting (no exit, no own session to assume). */
  sightings: Interval[];
}

function subtract(pieces: Interval[], cut: Interval): Interval[] {
  const out: Interval[] = [];
  for (const p of pieces) {
    const point = p.from === p.to;
    if (point ? p.from < cut.from || p.from > cut.to : cut.to <= p.from || cut.from >= p.to) {
      out.push(p);
      continue;
    }
    if (point) continue;
    if (cut.from > p.from) out.push({ from: p.from, to: cut.from });
    if (cut.to < p.to) out.push({ from: cut.to, to: p.to });
  }
  return out;
}

function overlap(p: Interval, s: LectureSession): Interval | null {
  if (p.from === p.to) return p.from >= s.start && p.from <= s.end ? p : null;
  const from = Math.max(p.from, s.start);
  const to = Math.min(p.to, s.end);
  return to > from ? { from, to } : null;
}

/**
 * Presence that comes only from stays ending at their last sighting (no exit,
 * no own session to assume): flagged 'sighting_only'; 'review' when it is all
 * the record holds (a sighting is evidence of the door, not of a stay).
 */
function sightingFindings(a: Acc, sightingOnly: boolean, clockOf: (ts: number) => string): Finding[] {
  if (a.sightings.length === 0) return [];
  const when = a.sightings.map((i) =>
    i.from === i.to ? clockOf(i.from) : `${clockOf(i.from)}-${clockOf(i.to)}`,
  );
  const f: Finding = {
    rule: 'sighting_only',
    flag: 'sighting_only',
    text: `seen in ${a.hallId} at ${when.join(', ')} with no exit and no own session to assume a stay: presence counted between sightings only${sightingOnly ? ', needs review' : ''}`,
    thresholds: {},
    eventIds: [],
  };
  if (sightingOnly) f.verdict = 'review';
  return [f];
}

/**
 * Unauthorized hall. Presence of this (known) student in a hall, outside the
 * tolerance windows of their own sessions there:
 * - during a session of a course they are not enrolled in -> a record for that
 *   sessionId, status 'unauthorized';
 * - when no session is running in that hall -> a record with sessionId
 *   `none:<hallId>:<YYYY-MM-DD>` (local day of the presence) and courseId 'none',
 *   status 'unauthorized', one per hall and day.
 * An exit with no entry in such a place gives the same records with status
 * 'review' when there is no presence to speak of. Unauthorized is decidable at
 * once and outranks every other finding on these records (which stay as flags).
 */
export function unauthorizedRecords(day: DayContext): AttendanceRecord[] {
  return [...collectPresence(day).values()].map((a) => recordOfAcc(a, day));
}

/** Presence and orphan exits outside the student's own sessions, per (foreign or none:) session id. */
function collectPresence(day: DayContext): Map<string, Acc> {
  const { timetable } = day;
  const accs = new Map<string, Acc>();
  const acc = (hallId: string, session: LectureSession | null, at: number): Acc => {
    const id = session?.sessionId ?? noSessionId(hallId, day.clock.dayOf(at));
    let a = accs.get(id);
    if (a === undefined) {
      a = {
        sessionId: id,
        courseId: session?.courseId ?? 'none',
        hallId,
        session,
        intervals: [],
        passages: [],
        orphans: [],
        sightings: [],
      };
      accs.set(id, a);
    }
    return a;
  };
  const ownWindows = (hallId: string): Interval[] =>
    (timetable.enrolledByHall.get(hallId) ?? []).map((s) => windowOf(s, timetable.thresholdsOf(s)));
  const foreign = (hallId: string): LectureSession[] =>
    (timetable.byHall.get(hallId) ?? []).filter((s) => !timetable.enrolledCourses.has(s.courseId));

  const add = (a: Acc, piece: Interval, iv: PresenceInterval, passages: Passage[]): void => {
    a.intervals.push(piece);
    if (iv.sightingOnly) a.sightings.push(piece);
    a.passages.push(...passages);
  };
  for (const iv of day.intervals) {
    let pieces: Interval[] = [{ from: iv.from, to: iv.to }];
    for (const w of ownWindows(iv.hallId)) pieces = subtract(pieces, w);
    if (pieces.length === 0) continue;
    const passages = iv.passages.filter((p) => p.hallId === iv.hallId);
    for (const s of foreign(iv.hallId)) {
      for (const p of pieces) {
        const o = overlap(p, s);
        if (o !== null) add(acc(iv.hallId, s, o.from), o, iv, passages);
      }
      pieces = subtract(pieces, { from: s.start, to: s.end });
    }
    // Waiting in the hall for one's own lecture (the stay runs into it) is not unauthorized.
    const own = (timetable.enrolledByHall.get(iv.hallId) ?? []).find(
      (s) => iv.from < s.start && iv.to > s.start,
    );
    if (own !== undefined) pieces = subtract(pieces, { from: iv.from, to: own.start });
    for (const p of pieces) add(acc(iv.hallId, null, p.from), p, iv, passages);
  }
  for (const o of day.orphanExits) {
    if (ownWindows(o.hallId).some((w) => o.ts >= w.from && o.ts <= w.to)) continue;
    const s = foreign(o.hallId).find((f) => o.ts >= f.start && o.ts <= f.end) ?? null;
    const a = acc(o.hallId, s, o.ts);
    a.orphans.push(o);
    a.passages.push(o);
  }

  return accs;
}

/** The record of one foreign session or none: id. */
function recordOfAcc(a: Acc, day: DayContext): AttendanceRecord {
  const { timetable, base } = day;
  const { clockOf } = day.clock;
  const th: Thresholds = a.session !== null ? timetable.thresholdsOf(a.session) : base;
  const intervals = [...a.intervals].sort((x, y) => x.from - y.from || x.to - y.to);
  const seen = new Set<number>();
  const passages = a.passages
    .filter((p) => (seen.has(p.seq) ? false : (seen.add(p.seq), true)))
    .sort((x, y) => x.seq - y.seq);
  const ids = new Set(passages.flatMap((p) => p.eventIds));
  const where =
    a.session !== null
      ? `during ${a.session.sessionId} (course ${a.session.courseId}, not enrolled)`
      : 'with no session scheduled';
  const findings: Finding[] = [];
  if (intervals.length > 0) {
    findings.push({
      rule: 'unauthorized_hall',
      flag: 'unauthorized_hall',
      text: `in ${a.hallId} ${where}: ${intervals.map((i) => `${clockOf(i.from)}-${clockOf(i.to)}`).join(', ')}`,
      thresholds: { sessionToleranceSec: th.sessionToleranceSec },
      eventIds: passages.filter((p) => !a.orphans.includes(p)).flatMap((p) => p.eventIds),
    });
  }
  const sightingOnly = intervals.length > 0 && a.sightings.length === intervals.length;
  findings.push(...sightingFindings(a, sightingOnly, clockOf));
  if (a.orphans.length > 0) {
    findings.push({
      rule: 'exit_without_entry',
      flag: 'exit_without_entry',
      verdict: 'review',
      text: `exit in ${a.hallId} ${where} at ${a.orphans.map((p) => clockOf(p.ts)).join(', ')} with no entry before it`,
      thresholds: {},
      eventIds: a.orphans.flatMap((p) => p.eventIds),
    });
  }
  findings.push(
    ...cardFaceCheck(
      passages,
      day.mismatches.filter((m) => ids.has(m.badge.eventId)),
      th,
      day.clock,
    ),
  );
  const pad = th.pairingWindowSec * 1000;
  const span = {
    from: Math.min(...passages.map((p) => p.ts), ...intervals.map((i) => i.from)) - pad,
    to: Math.max(...passages.map((p) => p.ts), ...intervals.map((i) => i.to)) + pad,
  };
  findings.push(...eventNotes(a.hallId, span, day.lowConfidence, day.debounced, th));
  const status = intervals.length > 0 && !sightingOnly ? 'unauthorized' : 'review';
  findings.push({
    rule: 'status',
    text:
      status === 'unauthorized'
        ? 'unauthorized: presence outside the student\u2019s own sessions (outranks every other finding)'
        : sightingOnly
          ? 'review: only sightings (no exit) outside the student\u2019s own sessions'
          : 'review: exit with no entry outside the student\u2019s own sessions',
    thresholds: {},
    eventIds: [],
  });
  const ms = intervals.reduce((sum, i) => sum + (i.to - i.from), 0);
  return {
    studentId: day.studentId,
    sessionId: a.sessionId,
    courseId: a.courseId,
    hallId: a.hallId,
    status,
    minutesPresent: Math.floor(ms / 60_000),
    intervals,
    flags: flagsOf(findings),
    explanations: findings.map(toExplanation),
    eventIds: passages.flatMap((p) => p.eventIds),
  };
}
