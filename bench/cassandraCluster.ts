// Scale-out soak: a three-node Cassandra cluster on 127.0.0.1-3 (RF 3, LOCAL_QUORUM), two aggregator
// processes on one MQTT 5 shared subscription of a real Mosquitto, and 10 gateways (uplink + SQLite
// outbox each) draining 100,000 queued events. During the drain one Cassandra node and one aggregator
// are SIGKILLed. Prints events/s, ack latency (batch publish -> ack, seen by a monitor client) and
// lost/duplicated by event id. Not part of CI.
// Usage: npm run bench:cluster -- [--events 100000] [--gateways 10] [--kill-at 0.3]
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { systemClock } from '../kernel/clock.ts';
import { silentLogger } from '../kernel/log.ts';
import {
  CassandraCentralStore,
  type CassandraStoreOptions,
} from '../sync/aggregator/cassandraCentralStore.ts';
import { Outbox } from '../sync/outbox.ts';
import { SqliteOutboxQueue } from '../gateway/store/outboxQueue.ts';
import { Uplink } from '../sync/uplink.ts';
import { Mosquitto } from '../test/helpers/mosquitto.ts';
import { Child } from '../test/sync/fixtures/child.ts';
import { openGatewayDb, outboxDepth, queue, type OutboxInput } from '../test/sync/fixtures/gatewayDb.ts';
import { startNode, type BenchNode } from './cassandraNode.ts';
import { freePortOn } from './freePort.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    gateways: { type: 'string', default: '10' },
    'kill-at': { type: 'string', default: '0.3' },
  },
});
const N = Number(values.events);
const GATEWAYS = Number(values.gateways);
const log = silentLogger();
const T0 = Date.UTC(2025, 2, 19, 9, 0, 0);
const LECTURES = 40;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TOKENS = ['-9223372036854775808', '-3074457345618258603', '3074457345618258602'];

/** Three nodes, one after the other (a node joins once the previous one serves CQL), pushed to `nodes` as they start. */
async function startCluster(nodes: BenchNode[]): Promise<number> {
  const cql = await freePortOn('127.0.0.1');
  const storage = await freePortOn('127.0.0.1');
  for (let i = 0; i < 3; i++) {
    const t = Date.now();
    nodes.push(
      startNode(
        {
          CASSANDRA_LISTEN_ADDRESS: `127.0.0.${i + 1}`,
          CASSANDRA_CQL_PORT: String(cql),
          CASSANDRA_STORAGE_PORT: String(storage),
          CASSANDRA_SEEDS: `127.0.0.1:${storage}`,
          CASSANDRA_INITIAL_TOKEN: TOKENS[i],
          CASSANDRA_CLUSTER_NAME: 'hallgate-bench-cluster',
          // a joining node must have heard from the seed before it bootstraps
          CASSANDRA_RING_DELAY_MS: i === 0 ? '100' : '10000',
          CASSANDRA_START_TIMEOUT: '300',
          MAX_HEAP_SIZE: '512M',
          HEAP_NEWSIZE: '96M',
        },
        `n${i + 1}`,
      ),
    );
    console.log(`node 127.0.0.${i + 1} up in ${((Date.now() - t) / 1000).toFixed(0)} s`);
  }
  return cql;
}

function gatewayEvents(g: number, n: number): OutboxInput[] {
  return Array.from({ length: n }, (_, j) => ({
    kind: 'event' as const,
    payload: {
      eventId: `g${g}-${j}`,
      source: 'rfid' as const,
      studentId: `S${(g * 7919 + j) % 5000}`,
      rawId: `CARD${j % 5000}`,
      gateId: `G${g}`,
      hallId: `HALL-${g}`,
      direction: 'enter' as const,
      ts: T0 + j * 10,
      day: '2025-03-19',
      lectureId: `L${(g * 4 + (j >> 8)) % LECTURES}`,
    },
  }));
}

/** Watches every batch and ack (a plain subscription beside the shared one): latency per batch id. */
async function monitor(url: string) {
  const client = await mqtt.connectAsync(url, { protocolVersion: 5, clientId: 'bench-monitor' });
  const sent = new Map<string, number>();
  const latencies: number[] = [];
  client.on('message', (topic, payload) => {
    const now = performance.now();
    const { batchId } = JSON.parse(payload.toString()) as { batchId: string };
    if (topic.endsWith('/batch')) {
      if (!sent.has(batchId)) sent.set(batchId, now);
    } else if (topic.endsWith('/ack') && sent.has(batchId)) {
      latencies.push(now - sent.get(batchId)!);
      sent.delete(batchId);
    }
  });
  await client.subscribeAsync(['hallgate/v1/+/+/batch', 'hallgate/v1/+/+/ack'], { qos: 0 });
  return { client, latencies };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

type Stops = (() => Promise<void> | void)[];

/** 10 gateway outboxes with their share of the events queued, and their uplinks started. */
async function startGateways(dir: string, url: string, stops: Stops): Promise<() => number> {
  const per = Math.ceil(N / GATEWAYS);
  const dbs = Array.from({ length: GATEWAYS }, (_, g) => {
    const db = openGatewayDb(join(dir, `gw${g}.db`));
    queue(db, gatewayEvents(g, Math.min(per, N - g * per)));
    stops.push(() => {
      db.close();
    });
    return db;
  });
  for (const [g, db] of dbs.entries()) {
    const outbox = new Outbox(
      new SqliteOutboxQueue(db),
      { maxRows: 10_000_000, minDiskFreeBytes: 0 },
      { log, clock: systemClock },
    );
    const uplink = new Uplink(
      {
        url,
        site: 'campus',
        gatewayId: `gw-${g}`,
        version: 'bench',
        batchSize: 500,
        maxInFlight: 2,
        lingerMs: 20,
        pollMs: 20,
        ackTimeoutMs: 15_000,
        reconnectMinMs: 100,
        reconnectMaxMs: 1000,
      },
      { outbox, log, clock: systemClock },
    );
    stops.push(() => uplink.stop());
    await uplink.start();
  }
  return () => dbs.reduce((n, db) => n + outboxDepth(db), 0);
}

/** Distinct and stored events, read back at LOCAL_QUORUM (two of the three nodes are up). */
async function readBack(reader: CassandraCentralStore): Promise<{ distinct: number; stored: number }> {
  let distinct = 0;
  for (let l = 0; l < LECTURES; l++) {
    distinct += new Set((await reader.eventsByLectureDay(`L${l}`, '2025-03-19')).map((e) => e.eventId)).size;
  }
  return { distinct, stored: (await reader.counts()).events };
}

async function run(dir: string, nodes: BenchNode[], stops: Stops): Promise<void> {
  const cql = await startCluster(nodes);
  const storeOpts: CassandraStoreOptions = {
    contactPoints: [`127.0.0.1:${cql}`, `127.0.0.2:${cql}`],
    localDataCenter: 'datacenter1',
    keyspace: 'hallgate_cluster_bench',
    replication: "{'class': 'NetworkTopologyStrategy', 'datacenter1': 3}",
    consistency: 'localQuorum',
  };
  const reader = new CassandraCentralStore(storeOpts, log);
  await reader.start(); // creates the keyspace (RF 3) and tables before the aggregators start
  stops.push(() => reader.stop());
  const broker = await Mosquitto.start();
  stops.push(() => broker.close());
  const aggCfg = { url: broker.url, group: 'cluster', centralPath: '', cassandra: storeOpts };
  const aggs: Child[] = [];
  stops.push(() => Promise.all(aggs.map((a) => a.kill('SIGTERM'))).then(() => undefined));
  for (let i = 0; i < 2; i++) {
    aggs.push(await Child.start('aggregatorChild.ts', 'HALLGATE_TEST_AGGREGATOR', aggCfg, 'subscribed'));
  }
  const mon = await monitor(broker.url);
  stops.push(() => mon.client.endAsync());

  const t0 = performance.now();
  const depth = await startGateways(dir, broker.url, stops);
  while (depth() > N * (1 - Number(values['kill-at']))) await sleep(50);
  const killedAt = N - depth();
  process.kill(Number(readFileSync(join(nodes[2]!.dir, 'pid'), 'utf8')), 'SIGKILL');
  await aggs[0]!.kill('SIGKILL');
  console.log(`after ${killedAt} events acked: SIGKILLed Cassandra node 127.0.0.3 and aggregator 1`);
  while (depth() > 0) await sleep(100);
  const secs = (performance.now() - t0) / 1000;
  const { distinct, stored } = await readBack(reader);
  console.log(
    `cluster (3 nodes, RF 3, LOCAL_QUORUM; 2 aggregators on a shared subscription; ${GATEWAYS} gateways, ` +
      `batches of 500, 2 in flight each): ${N} events drained in ${secs.toFixed(1)} s = ${(N / secs).toFixed(0)} events/s; ` +
      `ack latency p50 ${pct(mon.latencies, 50).toFixed(0)} ms, p99 ${pct(mon.latencies, 99).toFixed(0)} ms ` +
      `(${mon.latencies.length} batches acked); stored ${stored}, distinct ${distinct}: lost ${N - distinct}, duplicated ${stored - distinct}`,
  );
  if (stored !== N || distinct !== N) process.exitCode = 1;
}

const dir = mkdtempSync(join(tmpdir(), 'hallgate-bench-cluster-'));
const nodes: BenchNode[] = [];
const stops: Stops = [];
try {
  await run(dir, nodes, stops);
} finally {
  for (const s of stops.reverse()) await Promise.resolve(s()).catch(() => undefined);
  for (const n of nodes) n.stop();
  rmSync(dir, { recursive: true, force: true });
}
