import type { SiteTime } from '../../kernel/siteTime.ts';
import { consistency, type ConsistencyOptions } from './consistency.ts';
import { invalidByGate, invalidByHour } from './invalidAttempts.ts';
import { latecomers, type LatecomerOptions } from './latecomers.ts';
import { lectureRankings, type RankingOptions } from './lectureRankings.ts';
import type { ReportNeeds } from './reportData.ts';
import type { ReportInput } from './reportRows.ts';
import type { ReportTable } from './reportTable.ts';
import { weekdayPatterns } from './weekdayPatterns.ts';

export const REPORT_KINDS = ['latecomers', 'weekdays', 'rankings', 'consistency', 'invalid'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export function isReportKind(s: string): s is ReportKind {
  return (REPORT_KINDS as readonly string[]).includes(s);
}

export type ReportOptions = LatecomerOptions &
  RankingOptions &
  ConsistencyOptions & {
    /** The site's clock: hours of the day are local (default UTC). Days come from the records. */
    site?: SiteTime;
  };

/** What the given reports read from the store. */
export function needsOf(kinds: readonly ReportKind[]): ReportNeeds {
  return {
    records: kinds.some((k) => k !== 'invalid'),
    invalid: kinds.includes('invalid'),
    unique: kinds.includes('rankings'),
  };
}

/** The tables of the given reports, in the order asked ('invalid' gives two: by gate and by hour). */
export function buildReports(
  kinds: readonly ReportKind[],
  input: ReportInput,
  opts: ReportOptions = {},
): ReportTable[] {
  return kinds.flatMap((k): ReportTable[] => {
    switch (k) {
      case 'latecomers':
        return [latecomers(input.records, opts)];
      case 'weekdays':
        return [weekdayPatterns(input.records)];
      case 'rankings':
        return [lectureRankings(input.records, input.uniqueByCourse, opts)];
      case 'consistency':
        return [consistency(input.records, opts)];
      case 'invalid':
        return [invalidByGate(input.invalid), invalidByHour(input.invalid, opts.site)];
    }
  });
}
