import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyStudentDay } from '../../rules/index.ts';
import type { IdentityEvent, LectureSession } from '../../rules/types.ts';
import { at, enter, ev, exit, input, SEC, session } from './factories.ts';

// Doors are messy: a stray swipe or a camera sighting is evidence of being at
// the door, not of a stay. L1 (C1, enrolled) 09:00-10:30 in H1; X (C9, not
// enrolled) next in the same hall.
const x = (start: string, end: string): LectureSession =>
  session({ sessionId: 'X', courseId: 'C9', start: at(start), end: at(end) });

function day(events: IdentityEvent[], sessions: LectureSession[] = [session(), x('10:45', '12:00')]) {
  const { records } = classifyStudentDay(input({ sessions, events }));
  return records.map((r) => ({ id: r.sessionId, status: r.status, min: r.minutesPresent, flags: r.flags }));
}

describe('door 1: a stray re-entry is not a long unauthorized stay', () => {
  const cases: { name: string; events: IdentityEvent[]; sessions?: LectureSession[]; want: object[] }[] = [
    {
      name: 'exit 10:31:00, entry swipe 10:31:30, X 10:45-12:00 next: no record for X',
      events: [enter('08:58'), exit('10:31:00'), enter('10:31:30')],
      want: [{ id: 'L1', status: 'present', min: 90, flags: [] }],
    },
    {
      name: 'the same with a door camera (direction unknown) 30 s after the exit',
      events: [
        enter('08:58'),
        exit('10:31:00'),
        ev({ at: '10:31:30', source: 'face', dir: 'unknown', confidence: 0.9 }),
      ],
      want: [{ id: 'L1', status: 'present', min: 90, flags: [] }],
    },
    {
      name: 'a lone entry swipe during X (10:50:00, no exit): review, bounded by the evidence (0 min)',
      events: [enter('08:58'), exit('10:31:00'), enter('10:50:00')],
      want: [
        { id: 'L1', status: 'present', min: 90, flags: [] },
        { id: 'X', status: 'review', min: 0, flags: ['unauthorized_hall', 'sighting_only'] },
      ],
    },
    {
      name: 'two sightings in X with no exit (10:50, 11:20): review, 30 minutes of evidence',
      events: [enter('10:50:00'), ev({ at: '11:20:00', dir: 'unknown', source: 'face' })],
      sessions: [x('10:45', '12:00')],
      want: [{ id: 'X', status: 'review', min: 30, flags: ['unauthorized_hall', 'sighting_only'] }],
    },
    {
      name: 'an entry and an exit in X are still a stay: unauthorized for the time between',
      events: [enter('08:58'), exit('10:31:00'), enter('10:50:00'), exit('11:50:00')],
      want: [
        { id: 'L1', status: 'present', min: 90, flags: [] },
        { id: 'X', status: 'unauthorized', min: 60, flags: ['unauthorized_hall'] },
      ],
    },
    {
      name: 'an exit-less stay in the own session still lasts until its end (missing exit)',
      events: [enter('08:58')],
      want: [{ id: 'L1', status: 'present', min: 90, flags: ['missing_exit'] }],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(day(c.events, c.sessions), c.want));
});

describe('door 2: waiting in the own hall for the own lecture is not unauthorized', () => {
  const cases: { name: string; events: IdentityEvent[]; sessions?: LectureSession[]; want: object[] }[] = [
    {
      name: 'enter 08:30 for the 09:00 lecture: present, no none: record',
      events: [enter('08:30'), exit('10:31')],
      sessions: [session()],
      want: [{ id: 'L1', status: 'present', min: 90, flags: [] }],
    },
    {
      name: 'enter 07:00 (two hours early): still waiting, no none: record',
      events: [enter('07:00'), exit('10:31')],
      sessions: [session()],
      want: [{ id: 'L1', status: 'present', min: 90, flags: [] }],
    },
    {
      name: 'early, and sitting in a foreign lecture X 07:30-08:40 meanwhile: X is unauthorized, the wait is not',
      events: [enter('08:00'), exit('10:31')],
      sessions: [x('07:30', '08:40'), session()],
      want: [
        { id: 'X', status: 'unauthorized', min: 40, flags: ['unauthorized_hall'] },
        { id: 'L1', status: 'present', min: 90, flags: [] },
      ],
    },
    {
      name: 'in the hall 08:00-08:20 and out again before the lecture: unauthorized (not waiting for it)',
      events: [enter('08:00'), exit('08:20'), enter('08:58'), exit('10:31')],
      sessions: [session()],
      want: [
        { id: 'none:H1:2026-03-02', status: 'unauthorized', min: 20, flags: ['unauthorized_hall'] },
        { id: 'L1', status: 'present', min: 90, flags: [] },
      ],
    },
    {
      name: 'early into another hall than the lecture is unauthorized',
      events: [enter('08:30', { hall: 'H2' }), exit('08:50', { hall: 'H2' }), enter('08:58'), exit('10:31')],
      sessions: [session()],
      want: [
        { id: 'none:H2:2026-03-02', status: 'unauthorized', min: 20, flags: ['unauthorized_hall'] },
        { id: 'L1', status: 'present', min: 90, flags: [] },
      ],
    },
    {
      name: 'boundary: entry exactly at start - tolerance (08:45:00) was never unauthorized',
      events: [enter(at('08:45') - 0 * SEC), exit('10:31')],
      sessions: [session()],
      want: [{ id: 'L1', status: 'present', min: 90, flags: [] }],
    },
  ];
  for (const c of cases) it(c.name, () => assert.deepEqual(day(c.events, c.sessions), c.want));
});
