import type { CentralStore } from '../aggregator/centralStore.ts';
import { buildReports, needsOf, type ReportKind, type ReportOptions } from './buildReports.ts';
import { loadReportInput } from './reportData.ts';
import type { DayRange, ReportTable } from './reportTable.ts';

/** The tables of `kinds` over `range`, read from a started central store. What `hallgate report` runs. */
export async function reportsFromStore(
  store: CentralStore,
  kinds: readonly ReportKind[],
  range: DayRange,
  opts: ReportOptions = {},
): Promise<ReportTable[]> {
  const input = await loadReportInput(store, range, needsOf(kinds));
  return buildReports(kinds, input, opts);
}
