import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { systemClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../kernel/log.ts';
import { Aggregator } from '../../sync/aggregator/aggregator.ts';
import { SqliteCentralStore } from '../../sync/aggregator/sqliteCentralStore.ts';
import { Outbox } from '../../sync/outbox.ts';
import { SqliteOutboxQueue } from '../../gateway/store/outboxQueue.ts';
import { gatewayTopic } from '../../sync/topics.ts';
import { Uplink } from '../../sync/uplink.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { event, events, openGatewayDb, outboxDepth, queue } from './fixtures/gatewayDb.ts';
import { waitFor } from './fixtures/waitFor.ts';

const WAIT = 120_000;

/** Issue 12 §4: on a broker without an ACL anyone may publish on a gateway's ack topic. */
describe('only a real ack removes rows (open mosquitto, no ACL)', () => {
  let broker: Mosquitto;
  let dir: string;

  before(async () => {
    broker = await Mosquitto.start();
    dir = mkdtempSync(join(tmpdir(), 'hallgate-forged-'));
  });
  after(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a forged ack leaves the outbox as it was', async () => {
    const db = openGatewayDb(join(dir, 'gw-f.db'));
    queue(db, events(479, 'f'));
    const before = db.prepare('SELECT seq FROM outbox ORDER BY seq').all() as { seq: number }[];
    const outbox = new Outbox(
      new SqliteOutboxQueue(db),
      { maxRows: 1e6, minDiskFreeBytes: 0 },
      { log: silentLogger(), clock: systemClock },
    );
    // No aggregator runs: every batch stays in flight (and is resent) while the forger works.
    const uplink = new Uplink(
      {
        url: broker.url,
        site: 'campus',
        gatewayId: 'gw-f',
        version: 't',
        batchSize: 100,
        lingerMs: 10,
        pollMs: 20,
      },
      { outbox, log: silentLogger(), clock: systemClock },
    );
    let handled = 0;
    uplink.on('acked', () => (handled += 1));
    uplink.on('ackIgnored', () => (handled += 1));
    let connected = false;
    uplink.on('connected', () => (connected = true));
    // The forger also reads the batch topic, so it knows the id of a batch really in flight.
    const forger = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'forger' });
    const seen: { batchId: string; seqs: number[] }[] = [];
    forger.on('message', (_t, p) => {
      const b = JSON.parse(p.toString()) as { batchId: string; items: { seq: number }[] };
      seen.push({ batchId: b.batchId, seqs: b.items.map((i) => i.seq) });
    });
    await forger.subscribeAsync(gatewayTopic('campus', 'gw-f', 'batch'), { qos: 1 });
    await uplink.start();
    try {
      await waitFor(() => connected && seen.length > 0, 'a batch in flight', WAIT);
      const all = before.map((r) => r.seq);
      const ackTopic = gatewayTopic('campus', 'gw-f', 'ack');
      const forge = (o: object) =>
        forger.publishAsync(ackTopic, JSON.stringify({ schemaVersion: 1, ...o }), { qos: 1 });
      // 1: a batch that was never sent, naming every row
      await forge({ batchId: 'gw-f-1-479', seqs: all, status: 'ok' });
      // 2: a "rejected" ack for a batch never sent (would dead-letter every row)
      await forge({ batchId: 'never-sent', seqs: all, status: 'rejected', reason: 'forged' });
      // 3: the id of a batch in flight, but other rows' seqs
      const real = seen[0]!;
      const others = all.filter((s) => !real.seqs.includes(s));
      await forge({ batchId: real.batchId, seqs: others, status: 'ok' });
      await waitFor(() => handled >= 3, 'the three forged acks handled', WAIT);
      const after = db.prepare('SELECT seq FROM outbox ORDER BY seq').all() as { seq: number }[];
      assert.equal(outboxDepth(db), 479, 'every row still queued');
      assert.deepEqual(after, before, 'the outbox is as it was');
      const dead = db.prepare('SELECT count(*) AS n FROM dead_letters').get() as { n: number };
      assert.equal(dead.n, 0, 'nothing dead-lettered by a forged ack');
      assert.equal(uplink.stats().acksIgnored, 3);
    } finally {
      await forger.endAsync();
      await uplink.stop();
      db.close();
    }
  });

  it('the aggregator never acks a batch it could not parse, so no seqs are echoed', async () => {
    const store = new SqliteCentralStore(join(dir, 'central.db'));
    await store.start();
    const agg = new Aggregator(
      { url: broker.url, group: 'agg' },
      { store, log: silentLogger(), clock: systemClock },
    );
    let ready = false;
    agg.on('subscribed', () => (ready = true));
    let deadLettered = 0;
    agg.on('deadLettered', () => (deadLettered += 1));
    await agg.start();
    const raw = await mqtt.connectAsync(broker.url, { protocolVersion: 5, clientId: 'raw' });
    try {
      await waitFor(() => ready, 'aggregator subscribed', WAIT);
      const acks: { batchId: string; status: string; seqs: number[] }[] = [];
      raw.on('message', (_t, p) => acks.push(JSON.parse(p.toString()) as (typeof acks)[number]));
      await raw.subscribeAsync(gatewayTopic('campus', 'gw-v', 'ack'), { qos: 1 });
      const topic = gatewayTopic('campus', 'gw-v', 'batch');
      const item = (seq: number) => ({
        seq,
        kind: 'event',
        createdAt: 1,
        payload: event({ eventId: `v-${seq}` }),
      });
      // batch-shaped but not a valid envelope (no site, a future schema, another gateway's name)
      const bad = [
        { schemaVersion: 1, gatewayId: 'gw-v', batchId: 'x1', sentAt: 1, items: [item(1), item(2)] },
        { schemaVersion: 9, gatewayId: 'gw-v', site: 'campus', batchId: 'x2', sentAt: 1, items: [item(3)] },
        { schemaVersion: 1, gatewayId: 'gw-w', site: 'campus', batchId: 'x3', sentAt: 1, items: [item(4)] },
      ];
      for (const b of bad) await raw.publishAsync(topic, JSON.stringify(b), { qos: 1 });
      await waitFor(() => deadLettered >= 3, 'the three bad batches dead-lettered', WAIT);
      // A valid batch after them: its ack comes after any ack of theirs would have.
      const good = {
        schemaVersion: 1,
        gatewayId: 'gw-v',
        site: 'campus',
        batchId: 'ok-1',
        sentAt: 1,
        items: [item(9)],
      };
      await raw.publishAsync(topic, JSON.stringify(good), { qos: 1 });
      await waitFor(() => acks.some((a) => a.batchId === 'ok-1'), 'ack of the valid batch', WAIT);
      assert.deepEqual(
        acks.map((a) => [a.batchId, a.status, a.seqs]),
        [['ok-1', 'ok', [9]]],
      );
      assert.equal((await store.deadLetters()).length, 3);
    } finally {
      await raw.endAsync();
      await agg.stop();
      await store.stop();
    }
  });
});
