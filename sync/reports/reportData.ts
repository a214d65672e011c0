import type { CentralStore } from '../aggregator/centralStore.ts';
import { estimateCount, mergeRegisters } from '../hllRegisters.ts';
import { isEnrolled } from './attendanceStatus.ts';
import { daysOf } from './dayRange.ts';
import type { ReportInput, ReportInvalid, ReportRecord } from './reportRows.ts';
import type { DayRange } from './reportTable.ts';

/** Which inputs to read: a report that needs none of a kind skips its queries. */
export interface ReportNeeds {
  records: boolean;
  invalid: boolean;
  unique: boolean;
}

/**
 * Reads the report input of a day range from a central store: the latest
 * record versions of the range, the invalid attempts of each day, and per
 * course the HLL sketches of every day it has records on, merged into one
 * estimate of unique attendees over the range.
 */
export async function loadReportInput(
  store: CentralStore,
  range: DayRange,
  needs: ReportNeeds,
): Promise<ReportInput> {
  const records: ReportRecord[] =
    needs.records || needs.unique ? await store.recordsByDayRange(range.from, range.to) : [];
  const invalid: ReportInvalid[] = [];
  if (needs.invalid)
    for (const day of daysOf(range)) invalid.push(...(await store.invalidAttemptsByDay(day)));
  const uniqueByCourse = new Map<string, number>();
  if (needs.unique) {
    const daysByCourse = new Map<string, Set<string>>();
    for (const r of records) {
      if (!isEnrolled(r)) continue;
      let days = daysByCourse.get(r.courseId);
      if (!days) daysByCourse.set(r.courseId, (days = new Set()));
      days.add(r.day);
    }
    for (const [courseId, days] of daysByCourse) {
      let merged: Uint8Array | null = null;
      for (const day of [...days].sort()) {
        const regs = await store.mergedSketch(courseId, day);
        if (regs) merged = merged ? mergeRegisters(merged, regs) : regs;
      }
      if (merged) uniqueByCourse.set(courseId, estimateCount(merged));
    }
  }
  return { records: needs.records ? records : [], invalid, uniqueByCourse };
}
