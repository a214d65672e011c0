import type { StoreConnection } from './storeConnection.ts';

/** Unique-attendee HyperLogLog sketches per lecture and day (`hll_sketches`), queued for sync. */
export class SketchTable {
  private readonly get;
  private readonly put;

  constructor(private readonly conn: StoreConnection) {
    this.get = conn.db.prepare<[string, string], { registers: Buffer }>(
      'SELECT registers FROM hll_sketches WHERE lecture_id = ? AND day = ?',
    );
    this.put = conn.db.prepare(
      `INSERT INTO hll_sketches (lecture_id, day, registers, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT(lecture_id, day) DO UPDATE SET registers = excluded.registers, updated_at = excluded.updated_at`,
    );
  }

  loadHll(lectureId: string, day: string): Buffer | undefined {
    return this.get.get(lectureId, day)?.registers;
  }
  saveHll(lectureId: string, day: string, registers: Buffer, now: number): void {
    this.put.run(lectureId, day, registers, now);
    this.conn.queue('hll', JSON.stringify({ lectureId, day, registers: registers.toString('base64') }), now);
  }
  /** (course, day, student) of every record with presence since a day: to restore HLL sketches after a crash. */
  *presentSince(day: string): Generator<{ courseId: string; day: string; studentId: string }> {
    const stmt = this.conn.db.prepare<[string], { course_id: string; day: string; student_id: string }>(
      'SELECT course_id, day, student_id FROM attendance_records WHERE day >= ? AND minutes_present > 0',
    );
    for (const r of stmt.iterate(day)) yield { courseId: r.course_id, day: r.day, studentId: r.student_id };
  }
  /** Exact number of distinct students present (for any time) in a lecture (course) on a day. */
  exactUniqueCount(lectureId: string, day: string): number {
    const row = this.conn.db
      .prepare(
        'SELECT COUNT(DISTINCT student_id) AS n FROM attendance_records WHERE course_id = ? AND day = ? AND minutes_present > 0',
      )
      .get(lectureId, day) as { n: number };
    return row.n;
  }
}
