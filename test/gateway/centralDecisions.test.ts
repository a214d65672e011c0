import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../kernel/log.ts';
import { IngestPipeline } from '../../gateway/pipeline/ingestPipeline.ts';
import { applyCentralDecisions, type Redecide } from '../../gateway/store/centralDecisions.ts';
import { LocalStore } from '../../gateway/store/localStore.ts';
import { RosterBloom } from '../../gateway/validation/rosterBloom.ts';
import { UniqueCounter } from '../../gateway/validation/uniqueCounter.ts';
import { defaultThresholds } from '../../rules/defaultThresholds.ts';
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

/** The daemon's pipeline on the store, as syncServices wires it: its clock set by the test. */
function pipelineOn(store: LocalStore, clock: ManualClock): IngestPipeline {
  const bloom = new RosterBloom(0.01);
  bloom.rebuild(['C1', 'C2']);
  return new IngestPipeline({
    store,
    bloom,
    counter: new UniqueCounter(store, 12),
    thresholds: defaultThresholds,
    clock,
    log: silentLogger(),
  });
}

/** Nothing is withdrawn in these cases: deciding again would be a defect. */
const noRedecide: Redecide = () => assert.fail('nothing was withdrawn');

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
    assert.deepEqual(applyCentralDecisions(s, [decision()], T - H, noRedecide), {
      applied: 1,
      unchanged: 0,
      withdrawn: 0,
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
    assert.deepEqual(applyCentralDecisions(s, [decision()], T + 2 * H, noRedecide), {
      applied: 0,
      unchanged: 1,
      withdrawn: 0,
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
      noRedecide,
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

  it('a withdrawn excuse is dropped and the engine decides the record again as its next version', () => {
    const s = storeWithCampus();
    const clock = new ManualClock(T - H);
    const pipeline = pipelineOn(s, clock);
    const redecide: Redecide = (studentId, day) => pipeline.redecide(studentId, day, clock.now());
    // S1 excused before the session; S2 excused too, then a reviewer here changed S2's record.
    applyCentralDecisions(s, [decision(), decision({ studentId: 'S2' })], clock.now(), redecide);
    clock.set(T + 5 * 60_000);
    const gate = { gateId: 'G1', hallId: 'HALL-A', direction: 'enter' as const };
    assert.equal(pipeline.ingest({ kind: 'swipe', uid: 'C1', ts: clock.now(), gate }).kind, 'accepted');
    pipeline.settle();
    assert.equal(s.getRecord('S1', 'CS-1')!.status, 'excused', 'the swipe does not overwrite the excuse');
    s.resolveManually('S2', 'CS-1', 'present', 'seen in the hall', 'porter', clock.now());
    const before = s.getRecord('S1', 'CS-1')!.version;
    const outboxBefore = s.counts().outbox;

    // The next decisions version no longer holds either excuse.
    clock.set(T + 2 * H);
    assert.deepEqual(applyCentralDecisions(s, [], clock.now(), redecide), {
      applied: 0,
      unchanged: 0,
      withdrawn: 1,
      skipped: [],
    });
    const rec = s.getRecord('S1', 'CS-1')!;
    assert.deepEqual([rec.status, rec.manual, rec.version], ['present', false, before + 1]);
    assert.deepEqual(rec.eventIds.length, 1, 'decided from the swipe');
    assert.ok(s.counts().outbox > outboxBefore, 'the re-decided version is queued for the aggregator');
    const s2 = s.getRecord('S2', 'CS-1')!;
    assert.deepEqual([s2.status, s2.manual], ['present', true], "the gateway reviewer's decision stays");
    // Redelivered, the empty version changes nothing more.
    assert.equal(applyCentralDecisions(s, [], clock.now(), noRedecide).withdrawn, 0);
    assert.equal(s.getRecord('S1', 'CS-1')!.version, before + 1);
    s.close();
  });

  it('an excuse withdrawn before the session leaves an undecided record, absent once the session ended', () => {
    const s = storeWithCampus();
    const clock = new ManualClock(T - 2 * H);
    const pipeline = pipelineOn(s, clock);
    const redecide: Redecide = (studentId, day) => pipeline.redecide(studentId, day, clock.now());
    applyCentralDecisions(s, [decision()], clock.now(), redecide);
    clock.set(T - H);
    assert.equal(applyCentralDecisions(s, [], clock.now(), redecide).withdrawn, 1);
    const rec = s.getRecord('S1', 'CS-1')!;
    assert.deepEqual([rec.status, rec.manual, rec.version], ['pending', false, 3]);
    assert.equal(pipeline.finaliseEnded(T, T + H + 60_000), 2, 'S1 and S2 decided at the end');
    assert.equal(s.getRecord('S1', 'CS-1')!.status, 'absent');
    s.close();
  });
});
