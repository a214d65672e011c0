import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { configSchema } from '../../gateway/config/schema.ts';
import { GatewayCore } from '../../gateway/gatewayCore.ts';
import { LiveReload } from '../../gateway/liveReload.ts';
import { LocalStore } from '../../gateway/store/localStore.ts';
import { ManualClock, systemClock } from '../../kernel/clock.ts';
import { createLogger } from '../../kernel/log.ts';
import { Aggregator } from '../../sync/aggregator/aggregator.ts';
import { SqliteCentralStore } from '../../sync/aggregator/sqliteCentralStore.ts';
import { Outbox } from '../../sync/outbox.ts';
import { Uplink } from '../../sync/uplink.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { outboxDepth } from './fixtures/gatewayDb.ts';
import { waitFor } from './fixtures/waitFor.ts';

const dir = tempDir();
const log = createLogger({ level: 'silent' });
const WAIT = 60_000;
const T0 = Date.UTC(2026, 0, 14, 9, 0, 0);
const DAY = '2026-01-14';
const LECTURE = { sessionId: 'C1-a', courseId: 'C1', hallId: 'H1', start: T0, end: T0 + 90 * 60_000 };
const KNOWN = '00000000A1';
const NEW_CARD = '00000000B2';

/** Issue 16: an unknown badge decided again after enrolment no longer counts as an invalid attempt centrally. */
describe('a superseded invalid attempt is dropped centrally', () => {
  let broker: Mosquitto;
  let central: SqliteCentralStore;
  let aggregator: Aggregator;
  let core: GatewayCore;
  let uplink: Uplink;
  const clock = new ManualClock(T0 + 5 * 60_000);
  const path = join(dir, 'gw.db');

  const swipe = (uid: string, ts: number) =>
    core.pipeline.ingest({
      kind: 'swipe',
      uid,
      ts,
      gate: { gateId: 'H1-door', hallId: 'H1', direction: 'enter' },
    });
  const synced = async () => {
    uplink.notify();
    await waitFor(() => outboxDepth(core.store.db) === 0, 'outbox drained', WAIT);
  };

  before(async () => {
    broker = await Mosquitto.start();
    central = new SqliteCentralStore(join(dir, 'central.db'));
    await central.start();
    aggregator = new Aggregator(
      { url: broker.url, group: 'agg' },
      { store: central, log, clock: new ManualClock(T0 + 6 * 3600_000) },
    );
    let ready = false;
    aggregator.on('subscribed', () => (ready = true));
    await aggregator.start();
    await waitFor(() => ready, 'aggregator subscribed', WAIT);

    core = new GatewayCore(
      configSchema.parse({ store: { path }, pipeline: { classifierThread: false } }),
      clock,
      log,
    );
    core.store.tx(() => {
      core.store.upsertStudent({ studentId: 'S1', name: 'Ann', cardUid: KNOWN }, 0);
      core.store.upsertEnrolment('S1', 'C1');
      core.store.upsertSession(LECTURE);
    });
    core.rebuildBloom();
    const outbox = new Outbox(
      core.store.outboxQueue,
      { maxRows: 1e6, minDiskFreeBytes: 0 },
      { log, clock: systemClock },
    );
    uplink = new Uplink(
      { url: broker.url, site: 'campus', gatewayId: 'gw-1', version: 't', lingerMs: 10, pollMs: 20 },
      { outbox, log, clock: systemClock },
    );
    await uplink.start();
  });
  after(async () => {
    await uplink.stop();
    await core.close();
    await aggregator.stop();
    await central.stop();
    await broker.close();
  });

  it('the gateway sends the supersession and the central store forgets the attempt', async () => {
    const reload = new LiveReload({ pollMs: 3_600_000 }, { core, clock, log });
    await reload.start();
    swipe(KNOWN, T0 + 60_000);
    swipe(NEW_CARD, T0 + 120_000);
    core.pipeline.settle();
    await synced();
    assert.deepEqual(
      (await central.invalidAttemptsByDay(DAY)).map((i) => [i.rawId, i.reason]),
      [[NEW_CARD, 'unknown_badge']],
    );

    // `hallgate import` in another process enrols the card's student.
    const other = LocalStore.open(path, clock.now());
    other.tx(() => {
      other.upsertStudent({ studentId: 'S2', name: 'Bo', cardUid: NEW_CARD }, clock.now());
      other.upsertEnrolment('S2', 'C1');
      other.setMeta('roster_version', String(clock.now()));
    });
    other.close();
    assert.equal(reload.poll(), 1);
    await reload.stop();
    core.pipeline.settle();
    await synced();

    assert.deepEqual(await central.invalidAttemptsByDay(DAY), []);
    assert.equal((await central.counts()).invalid, 0);
    const s2 = await central.eventsByStudentDay('S2', DAY);
    assert.deepEqual(
      s2.map((e) => [e.rawId, e.ts, e.gatewayId]),
      [[NEW_CARD, T0 + 120_000, 'gw-1']],
    );
    const all = await central.eventsByLectureDay('C1', DAY);
    const unattributed = await central.eventsByLectureDay('hall:H1', DAY);
    assert.deepEqual(
      [...all, ...unattributed].filter((e) => e.rawId === NEW_CARD).map((e) => e.studentId),
      ['S2'],
    );
    assert.deepEqual(await central.deadLetters(), []);
  });
});
