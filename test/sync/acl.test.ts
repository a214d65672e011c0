import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

const ACL = readFileSync(join(import.meta.dirname, '..', '..', 'scripts', 'mosquitto', 'acl'), 'utf8');
const USERS = [
  { username: 'campus/gw-1', password: 'pw-1' },
  { username: 'campus/gw-2', password: 'pw-2' },
  { username: 'aggregator', password: 'pw-agg' },
];

describe('per-gateway topic namespace (the example ACL on real mosquitto)', () => {
  let broker: Mosquitto;
  let dir: string;
  let store: SqliteCentralStore;
  let aggregator: Aggregator;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallgate-acl-'));
    broker = await Mosquitto.start({ users: USERS, acl: ACL });
    store = new SqliteCentralStore(join(dir, 'central.db'));
    await store.start();
    aggregator = new Aggregator(
      { url: broker.url, group: 'agg', username: 'aggregator', password: 'pw-agg' },
      { store, log: silentLogger(), clock: systemClock },
    );
    let ready = false;
    aggregator.on('subscribed', () => (ready = true));
    await aggregator.start();
    await waitFor(() => ready, 'aggregator subscribed under the ACL');
  });
  after(async () => {
    await aggregator.stop();
    await store.stop();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("rejects a gateway publishing on another gateway's topic; the real gateway's data flows", async () => {
    const db = openGatewayDb(join(dir, 'gw-1.db'));
    queue(db, events(200, 'legit'));
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
        username: 'campus/gw-1',
        password: 'pw-1',
        lingerMs: 10,
        pollMs: 20,
      },
      { outbox, log: silentLogger(), clock: systemClock },
    );
    await uplink.start();

    const intruder = await mqtt.connectAsync(broker.url, {
      protocolVersion: 5,
      clientId: 'intruder',
      username: 'campus/gw-2',
      password: 'pw-2',
    });
    const forged = JSON.stringify({
      schemaVersion: 1,
      gatewayId: 'gw-1',
      site: 'campus',
      batchId: 'forged',
      sentAt: 1,
      items: [{ seq: 1, kind: 'event', createdAt: 1, payload: event({ eventId: 'forged-0' }) }],
    });
    await assert.rejects(
      intruder.publishAsync(gatewayTopic('campus', 'gw-1', 'batch'), forged, { qos: 1 }),
      /not authori[sz]ed/i,
    );
    // mosquitto grants the subscription but checks read access on every delivery
    const overheard: string[] = [];
    intruder.on('message', (topic) => overheard.push(topic));
    await intruder.subscribeAsync(gatewayTopic('campus', 'gw-1', 'ack'), { qos: 1 });
    // its own namespace works
    await intruder.publishAsync(gatewayTopic('campus', 'gw-2', 'status'), '', { qos: 1, retain: true });

    await waitFor(() => outboxDepth(db) === 0, 'legit outbox drained');
    await intruder.endAsync();
    assert.deepEqual(overheard, [], 'no ack of gw-1 reached gw-2');
    await uplink.stop();
    db.close();
    const all = await store.eventsByLectureDay('CS101', '2025-03-19');
    assert.equal(all.length, 200);
    assert.ok(!all.some((e) => e.eventId.startsWith('forged')));
    assert.equal((await store.counts()).deadLetters, 0);
  });
});
