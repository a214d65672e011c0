import ExcelJS from 'exceljs';
import { cellText, type ReportTable } from './reportTable.ts';

/**
 * A workbook with one sheet per report (sheet name = report id): a bold,
 * frozen header row of the column headings, then the rows (numbers stay
 * numbers, empty cells stay empty).
 */
export function toWorkbook(tables: readonly ReportTable[], meta: { title: string }): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'hallgate';
  wb.title = meta.title;
  for (const t of tables) {
    const ws = wb.addWorksheet(t.id, { views: [{ state: 'frozen', ySplit: 1 }] });
    ws.columns = t.columns.map((c) => ({
      header: c.header,
      key: c.key,
      width: Math.min(
        40,
        Math.max(c.header.length, ...t.rows.map((r) => cellText(r[c.key] ?? null).length)) + 2,
      ),
    }));
    ws.getRow(1).font = { bold: true };
    for (const r of t.rows) ws.addRow(Object.fromEntries(t.columns.map((c) => [c.key, r[c.key] ?? null])));
  }
  return wb;
}

/** Writes the workbook of `tables` to `path` (.xlsx). */
export async function writeXlsx(
  path: string,
  tables: readonly ReportTable[],
  meta: { title: string },
): Promise<void> {
  await toWorkbook(tables, meta).xlsx.writeFile(path);
}
