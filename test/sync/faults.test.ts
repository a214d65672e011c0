import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Database } from 'better-sqlite3';
import mqtt from 'mqtt';
import { systemClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../kernel/log.ts';
import { Aggregator } from '../../sync/aggregator/aggregator.ts';
import { SqliteCentralStore } from '../../sync/aggregator/sqliteCentralStore.ts';
import { Outbox } from '../../sync/outbox.ts';
import { SqliteOutboxQueue } from '../../gateway/store/outboxQueue.ts';
import { gatewayTopic } from '../../sync/topics.ts';
import { Uplink, type UplinkOptions } from '../../sync/uplink.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { Child } from './fixtures/child.ts';
import { event, events, openGatewayDb, outboxDepth, queue } from './fixtures/gatewayDb.ts';
import { waitFor } from './fixtures/waitFor.ts';

const FAST = { reconnectMinMs: 100, reconnectMaxMs: 500 };

describe('sync fault tolerance (real mosquitto)', () => {
  let broker: Mosquitto;
  let dir: string;
  let store: SqliteCentralStore;
  const cleanups: (() => Promise<void> | void)[] = [];

  const uplinkOpts = (gatewayId: string, over: Partial<UplinkOptions> = {}): UplinkOptions => ({
    url: broker.url,
    site: 'campus',
    gatewayId,
    version: 'test',
    batchSize: 100,
    lingerMs: 20,
    pollMs: 20,
    ackTimeoutMs: 1500,
    maxBackoffMs: 3000,
    ...FAST,
    ...over,
  });

  const inProcessGateway = async (gatewayId: string, db: Database, over: Partial<UplinkOptions> = {}) => {
    const outbox = new Outbox(
      new SqliteOutboxQueue(db),
      { maxRows: 1_000_000, minDiskFreeBytes: 0 },
      { log: silentLogger(), clock: systemClock },
    );
    const uplink = new Uplink(uplinkOpts(gatewayId, over), {
      outbox,
      log: silentLogger(),
      clock: systemClock,
    });
    cleanups.push(() => uplink.stop());
    await uplink.start();
    return uplink;
  };

  const inProcessAggregator = async () => {
    const agg = new Aggregator(
      { url: broker.url, group: 'agg', ...FAST },
      { store, log: silentLogger(), clock: systemClock },
    );
    let ready = false;
    agg.on('subscribed', () => (ready = true));
    cleanups.push(() => agg.stop());
    await agg.start();
    await waitFor(() => ready, 'aggregator subscribed');
    return agg;
  };

  const gatewayDb = (name: string) => {
    const db = openGatewayDb(join(dir, `${name}.db`));
    cleanups.push(() => {
      db.close();
    });
    return db;
  };

  /** Exact check: the central store holds exactly these event ids, once each. */
  const assertExactly = async (prefixCounts: Record<string, number>) => {
    const all = await store.eventsByLectureDay('CS101', '2025-03-19');
    const got = new Map<string, number>();
    for (const e of all) got.set(e.eventId, (got.get(e.eventId) ?? 0) + 1);
    const want = new Set(
      Object.entries(prefixCounts).flatMap(([p, n]) => Array.from({ length: n }, (_, i) => `${p}-${i}`)),
    );
    assert.equal(all.length, want.size, 'no event lost or duplicated');
    for (const id of want) assert.equal(got.get(id), 1, `event ${id} present once`);
  };

  before(async () => {
    broker = await Mosquitto.start();
  });
  after(async () => {
    await broker.close();
  });
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallgate-faults-'));
    if (!broker.running) await broker.restart();
    store = new SqliteCentralStore(join(dir, 'central.db'));
    await store.start();
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('broker killed mid-stream and restarted: nothing lost, nothing duplicated', async () => {
    const db = gatewayDb('gw-a');
    queue(db, events(3000, 'a'));
    await inProcessAggregator();
    await inProcessGateway('gw-a', db);
    await waitFor(async () => (await store.counts()).events >= 500, 'stream under way');
    await broker.kill();
    queue(db, events(500, 'a2'));
    await broker.restart();
    await waitFor(() => outboxDepth(db) === 0, 'outbox drained after restart');
    await assertExactly({ a: 3000, a2: 500 });
  });

  it('gateway SIGKILLed mid-batch and restarted: nothing lost, nothing duplicated', async () => {
    const dbPath = join(dir, 'gw-b.db');
    const db = gatewayDb('gw-b');
    queue(db, events(5000, 'b'));
    await inProcessAggregator();
    const cfg = { ...uplinkOpts('gw-b'), dbPath };
    const first = await Child.start('gatewayChild.ts', 'HALLGATE_TEST_GATEWAY', cfg, 'connected');
    cleanups.push(() => first.kill());
    await waitFor(async () => (await store.counts()).events >= 1000, 'stream under way');
    await first.kill('SIGKILL');
    assert.ok(outboxDepth(db) > 0, 'killed before the end');
    queue(db, events(300, 'b2')); // the daemon keeps classifying while the uplink is down
    const second = await Child.start('gatewayChild.ts', 'HALLGATE_TEST_GATEWAY', cfg, 'connected');
    cleanups.push(() => second.kill('SIGTERM'));
    await waitFor(() => outboxDepth(db) === 0, 'outbox drained by the restarted gateway');
    await assertExactly({ b: 5000, b2: 300 });
  });

  it('aggregator killed after writing but before acking: redelivery does not duplicate', async () => {
    const db = gatewayDb('gw-c');
    queue(db, events(2000, 'c'));
    const centralPath = join(dir, 'central.db');
    const aggCfg = { url: broker.url, group: 'agg', ...FAST, centralPath };
    const doomed = await Child.start(
      'aggregatorChild.ts',
      'HALLGATE_TEST_AGGREGATOR',
      { ...aggCfg, crashAfterWrites: 3 },
      'subscribed',
    );
    cleanups.push(() => doomed.kill());
    await inProcessGateway('gw-c', db, { maxInFlight: 1 });
    assert.equal((await doomed.wait()).signal, 'SIGKILL');
    const written = (await store.counts()).events;
    assert.ok(written >= 300, `three batches written (${written})`);
    assert.ok(written + outboxDepth(db) > 2000, 'a written batch is still unacknowledged in the outbox');
    const healthy = await Child.start('aggregatorChild.ts', 'HALLGATE_TEST_AGGREGATOR', aggCfg, 'subscribed');
    cleanups.push(() => healthy.kill('SIGTERM'));
    await waitFor(() => outboxDepth(db) === 0, 'outbox drained through the restarted aggregator');
    await assertExactly({ c: 2000 });
  });

  it('partition: broker down while events keep queuing on disk, then drains', async () => {
    const db = gatewayDb('gw-d');
    await inProcessAggregator();
    const uplink = await inProcessGateway('gw-d', db, { maxInFlight: 2 });
    await waitFor(() => uplink.connected, 'uplink connected');
    queue(db, events(200, 'd0'));
    await waitFor(() => outboxDepth(db) === 0, 'first rows through');
    await broker.stop();
    await waitFor(() => !uplink.connected, 'uplink sees the partition');
    // minutes of lectures while cut off: 30 chunks of 100 events
    for (let i = 0; i < 30; i++) {
      queue(db, events(100, `d${i + 1}`));
      await new Promise((r) => setTimeout(r, 10));
      assert.ok(uplink.inFlightBatches <= 2, 'in-flight stays bounded');
    }
    assert.equal(outboxDepth(db), 3000, 'everything queued on disk');
    assert.equal(uplink.health().outboxDepth, 3000);
    await broker.restart();
    await waitFor(() => outboxDepth(db) === 0, 'drained after the partition');
    const want: Record<string, number> = { d0: 200 };
    for (let i = 1; i <= 30; i++) want[`d${i}`] = 100;
    await assertExactly(want);
  });

  it('dead-letters a malformed batch, a wrong schema version and a bad item; the rest flows', async () => {
    const db = gatewayDb('gw-e');
    await inProcessAggregator();
    const raw = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'raw-publisher' });
    cleanups.push(() => raw.endAsync());
    const topic = gatewayTopic('campus', 'gw-e', 'batch');
    await raw.publishAsync(topic, '{"schemaVersion":1,"items":[', { qos: 1 });
    const v2 = {
      schemaVersion: 2,
      gatewayId: 'gw-e',
      site: 'campus',
      batchId: 'future-1',
      sentAt: 1,
      items: [{ seq: 999_999, kind: 'event', createdAt: 1, payload: event({ eventId: 'future' }) }],
    };
    await raw.publishAsync(topic, JSON.stringify(v2), { qos: 1 });
    queue(db, events(150, 'e1'));
    queue(db, [{ kind: 'event', payload: { ...event({ eventId: 'bad-day' }), day: 'yesterday' } }]);
    queue(db, events(150, 'e2'));
    await inProcessGateway('gw-e', db);
    await waitFor(() => outboxDepth(db) === 0, 'outbox drained');
    await assertExactly({ e1: 150, e2: 150 });
    const dead = await store.deadLetters();
    assert.equal(dead.length, 3);
    assert.ok(dead.some((d) => d.reason.startsWith('malformed: batch is not JSON')));
    assert.ok(dead.some((d) => d.reason.startsWith('unsupported schemaVersion 2')));
    assert.ok(dead.some((d) => d.reason.startsWith('invalid item') && d.payload.includes('bad-day')));
    const local = db.prepare("SELECT payload FROM dead_letters WHERE source = 'sync'").all() as {
      payload: string;
    }[];
    assert.equal(local.length, 1, 'the gateway keeps its own copy of the rejected item');
    assert.ok(local[0]!.payload.includes('bad-day'));
  });
});
