import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import type { SessionRegister } from '../../sync/campus/campusQueries.ts';
import { streamRegisterPdf } from '../../sync/campus/registerPdf.ts';
import { sessionRegisterTable } from '../../sync/campus/registerTables.ts';
import type { SessionRegisterRow } from '../../sync/campus/registers.ts';
import { columnWidths, type ColumnMeasure } from '../../sync/reports/pdfColumns.ts';
import { toPdf } from '../../sync/reports/pdfExport.ts';
import type { ReportTable } from '../../sync/reports/reportTable.ts';

const RANGE = { from: '2025-03-17', to: '2025-03-17' };
const START = Date.parse('2025-03-17T09:00:00Z');
const WHY =
  'arrived 12 min after the start (late threshold 10 min) | left 25 min before the end (early exit threshold 15 min) | ' +
  'present 48 of 90 min, below the partial threshold of 60 % | reviewed by the course office on 2025-03-18: ' +
  'the student showed a medical certificate for the second half of the lecture, status kept as late';

const row = (over: Partial<SessionRegisterRow>): SessionRegisterRow => ({
  studentId: 'S0001',
  name: 'Ada Lovelace',
  status: 'late',
  minutesPresent: 48,
  arrival: START + 12 * 60_000,
  flags: ['late', 'early-exit'],
  explanations: WHY.split(' | '),
  version: 1,
  manual: true,
  ...over,
});

const register: SessionRegister = {
  session: {
    sessionId: 'SES-2025-03-17-CS101',
    courseId: 'CS101',
    hallId: 'H1',
    start: START,
    end: START + 90 * 60_000,
    day: RANGE.from,
  },
  course: { courseId: 'CS101', name: 'Algorithms', thresholds: {}, atRisk: null },
  rows: [
    row({}),
    row({ studentId: 'S0002', name: 'Maria Fernanda Gonzalez Rodriguez' }),
    row({
      studentId: 'S0003',
      name: 'Grace Hopper',
      status: 'present',
      flags: [],
      explanations: ['on time'],
    }),
    row({
      studentId: 'S0004',
      name: 'Alan Turing',
      status: 'absent',
      arrival: null,
      minutesPresent: 0,
      flags: [],
      explanations: [],
    }),
  ],
};

const dir = mkdtempSync(join(tmpdir(), 'hallgate-register-pdf-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** The PDF's text as poppler's pdftotext lays it out (what a reader copies). */
async function pdftotext(tables: ReportTable[], name: string, layout: boolean): Promise<string> {
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, await toPdf(tables, { title: 'Session register', range: RANGE }));
  const out = spawnSync('pdftotext', [...(layout ? ['-layout'] : []), file, '-'], { encoding: 'utf8' });
  assert.equal(out.status, 0, out.stderr);
  return out.stdout;
}

/** Words of a text, joined by single spaces (wrapped cells break lines between words). */
const words = (s: string) => s.split(/\s+/).filter(Boolean).join(' ');

describe('register PDF columns (a long Why column)', () => {
  it('keeps every student id, full name, status, minutes and arrival readable', async () => {
    const text = await pdftotext([sessionRegisterTable(register)], 'session', true);
    assert.ok(!text.includes('...'), `nothing cut:\n${text}`);
    for (const r of register.rows) {
      const line = text.split('\n').find((l) => l.includes(r.studentId));
      assert.ok(line, `${r.studentId} in the PDF:\n${text}`);
      // Id, status and minutes stand whole on the student's first line.
      assert.match(line, new RegExp(`${r.studentId}\\b.*\\b${r.status}\\b.*\\b${r.minutesPresent}\\b`));
      if (r.arrival !== null) assert.ok(line.includes(new Date(r.arrival).toISOString().slice(11, 19)), line);
    }
    // The short names stand whole on one line; the long one at least whole, word by word.
    assert.match(text, /S0001\s+Ada Lovelace\s/);
    assert.match(text, /S0003\s+Grace Hopper\s/);
    assert.match(text, /S0004\s+Alan Turing\s/);
  });

  it('wraps the explanation inside its row: every word is there, in order', async () => {
    const text = await pdftotext([sessionRegisterTable(register)], 'session-raw', false);
    assert.ok(words(text).includes(words(WHY)), `the whole explanation:\n${text}`);
    assert.ok(words(text).includes('Maria Fernanda Gonzalez Rodriguez'), text);
  });

  it('an explanation longer than MAX_LINES lines is cut with ... and its row stays on one page', async () => {
    const huge = {
      ...register,
      rows: [row({ explanations: Array.from({ length: 200 }, (_, i) => `reason ${i}`) })],
    };
    const text = await pdftotext([sessionRegisterTable(huge)], 'huge', true);
    const pages = text.split('\f').filter((p) => p.trim() !== '');
    assert.equal(pages.length, 1, text);
    assert.match(text, /S0001\s+Ada Lovelace\s+late\s+48\s+09:12:00/);
    assert.ok(text.includes('reason 0 | reason 1'), text);
    assert.ok(text.includes('...') && !text.includes('reason 199'), text);
  });

  it('the course register PDF (one column per session) still names every student', async () => {
    const sessions = Array.from({ length: 24 }, (_, i) => ({
      ...register.session,
      sessionId: `S${i}`,
      start: START + i * 86_400_000,
    }));
    const rows = register.rows.map((r) => ({
      studentId: r.studentId,
      name: r.name,
      statuses: sessions.map(() => r.status),
      symbols: '',
      ...{ present: 0, late: 24, excused: 0, absent: 0, rate: 1 },
    }));
    const one = Readable.from([{ course: register.course!, from: RANGE.from, to: RANGE.to, sessions, rows }]);
    const chunks: Buffer[] = [];
    for await (const c of streamRegisterPdf(one, { title: 'Course register' })) chunks.push(c as Buffer);
    const file = join(dir, 'course.pdf');
    writeFileSync(file, Buffer.concat(chunks));
    const out = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    for (const r of register.rows.filter((x) => x.name.length < 20)) {
      assert.match(out.stdout, new RegExp(`${r.studentId}\\s+${r.name}\\s`), out.stdout);
    }
  });
});

describe('columnWidths', () => {
  const col = (natural: number, word = natural) => ({ natural, word });
  const cases: { name: string; cols: ColumnMeasure[]; total: number; want: number[] }[] = [
    { name: 'all fit: stretched in proportion', cols: [col(50), col(150)], total: 400, want: [100, 300] },
    {
      name: 'a long column: short ones whole, the long one takes the rest',
      cols: [col(40), col(90), col(2000, 60)],
      total: 500,
      want: [40, 90, 370],
    },
    {
      name: 'two long columns share the rest by what they lack',
      cols: [col(40), col(1060, 60), col(560, 60)],
      total: 400,
      want: [40, 60 + 160, 60 + 80],
    },
    {
      name: 'floors too wide: the widest cut to one level, the narrow kept',
      cols: [col(20), col(30), col(200, 100), col(300, 150)],
      total: 150,
      want: [20, 30, 50, 50],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = columnWidths(c.cols, c.total);
      assert.deepEqual(
        got.map((w) => Math.round(w * 1000) / 1000),
        c.want,
      );
    });
  }
});
