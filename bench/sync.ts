// Sync benchmark: queue 100,000 events while the broker is down, start it, and time the
// drain (gateway outbox -> MQTT -> aggregator -> central SQLite, end-to-end acked).
// Then time the aggregator alone ingesting pre-built batches from the broker.
// Usage: node --import tsx bench/sync.ts [--events N] [--broker aedes|mosquitto] [--batch 500] [--inflight 8]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import BetterSqlite3 from 'better-sqlite3';
import mqtt from 'mqtt';
import { systemClock } from '../kernel/clock.ts';
import { silentLogger } from '../kernel/log.ts';
import { Aggregator } from '../sync/aggregator/aggregator.ts';
import { SqliteCentralStore } from '../sync/aggregator/sqliteCentralStore.ts';
import { EmbeddedBroker } from '../sync/embeddedBroker.ts';
import { Outbox } from '../sync/outbox.ts';
import { SqliteOutboxQueue } from '../gateway/store/outboxQueue.ts';
import { gatewayTopic } from '../sync/topics.ts';
import { Uplink } from '../sync/uplink.ts';
import { Mosquitto } from '../test/helpers/mosquitto.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    broker: { type: 'string', default: 'mosquitto' },
    batch: { type: 'string', default: '500' },
    inflight: { type: 'string', default: '8' },
  },
});
const N = Number(values.events);
const BATCH = Number(values.batch);
const INFLIGHT = Number(values.inflight);
const log = silentLogger();
const clock = systemClock;
const dir = mkdtempSync(join(tmpdir(), 'hallgate-bench-sync-'));
const T0 = Date.UTC(2025, 2, 19, 9, 0, 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const eventPayload = (id: string, i: number) =>
  JSON.stringify({
    eventId: id,
    source: 'rfid',
    studentId: `S${i % 5000}`,
    rawId: `CARD${i % 5000}`,
    gateId: 'G1',
    hallId: 'HALL-A',
    direction: i % 2 === 0 ? 'enter' : 'exit',
    ts: T0 + i,
    day: '2025-03-19',
    lectureId: 'CS101',
  });

interface Broker {
  url: string;
  start(): Promise<void>;
  close(): Promise<void>;
}
async function makeBroker(): Promise<Broker> {
  if (values.broker === 'mosquitto') {
    const m = await Mosquitto.start();
    await m.stop();
    return { url: m.url, start: () => m.restart(), close: () => m.close() };
  }
  const probe = new EmbeddedBroker({ port: 0 }, log);
  await probe.start();
  const url = probe.url;
  await probe.stop();
  const b = new EmbeddedBroker({ port: Number(new URL(url).port) }, log);
  return { url, start: () => b.start(), close: () => b.stop() };
}

async function drain(): Promise<void> {
  const broker = await makeBroker();
  const db = new BetterSqlite3(join(dir, 'gw.db'));
  db.pragma('journal_mode = WAL');
  for (const f of ['001_core.sql', '002_sync.sql']) {
    db.exec(readFileSync(join(import.meta.dirname, '..', 'gateway', 'store', 'migrations', f), 'utf8'));
  }
  const store = new SqliteCentralStore(join(dir, 'central-drain.db'));
  await store.start();
  const aggregator = new Aggregator(
    { url: broker.url, group: 'bench', reconnectMinMs: 100, reconnectMaxMs: 200 },
    { store, log, clock },
  );
  const outbox = new Outbox(
    new SqliteOutboxQueue(db),
    { maxRows: 10_000_000, minDiskFreeBytes: 0 },
    { log, clock },
  );
  const uplink = new Uplink(
    {
      url: broker.url,
      site: 'campus',
      gatewayId: 'gw-bench',
      version: 'bench',
      batchSize: BATCH,
      maxInFlight: INFLIGHT,
      lingerMs: 50,
      pollMs: 20,
      // A batch published before the restarted aggregator has re-subscribed is dropped by the
      // broker and resent after this timeout (nothing is lost; it only costs latency).
      ackTimeoutMs: 2000,
      reconnectMinMs: 100,
      reconnectMaxMs: 200,
    },
    { outbox, log, clock },
  );
  await aggregator.start();
  await uplink.start();

  // broker down: the daemon keeps queueing (one transaction per 1,000 rows, like a busy store)
  const ins = db.prepare('INSERT INTO outbox (kind, payload, created_at) VALUES (?, ?, ?)');
  const tq = performance.now();
  for (let i = 0; i < N; i += 1000) {
    db.transaction(() => {
      for (let j = i; j < Math.min(N, i + 1000); j++)
        ins.run('event', eventPayload(`ev-${j}`, j), Date.now());
    })();
  }
  const queuedMs = performance.now() - tq;
  const depth = () => (db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
  console.log(
    `queued ${depth()} events while the broker was down (${(N / (queuedMs / 1000)).toFixed(0)} rows/s into the outbox)`,
  );

  const rssBefore = process.memoryUsage().rss;
  await broker.start();
  const t0 = performance.now();
  let peakRss = rssBefore;
  while (depth() > 0) {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    await sleep(20);
  }
  const secs = (performance.now() - t0) / 1000;
  const counts = await store.counts();
  const distinct = (await store.eventsByLectureDay('CS101', '2025-03-19')).length;
  console.log(
    `drain (${values.broker}, batch ${BATCH}, in-flight ${INFLIGHT}): ${N} events end-to-end acked in ${secs.toFixed(2)} s = ${(N / secs).toFixed(0)} events/s` +
      ` (target >= 5,000); peak RSS +${((peakRss - rssBefore) / 1e6).toFixed(0)} MB`,
  );
  console.log(
    `central store: ${counts.events} events, ${distinct} distinct: lost ${N - distinct}, duplicated ${counts.events - distinct}`,
  );
  await uplink.stop();
  await aggregator.stop();
  await store.stop();
  db.close();
  await broker.close();
  if (counts.events !== N || distinct !== N) process.exitCode = 1;
}

async function ingest(): Promise<void> {
  const broker = await makeBroker();
  await broker.start();
  const store = new SqliteCentralStore(join(dir, 'central-ingest.db'));
  await store.start();
  const aggregator = new Aggregator({ url: broker.url, group: 'bench' }, { store, log, clock });
  let subscribed = false;
  let written = 0;
  let first = 0;
  let last = 0;
  aggregator.on('subscribed', () => (subscribed = true));
  aggregator.on('written', ({ items }) => {
    if (written === 0) first = performance.now();
    written += items;
    last = performance.now();
  });
  await aggregator.start();
  while (!subscribed) await sleep(10);
  const pub = await mqtt.connectAsync(broker.url, { protocolVersion: 4, clientId: 'bench-publisher' });
  const topic = gatewayTopic('campus', 'gw-ingest', 'batch');
  const bodies: string[] = [];
  for (let i = 0; i < N; i += BATCH) {
    const items: string[] = [];
    for (let j = i; j < Math.min(N, i + BATCH); j++) {
      items.push(`{"seq":${j + 1},"kind":"event","createdAt":0,"payload":${eventPayload(`in-${j}`, j)}}`);
    }
    bodies.push(
      `{"schemaVersion":1,"gatewayId":"gw-ingest","site":"campus","batchId":"b${i}","sentAt":0,"items":[${items.join(',')}]}`,
    );
  }
  await Promise.all(bodies.map((b) => pub.publishAsync(topic, b, { qos: 1 })));
  while (written < N) await sleep(10);
  const secs = (last - first) / 1000;
  console.log(
    `aggregator ingest (${values.broker}, SQLite store, batches of ${BATCH}): ${N} events in ${secs.toFixed(2)} s = ${(N / secs).toFixed(0)} events/s (target >= 20,000)`,
  );
  await pub.endAsync();
  await aggregator.stop();
  await store.stop();
  await broker.close();
}

try {
  await drain();
  await ingest();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
