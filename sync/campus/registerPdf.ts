import PDFDocument from 'pdfkit';
import type { Readable } from 'node:stream';
import type { CourseRegister } from './campusQueries.ts';
import { sessionHeading } from './registerTables.ts';
import { STATUS_SYMBOL } from './registers.ts';

const FONT = 'Helvetica';
const BOLD = 'Helvetica-Bold';
const SIZE = 8;
const ROW_H = 16;
const ID_W = 70;
const NAME_W = 130;
const SIGN_W = 90;

/**
 * Course registers as the sheet a teacher signs (A4 landscape): per course a
 * title, then one row per student and one column per session holding its
 * status symbol, the rate, and an empty signature box; the header repeats on
 * every page. Registers come one course at a time from `registers` and pages
 * leave as they are finished, so a term of any size streams in bounded memory.
 * Returns the PDF stream at once; the document ends when `registers` is done.
 */
export function streamRegisterPdf(
  registers: AsyncIterable<CourseRegister>,
  opts: { title: string; compress?: boolean },
): Readable {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: 30,
    autoFirstPage: false,
    compress: opts.compress ?? true,
    info: { Title: opts.title, Creator: 'hallgate' },
  });
  void (async () => {
    try {
      let any = false;
      for await (const reg of registers) {
        any = true;
        drawRegister(doc, reg, opts.title);
      }
      if (!any) doc.addPage().font(FONT).fontSize(12).text(`${opts.title}: no course registers`);
    } catch (err) {
      doc
        .addPage()
        .font(FONT)
        .fontSize(12)
        .text(`${opts.title}: failed (${(err as Error).message})`);
    }
    doc.end();
  })();
  return doc as unknown as Readable;
}

function drawRegister(doc: PDFDocument, reg: CourseRegister, title: string): void {
  doc.addPage();
  const { left, top, right, bottom } = doc.page.margins;
  const width = doc.page.width - left - right;
  const cellW = Math.max(
    14,
    Math.min(40, (width - ID_W - NAME_W - SIGN_W - 40) / Math.max(1, reg.sessions.length)),
  );
  const header = (): void => {
    doc
      .font(BOLD)
      .fontSize(13)
      .text(`${title}: ${reg.course.courseId} ${reg.course.name}`, left, top, { width });
    doc
      .font(FONT)
      .fontSize(SIZE)
      .text(
        `${reg.from} to ${reg.to}. P present, L late, A absent, E excused, X early exit, H partial, R review, U unauthorized.`,
      );
    const y = doc.y + 6;
    doc.font(BOLD).fontSize(SIZE);
    doc.text('Student', left, y, { width: ID_W, lineBreak: false });
    doc.text('Name', left + ID_W, y, { width: NAME_W, lineBreak: false });
    reg.sessions.forEach((s, i) => {
      doc.save();
      doc.rotate(-60, { origin: [left + ID_W + NAME_W + i * cellW + 4, y + 34] });
      doc.text(sessionHeading(s.start), left + ID_W + NAME_W + i * cellW + 4, y + 34, { lineBreak: false });
      doc.restore();
    });
    const x = left + ID_W + NAME_W + reg.sessions.length * cellW;
    doc.text('Rate', x + 2, y, { width: 38, lineBreak: false });
    doc.text('Signature', x + 40, y, { width: SIGN_W, lineBreak: false });
    doc.y = y + 40;
  };
  header();
  for (const r of reg.rows) {
    if (doc.y + ROW_H > doc.page.height - bottom) {
      doc.addPage();
      header();
    }
    const y = doc.y;
    doc.font(FONT).fontSize(SIZE);
    doc.text(r.studentId, left + 2, y + 4, { width: ID_W - 4, lineBreak: false, ellipsis: true });
    doc.text(r.name, left + ID_W + 2, y + 4, { width: NAME_W - 4, lineBreak: false, ellipsis: true });
    r.statuses.forEach((s, i) => {
      doc.text(STATUS_SYMBOL[s], left + ID_W + NAME_W + i * cellW, y + 4, {
        width: cellW,
        align: 'center',
        lineBreak: false,
      });
    });
    const x = left + ID_W + NAME_W + reg.sessions.length * cellW;
    doc.text(r.rate === null ? '-' : `${Math.round(r.rate * 100)}%`, x + 2, y + 4, {
      width: 38,
      lineBreak: false,
    });
    doc
      .lineWidth(0.3)
      .rect(left, y, x + 40 + SIGN_W - left, ROW_H)
      .stroke();
    doc.y = y + ROW_H;
  }
}
