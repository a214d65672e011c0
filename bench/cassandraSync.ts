// The aggregator writing the same gateway batches into SQLite and into a real Cassandra node, in
// one run: events/s and batch ack latency (publish -> end-to-end ack) for each, and 0 lost,
// 0 duplicated. A real Mosquitto; gateways are MQTT clients that keep up to --inflight batches
// unacknowledged, as the uplink does. Starts a node with scripts/cassandra.sh unless
// CASSANDRA_CONTACT_POINTS names one.
// Usage: npm run bench:cassandra -- [--events 100000] [--batch 500] [--gateways 4] [--inflight 4]
//        [--aggregators 1] [--concurrency 128] [--consistency localQuorum]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { systemClock } from '../kernel/clock.ts';
import { silentLogger } from '../kernel/log.ts';
import { Aggregator } from '../sync/aggregator/aggregator.ts';
import { CassandraCentralStore, type Consistency } from '../sync/aggregator/cassandraCentralStore.ts';
import type { CentralStore } from '../sync/aggregator/centralStore.ts';
import { SqliteCentralStore } from '../sync/aggregator/sqliteCentralStore.ts';
import { gatewayTopic } from '../sync/topics.ts';
import { dropKeyspace, freshKeyspace } from '../test/helpers/cassandra.ts';
import { Mosquitto } from '../test/helpers/mosquitto.ts';
import { startNode, type BenchNode } from './cassandraNode.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '500' },
    gateways: { type: 'string', default: '4' },
    inflight: { type: 'string', default: '4' },
    aggregators: { type: 'string', default: '1' },
    concurrency: { type: 'string', default: '128' },
    consistency: { type: 'string', default: 'localQuorum' },
  },
});
const N = Number(values.events);
const BATCH = Number(values.batch);
const GATEWAYS = Number(values.gateways);
const INFLIGHT = Number(values.inflight);
const AGGREGATORS = Number(values.aggregators);
const log = silentLogger();
const T0 = Date.UTC(2025, 2, 19, 9, 0, 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Gateway g's batches: its share of N events, 40 lectures, 5,000 students, seqs from 1. */
function batchesOf(g: number, run: string): { batchId: string; body: string }[] {
  const out: { batchId: string; body: string }[] = [];
  const share = Math.ceil(N / GATEWAYS);
  const from = g * share;
  const to = Math.min(N, from + share);
  for (let i = from; i < to; i += BATCH) {
    const items: string[] = [];
    for (let j = i; j < Math.min(to, i + BATCH); j++) {
      const payload = {
        eventId: `${run}-${j}`,
        source: 'rfid',
        studentId: `S${j % 5000}`,
        rawId: `CARD${j % 5000}`,
        gateId: `G${g}`,
        hallId: `HALL-${g}`,
        direction: j % 2 === 0 ? 'enter' : 'exit',
        ts: T0 + j,
        day: '2025-03-19',
        lectureId: `L${(j >> 6) % 40}`,
      };
      items.push(JSON.stringify({ seq: j - from + 1, kind: 'event', createdAt: 0, payload }));
    }
    const batchId = `${run}-gw${g}-b${i}`;
    out.push({
      batchId,
      body: `{"schemaVersion":1,"gatewayId":"gw-${g}","site":"campus","batchId":"${batchId}","sentAt":0,"items":[${items.join(',')}]}`,
    });
  }
  return out;
}

/** One gateway: publishes its batches keeping INFLIGHT unacknowledged; resolves with each batch's ack latency. */
async function gateway(url: string, g: number, run: string): Promise<number[]> {
  const batches = batchesOf(g, run);
  const client = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: `bench-${run}-gw${g}` });
  const pending = new Map<string, { sent: number; done: () => void }>();
  const latencies: number[] = [];
  client.on('message', (_topic, payload) => {
    const ack = JSON.parse(payload.toString()) as { batchId: string };
    const p = pending.get(ack.batchId);
    if (!p) return;
    pending.delete(ack.batchId);
    latencies.push(performance.now() - p.sent);
    p.done();
  });
  await client.subscribeAsync(gatewayTopic('campus', `gw-${g}`, 'ack'), { qos: 1 });
  let next = 0;
  const lane = async () => {
    while (next < batches.length) {
      const b = batches[next++]!;
      await new Promise<void>((done) => {
        pending.set(b.batchId, { sent: performance.now(), done });
        void client.publishAsync(gatewayTopic('campus', `gw-${g}`, 'batch'), b.body, { qos: 1 });
      });
    }
  };
  await Promise.all(Array.from({ length: INFLIGHT }, lane));
  await client.endAsync();
  return latencies;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
};

/** Aggregators on `store` (one group), every gateway's batches through them; prints the figures. */
async function measure(name: string, url: string, stores: CentralStore[], run: string): Promise<void> {
  const aggregators = stores.map(
    (store) => new Aggregator({ url, group: `bench-${run}` }, { store, log, clock: systemClock }),
  );
  let subscribed = 0;
  for (const a of aggregators) {
    a.on('subscribed', () => (subscribed += 1));
    await a.start();
  }
  while (subscribed < aggregators.length) await sleep(10);
  const t0 = performance.now();
  const lat = (await Promise.all(Array.from({ length: GATEWAYS }, (_, g) => gateway(url, g, run)))).flat();
  const secs = (performance.now() - t0) / 1000;
  for (const a of aggregators) await a.stop();
  const c = await stores[0]!.counts();
  let distinct = 0;
  for (let l = 0; l < 40; l++)
    distinct += (await stores[0]!.eventsByLectureDay(`L${l}`, '2025-03-19')).length;
  console.log(
    `${name}: ${N} events in ${lat.length} batches of ${BATCH} from ${GATEWAYS} gateways (${INFLIGHT} in flight each), ` +
      `${aggregators.length} aggregator(s): ${secs.toFixed(2)} s = ${(N / secs).toFixed(0)} events/s; ` +
      `ack latency p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms, max ${pct(lat, 100).toFixed(1)} ms; ` +
      `stored ${c.events}, distinct ${distinct}: lost ${N - distinct}, duplicated ${c.events - distinct}`,
  );
  if (c.events !== N || distinct !== N) process.exitCode = 1;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hallgate-bench-cassandra-'));
  let node: BenchNode | null = null;
  const broker = await Mosquitto.start();
  try {
    const points = process.env.CASSANDRA_CONTACT_POINTS?.split(',').filter((s) => s !== '');
    if (!points?.length) node = startNode();
    const target = {
      contactPoints: points?.length ? points : [node!.contactPoint],
      localDataCenter: process.env.CASSANDRA_DC ?? 'datacenter1',
    };
    const sqlite = new SqliteCentralStore(join(dir, 'central.db'));
    await sqlite.start();
    await measure('SQLite', broker.url, [sqlite], 'sq');
    await sqlite.stop();

    const keyspace = freshKeyspace();
    const stores = Array.from(
      { length: AGGREGATORS },
      () =>
        new CassandraCentralStore(
          {
            ...target,
            keyspace,
            replication: "{'class': 'SimpleStrategy', 'replication_factor': 1}",
            consistency: values.consistency as Consistency,
            maxConcurrentWrites: Number(values.concurrency),
          },
          log,
        ),
    );
    for (const s of stores) await s.start();
    await measure(`Cassandra (${values.consistency})`, broker.url, stores, 'cq');
    for (const s of stores) await s.stop();
    await dropKeyspace(target, keyspace);
  } finally {
    await broker.close();
    node?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
