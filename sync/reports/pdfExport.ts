import { writeFile } from 'node:fs/promises';
import PDFDocument from 'pdfkit';
import { columnWidths, type ColumnMeasure } from './pdfColumns.ts';
import { cellText, type DayRange, type ReportTable } from './reportTable.ts';

export interface PdfOptions {
  title: string;
  range: DayRange;
  /** Deflate page content (default true); tests turn it off to search the text. */
  compress?: boolean;
}

const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const SIZE = 9;
const ROW_H = 14;
const PAD = 3;
/** Lines a cell may wrap onto before it is cut with '...' (a row always fits on a page). */
const MAX_LINES = 12;

/**
 * A PDF (A4 portrait) of the reports: the title and date range, then per
 * report its title, description and a table whose header row repeats on every
 * page the table runs onto. Column widths come from `columnWidths` (short
 * columns keep their content whole); a cell wider than its column wraps onto
 * more lines within its row, cut with '...' only past MAX_LINES lines.
 */
export function toPdf(tables: readonly ReportTable[], opts: PdfOptions): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 40,
    compress: opts.compress ?? true,
    info: { Title: opts.title, Creator: 'hallgate' },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const { margins } = doc.page;
  const left = margins.left;
  const width = doc.page.width - margins.left - margins.right;
  const bottom = () => doc.page.height - margins.bottom;

  doc.font(BOLD).fontSize(18).text(opts.title, left, margins.top, { width });
  doc.font(FONT).fontSize(11).text(`${opts.range.from} to ${opts.range.to} (UTC days)`, { width });

  for (const t of tables) {
    doc.moveDown(1.5);
    const descH = doc.font(FONT).fontSize(SIZE).heightOfString(t.description, { width });
    if (doc.y + 20 + descH + 3 * ROW_H > bottom()) doc.addPage();
    doc.font(BOLD).fontSize(13).text(t.title, left, doc.y, { width });
    doc.font(FONT).fontSize(SIZE).fillColor('#444444').text(t.description, { width }).fillColor('black');
    doc.moveDown(0.5);
    const widths = columnWidths(measure(doc, t), width);
    const headRow = layoutRow(
      doc,
      t.columns.map((c) => c.header),
      widths,
      BOLD,
    );
    const header = () => {
      drawRow(doc, headRow, left);
      doc
        .lineWidth(0.5)
        .moveTo(left, doc.y - 1)
        .lineTo(left + width, doc.y - 1)
        .stroke();
    };
    header();
    if (t.rows.length === 0) drawRow(doc, layoutRow(doc, ['(no rows)'], [width], FONT), left);
    for (const r of t.rows) {
      const row = layoutRow(
        doc,
        t.columns.map((c) => cellText(r[c.key] ?? null)),
        widths,
        FONT,
      );
      if (doc.y + row.height > bottom()) {
        doc.addPage();
        doc.y = margins.top;
        header();
      }
      drawRow(doc, row, left);
    }
  }
  doc.end();
  return done;
}

export async function writePdf(
  path: string,
  tables: readonly ReportTable[],
  opts: PdfOptions,
): Promise<void> {
  await writeFile(path, await toPdf(tables, opts));
}

/** Each column's natural and widest-word width (header in bold), over the first 200 rows. */
function measure(doc: PDFDocument, t: ReportTable): ColumnMeasure[] {
  return t.columns.map((c) => {
    doc.font(BOLD).fontSize(SIZE);
    let natural = doc.widthOfString(c.header);
    let word = widestWord(doc, c.header);
    doc.font(FONT);
    for (const r of t.rows.slice(0, 200)) {
      const s = cellText(r[c.key] ?? null);
      natural = Math.max(natural, doc.widthOfString(s));
      word = Math.max(word, widestWord(doc, s));
    }
    return { natural: natural + 2 * PAD, word: word + 2 * PAD };
  });
}

function widestWord(doc: PDFDocument, s: string): number {
  return Math.max(0, ...s.split(/\s+/).map((w) => doc.widthOfString(w)));
}

/**
 * One table row: every cell wraps within its column (a word wider than the
 * column breaks), the row as tall as its tallest cell; a cell longer than
 * MAX_LINES lines is cut with '...' so a row always fits on a page.
 */
function layoutRow(doc: PDFDocument, cells: string[], widths: number[], font: string): Row {
  doc.font(font).fontSize(SIZE);
  const texts = cells.map((c, i) => fit(doc, c, widths[i]! - 2 * PAD));
  const height = Math.max(ROW_H, ...texts.map((c, i) => cellHeight(doc, c, widths[i]!) + 2 * PAD));
  return { texts, widths, font, height };
}

interface Row {
  texts: string[];
  widths: number[];
  font: string;
  height: number;
}

function drawRow(doc: PDFDocument, row: Row, left: number): void {
  doc.font(row.font).fontSize(SIZE);
  const y = doc.y;
  let x = left;
  row.texts.forEach((c, i) => {
    const w = row.widths[i]!;
    if (c !== '') doc.text(c, x + PAD, y + PAD, { width: w - 2 * PAD });
    x += w;
  });
  doc.x = left;
  doc.y = y + row.height;
}

function cellHeight(doc: PDFDocument, s: string, w: number): number {
  if (s === '') return 0;
  if (doc.widthOfString(s) <= w - 2 * PAD) return ROW_H - 2 * PAD;
  return doc.heightOfString(s, { width: w - 2 * PAD });
}

/** `s`, or its longest start that wraps into MAX_LINES lines of width `w`, with '...'. */
function fit(doc: PDFDocument, s: string, w: number): string {
  if (doc.widthOfString(s) <= w) return s;
  const max = MAX_LINES * doc.heightOfString('X', { width: w });
  if (doc.heightOfString(s, { width: w }) <= max) return s;
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (doc.heightOfString(`${s.slice(0, mid)}...`, { width: w }) <= max) lo = mid;
    else hi = mid - 1;
  }
  return `${s.slice(0, lo)}...`;
}
