import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Database } from 'better-sqlite3';
import { systemClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../kernel/log.ts';
import { Aggregator } from '../../sync/aggregator/aggregator.ts';
import { SqliteCentralStore } from '../../sync/aggregator/sqliteCentralStore.ts';
import { decodeRegisters, estimateCount } from '../../sync/hllRegisters.ts';
import { Outbox } from '../../sync/outbox.ts';
import { SqliteOutboxQueue } from '../../gateway/store/outboxQueue.ts';
import { Uplink, type UplinkOptions } from '../../sync/uplink.ts';
import { BROKER_KINDS, startBroker, type TestBroker } from './fixtures/brokers.ts';
import { events, invalid, openGatewayDb, outboxDepth, queue, record } from './fixtures/gatewayDb.ts';
import { sketchOf } from './fixtures/hll.ts';
import { waitFor } from './fixtures/waitFor.ts';

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `S${from + i}`);

for (const kind of BROKER_KINDS) {
  describe(`sync end to end over ${kind}`, () => {
    let dir: string;
    let broker: TestBroker;
    let store: SqliteCentralStore;
    let aggregator: Aggregator;
    let subscribed: { protocolVersion: number; shared: boolean } | null = null;
    const gateways: { db: Database; uplink: Uplink }[] = [];

    const gateway = (gatewayId: string, over: Partial<UplinkOptions> = {}) => {
      const db = openGatewayDb(join(dir, `${gatewayId}.db`));
      const outbox = new Outbox(
        new SqliteOutboxQueue(db),
        { maxRows: 1_000_000, minDiskFreeBytes: 0 },
        { log: silentLogger(), clock: systemClock },
      );
      const uplink = new Uplink(
        {
          url: broker.url,
          site: 'campus',
          gatewayId,
          version: '0.1.0-test',
          batchSize: 100,
          lingerMs: 20,
          pollMs: 20,
          ackTimeoutMs: 3000,
          ...over,
        },
        {
          outbox,
          log: silentLogger(),
          clock: systemClock,
          health: () => ({ readerConnected: true, cameraFps: 7 }),
        },
      );
      gateways.push({ db, uplink });
      return { db, uplink };
    };

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'hallgate-e2e-'));
      broker = await startBroker(kind);
      store = new SqliteCentralStore(join(dir, 'central.db'));
      await store.start();
      aggregator = new Aggregator(
        { url: broker.url, group: 'agg' },
        { store, log: silentLogger(), clock: systemClock },
      );
      aggregator.on('subscribed', (s) => (subscribed = s));
      await aggregator.start();
      await waitFor(() => subscribed !== null, 'aggregator subscription');
    });

    after(async () => {
      for (const g of gateways) {
        await g.uplink.stop();
        g.db.close();
      }
      await aggregator.stop();
      await store.stop();
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it(`negotiates ${kind === 'aedes' ? 'MQTT 3.1.1 with a plain' : 'MQTT 5 with a shared'} subscription`, () => {
      assert.deepEqual(
        subscribed,
        kind === 'aedes' ? { protocolVersion: 4, shared: false } : { protocolVersion: 5, shared: true },
      );
    });

    it('delivers every queued item from two gateways exactly once and merges their sketches', async () => {
      const g1 = gateway('gw-1');
      const g2 = gateway('gw-2');
      queue(g1.db, [
        ...events(1000, 'g1'),
        ...Array.from({ length: 20 }, (_, i) => ({
          kind: 'record' as const,
          payload: record({ studentId: `S${i}`, version: 1 }),
        })),
        ...Array.from({ length: 5 }, (_, i) => ({
          kind: 'invalid' as const,
          payload: invalid({ eventId: `inv-${i}` }),
        })),
        { kind: 'hll', payload: { lectureId: 'CS101', day: '2025-03-19', registers: sketchOf(ids(0, 300)) } },
        ...Array.from({ length: 10 }, (_, i) => ({
          kind: 'record' as const,
          payload: record({ studentId: `S${i}`, version: 2, status: 'late' }),
        })),
      ]);
      queue(g2.db, [
        ...events(500, 'g2', 50, { gateId: 'G2' }),
        {
          kind: 'hll',
          payload: { lectureId: 'CS101', day: '2025-03-19', registers: sketchOf(ids(200, 600)) },
        },
      ]);
      await g1.uplink.start();
      await g2.uplink.start();
      await waitFor(() => outboxDepth(g1.db) === 0 && outboxDepth(g2.db) === 0, 'both outboxes drained');
      assert.deepEqual(await store.counts(), { events: 1500, records: 20, invalid: 5, deadLetters: 0 });
      const lecture = await store.eventsByLectureDay('CS101', '2025-03-19');
      assert.equal(new Set(lecture.map((e) => e.eventId)).size, 1500);
      const recs = await store.recordsBySession('CS101-2025-03-19');
      assert.equal(recs.filter((r) => r.version === 2 && r.status === 'late').length, 10);
      assert.equal(
        await store.uniqueCount('CS101', '2025-03-19'),
        estimateCount(decodeRegisters(sketchOf(ids(0, 600)))),
      );
    });

    it('sends rows queued while connected, and reports status and health', async () => {
      const g1 = gateways[0]!;
      queue(g1.db, events(250, 'late'));
      g1.uplink.notify();
      await waitFor(() => outboxDepth(g1.db) === 0, 'new rows drained');
      assert.equal((await store.counts()).events, 1750);
      await waitFor(async () => {
        const s = (await store.gatewayStatuses()).find((r) => r.gatewayId === 'gw-1');
        return s?.state === 'online' && s.health !== null;
      }, 'online status with health');
      const s = (await store.gatewayStatuses()).find((r) => r.gatewayId === 'gw-1')!;
      assert.equal(s.health!.readerConnected, true);
      assert.equal(s.health!.cameraFps, 7);
      assert.equal(s.health!.version, '0.1.0-test');
      await g1.uplink.stop();
      await waitFor(
        async () => (await store.gatewayStatuses()).find((r) => r.gatewayId === 'gw-1')?.state === 'offline',
        'offline status',
      );
    });
  });
}
