import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { cropFileName } from './reviewCrops.ts';

/**
 * The events whose review crops may show a student, for `enroll --remove`:
 * crops are kept only of unknown faces, so a student's are the unknown faces
 * seen in a hall within the pairing window of one of their badge swipes there
 * (and any face event of theirs, should one have a crop). Errs towards
 * deleting: a crop of someone else who walked in beside them goes too.
 */
export interface StudentCropEvents {
  cropEventIdsOfStudent(studentId: string, windowSec: number): string[];
}

/** Deletes those crops from `dir`; returns how many files were there. */
export function removeStudentCrops(
  events: StudentCropEvents,
  studentId: string,
  opts: { dir: string; windowSec: number },
): number {
  let removed = 0;
  for (const id of events.cropEventIdsOfStudent(studentId, opts.windowSec)) {
    try {
      rmSync(join(opts.dir, cropFileName(id)));
      removed++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return removed;
}
