import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { applyCentralDecisions } from '../../gateway/store/centralDecisions.ts';
import { LocalStore } from '../../gateway/store/localStore.ts';
import { tempDir } from '../helpers/tempDir.ts';

const T = Date.parse('2026-03-16T09:00:00Z');
const H = 3_600_000;

function storeWithCampus(): LocalStore {
  const s = LocalStore.open(join(tempDir(), 'gw.db'), 0);
  s.upsertStudent({ studentId: 'S1', name: 'Ada', cardUid: 'C1' }, 0);
  s.upsertStudent({ studentId: 'S2', name: 'Bob', cardUid: 'C2' }, 0);
  s.upsertCourse({ courseId: 'CS101', name: '', overrides: {} });
  s.upsertEnrolment('S1', 'CS101');
  s.upsertEnrolment('S2', 'CS101');
  s.upsertHall('HALL-A');
  s.upsertSession({ sessionId: 'CS-1', courseId: 'CS101', hallId: 'HALL-A', start: T, end: T + H });
  return s;
}

const decision = (over: Partial<Parameters<typeof applyCentralDecisions>[1][number]> = {}) => ({
  studentId: 'S1',
  sessionId: 'CS-1',
  courseId: 'CS101',
  hallId: 'HALL-A',
  status: 'excused' as 'excused' | 'present',
  note: 'flu',
  by: 'registrar',
  decidedAt: T - H,
  ...over,
});

const engine = (studentId: string, status: 'present' | 'late') => ({
  studentId,
  sessionId: 'CS-1',
  courseId: 'CS101',
  hallId: 'HALL-A',
  status,
  minutesPresent: 60,
  intervals: [{ from: T, to: T + H }],
  flags: [],
  explanations: [{ rule: status, text: `engine: ${status}`, thresholds: {}, eventIds: [] }],
  eventIds: [],
});

describe('central decisions applied at the gateway', () => {
  it('keeps an excuse given before the session as a manual decision the engine never overwrites', () => {
    const s = storeWithCampus();
    assert.deepEqual(applyCentralDecisions(s, [decision()], T - H), {
      applied: 1,
      unchanged: 0,
      skipped: [],
    });
    const rec = s.getRecord('S1', 'CS-1')!;
    assert.equal(rec.status, 'excused');
    assert.equal(rec.manual, true);
    assert.equal(rec.note, 'flu (by registrar)');
    assert.equal(rec.version, 2, 'a placeholder version, then the decision');
    // A later swipe's engine decision leaves it alone.
    assert.equal(s.saveRecord(engine('S1', 'present'), T + H), 'manual');
    assert.equal(s.getRecord('S1', 'CS-1')!.status, 'excused');
    // The same version redelivered changes nothing.
    assert.deepEqual(applyCentralDecisions(s, [decision()], T + 2 * H), {
      applied: 0,
      unchanged: 1,
      skipped: [],
    });
    assert.equal(s.getRecord('S1', 'CS-1')!.version, 2);
    s.close();
  });

  it("resolves an engine record centrally as its next version, queued for sync; one bad decision doesn't stop the rest", () => {
    const s = storeWithCampus();
    s.saveRecord(engine('S2', 'late'), T + H);
    const out = applyCentralDecisions(
      s,
      [
        decision({ studentId: 'S2', status: 'present', note: 'bus strike', by: 'ann' }),
        decision({ studentId: 'S9', sessionId: 'NOPE', note: 'x' }),
      ],
      T + 2 * H,
    );
    assert.equal(out.applied, 1);
    assert.equal(out.skipped.length, 1);
    assert.equal(out.skipped[0]!.sessionId, 'NOPE');
    const rec = s.getRecord('S2', 'CS-1')!;
    assert.deepEqual([rec.status, rec.version, rec.manual], ['present', 2, true]);
    assert.equal(rec.explanations.at(-1)!.text, 'set to present by ann: bus strike');
    assert.ok(s.counts().outbox >= 2, 'both versions queued for the aggregator');
    s.close();
  });
});
