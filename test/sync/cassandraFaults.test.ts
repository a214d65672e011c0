import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import type { Database } from 'better-sqlite3';
import { systemClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../kernel/log.ts';
import { Aggregator } from '../../sync/aggregator/aggregator.ts';
import type { CassandraCentralStore } from '../../sync/aggregator/cassandraCentralStore.ts';
import { Outbox } from '../../sync/outbox.ts';
import { SqliteOutboxQueue } from '../../gateway/store/outboxQueue.ts';
import { Uplink, type UplinkOptions } from '../../sync/uplink.ts';
import {
  cassandraSkip,
  cassandraTarget,
  freshCassandraStore,
  testStoreOptions,
} from '../helpers/cassandra.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { Child } from './fixtures/child.ts';
import { events, openGatewayDb, outboxDepth, queue } from './fixtures/gatewayDb.ts';
import { waitFor } from './fixtures/waitFor.ts';

const FAST = { reconnectMinMs: 100, reconnectMaxMs: 500 };
/** Generous: the machine is shared and Cassandra is slow to take its first writes. */
const DRAIN_MS = 180_000;

/**
 * The faults of test/sync/faults.test.ts, with Cassandra as the central store:
 * gateway -> real Mosquitto -> aggregator -> Cassandra, and the broker, the
 * gateway and the aggregator each killed during a burst. Every event arrives
 * exactly once (checked by id, and by the store's counts).
 */
describe(
  'sync faults with Cassandra as the central store (real node, real mosquitto)',
  { skip: cassandraSkip() },
  () => {
    let broker: Mosquitto;
    let dir: string;
    let store: CassandraCentralStore;
    let keyspace: string;
    let dropStore: () => Promise<void>;
    const cleanups: (() => Promise<void> | void)[] = [];

    const uplinkOpts = (gatewayId: string, over: Partial<UplinkOptions> = {}): UplinkOptions => ({
      url: broker.url,
      site: 'campus',
      gatewayId,
      version: 'test',
      batchSize: 100,
      lingerMs: 20,
      pollMs: 20,
      ackTimeoutMs: 5000,
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
      await waitFor(() => ready, 'aggregator subscribed', 60_000);
      return agg;
    };

    const gatewayDb = (name: string) => {
      const db = openGatewayDb(join(dir, `${name}.db`));
      cleanups.push(() => {
        db.close();
      });
      return db;
    };

    /** Exact check: Cassandra holds exactly these event ids, once each, and counts() agrees. */
    const assertExactly = async (prefixCounts: Record<string, number>) => {
      const all = await store.eventsByLectureDay('CS101', '2025-03-19');
      const got = new Map<string, number>();
      for (const e of all) got.set(e.eventId, (got.get(e.eventId) ?? 0) + 1);
      const want = new Set(
        Object.entries(prefixCounts).flatMap(([p, n]) => Array.from({ length: n }, (_, i) => `${p}-${i}`)),
      );
      assert.equal(all.length, want.size, 'no event lost or duplicated');
      for (const id of want) assert.equal(got.get(id), 1, `event ${id} present once`);
      assert.equal((await store.counts()).events, want.size);
      assert.equal((await store.eventsByStudentDay('S7', '2025-03-19')).length, [...want].length / 50);
    };

    before(async () => {
      broker = await Mosquitto.start();
    });
    after(async () => {
      await broker.close();
    });
    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'hallgate-cassandra-faults-'));
      if (!broker.running) await broker.restart();
      ({ store, keyspace, cleanup: dropStore } = await freshCassandraStore());
    });
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
      await dropStore();
      rmSync(dir, { recursive: true, force: true });
    });

    it('broker killed mid-burst and restarted: nothing lost, nothing duplicated', async () => {
      const db = gatewayDb('gw-a');
      queue(db, events(3000, 'a'));
      await inProcessAggregator();
      await inProcessGateway('gw-a', db);
      await waitFor(async () => (await store.counts()).events >= 500, 'burst under way', DRAIN_MS);
      await broker.kill();
      queue(db, events(500, 'a2'));
      await broker.restart();
      await waitFor(() => outboxDepth(db) === 0, 'outbox drained after restart', DRAIN_MS);
      await assertExactly({ a: 3000, a2: 500 });
    });

    it('gateway SIGKILLed mid-burst and restarted: nothing lost, nothing duplicated', async () => {
      const dbPath = join(dir, 'gw-b.db');
      const db = gatewayDb('gw-b');
      queue(db, events(5000, 'b'));
      await inProcessAggregator();
      const cfg = { ...uplinkOpts('gw-b'), dbPath };
      const first = await Child.start('gatewayChild.ts', 'HALLGATE_TEST_GATEWAY', cfg, 'connected');
      cleanups.push(() => first.kill());
      await waitFor(async () => (await store.counts()).events >= 1000, 'burst under way', DRAIN_MS);
      await first.kill('SIGKILL');
      assert.ok(outboxDepth(db) > 0, 'killed before the end');
      queue(db, events(300, 'b2'));
      const second = await Child.start('gatewayChild.ts', 'HALLGATE_TEST_GATEWAY', cfg, 'connected');
      cleanups.push(() => second.kill('SIGTERM'));
      await waitFor(() => outboxDepth(db) === 0, 'outbox drained by the restarted gateway', DRAIN_MS);
      await assertExactly({ b: 5000, b2: 300 });
    });

    it('aggregator killed after writing to Cassandra but before acking: redelivery does not duplicate', async () => {
      const db = gatewayDb('gw-c');
      queue(db, events(2000, 'c'));
      const target = cassandraTarget()!;
      const aggCfg = {
        url: broker.url,
        group: 'agg',
        ...FAST,
        centralPath: '',
        cassandra: testStoreOptions(target, keyspace),
      };
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
      const healthy = await Child.start(
        'aggregatorChild.ts',
        'HALLGATE_TEST_AGGREGATOR',
        aggCfg,
        'subscribed',
      );
      cleanups.push(() => healthy.kill('SIGTERM'));
      await waitFor(() => outboxDepth(db) === 0, 'outbox drained through the restarted aggregator', DRAIN_MS);
      await assertExactly({ c: 2000 });
    });
  },
);
