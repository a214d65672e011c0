import { cellText, type ReportTable } from './reportTable.ts';

/** One RFC 4180 field: quoted when it holds a comma, a double quote, CR or LF; quotes doubled. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A report as RFC 4180 CSV: a header line of the column headings, then one line per row, CRLF line ends. */
export function toCsv(t: ReportTable): string {
  const lines = [
    t.columns.map((c) => csvField(c.header)),
    ...t.rows.map((r) => t.columns.map((c) => csvField(cellText(r[c.key] ?? null)))),
  ];
  return lines.map((l) => l.join(',') + '\r\n').join('');
}
