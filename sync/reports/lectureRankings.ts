import { isAttended, isEnrolled } from './attendanceStatus.ts';
import type { ReportRecord } from './reportRows.ts';
import { ratio, type ReportTable } from './reportTable.ts';

export type RankBy = 'rate' | 'unique';

export interface RankingOptions {
  /** 'rate' (default): attendance rate, then unique attendees; 'unique': the other way round. */
  rankBy?: RankBy;
}

/**
 * Lecture rankings: per course with enrolled records in the range, its
 * sessions, enrolled and attended records, the pooled attendance rate
 * (attended / enrolled records), and the estimated unique attendees over the
 * range (the HLL sketches of every gateway and day merged; empty without a
 * sketch). Ranked by `rankBy`, ties by course id; equal keys share a rank.
 */
export function lectureRankings(
  records: readonly ReportRecord[],
  uniqueByCourse: ReadonlyMap<string, number>,
  opts: RankingOptions = {},
): ReportTable {
  const per = new Map<string, { sessions: Set<string>; enrolled: number; attended: number }>();
  for (const r of records) {
    if (!isEnrolled(r)) continue;
    let c = per.get(r.courseId);
    if (!c) per.set(r.courseId, (c = { sessions: new Set(), enrolled: 0, attended: 0 }));
    c.sessions.add(r.sessionId);
    c.enrolled++;
    if (isAttended(r)) c.attended++;
  }
  const rows = [...per.entries()].map(([courseId, c]) => ({
    courseId,
    sessions: c.sessions.size,
    enrolled: c.enrolled,
    attended: c.attended,
    rate: ratio(c.attended, c.enrolled) ?? 0,
    uniqueAttendees: uniqueByCourse.get(courseId) ?? null,
  }));
  const keys = (r: (typeof rows)[number]): number[] =>
    opts.rankBy === 'unique' ? [r.uniqueAttendees ?? -1, r.rate] : [r.rate, r.uniqueAttendees ?? -1];
  const cmpKeys = (a: number[], b: number[]) => b[0]! - a[0]! || b[1]! - a[1]!;
  rows.sort((a, b) => cmpKeys(keys(a), keys(b)) || (a.courseId < b.courseId ? -1 : 1));
  let rank = 0;
  const ranked = rows.map((r, i) => {
    if (i === 0 || cmpKeys(keys(rows[i - 1]!), keys(r)) !== 0) rank = i + 1;
    return { rank, ...r };
  });
  return {
    id: 'rankings',
    title: 'Lecture rankings',
    description: `Courses ranked by ${opts.rankBy === 'unique' ? 'unique attendees, then attendance rate' : 'attendance rate, then unique attendees'}; unique attendees are the merged HLL estimate over the range.`,
    columns: [
      { key: 'rank', header: 'Rank' },
      { key: 'courseId', header: 'Course' },
      { key: 'sessions', header: 'Sessions' },
      { key: 'enrolled', header: 'Enrolled records' },
      { key: 'attended', header: 'Attended' },
      { key: 'rate', header: 'Attendance rate' },
      { key: 'uniqueAttendees', header: 'Unique attendees (HLL)' },
    ],
    rows: ranked,
  };
}
