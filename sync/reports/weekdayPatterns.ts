import { isAttended, isEnrolled } from './attendanceStatus.ts';
import { WEEKDAYS, weekdayIndex } from './dayRange.ts';
import type { ReportRecord } from './reportRows.ts';
import { ratio, round1, type ReportTable } from './reportTable.ts';

/**
 * Weekday patterns: per UTC weekday that had sessions in the range (Monday
 * first), the number of sessions (distinct session ids with at least one
 * enrolled record), enrolled records, attended records, the mean over those
 * sessions of each session's attendance rate (attended / enrolled records),
 * and the median and mean number attending per session.
 */
export function weekdayPatterns(records: readonly ReportRecord[]): ReportTable {
  const sessions = new Map<string, { weekday: number; enrolled: number; attended: number }>();
  for (const r of records) {
    if (!isEnrolled(r)) continue;
    let s = sessions.get(r.sessionId);
    if (!s) sessions.set(r.sessionId, (s = { weekday: weekdayIndex(r.day), enrolled: 0, attended: 0 }));
    s.enrolled++;
    if (isAttended(r)) s.attended++;
  }
  const byDay = WEEKDAYS.map(() => [] as { enrolled: number; attended: number }[]);
  for (const s of sessions.values()) byDay[s.weekday]!.push(s);
  const rows = byDay.flatMap((list, i) => {
    if (list.length === 0) return [];
    const enrolled = list.reduce((a, s) => a + s.enrolled, 0);
    const attended = list.reduce((a, s) => a + s.attended, 0);
    const rates = list.map((s) => s.attended / s.enrolled);
    return [
      {
        weekday: WEEKDAYS[i]!,
        sessions: list.length,
        enrolled,
        attended,
        meanRate: ratio(
          rates.reduce((a, b) => a + b, 0),
          rates.length,
        ),
        meanAttending: round1(attended / list.length),
        medianAttending: median(list.map((s) => s.attended)),
      },
    ];
  });
  return {
    id: 'weekdays',
    title: 'Weekday patterns',
    description:
      'Per weekday (UTC): sessions, enrolled and attended records, mean of the per-session attendance rates, mean and median attending per session.',
    columns: [
      { key: 'weekday', header: 'Weekday' },
      { key: 'sessions', header: 'Sessions' },
      { key: 'enrolled', header: 'Enrolled records' },
      { key: 'attended', header: 'Attended' },
      { key: 'meanRate', header: 'Mean rate' },
      { key: 'meanAttending', header: 'Mean attending' },
      { key: 'medianAttending', header: 'Median attending' },
    ],
    rows,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
