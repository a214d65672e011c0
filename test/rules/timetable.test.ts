import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultThresholds } from '../../rules/index.ts';
import { buildTimetable } from '../../rules/timetable.ts';
import type { LectureSession } from '../../rules/types.ts';
import { at, session } from './factories.ts';

const ids = (list: readonly LectureSession[]): string[] => list.map((s) => s.sessionId);

describe('timetable of a student', () => {
  it('keeps enrolled sessions and every session in a hall the student was seen in, ordered, once each', () => {
    const sessions = [
      session({ sessionId: 'L3', courseId: 'C2', hallId: 'H2', start: at('11:00'), end: at('12:00') }),
      session({ sessionId: 'L1', courseId: 'C1', hallId: 'H1' }),
      session({ sessionId: 'L2', courseId: 'C9', hallId: 'H1', start: at('13:00'), end: at('14:00') }),
      session({ sessionId: 'L4', courseId: 'C9', hallId: 'H9', start: at('08:00'), end: at('09:00') }),
    ];
    const t = buildTimetable(sessions, ['C1', 'C2'], new Set(['H1']), defaultThresholds, undefined);
    assert.deepEqual(ids(t.all), ['L1', 'L3', 'L2']);
    assert.deepEqual(ids(t.enrolled), ['L1', 'L3']);
    assert.deepEqual(ids(t.byHall.get('H1') ?? []), ['L1', 'L2']);
  });

  it('sees a session added to the same array after an earlier call (the grouping is redone)', () => {
    const sessions = [session({ sessionId: 'L1', courseId: 'C1' })];
    assert.deepEqual(
      ids(buildTimetable(sessions, ['C1'], new Set(), defaultThresholds, undefined).enrolled),
      ['L1'],
    );
    sessions.push(session({ sessionId: 'L0', courseId: 'C1', start: at('07:00'), end: at('08:00') }));
    assert.deepEqual(
      ids(buildTimetable(sessions, ['C1'], new Set(), defaultThresholds, undefined).enrolled),
      ['L0', 'L1'],
    );
  });
});
