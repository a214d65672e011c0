import type { RegisterRow, Session, SessionRegister } from '../../api/types.ts';

export interface Counts {
  expected: number;
  arrived: number;
  late: number;
  absent: number;
}

const ATTENDED = new Set(['present', 'late', 'early_exit', 'partial']);

/** An accepted entry seen on the live stream since the page opened. */
export interface Entry {
  studentId: string;
  lectureId: string | null;
  ts: number;
}

/** Entries that belong to a session: its course (or the session itself), from 30 min before its start to its end. */
export function entriesOf(s: Session, entries: readonly Entry[]): Set<string> {
  const out = new Set<string>();
  for (const e of entries)
    if (
      (e.lectureId === s.courseId || e.lectureId === s.sessionId) &&
      e.ts >= s.start - 30 * 60_000 &&
      e.ts <= s.end
    )
      out.add(e.studentId);
  return out;
}

/**
 * Expected = enrolled; arrived = an arrival time or an attended status in the
 * register, or an entry seen live (a record may come only when the student
 * leaves or the session ends); late and absent by status.
 */
export function countsOf(rows: readonly RegisterRow[], entered: ReadonlySet<string> = new Set()): Counts {
  return {
    expected: rows.length,
    arrived: rows.filter((r) => r.arrival !== null || ATTENDED.has(r.status) || entered.has(r.studentId))
      .length,
    late: rows.filter((r) => r.status === 'late').length,
    absent: rows.filter((r) => r.status === 'absent').length,
  };
}

export function totals(regs: readonly SessionRegister[], entries: readonly Entry[]): Counts {
  const t: Counts = { expected: 0, arrived: 0, late: 0, absent: 0 };
  for (const r of regs) {
    const c = countsOf(r.rows, entriesOf(r.session, entries));
    t.expected += c.expected;
    t.arrived += c.arrived;
    t.late += c.late;
    t.absent += c.absent;
  }
  return t;
}
