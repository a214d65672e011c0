import { isEnrolled, isLate } from './attendanceStatus.ts';
import type { ReportRecord } from './reportRows.ts';
import { ratio, round1, type ReportTable } from './reportTable.ts';

export interface LatecomerOptions {
  /** Students with fewer late arrivals are left out; default 1. */
  minLate?: number;
}

/**
 * Latecomers: per student with at least `minLate` late arrivals, over the
 * enrolled records of the range. A late arrival is status 'late' or the 'late'
 * flag. Minutes late are measured against the session's earliest recorded
 * presence (the earliest interval start of any record of that session), which
 * is the session start whenever someone was there on time; records without
 * intervals are left out of that average. Sorted by late count, then late
 * rate (both descending), then student id.
 */
export function latecomers(records: readonly ReportRecord[], opts: LatecomerOptions = {}): ReportTable {
  const minLate = opts.minLate ?? 1;
  const firstArrival = new Map<string, number>();
  for (const r of records) {
    const from = r.intervals[0]?.from;
    if (from === undefined) continue;
    const seen = firstArrival.get(r.sessionId);
    if (seen === undefined || from < seen) firstArrival.set(r.sessionId, from);
  }
  const per = new Map<string, { sessions: number; late: number; minutes: number[] }>();
  for (const r of records) {
    if (!isEnrolled(r)) continue;
    let s = per.get(r.studentId);
    if (!s) per.set(r.studentId, (s = { sessions: 0, late: 0, minutes: [] }));
    s.sessions++;
    if (!isLate(r)) continue;
    s.late++;
    const from = r.intervals[0]?.from;
    const ref = firstArrival.get(r.sessionId);
    if (from !== undefined && ref !== undefined) s.minutes.push((from - ref) / 60_000);
  }
  const rows = [...per.entries()]
    .filter(([, s]) => s.late >= minLate)
    .map(([studentId, s]) => ({
      studentId,
      sessions: s.sessions,
      late: s.late,
      lateRate: ratio(s.late, s.sessions),
      avgMinutesLate:
        s.minutes.length === 0 ? null : round1(s.minutes.reduce((a, b) => a + b, 0) / s.minutes.length),
    }))
    .sort(
      (a, b) =>
        b.late - a.late ||
        (b.lateRate ?? 0) - (a.lateRate ?? 0) ||
        (a.studentId < b.studentId ? -1 : a.studentId > b.studentId ? 1 : 0),
    );
  return {
    id: 'latecomers',
    title: 'Latecomers',
    description:
      "Students with late arrivals (status 'late' or the 'late' flag) over their enrolled sessions; minutes late are counted from the session's earliest recorded presence.",
    columns: [
      { key: 'studentId', header: 'Student' },
      { key: 'sessions', header: 'Sessions' },
      { key: 'late', header: 'Late' },
      { key: 'lateRate', header: 'Late rate' },
      { key: 'avgMinutesLate', header: 'Avg minutes late' },
    ],
    rows,
  };
}
