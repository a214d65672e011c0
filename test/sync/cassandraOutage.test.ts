import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { systemClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../kernel/log.ts';
import { Outbox } from '../../sync/outbox.ts';
import { SqliteOutboxQueue } from '../../gateway/store/outboxQueue.ts';
import { Uplink } from '../../sync/uplink.ts';
import {
  cassandraSkip,
  cassandraTarget,
  freshCassandraStore,
  testStoreOptions,
} from '../helpers/cassandra.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { TcpProxy } from '../helpers/tcpProxy.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { Child } from './fixtures/child.ts';
import { events, openGatewayDb, outboxDepth, queue } from './fixtures/gatewayDb.ts';
import { waitFor } from './fixtures/waitFor.ts';

const DRAIN_MS = 180_000;

/**
 * Cassandra unreachable in the middle of a stream (the aggregator reaches the
 * node through a TCP forwarder the test cuts): writes fail, the aggregator
 * acknowledges nothing it has not written, the gateway keeps the rows in its
 * outbox; once the node is reachable again everything arrives, once.
 */
describe('Cassandra down under the aggregator', { skip: cassandraSkip() }, () => {
  // Torn down in reverse order of start (clients before the broker and the proxy they use).
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it('holds the acks while the node is unreachable and loses nothing', async () => {
    const target = cassandraTarget()!;
    const { keyspace, cleanup, store: reader } = await freshCassandraStore();
    cleanups.push(cleanup);
    const proxy = await TcpProxy.start(
      target.contactPoints[0]!.includes(':') ? target.contactPoints[0]! : `${target.contactPoints[0]}:9042`,
    );
    cleanups.push(() => proxy.close());
    const broker = await Mosquitto.start();
    cleanups.push(() => broker.close());
    // The aggregator in its own process: cassandra-driver 4.x can leave timers running after
    // shutdown() when a reconnect races with it, which would keep a test process alive.
    const aggregator = await Child.start(
      'aggregatorChild.ts',
      'HALLGATE_TEST_AGGREGATOR',
      {
        url: broker.url,
        group: 'agg',
        writeAttempts: 2,
        writeRetryDelayMs: 100,
        reconnectMinMs: 100,
        reconnectMaxMs: 500,
        centralPath: '',
        cassandra: testStoreOptions({ ...target, contactPoints: [proxy.address] }, keyspace),
      },
      'subscribed',
    );
    cleanups.push(() => aggregator.kill('SIGTERM'));
    let writeFailures = 0;
    aggregator.proc.stdout!.on('data', (d: Buffer) => {
      writeFailures += d
        .toString()
        .split('\n')
        .filter((l) => l === 'write-failed').length;
    });

    const db = openGatewayDb(join(tempDir('hallgate-cassandra-outage-'), 'gw.db'));
    cleanups.push(() => db.close());
    const outbox = new Outbox(
      new SqliteOutboxQueue(db),
      { maxRows: 1_000_000, minDiskFreeBytes: 0 },
      { log: silentLogger(), clock: systemClock },
    );
    const uplink = new Uplink(
      {
        url: broker.url,
        site: 'campus',
        gatewayId: 'gw-o',
        version: 'test',
        batchSize: 100,
        maxInFlight: 1,
        lingerMs: 20,
        pollMs: 20,
        ackTimeoutMs: 3000,
        maxBackoffMs: 2000,
        reconnectMinMs: 100,
        reconnectMaxMs: 500,
      },
      { outbox, log: silentLogger(), clock: systemClock },
    );
    cleanups.push(() => uplink.stop());
    queue(db, events(500, 'o1'));
    await uplink.start();
    await waitFor(() => outboxDepth(db) === 0, 'first rows through', DRAIN_MS);

    await proxy.cut();
    queue(db, events(1000, 'o2'));
    await waitFor(() => writeFailures >= 2, 'writes failing while the node is unreachable', DRAIN_MS);
    assert.equal(outboxDepth(db), 1000, 'nothing acknowledged that was not written');
    assert.equal((await reader.counts()).events, 500);

    await proxy.restore();
    await waitFor(() => outboxDepth(db) === 0, 'outbox drained once the node is back', DRAIN_MS);
    const all = await reader.eventsByLectureDay('CS101', '2025-03-19');
    const ids = new Set(all.map((e) => e.eventId));
    assert.equal(all.length, 1500, 'no event lost or duplicated');
    for (let i = 0; i < 500; i++) assert.ok(ids.has(`o1-${i}`));
    for (let i = 0; i < 1000; i++) assert.ok(ids.has(`o2-${i}`));
    assert.equal((await reader.counts()).events, 1500);
  });
});
