import { isAttended, isEnrolled } from './attendanceStatus.ts';
import type { ReportRecord } from './reportRows.ts';
import { ratio, type ReportTable } from './reportTable.ts';

export interface ConsistencyOptions {
  /** Attendance rate at or above which a student is consistent; default 0.8. */
  threshold?: number;
  /** Fewest enrolled sessions in the range to be judged at all; default 3. */
  minSessions?: number;
}

/**
 * Consistency: per student, attended / enrolled records over the range. With
 * at least `minSessions` enrolled sessions a student is 'consistent' (rate >=
 * threshold) or 'below'; with fewer, 'too few sessions'. Sorted consistent,
 * below, too few; within a group by rate (descending), then student id.
 */
export function consistency(records: readonly ReportRecord[], opts: ConsistencyOptions = {}): ReportTable {
  const threshold = opts.threshold ?? 0.8;
  const minSessions = opts.minSessions ?? 3;
  const per = new Map<string, { enrolled: number; attended: number }>();
  for (const r of records) {
    if (!isEnrolled(r)) continue;
    let s = per.get(r.studentId);
    if (!s) per.set(r.studentId, (s = { enrolled: 0, attended: 0 }));
    s.enrolled++;
    if (isAttended(r)) s.attended++;
  }
  const GROUPS = ['consistent', 'below', 'too few sessions'] as const;
  const rows = [...per.entries()]
    .map(([studentId, s]) => {
      const group =
        s.enrolled < minSessions ? GROUPS[2] : s.attended / s.enrolled >= threshold ? GROUPS[0] : GROUPS[1];
      return {
        studentId,
        sessions: s.enrolled,
        attended: s.attended,
        rate: ratio(s.attended, s.enrolled) ?? 0,
        group,
      };
    })
    .sort(
      (a, b) =>
        GROUPS.indexOf(a.group) - GROUPS.indexOf(b.group) ||
        b.rate - a.rate ||
        (a.studentId < b.studentId ? -1 : 1),
    );
  return {
    id: 'consistency',
    title: 'Consistency',
    description: `Students with attendance rate >= ${threshold} over at least ${minSessions} enrolled sessions are consistent; the rest are below (or have too few sessions).`,
    columns: [
      { key: 'studentId', header: 'Student' },
      { key: 'sessions', header: 'Sessions' },
      { key: 'attended', header: 'Attended' },
      { key: 'rate', header: 'Attendance rate' },
      { key: 'group', header: 'Group' },
    ],
    rows,
  };
}
