import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { ManualClock, systemClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../kernel/log.ts';
import { Aggregator } from '../../sync/aggregator/aggregator.ts';
import { SqliteCentralStore } from '../../sync/aggregator/sqliteCentralStore.ts';
import { Outbox } from '../../sync/outbox.ts';
import { SqliteOutboxQueue } from '../../gateway/store/outboxQueue.ts';
import { MAX_BATCH_PAYLOAD_BYTES } from '../../sync/schema.ts';
import { gatewayTopic } from '../../sync/topics.ts';
import { Uplink } from '../../sync/uplink.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { event, openGatewayDb, outboxDepth, queue } from './fixtures/gatewayDb.ts';
import { waitFor } from './fixtures/waitFor.ts';

const dir = tempDir();
const WAIT = 120_000;
const T0 = Date.UTC(2025, 2, 19, 9, 0, 0);
const SHIPPED = readFileSync(
  join(import.meta.dirname, '..', '..', 'scripts', 'mosquitto', 'mosquitto.conf'),
  'utf8',
);
const SHIPPED_MAX = /^max_packet_size (\d+)$/m.exec(SHIPPED);

/** A broker, a central store and an aggregator on it; `gateway` drains an outbox through a real uplink. */
async function rig(name: string, config: string[] = []) {
  const broker = await Mosquitto.start({ config });
  const store = new SqliteCentralStore(join(dir, `${name}-central.db`));
  await store.start();
  const aggregator = new Aggregator(
    { url: broker.url, group: 'agg' },
    { store, log: silentLogger(), clock: new ManualClock(T0 + 6 * 3600_000) },
  );
  let ready = false;
  aggregator.on('subscribed', () => (ready = true));
  await aggregator.start();
  await waitFor(() => ready, 'aggregator subscribed', WAIT);
  const db = openGatewayDb(join(dir, `${name}-gw.db`));
  const outbox = new Outbox(
    new SqliteOutboxQueue(db),
    { maxRows: 1e6, minDiskFreeBytes: 0 },
    { log: silentLogger(), clock: systemClock },
  );
  const uplink = new Uplink(
    {
      url: broker.url,
      site: 'campus',
      gatewayId: 'gw-1',
      version: 't',
      lingerMs: 10,
      pollMs: 20,
      batchSize: 10_000,
      maxBatchBytes: 20 * 1024 * 1024,
    },
    { outbox, log: silentLogger(), clock: systemClock },
  );
  await uplink.start();
  const drain = async (n: number, from = 0) => {
    queue(
      db,
      Array.from({ length: n }, (_, i) => ({
        kind: 'event' as const,
        payload: event({ eventId: `ev-${from + i}`, ts: T0 + from + i, rawId: 'X'.repeat(150) }),
      })),
    );
    uplink.notify();
    await waitFor(() => outboxDepth(db) === 0, `${name} outbox drained`, WAIT);
  };
  const stop = async () => {
    await uplink.stop();
    db.close();
    await aggregator.stop();
    await store.stop();
    await broker.close();
  };
  return { broker, store, aggregator, drain, stop };
}

/** Issue 12 §6: bounded batch payloads at the broker, the aggregator and the gateway. */
describe('oversized batch payloads', () => {
  const stops: (() => Promise<void>)[] = [];
  after(async () => {
    for (const s of stops) await s();
  });

  it('the aggregator dead-letters a 20 MB payload unread on a broker without a limit', async () => {
    const r = await rig('open');
    stops.push(r.stop);
    const client = await mqtt.connectAsync(r.broker.url);
    const big = Buffer.alloc(20 * 1024 * 1024, '{');
    await client.publishAsync(gatewayTopic('campus', 'gw-x', 'batch'), big, { qos: 1 });
    await client.endAsync();
    await waitFor(async () => (await r.store.deadLetters()).length === 1, 'dead letter', WAIT);
    const [dl] = await r.store.deadLetters();
    assert.equal(
      dl!.reason,
      `oversized: batch payload of ${big.length} bytes exceeds ${MAX_BATCH_PAYLOAD_BYTES}`,
    );
    assert.equal(dl!.gatewayId, 'gw-x');
    assert.ok(dl!.payload.length <= 4096);
    // A good batch after it is written and acked.
    await r.drain(3);
    assert.equal((await r.store.counts()).events, 3);
    assert.equal(r.aggregator.stats().batchesRejected, 1);
  });

  it('the shipped broker limit refuses a large packet, and the gateway batches stay under it', async () => {
    assert.ok(SHIPPED_MAX, 'scripts/mosquitto/mosquitto.conf sets max_packet_size');
    assert.equal(Number(SHIPPED_MAX[1]), MAX_BATCH_PAYLOAD_BYTES);
    const r = await rig('limited', [SHIPPED_MAX[0]]);
    stops.push(r.stop);
    const client = await mqtt.connectAsync(r.broker.url, { reconnectPeriod: 0 });
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    client.publish(gatewayTopic('campus', 'gw-x', 'batch'), Buffer.alloc(2 * 1024 * 1024, '{'), { qos: 1 });
    await closed; // the broker drops a client that sends a packet above max_packet_size
    await client.endAsync(true);
    // 8,000 events of about 400 bytes (over 3 MB) with batchSize 10,000 and maxBatchBytes 20 MB configured:
    // every one arrives, so no batch was above the broker's limit.
    await r.drain(8000);
    assert.equal((await r.store.counts()).events, 8000);
    assert.deepEqual(await r.store.deadLetters(), []);
  });
});
