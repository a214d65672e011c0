import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toCsv } from './csvExport.ts';
import { writePdf } from './pdfExport.ts';
import type { DayRange, ReportTable } from './reportTable.ts';
import { writeXlsx } from './xlsxExport.ts';

export type FileFormat = 'csv' | 'xlsx' | 'pdf';

export const REPORT_TITLE = 'Hallgate attendance report';

export interface WriteOptions {
  format: FileFormat;
  outDir: string;
  range: DayRange;
  /** PDF only: deflate page content (default true). */
  compress?: boolean;
}

/**
 * Writes the reports to `outDir` (created if missing) and returns the paths:
 * csv: one `<report id>_<from>_<to>.csv` per table; xlsx / pdf: one
 * `hallgate-report_<from>_<to>.<ext>` holding every table.
 */
export async function writeReports(tables: readonly ReportTable[], opts: WriteOptions): Promise<string[]> {
  await mkdir(opts.outDir, { recursive: true });
  const suffix = `${opts.range.from}_${opts.range.to}`;
  const meta = { title: `${REPORT_TITLE} ${opts.range.from} to ${opts.range.to}` };
  switch (opts.format) {
    case 'csv': {
      const paths: string[] = [];
      for (const t of tables) {
        const p = join(opts.outDir, `${t.id}_${suffix}.csv`);
        await writeFile(p, toCsv(t));
        paths.push(p);
      }
      return paths;
    }
    case 'xlsx': {
      const p = join(opts.outDir, `hallgate-report_${suffix}.xlsx`);
      await writeXlsx(p, tables, meta);
      return [p];
    }
    case 'pdf': {
      const p = join(opts.outDir, `hallgate-report_${suffix}.pdf`);
      await writePdf(p, tables, {
        title: REPORT_TITLE,
        range: opts.range,
        ...(opts.compress !== undefined ? { compress: opts.compress } : {}),
      });
      return [p];
    }
  }
}
