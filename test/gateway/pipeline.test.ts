import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.ts';
import { configSchema } from '../../gateway/config/schema.ts';
import { GatewayCore } from '../../gateway/gatewayCore.ts';
import { silentLogger } from '../../kernel/log.ts';
import type { GateInfo, IngestInput } from '../../gateway/pipeline/ingestPipeline.ts';
import { Spool } from '../../gateway/pipeline/spool.ts';
import { tempDir } from '../helpers/tempDir.ts';

const dir = tempDir();
const T = (hhmm: string): number => Date.parse(`2026-03-19T${hhmm}:00Z`);
const IN: GateInfo = { gateId: 'A-IN', hallId: 'HALL-A', direction: 'enter' };
const OUT: GateInfo = { gateId: 'A-OUT', hallId: 'HALL-A', direction: 'exit' };
const CARDS: Record<string, string> = { S1: '00000000A1', S2: '00000000B2', S3: '00000000C3' };

let n = 0;
/** A gateway core on a fresh SQLite file with a small campus: C101 09:00-10:30 in HALL-A, C102 same time in HALL-B. */
function setup(): { core: GatewayCore; clock: ManualClock } {
  const clock = new ManualClock(T('08:00'));
  const cfg = configSchema.parse({ store: { path: join(dir, `p${n++}.db`) } });
  const core = new GatewayCore(cfg, clock, silentLogger());
  const s = core.store;
  s.tx(() => {
    for (const [id, card] of Object.entries(CARDS))
      s.upsertStudent({ studentId: id, name: id, cardUid: card }, 0);
    s.upsertCourse({ courseId: 'C101', name: 'Algorithms', overrides: {} });
    s.upsertCourse({ courseId: 'C102', name: 'Databases', overrides: {} });
    s.upsertEnrolment('S1', 'C101');
    s.upsertEnrolment('S2', 'C101');
    s.upsertEnrolment('S3', 'C102');
    s.upsertSession({
      sessionId: 'L1',
      courseId: 'C101',
      hallId: 'HALL-A',
      start: T('09:00'),
      end: T('10:30'),
    });
    s.upsertSession({
      sessionId: 'L2',
      courseId: 'C102',
      hallId: 'HALL-B',
      start: T('09:00'),
      end: T('10:30'),
    });
  });
  core.rebuildBloom();
  return { core, clock };
}
const swipe = (student: string, hhmm: string, gate: GateInfo = IN): IngestInput => ({
  kind: 'swipe',
  uid: CARDS[student] ?? student,
  ts: T(hhmm),
  gate,
});

describe('ingest pipeline', () => {
  const cases: { name: string; swipes: IngestInput[]; until: string; expect: Record<string, string> }[] = [
    {
      name: 'on time and stays',
      swipes: [swipe('S1', '08:58'), swipe('S1', '10:31', OUT)],
      until: '11:00',
      expect: { 'S1/L1': 'present', 'S2/L1': 'absent' },
    },
    {
      name: 'late arrival',
      swipes: [swipe('S1', '09:12'), swipe('S1', '10:31', OUT)],
      until: '11:00',
      expect: { 'S1/L1': 'late' },
    },
    {
      name: 'wrong hall',
      swipes: [swipe('S3', '09:00'), swipe('S3', '10:30', OUT)],
      until: '11:00',
      expect: { 'S3/L1': 'unauthorized', 'S3/L2': 'absent' },
    },
  ];
  for (const c of cases) {
    it(`classifies: ${c.name}`, async () => {
      const { core, clock } = setup();
      for (const s of c.swipes) {
        clock.set(s.kind === 'swipe' ? s.ts : clock.now());
        assert.equal(core.pipeline.ingest(s).kind, 'accepted');
      }
      core.pipeline.finaliseEnded(T('08:00'), T(c.until));
      for (const [key, status] of Object.entries(c.expect)) {
        const [student, session] = key.split('/') as [string, string];
        const r = core.store.getRecord(student, session);
        assert.equal(r?.status, status, `${key}: ${JSON.stringify(r?.explanations)}`);
        assert.ok(r.explanations.length > 0);
      }
      await core.close();
    });
  }

  it('writes no record for a later lecture the student has not been seen in until it ends', async () => {
    const { core, clock } = setup();
    const L3 = { sessionId: 'L3', courseId: 'C101', hallId: 'HALL-A', start: T('13:00'), end: T('14:30') };
    core.store.tx(() => core.store.upsertSession(L3));
    clock.set(T('08:58'));
    assert.equal(core.pipeline.ingest(swipe('S1', '08:58')).kind, 'accepted');
    core.pipeline.settle();
    // Seen in L1 (not over: pending, with the arrival); nothing seen of L3 and nothing to say yet.
    assert.equal(core.store.getRecord('S1', 'L1')?.status, 'pending');
    assert.equal(core.store.getRecord('S1', 'L1')?.eventIds.length, 1);
    assert.equal(core.store.getRecord('S1', 'L3'), undefined);
    // Its end decides it.
    core.pipeline.finaliseEnded(T('08:00'), T('15:00'));
    assert.equal(core.store.getRecord('S1', 'L3')?.status, 'absent');

    // A blank decision still brings a stored record up to date; it only creates none.
    // (S3 is not enrolled in C101, so the sweep made no record of it in L3.)
    const blank = {
      studentId: 'S3',
      sessionId: 'L3',
      courseId: 'C101',
      hallId: 'HALL-A',
      status: 'pending' as const,
      minutesPresent: 0,
      intervals: [],
      flags: [],
      explanations: [{ rule: 'status', text: 'pending', thresholds: {}, eventIds: [] }],
      eventIds: [],
    };
    assert.equal(core.store.decideRecord(blank, T('12:00'), true), 'unchanged');
    assert.equal(core.store.saveRecord({ ...blank, status: 'late' }, T('12:00')), 'inserted');
    const d = core.store.decideRecord(blank, T('12:00'), true);
    assert.ok(typeof d !== 'string' && d.outcome === 'updated');
    await core.close();
  });

  it('rejects an unknown card as an invalid attempt, keeping the raw event', async () => {
    const { core } = setup();
    const r = core.pipeline.ingest(swipe('FFFFFFFFFF', '09:01'));
    assert.equal(r.kind, 'invalid');
    assert.equal(r.kind === 'invalid' && r.attempt.reason, 'unknown_badge');
    assert.equal(core.store.listInvalid('2026-03-19').length, 1);
    assert.equal(core.store.counts().events, 1);
    assert.equal(core.pipeline.stats().bloomRejected + core.pipeline.stats().bloomFalsePositives, 1);
    await core.close();
  });

  it('never admits a Bloom false positive: a positive is confirmed against the roster', async () => {
    const { core } = setup();
    core.bloom.add('DEADBEEF00'); // the filter now says "maybe" for a card no student holds
    const r = core.pipeline.ingest(swipe('DEADBEEF00', '09:01'));
    assert.equal(r.kind, 'invalid');
    assert.equal(r.kind === 'invalid' && r.bloomFalsePositive, true);
    assert.equal(core.pipeline.stats().bloomFalsePositives, 1);
    await core.close();
  });

  it('stores a replayed swipe once', async () => {
    const { core } = setup();
    assert.equal(core.pipeline.ingest(swipe('S1', '09:00')).kind, 'accepted');
    assert.equal(core.pipeline.ingest(swipe('S1', '09:00')).kind, 'duplicate');
    assert.equal(core.store.counts().events, 1);
    await core.close();
  });

  it('reclassifies when a late, out-of-order event arrives, bumping the record version', async () => {
    const { core, clock } = setup();
    clock.set(T('10:40'));
    core.pipeline.ingest(swipe('S1', '09:20'));
    core.pipeline.finaliseEnded(T('08:00'), T('10:40'));
    const first = core.store.getRecord('S1', 'L1')!;
    assert.equal(first.status, 'late');
    core.pipeline.ingest(swipe('S1', '08:59')); // an earlier swipe delivered late
    core.pipeline.settle(); // its decision, made on the classifier thread, is written
    const second = core.store.getRecord('S1', 'L1')!;
    assert.equal(second.status, 'present');
    assert.ok(second.version > first.version);
    await core.close();
  });

  it('spools inputs when the disk is full, keeps running, and replays them once there is room', async () => {
    const { core, clock } = setup();
    core.pipeline.attachSpool(new Spool<IngestInput>(join(dir, `spool-${n}.jsonl`), silentLogger()));
    clock.set(T('09:00'));
    const pages = core.store.db.pragma('page_count', { simple: true }) as number;
    core.store.db.pragma(`max_page_count = ${pages}`); // SQLite now answers SQLITE_FULL
    const burst = Array.from({ length: 50 }, (_, i) => swipe('S1', `09:${String(i).padStart(2, '0')}`));
    const results = core.pipeline.ingestMany(burst);
    assert.ok(
      results.every((r) => r.kind === 'deferred'),
      'all deferred',
    );
    const first = results[0]!;
    assert.match(first.kind === 'deferred' ? first.error : '', /full/);
    assert.equal(core.pipeline.stats().storeErrors, 1);
    assert.equal(core.pipeline.replaySpool(), 0, 'still full');
    core.store.db.pragma('max_page_count = 1073741823');
    assert.equal(core.pipeline.replaySpool(), 50);
    assert.equal(core.store.counts().events, 50);
    assert.equal(core.pipeline.replaySpool(), 0, 'spool empty');
    await core.close();
  });
});
