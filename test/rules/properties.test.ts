import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { classifyStudentDay } from '../../rules/index.ts';
import type { AttendanceRecord, IdentityEvent, StudentDayInput } from '../../rules/types.ts';
import { at, input, session, shuffled } from './factories.ts';

const sessions = [
  session(),
  session({ sessionId: 'L2', courseId: 'C2', hallId: 'H2', start: at('10:35'), end: at('12:00') }),
  session({ sessionId: 'L3', courseId: 'C3', hallId: 'H3', start: at('10:00'), end: at('11:00') }),
  session({ sessionId: 'L4', courseId: 'C1', hallId: 'H1', start: at('10:30'), end: at('11:15') }),
  session({ sessionId: 'X', courseId: 'C9', hallId: 'H1', start: at('11:20'), end: at('12:30') }),
];

const eventArb = fc.record({
  sec: fc.integer({ min: 0, max: 5 * 3600 }),
  dir: fc.constantFrom<'enter' | 'exit' | 'unknown'>('enter', 'exit', 'unknown'),
  source: fc.constantFrom<'rfid' | 'face'>('rfid', 'face'),
  hall: fc.constantFrom('H1', 'H2', 'H3', 'H4'),
  gate: fc.constantFrom('G1', 'G2'),
  confidence: fc.constantFrom(0.5, 0.6, 0.95),
});

function toEvents(specs: EventSpec[], student = 'S1', prefix = 'e'): IdentityEvent[] {
  return specs.map((s, i) => {
    const e: IdentityEvent = {
      eventId: `${prefix}${i}`,
      source: s.source,
      studentId: student,
      rawId: s.source === 'rfid' ? `card-${student}` : student,
      gateId: `${s.hall}-${s.gate}`,
      hallId: s.hall,
      direction: s.dir,
      ts: at('08:30') + s.sec * 1000,
    };
    if (s.source === 'face') e.confidence = s.confidence;
    return e;
  });
}

type EventSpec = typeof eventArb extends fc.Arbitrary<infer T> ? T : never;

const dayArb = fc.record({
  events: fc.array(eventArb, { maxLength: 30 }),
  others: fc.array(eventArb, { maxLength: 6 }),
  enrolled: fc.subarray(['C1', 'C2', 'C3']),
  nowSec: fc.oneof(fc.constant(16 * 3600), fc.integer({ min: 0, max: 5 * 3600 })),
  missingExit: fc.constantFrom<'until_end' | 'flag'>('until_end', 'flag'),
});

type DaySpec = typeof dayArb extends fc.Arbitrary<infer T> ? T : never;

/** A day as the gateway sees it at "now": only events that already happened. */
function build(d: DaySpec): StudentDayInput {
  const now = at('08:30') + d.nowSec * 1000;
  return input({
    sessions,
    enrolledCourseIds: d.enrolled,
    events: toEvents(d.events).filter((e) => e.ts <= now),
    otherFaceEvents: toEvents(d.others, 'S2', 'o')
      .filter((e) => e.ts <= now)
      .map((e) => ({ ...e, source: 'face' as const, confidence: 0.9 })),
    now,
    th: { missingExit: d.missingExit },
  });
}

const decisive = (r: AttendanceRecord) => [r.sessionId, r.status, r.minutesPresent, r.intervals, r.flags];

describe('properties', () => {
  it('shuffling events (and sessions) does not change the result', () => {
    fc.assert(
      fc.property(dayArb, fc.nat(), (d, seed) => {
        const inp = build(d);
        const a = classifyStudentDay(inp);
        const b = classifyStudentDay({
          ...inp,
          events: shuffled(inp.events, seed),
          sessions: shuffled(inp.sessions, seed + 1),
          otherFaceEvents: shuffled(inp.otherFaceEvents ?? [], seed + 2),
        });
        assert.deepEqual(b, a);
      }),
      { numRuns: 300 },
    );
  });

  it('adding a copy of an event (same eventId) does not change the result', () => {
    fc.assert(
      fc.property(dayArb, fc.nat(), (d, k) => {
        const inp = build(d);
        fc.pre(inp.events.length > 0);
        const dup = inp.events[k % inp.events.length]!;
        assert.deepEqual(
          classifyStudentDay({ ...inp, events: [...inp.events, { ...dup }] }),
          classifyStudentDay(inp),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('adding a repeat under a new eventId at the same instant does not change any decision', () => {
    fc.assert(
      fc.property(dayArb, fc.nat(), (d, k) => {
        const inp = build(d);
        fc.pre(inp.events.length > 0);
        const orig = inp.events[k % inp.events.length]!;
        // Same instant, id sorting right after the original: a reader repeating itself.
        const repeat = { ...orig, eventId: `${orig.eventId}~repeat` };
        const a = classifyStudentDay(inp).records.map(decisive);
        const b = classifyStudentDay({ ...inp, events: [...inp.events, repeat] }).records.map(decisive);
        assert.deepEqual(b, a);
      }),
      { numRuns: 300 },
    );
  });

  it('every enrolled session of the day comes out exactly once; other records are unauthorized or review', () => {
    fc.assert(
      fc.property(dayArb, (d) => {
        const inp = build(d);
        const { records } = classifyStudentDay(inp);
        const enrolled = sessions.filter((s) => d.enrolled.includes(s.courseId)).map((s) => s.sessionId);
        for (const id of enrolled) assert.equal(records.filter((r) => r.sessionId === id).length, 1, id);
        for (const r of records.filter((x) => !enrolled.includes(x.sessionId))) {
          assert.ok(r.status === 'unauthorized' || r.status === 'review', `${r.sessionId} ${r.status}`);
          assert.ok(
            r.sessionId === 'X' || r.sessionId.startsWith('none:') || !d.enrolled.includes(r.courseId),
            r.sessionId,
          );
        }
        assert.equal(new Set(records.map((r) => r.sessionId)).size, records.length);
        for (const r of records) {
          const s = sessions.find((x) => x.sessionId === r.sessionId);
          const ms = r.intervals.reduce((sum, i) => sum + (i.to - i.from), 0);
          assert.equal(r.minutesPresent, Math.floor(ms / 60000));
          for (const i of r.intervals) {
            assert.ok(i.from <= i.to && i.to <= inp.now);
            if (s)
              assert.ok(i.from >= s.start && i.to <= s.end, `${r.sessionId} interval outside the session`);
          }
          if (s && inp.now < s.end)
            assert.ok(['pending', 'late', 'review', 'unauthorized'].includes(r.status), r.status);
        }
      }),
      { numRuns: 300 },
    );
  });
});
