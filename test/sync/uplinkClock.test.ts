import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { ManualClock, systemClock } from '../../kernel/clock.ts';
import { ClockSanity } from '../../gateway/clockSanity.ts';
import { silentLogger } from '../../kernel/log.ts';
import { Aggregator } from '../../sync/aggregator/aggregator.ts';
import { SqliteCentralStore } from '../../sync/aggregator/sqliteCentralStore.ts';
import { Outbox } from '../../sync/outbox.ts';
import { SqliteOutboxQueue } from '../../gateway/store/outboxQueue.ts';
import { gatewayTopic } from '../../sync/topics.ts';
import { Uplink } from '../../sync/uplink.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { events, openGatewayDb, outboxDepth, queue } from './fixtures/gatewayDb.ts';
import { waitFor } from './fixtures/waitFor.ts';

/** A clock the test moves: `wall` may jump, `mono` only moves forward when time passes. */
class TestClock {
  wall = Date.UTC(2026, 2, 19, 9);
  mono = 0;
  now(): number {
    return this.wall;
  }
  monotonic(): number {
    return this.mono;
  }
}

/** Issue 12 §10: ack timeouts and resends follow a monotonic clock, not the wall clock. */
describe('uplink resends on a monotonic clock (real mosquitto, no aggregator)', () => {
  let broker: Mosquitto;
  let dir: string;
  before(async () => {
    broker = await Mosquitto.start();
    dir = mkdtempSync(join(tmpdir(), 'hallgate-upclock-'));
  });
  after(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a one-hour backward jump of the wall clock does not hold back resends', async () => {
    const db = openGatewayDb(join(dir, 'gw.db'));
    queue(db, events(10, 'j'));
    const clock = new TestClock();
    const outbox = new Outbox(
      new SqliteOutboxQueue(db),
      { maxRows: 1e6, minDiskFreeBytes: 0 },
      { log: silentLogger(), clock },
    );
    const uplink = new Uplink(
      {
        url: broker.url,
        site: 'campus',
        gatewayId: 'gw-j',
        version: 't',
        batchSize: 10,
        lingerMs: 0,
        pollMs: 20,
        ackTimeoutMs: 1000,
      },
      { outbox, log: silentLogger(), clock },
    );
    const sent = new Map<string, number>();
    const watcher = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'watcher' });
    watcher.on('message', (_t, p) => {
      const id = (JSON.parse(p.toString()) as { batchId: string }).batchId;
      sent.set(id, (sent.get(id) ?? 0) + 1);
    });
    await watcher.subscribeAsync(gatewayTopic('campus', 'gw-j', 'batch'), { qos: 1 });
    await uplink.start();
    try {
      await waitFor(() => sent.size === 1, 'the batch sent once', 60_000);
      const [id] = [...sent.keys()];
      clock.wall -= 3600_000; // NTP steps the clock back an hour ...
      clock.mono += 1500; // ... while 1.5 s pass: the ack timeout (1 s) is over
      await waitFor(() => (sent.get(id!) ?? 0) >= 2, 'the batch resent after its ack timeout', 60_000);
      assert.equal(sent.size, 1, 'the same batch, resent');
    } finally {
      await watcher.endAsync();
      await uplink.stop();
      db.close();
    }
  });

  it("tracks the skew to the aggregator's clock from its acks; beyond the bound the clock is suspect", async () => {
    const store = new SqliteCentralStore(join(dir, 'central.db'));
    await store.start();
    // The aggregator's clock runs 10 minutes ahead of this machine's.
    const aggClock = new ManualClock(Date.now() + 600_000);
    const agg = new Aggregator(
      { url: broker.url, group: 'agg' },
      { store, log: silentLogger(), clock: aggClock },
    );
    let ready = false;
    agg.on('subscribed', () => (ready = true));
    await agg.start();
    const db = openGatewayDb(join(dir, 'gw-s.db'));
    const sanity = new ClockSanity(systemClock, 120_000, silentLogger());
    const outbox = new Outbox(
      new SqliteOutboxQueue(db),
      { maxRows: 1e6, minDiskFreeBytes: 0 },
      { log: silentLogger(), clock: systemClock },
    );
    const uplink = new Uplink(
      {
        url: broker.url,
        site: 'campus',
        gatewayId: 'gw-s',
        version: 't',
        lingerMs: 0,
        pollMs: 20,
        heartbeatSec: 1,
      },
      {
        outbox,
        log: silentLogger(),
        clock: systemClock,
        skew: sanity,
        health: () => ({ readerConnected: true, cameraFps: null, clock: sanity.health() }),
      },
    );
    try {
      await waitFor(() => ready, 'aggregator subscribed', 60_000);
      assert.equal(sanity.suspect, false);
      queue(db, events(20, 's'));
      await uplink.start();
      await waitFor(() => outboxDepth(db) === 0, 'outbox drained', 60_000);
      const h = sanity.health();
      assert.equal(h.suspect, true);
      // local minus remote: about -600 s (the ack's transit and this test's own time are far below 60 s)
      assert.ok(h.skewMs !== null && h.skewMs < -540_000 && h.skewMs > -660_000, `skew ${h.skewMs}`);
      assert.match(h.reason ?? '', /differs from the aggregator's/);
      // The heartbeat tells the centre.
      await waitFor(
        async () =>
          (await store.gatewayStatuses()).some(
            (g) => g.gatewayId === 'gw-s' && g.health?.clockSuspect === true,
          ),
        'a heartbeat reporting the suspect clock',
        60_000,
      );
    } finally {
      await uplink.stop();
      await agg.stop();
      await store.stop();
      db.close();
    }
  });
});
