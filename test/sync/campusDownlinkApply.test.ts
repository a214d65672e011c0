import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { configSchema, type Config } from '../../gateway/config/schema.ts';
import { GatewayCore } from '../../gateway/gatewayCore.ts';
import type { GateInfo } from '../../gateway/pipeline/ingestPipeline.ts';
import { applyConfigVersion, type ConfigUpdate } from '../../gateway/syncServices.ts';
import { ManualClock, systemClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../kernel/log.ts';
import { importCampus } from '../../sync/campus/campusImport.ts';
import { CampusConfigPublisher } from '../../sync/campus/configPublisher.ts';
import { MqttRetainedSink } from '../../sync/campus/mqttRetainedSink.ts';
import { SqliteCampusStore } from '../../sync/campus/sqliteCampusStore.ts';
import { ConfigDownlink } from '../../sync/configDownlink.ts';
import type { ConfigKind } from '../../sync/topics.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { waitFor } from './fixtures/waitFor.ts';

const T = (hhmm: string): number => Date.parse(`2026-03-16T${hhmm}Z`);
const GATE_A: GateInfo = { gateId: 'A-IN', hallId: 'HALL-A', direction: 'enter' };
const GATE_B: GateInfo = { gateId: 'B-IN', hallId: 'HALL-B', direction: 'enter' };

/**
 * The centre's campus, imported as an admin would (CSV), published by the
 * real publisher over a real Mosquitto to a real gateway core (SQLite file,
 * ingest pipeline) through its configuration downlink and applyConfigVersion,
 * as the daemon wires them.
 */
describe('central campus applied by a gateway (import -> publisher -> Mosquitto -> downlink -> rules)', () => {
  const dir = tempDir();
  const campus = new SqliteCampusStore(join(dir, 'central.db'));
  const gwClock = new ManualClock(T('08:00:00'));
  let broker: Mosquitto;
  let sink: MqttRetainedSink;
  let publisher: CampusConfigPublisher;
  let cfg: Config;
  let core: GatewayCore;
  let downlink: ConfigDownlink;

  const imp = async (kind: 'roster' | 'enrolments' | 'timetable' | 'courses', csv: string) => {
    const r = await importCampus(campus, kind, csv, `${kind}.csv`);
    assert.deepEqual(r.errors, [], kind);
  };
  /** Publishes kinds and waits until the gateway applied exactly the versions the centre published. */
  const publishAndApply = async (kinds: ConfigKind[]) => {
    await publisher.publish(kinds);
    const published = await campus.configVersions();
    await waitFor(
      () => kinds.every((k) => downlink.appliedVersions()[k] === published[k]),
      `gateway applied ${kinds.join(', ')}`,
      60_000,
    );
  };

  before(async () => {
    broker = await Mosquitto.start();
    await campus.start();
    await imp(
      'roster',
      'student_id,name,card_uid\nS1,Ada,AAAA0001\nS1,Ada,aaaa0002\nS2,Bob,BBBB0001\nS3,Cy,CCCC0001\n',
    );
    await imp(
      'timetable',
      'session_id,course_id,hall_id,start,end\n' +
        'CA-1,CA,HALL-A,2026-03-16T09:00:00Z,2026-03-16T10:30:00Z\n' +
        'CB-1,CB,HALL-B,2026-03-16T09:00:00Z,2026-03-16T10:30:00Z\n',
    );
    await imp('enrolments', 'student_id,course_id\nS1,CA\nS2,CB\nS3,CA\n');
    await campus.upsertGateway({ site: 'campus', gatewayId: 'gw-1', hallIds: ['HALL-A', 'HALL-B'] });
    sink = new MqttRetainedSink({ url: broker.url }, silentLogger());
    await sink.start();
    publisher = new CampusConfigPublisher({
      campus,
      sink,
      clock: new ManualClock(1_000),
      log: silentLogger(),
    });
    cfg = configSchema.parse({
      gateway: { id: 'gw-1', site: 'campus' },
      store: { path: join(dir, 'gw.db') },
    });
    core = new GatewayCore(cfg, gwClock, silentLogger());
    downlink = new ConfigDownlink(
      { url: broker.url, site: 'campus', gatewayId: 'gw-1' },
      {
        db: core.store.db,
        log: silentLogger(),
        clock: systemClock,
        apply: (kind, _version, data) =>
          applyConfigVersion(core, cfg, { kind, data } as ConfigUpdate, gwClock.now()),
      },
    );
    await downlink.start();
    await publishAndApply(['roster', 'enrolments', 'timetable', 'thresholds']);
  });
  after(async () => {
    await downlink?.stop();
    await core?.close();
    await sink?.stop();
    await campus.stop();
    await broker?.close();
  });

  it('publishes every card of a student; the gateway accepts a swipe of any of them', async () => {
    assert.deepEqual((await campus.student('S1'))?.cardUids, ['AAAA0001', 'AAAA0002']);
    for (const card of ['AAAA0001', 'AAAA0002', 'BBBB0001']) assert.ok(core.store.studentByCard(card), card);
    gwClock.set(T('08:50:00'));
    const swipe = (uid: string, ts: number) => core.pipeline.ingest({ kind: 'swipe', uid, ts, gate: GATE_A });
    const first = swipe('AAAA0001', T('08:50:00'));
    const second = swipe('AAAA0002', T('08:51:00'));
    assert.deepEqual([first.kind, second.kind], ['accepted', 'accepted']);
    assert.equal(first.kind === 'accepted' && first.event.studentId, 'S1');
    assert.equal(second.kind === 'accepted' && second.event.studentId, 'S1');
    assert.equal(swipe('DDDD0001', T('08:52:00')).kind, 'invalid');

    // The centre takes S1's second card away: the next roster version no longer accepts it.
    await campus.upsertStudents([{ studentId: 'S1', name: 'Ada', cardUids: ['AAAA0001'] }]);
    await publishAndApply(['roster']);
    assert.equal(core.store.studentByCard('AAAA0002'), undefined);
    const gone = swipe('AAAA0002', T('08:53:00'));
    assert.equal(gone.kind, 'invalid');
    assert.equal(swipe('AAAA0001', T('08:54:00')).kind, 'accepted');
  });

  it("a per-course threshold change is published and decides that course's sessions only", async () => {
    // CA gets a 10-minute grace centrally; CB keeps the default (5 minutes).
    await imp('courses', 'course_id,name,overrides\nCA,Algebra,"{""graceSec"":600}"\n');
    await publishAndApply(['thresholds']);
    assert.deepEqual(core.store.courseOverrides(), { CA: { graceSec: 600 } });
    // The same arrival, exactly start + 600 s, in both halls: on time in CA, late in CB.
    gwClock.set(T('09:10:00'));
    for (const [uid, gate] of [
      ['CCCC0001', GATE_A],
      ['BBBB0001', GATE_B],
    ] as const)
      assert.equal(core.pipeline.ingest({ kind: 'swipe', uid, ts: T('09:10:00'), gate }).kind, 'accepted');
    core.pipeline.finaliseEnded(T('08:00:00'), T('11:00:00'));
    const s3 = core.store.getRecord('S3', 'CA-1');
    const s2 = core.store.getRecord('S2', 'CB-1');
    assert.equal(s3?.status, 'present', JSON.stringify(s3?.explanations));
    assert.equal(s2?.status, 'late', JSON.stringify(s2?.explanations));
    assert.ok(s3.explanations.some((e) => e.thresholds.graceSec === 600));
    assert.ok(s2.explanations.some((e) => e.thresholds.graceSec === 300));

    // Removing the override centrally publishes a version that removes it at the gateway.
    await imp('courses', 'course_id,name,overrides\nCA,Algebra,\n');
    await publishAndApply(['thresholds']);
    assert.deepEqual(core.store.courseOverrides(), {});
  });
});
