import type { RegisterRow, SessionRegister } from '../../api/types.ts';

export interface Counts {
  expected: number;
  arrived: number;
  late: number;
  absent: number;
}

/** Expected = enrolled; arrived = seen at the door (an arrival time); late and absent by status. */
export function countsOf(rows: readonly RegisterRow[]): Counts {
  return {
    expected: rows.length,
    arrived: rows.filter((r) => r.arrival !== null).length,
    late: rows.filter((r) => r.status === 'late').length,
    absent: rows.filter((r) => r.status === 'absent').length,
  };
}

export function totals(regs: readonly SessionRegister[]): Counts {
  const t: Counts = { expected: 0, arrived: 0, late: 0, absent: 0 };
  for (const r of regs) {
    const c = countsOf(r.rows);
    t.expected += c.expected;
    t.arrived += c.arrived;
    t.late += c.late;
    t.absent += c.absent;
  }
  return t;
}
