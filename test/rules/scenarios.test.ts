import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyStudentDay, noSessionId } from '../../rules/index.ts';
import { runCases } from './cases.ts';
import { at, enter, ev, exit, input, MIN, recordOf, SEC, session } from './factories.ts';

const start = at('09:00');
const end = at('10:30');
const earlyLine = end - 10 * MIN;

runCases('scenario 4: early exit', [
  {
    name: 'one second before end - earlyExit',
    events: [enter('08:58'), exit(earlyLine - SEC)],
    status: 'early_exit',
    flags: ['early_exit'],
  },
  {
    name: 'exactly at end - earlyExit is not early',
    events: [enter('08:58'), exit(earlyLine)],
    status: 'present',
    noFlags: ['early_exit'],
  },
  {
    name: 'one second after end - earlyExit',
    events: [enter('08:58'), exit(earlyLine + SEC)],
    status: 'present',
  },
  {
    name: 'left early but came back: a break, not an early exit',
    events: [enter('08:58'), exit('10:00'), enter('10:05'), exit('10:31')],
    status: 'present',
    flags: ['break'],
    noFlags: ['early_exit'],
  },
  {
    name: 'seen in another hall (implicit exit)',
    events: [enter('08:58'), enter('09:40', { hall: 'H2' })],
    status: 'early_exit',
  },
  {
    name: 'not decided while the session runs',
    events: [enter('08:58'), exit('09:40')],
    now: at('10:00'),
    status: 'pending',
  },
]);

runCases('scenario 5: break and return', [
  {
    name: 'break exactly maxBreak long',
    events: [enter('08:58'), exit('09:30'), enter('09:45'), exit('10:31')],
    status: 'present',
    flags: ['break'],
    noFlags: ['extended_break'],
    minutes: 75,
  },
  {
    name: 'break one second shorter than maxBreak',
    events: [enter('08:58'), exit('09:30'), enter(at('09:45') - SEC), exit('10:31')],
    status: 'present',
    flags: ['break'],
  },
  {
    name: 'break time is in the explanation',
    events: [enter('08:58'), exit('09:30'), enter('09:37'), exit('10:31')],
    status: 'present',
    check: (r) =>
      assert.ok(
        r.explanations.some(
          (e) => e.rule === 'break' && e.text.includes('7m00s') && e.thresholds.maxBreakSec === 900,
        ),
      ),
  },
  {
    name: 'two short breaks',
    events: [enter('08:58'), exit('09:10'), enter('09:15'), exit('09:50'), enter('09:55'), exit('10:31')],
    status: 'present',
    minutes: 80,
  },
]);

runCases('scenario 6: extended break', [
  {
    name: 'break one second longer than maxBreak',
    events: [enter('08:58'), exit('09:30'), enter(at('09:45') + SEC), exit('10:31')],
    status: 'partial',
    flags: ['extended_break'],
  },
  {
    name: 'forty minutes out',
    events: [enter('08:58'), exit('09:20'), enter('10:00'), exit('10:31')],
    status: 'partial',
    flags: ['extended_break'],
    minutes: 50,
  },
  {
    name: 'flagged while running, status decided at the end',
    events: [enter('08:58'), exit('09:20'), enter('10:00')],
    now: at('10:10'),
    status: 'pending',
    flags: ['extended_break'],
  },
  {
    name: 'presence ratio exactly at the minimum is present',
    events: [
      enter('08:58'),
      exit('09:20'),
      enter('09:31:15'),
      exit('09:50'),
      enter('10:01:15'),
      exit('10:31'),
    ],
    status: 'present',
    noFlags: ['low_presence'],
  },
  {
    name: 'presence ratio one second below the minimum is partial',
    events: [
      enter('08:58'),
      exit('09:20'),
      enter('09:31:15'),
      exit('09:50'),
      enter('10:01:16'),
      exit('10:31'),
    ],
    status: 'partial',
    flags: ['low_presence', 'break'],
  },
]);

const shortBreaks = (n: number) => {
  const evs = [enter('08:58')];
  for (let i = 0; i < n; i++) {
    const t = at('09:10') + i * 15 * MIN;
    evs.push(exit(t), enter(t + 2 * MIN));
  }
  evs.push(exit('10:31'));
  return evs;
};
runCases('scenario 7: multiple exits', [
  { name: 'maxExits exits is fine', events: shortBreaks(2), status: 'present', noFlags: ['multiple_exits'] },
  {
    name: 'one more than maxExits is flagged',
    events: shortBreaks(3),
    status: 'present',
    flags: ['multiple_exits', 'break'],
  },
  {
    name: 'the final exit after the end does not count',
    events: [...shortBreaks(2)],
    status: 'present',
    noFlags: ['multiple_exits'],
  },
  {
    name: 'per-course maxExits override',
    events: shortBreaks(3),
    extra: { courseOverrides: { C1: { maxExits: 3 } } },
    status: 'present',
    noFlags: ['multiple_exits'],
  },
  {
    name: 'explanation names the exits',
    events: shortBreaks(4),
    status: 'present',
    check: (r) => assert.equal(r.explanations.find((e) => e.rule === 'multiple_exits')?.eventIds.length, 4),
  },
]);

describe('scenario 8: back-to-back', () => {
  const l2same = session({ sessionId: 'L2', courseId: 'C2', start: at('10:30'), end: at('12:00') });
  const l2gap = session({ sessionId: 'L2', courseId: 'C2', start: at('10:40'), end: at('12:00') });
  const l2other = session({
    sessionId: 'L2',
    courseId: 'C2',
    hallId: 'H2',
    start: at('10:35'),
    end: at('12:00'),
  });
  const base = { enrolledCourseIds: ['C1', 'C2'] };
  const cases = [
    {
      name: 'same hall, one stay covers both',
      sessions: [session(), l2same],
      events: [enter('08:55'), exit('12:01')],
      want: ['present', 'present'],
      flag: 'back_to_back',
    },
    {
      name: 'same hall with a gap, no new swipe',
      sessions: [session(), l2gap],
      events: [enter('08:55'), exit('12:01')],
      want: ['present', 'present'],
      flag: 'back_to_back',
    },
    {
      name: 'same hall, entry only, no exit ever',
      sessions: [session(), l2same],
      events: [enter('08:55')],
      want: ['present', 'present'],
      flag: 'missing_exit',
    },
    {
      name: 'same hall with a break across the boundary',
      sessions: [session(), l2same],
      events: [enter('08:55'), exit('10:20'), enter('10:33'), exit('12:01')],
      want: ['present', 'present'],
    },
    {
      name: 'other hall: arrival at previous end + transit + grace is on time',
      sessions: [session(), l2other],
      events: [enter('08:55'), exit('10:30'), enter('10:45', { hall: 'H2' }), exit('12:01', { hall: 'H2' })],
      want: ['present', 'present'],
      flag: 'back_to_back_transit',
    },
    {
      name: 'other hall: one second after the transit allowance is late',
      sessions: [session(), l2other],
      events: [
        enter('08:55'),
        exit('10:30'),
        enter(at('10:45') + SEC, { hall: 'H2' }),
        exit('12:01', { hall: 'H2' }),
      ],
      want: ['present', 'late'],
      flag: 'back_to_back_transit',
    },
    {
      name: 'other hall: no allowance when the previous lecture was skipped',
      sessions: [session(), l2other],
      events: [enter('10:45', { hall: 'H2' }), exit('12:01', { hall: 'H2' })],
      want: ['absent', 'late'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const res = classifyStudentDay(input({ ...base, sessions: c.sessions, events: c.events }));
      assert.deepEqual([recordOf(res, 'L1').status, recordOf(res, 'L2').status], c.want);
      if (c.flag) assert.ok(recordOf(res, 'L2').flags.includes(c.flag), recordOf(res, 'L2').flags.join(','));
      assert.equal(res.records.length, 2);
    });
  }
});

describe('scenario 9: unauthorized hall', () => {
  const foreign = session({
    sessionId: 'X',
    courseId: 'C9',
    hallId: 'H2',
    start: at('11:00'),
    end: at('12:00'),
  });
  const after = session({ sessionId: 'Y', courseId: 'C9', start: at('10:35'), end: at('11:30') });
  it('presence during a session of a course not enrolled in', () => {
    const res = classifyStudentDay(
      input({
        sessions: [session(), foreign],
        events: [enter('11:10', { hall: 'H2' }), exit('11:40', { hall: 'H2' })],
      }),
    );
    const x = recordOf(res, 'X');
    assert.equal(x.status, 'unauthorized');
    assert.equal(x.minutesPresent, 30);
    assert.equal(x.courseId, 'C9');
    assert.ok(x.flags.includes('unauthorized_hall'));
    assert.equal(recordOf(res, 'L1').status, 'absent');
  });
  it('presence in a hall with no session at all', () => {
    const res = classifyStudentDay(
      input({ events: [enter('14:00', { hall: 'H3' }), exit('14:20', { hall: 'H3' })] }),
    );
    const r = recordOf(res, noSessionId('H3', '2026-03-02'));
    assert.equal(r.sessionId, 'none:H3:2026-03-02');
    assert.equal(r.status, 'unauthorized');
    assert.equal(r.minutesPresent, 20);
  });
  it('staying after one own lecture into a foreign one: tolerance first, then unauthorized', () => {
    const within = classifyStudentDay(
      input({ sessions: [session(), after], events: [enter('08:58'), exit('10:45')] }),
    );
    assert.equal(within.records.length, 1, 'leaving within the tolerance window is not unauthorized');
    const beyond = classifyStudentDay(
      input({ sessions: [session(), after], events: [enter('08:58'), exit('11:00')] }),
    );
    const y = recordOf(beyond, 'Y');
    assert.equal(y.status, 'unauthorized');
    assert.deepEqual(y.intervals, [{ from: at('10:45'), to: at('11:00') }]);
    assert.equal(recordOf(beyond, 'L1').status, 'present');
  });
  it('enrolled courses sharing the hall at the same time are not unauthorized', () => {
    const shared = session({ sessionId: 'L1b', courseId: 'C2' });
    const res = classifyStudentDay(
      input({
        sessions: [session(), shared],
        enrolledCourseIds: ['C1', 'C2'],
        events: [enter('08:58'), exit('10:31')],
      }),
    );
    assert.deepEqual(
      res.records.map((r) => r.status),
      ['present', 'present'],
    );
  });
});

describe('scenario 11: card/face', () => {
  const badge = enter('08:58:00');
  const face = (sec: number, o: Parameters<typeof ev>[0] extends infer P ? Partial<P> : never = {}) =>
    ev({ at: at('08:58:00') + sec * SEC, source: 'face', dir: 'unknown', ...o });
  const cases = [
    {
      name: 'face within the window: verified',
      events: [badge, face(4)],
      status: 'present',
      flags: ['verified'],
    },
    {
      name: 'face exactly at the pairing window: verified',
      events: [badge, face(10)],
      status: 'present',
      flags: ['verified'],
    },
    {
      name: 'face one second before the badge: verified',
      events: [badge, face(-1)],
      status: 'present',
      flags: ['verified'],
    },
    {
      name: 'face one second after the window: not paired',
      events: [badge, face(11)],
      status: 'present',
      noFlags: ['verified'],
    },
    {
      name: 'own face below confidence: ignored and explained',
      events: [badge, face(2, { confidence: 0.59 })],
      status: 'present',
      noFlags: ['verified'],
      rule: 'face_low_confidence',
    },
    {
      name: 'own face exactly at the confidence minimum: verified',
      events: [badge, face(2, { confidence: 0.6 })],
      status: 'present',
      flags: ['verified'],
    },
    {
      name: 'another student\u2019s face at the gate: mismatch',
      events: [badge],
      others: [face(3, { student: 'S2' })],
      status: 'review',
      flags: ['card_face_mismatch'],
    },
    {
      name: 'another face outside the window: no mismatch',
      events: [badge],
      others: [face(11, { student: 'S2' })],
      status: 'present',
      noFlags: ['card_face_mismatch'],
    },
    {
      name: 'own face and another face: verified wins',
      events: [badge, face(2)],
      others: [face(3, { student: 'S2' })],
      status: 'present',
      flags: ['verified'],
      noFlags: ['card_face_mismatch'],
    },
    {
      name: 'an unknown face is no mismatch',
      events: [badge],
      others: [face(3, { student: null })],
      status: 'present',
      noFlags: ['card_face_mismatch'],
    },
    {
      name: 'another face at a different gate: no mismatch',
      events: [badge],
      others: [face(3, { student: 'S2', gate: 'H1-G2' })],
      status: 'present',
    },
    {
      name: 'mismatch is decidable while the session runs',
      events: [badge],
      others: [face(3, { student: 'S2' })],
      now: at('09:30'),
      status: 'review',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const inp = input({ events: [...c.events, exit('10:31')], now: c.now ?? at('23:00') });
      if (c.others) inp.otherFaceEvents = c.others;
      const r = recordOf(classifyStudentDay(inp));
      assert.equal(r.status, c.status, JSON.stringify(r.explanations, null, 1));
      for (const f of c.flags ?? []) assert.ok(r.flags.includes(f), r.flags.join(','));
      for (const f of c.noFlags ?? []) assert.ok(!r.flags.includes(f), r.flags.join(','));
      if (c.rule) assert.ok(r.explanations.some((e) => e.rule === c.rule));
    });
  }
  it('a paired face does not act as a second passage (exit badge + door camera)', () => {
    const evs = [
      badge,
      exit('10:00'),
      ev({ at: at('10:00:03'), source: 'face', dir: 'unknown' }),
      enter('10:05'),
      exit('10:31'),
    ];
    const r = recordOf(classifyStudentDay(input({ events: evs })));
    assert.ok(r.flags.includes('break'));
    assert.equal(r.minutesPresent, 85);
  });
});

runCases('scenario 12: missing exit', [
  {
    name: 'until_end: presence until the session end',
    events: [enter('08:58')],
    status: 'present',
    flags: ['missing_exit'],
    minutes: 90,
  },
  {
    name: 'flag: review',
    events: [enter('08:58')],
    th: { missingExit: 'flag' },
    status: 'review',
    flags: ['missing_exit'],
  },
  {
    name: 'per-course override to flag',
    events: [enter('08:58')],
    extra: { courseOverrides: { C1: { missingExit: 'flag' } } },
    status: 'review',
  },
  {
    name: 'still running: pending, no missing exit yet',
    events: [enter('08:58')],
    now: at('10:00'),
    status: 'pending',
    noFlags: ['missing_exit'],
    minutes: 60,
  },
  {
    name: 'late entry without exit: late with missing exit',
    events: [enter('09:10')],
    status: 'late',
    flags: ['missing_exit'],
    minutes: 80,
  },
  {
    name: 'entry-only reader (direction unknown)',
    events: [ev({ at: '08:58', dir: 'unknown' }), ev({ at: '09:40', dir: 'unknown' })],
    status: 'present',
    flags: ['missing_exit'],
    minutes: 90,
  },
]);

runCases('direction unknown', [
  {
    name: 'seen next in another hall after the end: stay ends at the session end',
    events: [ev({ at: '08:58', dir: 'unknown' }), ev({ at: '10:50', dir: 'unknown', hall: 'H2' })],
    status: 'present',
    minutes: 90,
    noFlags: ['missing_exit'],
  },
  {
    name: 'seen in another hall mid-session: implicit exit',
    events: [ev({ at: '08:58', dir: 'unknown' }), ev({ at: '09:40', dir: 'unknown', hall: 'H2' })],
    status: 'early_exit',
    minutes: 40,
  },
  {
    name: 'repeated sightings inside are confirmations',
    events: [ev({ at: '09:02', dir: 'unknown' }), ev({ at: '09:30', dir: 'unknown' }), exit('10:31')],
    status: 'present',
    noFlags: ['break'],
  },
]);

describe('scenario 13: ambiguous', () => {
  const l2 = session({ sessionId: 'L2', courseId: 'C2', hallId: 'H2', start: at('10:00'), end: at('11:00') });
  const cases = [
    { name: 'exit with no entry', events: [exit('09:30')], status: 'review', flag: 'exit_without_entry' },
    {
      name: 'exit with no entry while running: decidable',
      events: [exit('09:30')],
      now: at('09:40'),
      status: 'review',
      flag: 'exit_without_entry',
    },
    {
      name: 'came and went before the start',
      events: [enter('08:46'), exit('08:52')],
      status: 'review',
      flag: 'outside_session',
    },
    {
      name: 'came after the end, within tolerance',
      events: [enter('10:40'), exit('10:44')],
      status: 'review',
      flag: 'outside_session',
    },
    {
      name: 'overlapping enrolled sessions in two halls',
      events: [enter('08:58'), exit('10:31')],
      sessions: [session(), l2],
      status: 'review',
      flag: 'overlapping_sessions',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const res = classifyStudentDay(
        input({
          events: c.events,
          sessions: c.sessions ?? [session()],
          enrolledCourseIds: ['C1', 'C2'],
          now: c.now ?? at('23:00'),
        }),
      );
      const r = recordOf(res);
      assert.equal(r.status, c.status);
      assert.ok(r.flags.includes(c.flag), r.flags.join(','));
      const why = r.explanations.find((e) => e.rule === c.flag)!;
      assert.ok(why.text.length > 0);
      if (c.sessions) assert.equal(recordOf(res, 'L2').status, 'review');
    });
  }
  it('beyond the tolerance window: absent, and the visit is unauthorized presence in an empty hall', () => {
    const res = classifyStudentDay(input({ events: [enter('08:30'), exit('08:44')] }));
    assert.equal(recordOf(res).status, 'absent');
    assert.equal(recordOf(res, 'none:H1:2026-03-02').status, 'unauthorized');
  });
});

describe('combinations', () => {
  it('late + break + early exit: early exit wins, every finding stays as a flag', () => {
    const r = recordOf(
      classifyStudentDay(input({ events: [enter('09:10'), exit('09:30'), enter('09:40'), exit('10:00')] })),
    );
    assert.equal(r.status, 'early_exit');
    for (const f of ['late', 'break', 'early_exit']) assert.ok(r.flags.includes(f), r.flags.join(','));
    assert.equal(r.minutesPresent, 40);
    assert.deepEqual(r.intervals, [
      { from: at('09:10'), to: at('09:30') },
      { from: at('09:40'), to: at('10:00') },
    ]);
  });
  it('late + extended break: partial beats late', () => {
    const r = recordOf(
      classifyStudentDay(input({ events: [enter('09:10'), exit('09:20'), enter('10:00'), exit('10:31')] })),
    );
    assert.equal(r.status, 'partial');
    assert.ok(r.flags.includes('late') && r.flags.includes('extended_break'));
  });
  it('verified, late, with a break, out of order and duplicated', () => {
    const evs = [
      enter('09:07'),
      ev({ at: '09:07:03', source: 'face', dir: 'unknown' }),
      exit('09:40'),
      enter('09:50'),
      exit('10:31'),
    ];
    const r = recordOf(classifyStudentDay(input({ events: [...evs, ...evs].reverse() })));
    assert.equal(r.status, 'late');
    assert.deepEqual(r.flags, ['verified', 'late', 'break']);
  });
  it('explanations carry the thresholds used and the event ids', () => {
    const e = enter('09:10');
    const r = recordOf(classifyStudentDay(input({ events: [e, exit('10:31')] })));
    const late = r.explanations.find((x) => x.rule === 'late_arrival')!;
    assert.deepEqual(late.thresholds, { graceSec: 300, absentAfterSec: 1800 });
    assert.deepEqual(late.eventIds, [e.eventId]);
  });
  it('events of other students in the input are ignored', () => {
    const r = recordOf(
      classifyStudentDay(
        input({ events: [enter('08:58', { student: 'S2' }), exit('10:31', { student: 'S2' })] }),
      ),
    );
    assert.equal(r.status, 'absent');
  });
  it('start boundary: entry exactly at start is on time with full minutes', () => {
    const r = recordOf(classifyStudentDay(input({ events: [enter(start), exit(end)] })));
    assert.equal(r.status, 'present');
    assert.equal(r.minutesPresent, 90);
  });
});
