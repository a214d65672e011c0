import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consistency } from '../../sync/reports/consistency.ts';
import { toCsv } from '../../sync/reports/csvExport.ts';
import { daysOf, parseDayRange, weekdayIndex } from '../../sync/reports/dayRange.ts';
import { invalidByGate, invalidByHour } from '../../sync/reports/invalidAttempts.ts';
import { latecomers } from '../../sync/reports/latecomers.ts';
import { lectureRankings } from '../../sync/reports/lectureRankings.ts';
import type { ReportInvalid, ReportRecord } from '../../sync/reports/reportRows.ts';
import type { ReportTable } from '../../sync/reports/reportTable.ts';
import { weekdayPatterns } from '../../sync/reports/weekdayPatterns.ts';

const MIN = 60_000;
const at = (day: string, hh: number, mm = 0) =>
  Date.parse(`${day}T${String(hh).padStart(2, '0')}:00:00Z`) + mm * MIN;

/** A record with defaults: present, CS101 session on Monday 2025-03-17, in from 09:00. */
function rec(over: Partial<ReportRecord> & { arrive?: number | null } = {}): ReportRecord {
  const { arrive, ...rest } = over;
  const day = rest.day ?? '2025-03-17';
  const from = arrive === null ? null : at(day, 9, arrive ?? 0);
  return {
    studentId: 'S1',
    sessionId: `CS101-${day}`,
    courseId: 'CS101',
    day,
    status: 'present',
    minutesPresent: 90,
    flags: [],
    intervals: from === null ? [] : [{ from, to: at(day, 10, 30) }],
    ...rest,
  };
}

/** Rows as [column values...] in column order, for compact expectations. */
const cells = (t: ReportTable) => t.rows.map((r) => t.columns.map((c) => r[c.key]));

describe('latecomers', () => {
  const TUE = '2025-03-18';
  const records = [
    rec({ studentId: 'S1' }),
    rec({ studentId: 'S2', status: 'late', arrive: 10 }),
    rec({ studentId: 'S3', status: 'early_exit', flags: ['late', 'early_exit'], arrive: 20 }),
    rec({ studentId: 'S4', status: 'unauthorized', flags: ['late'], arrive: 30 }),
    rec({ studentId: 'S5', status: 'late', arrive: null }),
    rec({ studentId: 'S1', day: TUE }),
    rec({ studentId: 'S2', day: TUE, status: 'late', arrive: 6 }),
    rec({ studentId: 'S3', day: TUE, status: 'absent', arrive: null }),
    rec({ studentId: 'S6', day: TUE, status: 'pending', flags: ['late'], arrive: 50 }),
  ];
  const cases: { name: string; minLate?: number; want: unknown[][] }[] = [
    {
      name: 'every student with a late arrival, most first; minutes after the earliest presence of the session',
      want: [
        ['S2', 2, 2, 1, 8],
        ['S5', 1, 1, 1, null],
        ['S3', 2, 1, 0.5, 20],
      ],
    },
    { name: 'minLate 2 keeps the repeat latecomers', minLate: 2, want: [['S2', 2, 2, 1, 8]] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const t = latecomers(records, c.minLate !== undefined ? { minLate: c.minLate } : {});
      assert.deepEqual(
        t.columns.map((x) => x.key),
        ['studentId', 'sessions', 'late', 'lateRate', 'avgMinutesLate'],
      );
      assert.deepEqual(cells(t), c.want);
    });
  }
});

describe('weekday patterns', () => {
  const records = [
    // Monday 2025-03-17: 1 of 2
    rec({ studentId: 'S1', day: '2025-03-17' }),
    rec({ studentId: 'S2', day: '2025-03-17', status: 'absent' }),
    // Monday 2025-03-24: 2 of 3 (pending and unauthorized are not enrolled records)
    rec({ studentId: 'S1', day: '2025-03-24' }),
    rec({ studentId: 'S2', day: '2025-03-24', status: 'partial' }),
    rec({ studentId: 'S3', day: '2025-03-24', status: 'review' }),
    rec({ studentId: 'S4', day: '2025-03-24', status: 'pending' }),
    rec({ studentId: 'S5', day: '2025-03-24', status: 'unauthorized' }),
    // Tuesday: 2 of 2
    rec({ studentId: 'S1', day: '2025-03-18', status: 'late' }),
    rec({ studentId: 'S2', day: '2025-03-18', status: 'early_exit' }),
    // Wednesday: only a no-session unauthorized record -> no row
    rec({ studentId: 'S9', day: '2025-03-19', sessionId: 'none:HALL-A:2025-03-19', status: 'unauthorized' }),
  ];
  it('per weekday: sessions, enrolled, attended, mean of session rates, mean and median attending', () => {
    assert.deepEqual(cells(weekdayPatterns(records)), [
      ['Monday', 2, 5, 3, 0.5833, 1.5, 1.5],
      ['Tuesday', 1, 2, 2, 1, 2, 2],
    ]);
  });
  it('no records, no rows', () => {
    assert.deepEqual(weekdayPatterns([]).rows, []);
  });
});

describe('lecture rankings', () => {
  const course = (courseId: string, day: string, statuses: ReportRecord['status'][]) =>
    statuses.map((status, i) =>
      rec({ studentId: `S${i + 1}`, courseId, sessionId: `${courseId}-${day}`, day, status }),
    );
  const records = [
    ...course('CS101', '2025-03-17', ['present', 'absent']),
    ...course('CS101', '2025-03-24', ['present', 'partial', 'review', 'pending']),
    ...course('MA201', '2025-03-18', ['late', 'early_exit', 'unauthorized']),
    ...course('PH301', '2025-03-18', ['present', 'present', 'absent', 'absent']),
    ...course('EE100', '2025-03-19', ['present', 'absent']),
    ...course('ZZ900', '2025-03-19', ['present']),
  ];
  const unique = new Map([
    ['CS101', 3],
    ['MA201', 2],
    ['PH301', 40],
    ['ZZ900', 2],
  ]);
  const cases: { rankBy?: 'rate' | 'unique'; want: unknown[][] }[] = [
    {
      want: [
        [1, 'MA201', 1, 2, 2, 1, 2],
        [1, 'ZZ900', 1, 1, 1, 1, 2],
        [3, 'CS101', 2, 5, 3, 0.6, 3],
        [4, 'PH301', 1, 4, 2, 0.5, 40],
        [5, 'EE100', 1, 2, 1, 0.5, null],
      ],
    },
    {
      rankBy: 'unique',
      want: [
        [1, 'PH301', 1, 4, 2, 0.5, 40],
        [2, 'CS101', 2, 5, 3, 0.6, 3],
        [3, 'MA201', 1, 2, 2, 1, 2],
        [3, 'ZZ900', 1, 1, 1, 1, 2],
        [5, 'EE100', 1, 2, 1, 0.5, null],
      ],
    },
  ];
  for (const c of cases) {
    it(`ranks by ${c.rankBy ?? 'rate (default)'}; equal keys share a rank`, () => {
      assert.deepEqual(cells(lectureRankings(records, unique, c.rankBy ? { rankBy: c.rankBy } : {})), c.want);
    });
  }
});

describe('consistency', () => {
  const student = (studentId: string, statuses: ReportRecord['status'][]) =>
    statuses.map((status, i) => rec({ studentId, sessionId: `C-${i}`, status }));
  const records = [
    ...student('S1', ['present', 'late', 'partial', 'early_exit']),
    ...student('S2', ['present', 'present', 'present', 'present', 'absent']),
    ...student('S3', ['present', 'present', 'present', 'review', 'pending']),
    ...student('S4', ['present', 'present']),
    ...student('S5', ['unauthorized', 'unauthorized', 'unauthorized']),
  ];
  const cases: { threshold?: number; minSessions?: number; want: unknown[][] }[] = [
    {
      want: [
        ['S1', 4, 4, 1, 'consistent'],
        ['S2', 5, 4, 0.8, 'consistent'],
        ['S3', 4, 3, 0.75, 'below'],
        ['S4', 2, 2, 1, 'too few sessions'],
      ],
    },
    {
      threshold: 0.9,
      minSessions: 2,
      want: [
        ['S1', 4, 4, 1, 'consistent'],
        ['S4', 2, 2, 1, 'consistent'],
        ['S2', 5, 4, 0.8, 'below'],
        ['S3', 4, 3, 0.75, 'below'],
      ],
    },
  ];
  for (const c of cases) {
    it(`threshold ${c.threshold ?? 0.8}, at least ${c.minSessions ?? 3} sessions`, () => {
      const opts = {
        ...(c.threshold !== undefined ? { threshold: c.threshold } : {}),
        ...(c.minSessions !== undefined ? { minSessions: c.minSessions } : {}),
      };
      assert.deepEqual(cells(consistency(records, opts)), c.want);
    });
  }
});

describe('invalid attempts', () => {
  const inv = (over: Partial<ReportInvalid>): ReportInvalid => ({
    gateId: 'G1',
    hallId: 'HALL-A',
    reason: 'unknown_badge',
    rawId: 'X1',
    ts: at('2025-03-17', 9, 10),
    ...over,
  });
  const rows = [
    inv({}),
    inv({ ts: at('2025-03-18', 9, 50) }),
    inv({ reason: 'unknown_face', rawId: 'unknown', ts: at('2025-03-17', 10, 5) }),
    inv({ gateId: 'G2', hallId: 'HALL-B', rawId: 'X2', ts: at('2025-03-17', 9, 30) }),
    inv({ gateId: 'G2', hallId: 'HALL-B', reason: 'tailgate', rawId: 'X3', ts: at('2025-03-17', 14) }),
    inv({ gateId: 'G0', hallId: 'HALL-C', ts: at('2025-03-17', 14, 15) }),
  ];
  it('by gate: attempts by reason and distinct raw ids, most attempts first', () => {
    assert.deepEqual(cells(invalidByGate(rows)), [
      ['G1', 'HALL-A', 3, 2, 1, 0, 2],
      ['G2', 'HALL-B', 2, 1, 0, 1, 2],
      ['G0', 'HALL-C', 1, 1, 0, 0, 1],
    ]);
  });
  it('by UTC hour of day, summed over days', () => {
    assert.deepEqual(cells(invalidByHour(rows)), [
      ['09:00', 3, 3, 0, 0, 2],
      ['10:00', 1, 0, 1, 0, 1],
      ['14:00', 2, 1, 0, 1, 2],
    ]);
  });
});

describe('day range', () => {
  it('accepts real dates in order and lists the days', () => {
    assert.deepEqual(daysOf(parseDayRange('2024-02-28', '2024-03-01')), [
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ]);
    assert.equal(weekdayIndex('2025-03-17'), 0);
    assert.equal(weekdayIndex('2025-03-23'), 6);
  });
  const bad: [string | undefined, string | undefined][] = [
    [undefined, '2025-03-01'],
    ['2025-02-30', '2025-03-01'],
    ['2025-3-01', '2025-03-02'],
    ['2025-03-02', '2025-03-01'],
    ['2020-01-01', '2025-01-01'],
  ];
  for (const [from, to] of bad) {
    it(`rejects ${from}..${to} as a usage error`, () => {
      assert.throws(() => parseDayRange(from, to), { code: 'USAGE' });
    });
  }
});

describe('CSV', () => {
  it('quotes per RFC 4180 (comma, quote, line break) with CRLF line ends', () => {
    const t: ReportTable = {
      id: 'x',
      title: 'X',
      description: '',
      columns: [
        { key: 'a', header: 'Name, full' },
        { key: 'b', header: 'N' },
        { key: 'c', header: 'Note' },
      ],
      rows: [
        { a: 'Doe, "JJ"', b: 0.5, c: null },
        { a: 'plain', b: 3, c: 'two\nlines' },
      ],
    };
    assert.equal(toCsv(t), '"Name, full",N,Note\r\n"Doe, ""JJ""",0.5,\r\nplain,3,"two\nlines"\r\n');
  });
});
