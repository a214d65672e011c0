import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCases } from './cases.ts';
import { classifyStudentDay } from '../../rules/index.ts';
import { at, enter, exit, input, MIN, recordOf, SEC, session } from './factories.ts';

const start = at('09:00');
const end = at('10:30');

runCases('scenario 1: present on time', [
  {
    name: 'entry before start, exit after end',
    events: [enter('08:55'), exit('10:31')],
    status: 'present',
    minutes: 90,
    noFlags: ['late'],
  },
  {
    name: 'entry exactly at start + grace (boundary, inclusive)',
    events: [enter(start + 5 * MIN), exit('10:30')],
    status: 'present',
    minutes: 85,
  },
  {
    name: 'entry one second before grace ends',
    events: [enter(start + 5 * MIN - SEC), exit('10:30')],
    status: 'present',
  },
  { name: 'out-of-order input', events: [exit('10:31'), enter('08:58')], status: 'present', minutes: 90 },
  {
    name: 'duplicated events',
    events: [enter('08:58'), enter('08:58'), exit('10:31'), exit('10:31')],
    status: 'present',
    minutes: 90,
  },
]);

runCases('scenario 2: late', [
  {
    name: 'one second after grace',
    events: [enter(start + 5 * MIN + SEC), exit('10:31')],
    status: 'late',
    flags: ['late'],
    noFlags: ['very_late'],
  },
  {
    name: 'inside the late band',
    events: [enter('09:10'), exit('10:31')],
    status: 'late',
    flags: ['late'],
    minutes: 80,
  },
  {
    name: 'exactly at the late band end: late, not very late',
    events: [enter(start + 15 * MIN), exit('10:31')],
    status: 'late',
    noFlags: ['very_late'],
  },
  {
    name: 'one second before the absent cut-off: late',
    events: [enter(start + 30 * MIN - SEC), exit('10:31')],
    status: 'late',
  },
  {
    name: 'one second after the late band: very late',
    events: [enter(start + 15 * MIN + SEC), exit('10:31')],
    status: 'late',
    flags: ['late', 'very_late'],
  },
  {
    name: 'exactly at the absent cut-off is still late',
    events: [enter(start + 30 * MIN), exit('10:31')],
    status: 'late',
    flags: ['very_late'],
  },
  {
    name: 'late is decidable while the session runs',
    events: [enter('09:10')],
    now: at('09:20'),
    status: 'late',
    minutes: 10,
  },
  {
    name: 'per-course override of grace',
    events: [enter('09:08'), exit('10:31')],
    extra: { courseOverrides: { C1: { graceSec: 600 } } },
    status: 'present',
  },
]);

runCases('scenario 3: absent', [
  { name: 'no events at all', events: [], status: 'absent', minutes: 0 },
  {
    name: 'one second after the absent cut-off',
    events: [enter(start + 30 * MIN + SEC), exit('10:31')],
    status: 'absent',
    flags: ['arrived_after_cutoff'],
    minutes: 59,
  },
  {
    name: 'only events of another day/hall',
    events: [enter('09:00', { hall: 'H9' }), exit('10:30', { hall: 'H9' })],
    status: 'absent',
  },
  {
    name: 'not yet ended with no entry: pending, not absent',
    events: [],
    now: at('10:00'),
    status: 'pending',
  },
  {
    name: 'arrived after cut-off but not ended: pending',
    events: [enter('09:45')],
    now: at('10:00'),
    status: 'pending',
    flags: ['arrived_after_cutoff'],
  },
  { name: 'session in the future: pending', events: [], now: at('08:00'), status: 'pending' },
]);

describe('record shape', () => {
  it('one record per enrolled session, with explanations, intervals and event ids', () => {
    const res = classifyStudentDay(
      input({
        sessions: [
          session(),
          session({ sessionId: 'L2', courseId: 'C2', start: at('13:00'), end: at('14:00') }),
          session({ sessionId: 'X', courseId: 'C9', hallId: 'H7' }),
        ],
        enrolledCourseIds: ['C1', 'C2'],
        events: [enter('08:58'), exit('10:31')],
      }),
    );
    assert.deepEqual(
      res.records.map((r) => [r.sessionId, r.status]),
      [
        ['L1', 'present'],
        ['L2', 'absent'],
      ],
    );
    const r = recordOf(res);
    assert.deepEqual(r.intervals, [{ from: start, to: end }]);
    assert.deepEqual(r.eventIds, [enter('08:58').eventId, exit('10:31').eventId]);
  });
});
