import { writeFile } from 'node:fs/promises';
import PDFDocument from 'pdfkit';
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

/**
 * A PDF (A4 portrait) of the reports: the title and date range, then per
 * report its title, description and a table whose header row repeats on every
 * page the table runs onto. Cells too wide for their column are cut with '...'.
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
    const widths = columnWidths(doc, t, width);
    const header = () => {
      drawRow(
        doc,
        t.columns.map((c) => c.header),
        widths,
        left,
        BOLD,
      );
      doc
        .lineWidth(0.5)
        .moveTo(left, doc.y - 1)
        .lineTo(left + width, doc.y - 1)
        .stroke();
    };
    header();
    if (t.rows.length === 0) drawRow(doc, ['(no rows)'], [width], left, FONT);
    for (const r of t.rows) {
      if (doc.y + ROW_H > bottom()) {
        doc.addPage();
        doc.y = margins.top;
        header();
      }
      drawRow(
        doc,
        t.columns.map((c) => cellText(r[c.key] ?? null)),
        widths,
        left,
        FONT,
      );
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

/** Column widths proportional to the widest cell (header included), filling `total`. */
function columnWidths(doc: PDFDocument, t: ReportTable, total: number): number[] {
  const natural = t.columns.map((c) => {
    doc.font(BOLD).fontSize(SIZE);
    let w = doc.widthOfString(c.header);
    doc.font(FONT);
    for (const r of t.rows.slice(0, 200)) w = Math.max(w, doc.widthOfString(cellText(r[c.key] ?? null)));
    return w + 2 * PAD;
  });
  const sum = natural.reduce((a, b) => a + b, 0);
  return natural.map((w) => (w / sum) * total);
}

function drawRow(doc: PDFDocument, cells: string[], widths: number[], left: number, font: string): void {
  const y = doc.y;
  let x = left;
  doc.font(font).fontSize(SIZE);
  cells.forEach((c, i) => {
    const w = widths[i]!;
    doc.text(fit(doc, c, w - 2 * PAD), x + PAD, y + PAD, { lineBreak: false });
    x += w;
  });
  doc.x = left;
  doc.y = y + ROW_H;
}

function fit(doc: PDFDocument, s: string, w: number): string {
  if (doc.widthOfString(s) <= w) return s;
  let cut = s;
  while (cut.length > 0 && doc.widthOfString(`${cut}...`) > w) cut = cut.slice(0, -1);
  return `${cut}...`;
}
