import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseCsv } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { reportCommand } from '../../gateway/cli/reportCommand.ts';
import type { CentralBatch } from '../../sync/aggregator/centralStore.ts';
import { SqliteCentralStore } from '../../sync/aggregator/sqliteCentralStore.ts';
import { decodeRegisters, estimateCount } from '../../sync/hllRegisters.ts';
import { REPORT_KINDS } from '../../sync/reports/buildReports.ts';
import { toPdf } from '../../sync/reports/pdfExport.ts';
import { cellText, type ReportTable } from '../../sync/reports/reportTable.ts';
import { reportsFromStore } from '../../sync/reports/reportsFromStore.ts';
import { writeReports } from '../../sync/reports/writeReports.ts';
import { invalid, record } from './fixtures/gatewayDb.ts';
import { sketchOf } from './fixtures/hll.ts';

const RANGE = { from: '2025-03-17', to: '2025-03-18' };
const ODD = 'Doe, "JJ"'; // a student id that CSV must quote
const at = (day: string, hh: number, mm = 0) =>
  Date.parse(`${day}T${String(hh).padStart(2, '0')}:00:00Z`) + mm * 60_000;

/** Text shown by the PDF's text operators (uncompressed content, standard fonts: hex strings in TJ arrays). */
function pdfText(pdf: Buffer): string {
  return [...pdf.toString('latin1').matchAll(/\[([^\]]*)\] TJ/g)]
    .map((m) =>
      [...m[1]!.matchAll(/<([0-9a-f]*)>/g)].map((h) => Buffer.from(h[1]!, 'hex').toString('latin1')).join(''),
    )
    .join('\n');
}

describe('central reports end to end (SQLite central store)', () => {
  let dir: string;
  let dbPath: string;
  let tables: ReportTable[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallgate-reports-'));
    dbPath = join(dir, 'central.db');
    const store = new SqliteCentralStore(dbPath);
    await store.start();
    const batch = (over: Partial<CentralBatch>): CentralBatch => ({
      site: 'campus',
      gatewayId: 'gw-1',
      batchId: 'b',
      receivedAt: 1,
      events: [],
      records: [],
      invalid: [],
      hll: [],
      deadLetters: [],
      ...over,
    });
    const rec = (studentId: string, day: string, status: 'present' | 'late' | 'absent', arriveMin: number) =>
      record({
        studentId,
        day,
        sessionId: `CS101-${day}`,
        status,
        flags: status === 'late' ? ['late'] : [],
        intervals: status === 'absent' ? [] : [{ from: at(day, 9, arriveMin), to: at(day, 10, 30) }],
      });
    await store.writeBatch(
      batch({
        records: [
          rec('S1', '2025-03-17', 'present', 0),
          rec(ODD, '2025-03-17', 'absent', 0),
          rec('S1', '2025-03-18', 'present', 0),
          // version 1 says present; the later version 2 (late, 12 min) wins
          rec(ODD, '2025-03-18', 'present', 0),
          // outside the range: must not count
          rec(ODD, '2025-03-20', 'late', 30),
        ],
        invalid: [
          invalid({ eventId: 'i1', gateId: 'G1', ts: at('2025-03-17', 9, 5), day: '2025-03-17' }),
          invalid({ eventId: 'i2', gateId: 'G2', ts: at('2025-03-18', 9, 7), day: '2025-03-18' }),
          invalid({ eventId: 'i3', gateId: 'G1', ts: at('2025-03-19', 9, 7), day: '2025-03-19' }),
        ],
        hll: [
          { lectureId: 'CS101', day: '2025-03-17', seq: 1, registers: decodeRegisters(sketchOf(['S1'])) },
          {
            lectureId: 'CS101',
            day: '2025-03-18',
            seq: 2,
            registers: decodeRegisters(sketchOf(['S1', ODD])),
          },
        ],
      }),
    );
    await store.writeBatch(
      batch({ batchId: 'b2', records: [{ ...rec(ODD, '2025-03-18', 'late', 12), version: 2 }] }),
    );
    tables = await reportsFromStore(store, REPORT_KINDS, RANGE, { minSessions: 2 });
    await store.stop();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('builds every report from the store: latest versions, the range only, merged HLL', () => {
    const byId = new Map(tables.map((t) => [t.id, t]));
    assert.deepEqual(
      [...byId.keys()],
      ['latecomers', 'weekdays', 'rankings', 'consistency', 'invalid-by-gate', 'invalid-by-hour'],
    );
    assert.deepEqual(byId.get('latecomers')!.rows, [
      { studentId: ODD, sessions: 2, late: 1, lateRate: 0.5, avgMinutesLate: 12 },
    ]);
    assert.deepEqual(
      byId
        .get('weekdays')!
        .rows.map((r) => [r['weekday'], r['sessions'], r['enrolled'], r['attended'], r['meanRate']]),
      [
        ['Monday', 1, 2, 1, 0.5],
        ['Tuesday', 1, 2, 2, 1],
      ],
    );
    const ranking = byId.get('rankings')!.rows;
    assert.equal(ranking.length, 1);
    assert.equal(ranking[0]!['rate'], 0.75);
    assert.equal(ranking[0]!['uniqueAttendees'], estimateCount(decodeRegisters(sketchOf(['S1', ODD]))));
    assert.deepEqual(
      byId.get('consistency')!.rows.map((r) => [r['studentId'], r['rate'], r['group']]),
      [
        ['S1', 1, 'consistent'],
        [ODD, 0.5, 'below'],
      ],
    );
    assert.deepEqual(
      byId.get('invalid-by-gate')!.rows.map((r) => [r['gateId'], r['attempts']]),
      [
        ['G1', 1],
        ['G2', 1],
      ],
    );
  });

  it('CSV files parse back to the same rows (a student id with a comma and quotes)', async () => {
    const out = join(dir, 'csv');
    const paths = await writeReports(tables, { format: 'csv', outDir: out, range: RANGE });
    assert.equal(paths.length, tables.length);
    for (const [i, t] of tables.entries()) {
      assert.equal(paths[i], join(out, `${t.id}_2025-03-17_2025-03-18.csv`));
      const parsed: string[][] = parseCsv(readFileSync(paths[i], 'utf8'));
      assert.deepEqual(parsed, [
        t.columns.map((c) => c.header),
        ...t.rows.map((r) => t.columns.map((c) => cellText(r[c.key] ?? null))),
      ]);
    }
    assert.match(
      readFileSync(join(out, 'latecomers_2025-03-17_2025-03-18.csv'), 'utf8'),
      /^.*\r\n"Doe, ""JJ""",2,1,0.5,12\r\n$/,
    );
  });

  it('the workbook reads back: a sheet per report, bold frozen header, values', async () => {
    const [path] = await writeReports(tables, { format: 'xlsx', outDir: join(dir, 'xlsx'), range: RANGE });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(path!);
    assert.deepEqual(
      wb.worksheets.map((ws) => ws.name),
      tables.map((t) => t.id),
    );
    const ws = wb.getWorksheet('latecomers')!;
    assert.deepEqual(
      (ws.getRow(1).values as unknown[]).slice(1),
      tables[0]!.columns.map((c) => c.header),
    );
    assert.equal(ws.getRow(1).getCell(1).font?.bold, true);
    assert.equal(ws.views[0]?.state, 'frozen');
    assert.equal((ws.views[0] as { ySplit?: number }).ySplit, 1);
    assert.deepEqual((ws.getRow(2).values as unknown[]).slice(1), [ODD, 2, 1, 0.5, 12]);
    const rank = wb.getWorksheet('rankings')!;
    assert.equal(rank.getRow(2).getCell(6).value, 0.75);
  });

  it('the PDF starts with %PDF and shows the title, the range and every report title', async () => {
    const [path] = await writeReports(tables, {
      format: 'pdf',
      outDir: join(dir, 'pdf'),
      range: RANGE,
      compress: false,
    });
    const pdf = readFileSync(path!);
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    const text = pdfText(pdf);
    for (const s of [
      'Hallgate attendance report',
      '2025-03-17 to 2025-03-18',
      ...tables.map((t) => t.title),
    ]) {
      assert.ok(text.includes(s), `PDF text lacks '${s}'`);
    }
    assert.ok(text.includes(ODD));
  });

  it('a long table runs onto further pages, its header repeated on each', async () => {
    const long: ReportTable = {
      id: 'long',
      title: 'Long table',
      description: 'many rows',
      columns: [
        { key: 'studentId', header: 'Student' },
        { key: 'n', header: 'N' },
      ],
      rows: Array.from({ length: 150 }, (_, i) => ({ studentId: `S${i}`, n: i })),
    };
    const pdf = await toPdf([long], { title: 'T', range: RANGE, compress: false });
    const pages = pdf.toString('latin1').match(/\/Type \/Page\b/g)?.length ?? 0;
    const text = pdfText(pdf).split('\n');
    assert.ok(pages >= 3, `${pages} page(s)`);
    assert.equal(text.filter((l) => l === 'Student').length, pages);
    assert.ok(text.includes('S149'));
  });

  it('hallgate report: writes files from --config, prints tables, rejects bad input with USAGE', async () => {
    const cfgFile = join(dir, 'hallgate.yaml');
    writeFileSync(cfgFile, `aggregator:\n  store: sqlite\n  sqlitePath: ${dbPath}\nlog:\n  level: silent\n`);
    const printed: string[] = [];
    const log = console.log;
    console.log = (...a: unknown[]) => void printed.push(a.map(String).join(' '));
    try {
      const out = join(dir, 'cli');
      const base = ['--from', RANGE.from, '--to', RANGE.to, '--config', cfgFile];
      assert.equal(await reportCommand.run(['all', ...base, '--format', 'xlsx', '--out', out]), 0);
      assert.ok(existsSync(join(out, 'hallgate-report_2025-03-17_2025-03-18.xlsx')));
      assert.equal(await reportCommand.run(['invalid', ...base, '--format', 'csv', '--out', out]), 0);
      assert.ok(existsSync(join(out, 'invalid-by-hour_2025-03-17_2025-03-18.csv')));
      printed.length = 0;
      assert.equal(await reportCommand.run(['consistency', ...base, '--min-sessions', '2']), 0);
      const text = printed.join('\n');
      assert.match(text, /Consistency \(2025-03-17 to 2025-03-18\)/);
      assert.match(text, /S1\s+2\s+2\s+1\s+consistent/);
      for (const argv of [
        ['weekly', ...base],
        ['all', '--from', '2025-03-18', '--to', '2025-03-17', '--config', cfgFile],
        ['all', ...base, '--format', 'docx'],
        ['all', ...base, '--threshold', '1.5'],
      ]) {
        await assert.rejects(reportCommand.run(argv), { code: 'USAGE' }, argv.join(' '));
      }
      writeFileSync(cfgFile, `aggregator:\n  sqlitePath: ${join(dir, 'missing.db')}\n`);
      await assert.rejects(reportCommand.run(['all', ...base]), { code: 'CENTRAL_STORE_UNAVAILABLE' });
      assert.ok(!existsSync(join(dir, 'missing.db')));
    } finally {
      console.log = log;
    }
  });
});
