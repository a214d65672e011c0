import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CampusSession, Excuse } from '../../sync/campus/campusStore.ts';
import { gatewayConfig, type CampusSnapshot } from '../../sync/campus/gatewayConfig.ts';
import { rateOf, sessionRegister } from '../../sync/campus/registers.ts';
import { isEnrolled, recordStatus } from '../../sync/reports/attendanceStatus.ts';
import { configMessageSchema, recordPayloadSchema, type RecordPayload } from '../../sync/schema.ts';

const T = Date.parse('2026-03-16T09:00:00Z');
const H = 3_600_000;
const session: CampusSession = {
  sessionId: 'CS-1',
  courseId: 'CS101',
  hallId: 'HALL-A',
  start: T,
  end: T + H,
  day: '2026-03-16',
};

const record = (over: Partial<RecordPayload> = {}): RecordPayload => ({
  studentId: 'S1',
  sessionId: 'CS-1',
  courseId: 'CS101',
  hallId: 'HALL-A',
  day: '2026-03-16',
  version: 2,
  status: 'absent',
  minutesPresent: 0,
  intervals: [],
  flags: [],
  explanations: [],
  eventIds: [],
  decidedAt: T,
  manual: false,
  ...over,
});

const excuse = (over: Partial<Excuse> = {}): Excuse => ({
  id: '00000000-0000-4000-8000-000000000001',
  studentId: 'S1',
  sessionId: 'CS-1',
  fromDay: '2026-03-16',
  toDay: '2026-03-16',
  reason: 'flu',
  author: 'registrar',
  createdAt: T - H,
  ...over,
});

describe("the 'excused' status", () => {
  const cases: { name: string; rec: Partial<RecordPayload>; counted: RecordPayload['status'] }[] = [
    {
      name: "a record 'excused' from the gateway",
      rec: { status: 'excused', manual: true, note: 'flu (by registrar)' },
      counted: 'excused',
    },
    {
      name: 'an old manual \'absent\' noted "excused: ..."',
      rec: { manual: true, note: 'excused: flu (by registrar)' },
      counted: 'excused',
    },
    { name: 'an engine absent (not manual) is absent', rec: { note: 'excused: flu' }, counted: 'absent' },
    {
      name: 'a manual absent with another note is absent',
      rec: { manual: true, note: 'no show (by ann)' },
      counted: 'absent',
    },
    { name: 'present stays present', rec: { status: 'present', minutesPresent: 60 }, counted: 'present' },
  ];
  for (const c of cases)
    it(`${c.name}: registers and reports count it as ${c.counted}`, () => {
      const r = record(c.rec);
      assert.equal(recordStatus(r), c.counted);
      assert.equal(isEnrolled(r), c.counted !== 'excused', 'excused is left out of report rates');
      const [row] = sessionRegister(
        session,
        [{ studentId: 'S1', name: 'Ada', cardUids: [] }],
        [r],
        [],
        [],
        T + 2 * H,
      );
      assert.equal(row!.status, c.counted);
    });

  it('rate = (present + late) / (sessions - excused)', () => {
    assert.deepEqual(rateOf(['present', 'late', 'absent', 'excused', 'pending']), {
      sessions: 4,
      present: 1,
      late: 1,
      excused: 1,
      absent: 1,
      rate: 0.6667,
    });
  });

  it("the wire schema carries 'excused' in records and in central decisions", () => {
    assert.equal(recordPayloadSchema.parse(record({ status: 'excused', manual: true })).status, 'excused');
    const campus: CampusSnapshot = {
      sessions: [session],
      enrolments: [{ studentId: 'S1', courseId: 'CS101' }],
      students: [{ studentId: 'S1', name: 'Ada', cardUids: [] }],
      siteThresholds: {},
      courseThresholds: {},
      decisions: [],
      excuses: [excuse()],
    };
    const data = gatewayConfig('decisions', { hallIds: ['HALL-A'] }, campus);
    assert.deepEqual(data, [
      {
        studentId: 'S1',
        sessionId: 'CS-1',
        courseId: 'CS101',
        hallId: 'HALL-A',
        status: 'excused',
        note: 'flu',
        by: 'registrar',
        decidedAt: T - H,
      },
    ]);
    const msg = configMessageSchema.parse({
      schemaVersion: 1,
      version: 3,
      issuedAt: T,
      kind: 'decisions',
      data,
    });
    assert.equal(msg.kind === 'decisions' && msg.data[0]!.status, 'excused');
  });
});
