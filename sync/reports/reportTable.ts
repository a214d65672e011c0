/** One cell of a report: text, a number, or empty. */
export type Cell = string | number | null;

export interface ReportColumn {
  /** Key of the value in each row. */
  key: string;
  /** Column heading in every export. */
  header: string;
}

/**
 * A finished report: a titled table of rows with named columns. Every export
 * (text table, CSV, Excel, PDF) renders this shape and nothing else.
 */
export interface ReportTable {
  /** File / sheet name: lowercase letters, digits and '-', at most 31 characters. */
  id: string;
  title: string;
  /** One sentence on what the rows measure, printed under the title. */
  description: string;
  columns: ReportColumn[];
  rows: Record<string, Cell>[];
}

/** Inclusive range of UTC days, 'YYYY-MM-DD'. */
export interface DayRange {
  from: string;
  to: string;
}

/** Rounds a ratio for display (4 decimals); null when the denominator is 0. */
export function ratio(num: number, den: number): number | null {
  return den === 0 ? null : Math.round((num / den) * 10_000) / 10_000;
}

/** Rounds to one decimal. */
export function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** A cell as text: '' for null. */
export function cellText(c: Cell): string {
  return c === null ? '' : String(c);
}
