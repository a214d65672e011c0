import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { cropFileName } from './reviewCrops.ts';

/**
 * The review crops that may show a student, for `enroll --remove`: crops are
 * kept only of unknown faces, so a student's are the unknown faces seen in a
 * hall within the pairing window of one of their badge swipes there (and any
 * face event of theirs, should one have a crop). Errs towards deleting: a
 * crop of someone else who walked in beside them goes too.
 */
export function studentCropEventIds(db: Database.Database, studentId: string, windowSec: number): string[] {
  return db
    .prepare<{ student: string; ms: number }, string>(
      `SELECT DISTINCT f.event_id FROM events b
         JOIN events f ON f.hall_id = b.hall_id AND f.day = b.day AND f.ts BETWEEN b.ts - @ms AND b.ts + @ms
       WHERE b.student_id = @student AND b.source = 'rfid' AND f.source = 'face' AND f.student_id IS NULL
       UNION SELECT event_id FROM events WHERE source = 'face' AND student_id = @student`,
    )
    .pluck()
    .all({ student: studentId, ms: windowSec * 1000 });
}

/** Deletes those crops from `dir`; returns how many files were there. */
export function removeStudentCrops(
  db: Database.Database,
  studentId: string,
  opts: { dir: string; windowSec: number },
): number {
  let removed = 0;
  for (const id of studentCropEventIds(db, studentId, opts.windowSec)) {
    try {
      rmSync(join(opts.dir, cropFileName(id)));
      removed++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return removed;
}
