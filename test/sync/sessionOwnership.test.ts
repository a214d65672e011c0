import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Database } from 'better-sqlite3';
import { ManualClock, systemClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../kernel/log.ts';
import { Aggregator } from '../../sync/aggregator/aggregator.ts';
import { campusOwnership } from '../../sync/aggregator/sessionOwnership.ts';
import { SqliteCentralStore } from '../../sync/aggregator/sqliteCentralStore.ts';
import { SqliteCampusStore } from '../../sync/campus/sqliteCampusStore.ts';
import { Outbox } from '../../sync/outbox.ts';
import { SqliteOutboxQueue } from '../../gateway/store/outboxQueue.ts';
import { Uplink } from '../../sync/uplink.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import { openGatewayDb, outboxDepth, queue, record, type OutboxInput } from './fixtures/gatewayDb.ts';
import { waitFor } from './fixtures/waitFor.ts';

const ACL = readFileSync(join(import.meta.dirname, '..', '..', 'scripts', 'mosquitto', 'acl'), 'utf8');
const USERS = [
  { username: 'campus/gw-a', password: 'pw-a' },
  { username: 'campus/gw-b', password: 'pw-b' },
  { username: 'aggregator', password: 'pw-agg' },
];
const WAIT = 120_000;
const T0 = Date.UTC(2025, 2, 19, 9, 0, 0);

/** Issue 12 §5: the campus data (session hall, gateway halls) decides who owns a session. */
describe('session ownership from the campus data', () => {
  let broker: Mosquitto;
  let dir: string;
  let store: SqliteCentralStore;
  let campus: SqliteCampusStore;
  let aggregator: Aggregator;
  const stops: (() => Promise<void>)[] = [];
  const gateways = new Map<string, { db: Database; send: (items: OutboxInput[]) => Promise<void> }>();

  const gateway = async (gatewayId: string) => {
    const db = openGatewayDb(join(dir, `${gatewayId}.db`));
    const outbox = new Outbox(
      new SqliteOutboxQueue(db),
      { maxRows: 1e6, minDiskFreeBytes: 0 },
      { log: silentLogger(), clock: systemClock },
    );
    const uplink = new Uplink(
      {
        url: broker.url,
        site: 'campus',
        gatewayId,
        version: 't',
        username: `campus/${gatewayId}`,
        password: `pw-${gatewayId.slice(3)}`,
        lingerMs: 10,
        pollMs: 20,
      },
      { outbox, log: silentLogger(), clock: systemClock },
    );
    await uplink.start();
    stops.push(async () => {
      await uplink.stop();
      db.close();
    });
    const send = async (items: OutboxInput[]) => {
      queue(db, items);
      uplink.notify();
      await waitFor(() => outboxDepth(db) === 0, `${gatewayId} outbox drained`, WAIT);
    };
    gateways.set(gatewayId, { db, send });
  };
  const gw = (id: string) => gateways.get(id)!;
  const quarantined = (id: string) =>
    (
      gw(id).db.prepare("SELECT reason FROM dead_letters WHERE source = 'sync'").all() as { reason: string }[]
    ).map((r) => r.reason);
  const rows = async (sessionId: string) =>
    (await store.recordsBySession(sessionId)).map((r) => [r.studentId, r.version, r.status, r.gatewayId]);
  const rec = (sessionId: string, over: Parameters<typeof record>[0] = {}) =>
    record({ sessionId, courseId: 'EE400', hallId: 'HALL-B', eventIds: [], ...over });
  const session = (sessionId: string, hallId: string) => ({
    sessionId,
    courseId: 'EE400',
    hallId,
    start: T0,
    end: T0 + 90 * 60_000,
  });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallgate-owners-'));
    broker = await Mosquitto.start({ users: USERS, acl: ACL });
    store = new SqliteCentralStore(join(dir, 'central.db'));
    await store.start();
    campus = new SqliteCampusStore(join(dir, 'campus.db'));
    await campus.start();
    await campus.upsertHalls([
      { hallId: 'HALL-A', name: 'A' },
      { hallId: 'HALL-B', name: 'B' },
    ]);
    await campus.upsertGateway({ site: 'campus', gatewayId: 'gw-a', hallIds: ['HALL-A'] });
    await campus.upsertGateway({ site: 'campus', gatewayId: 'gw-b', hallIds: ['HALL-B'] });
    await campus.upsertSessions([session('EE400-known', 'HALL-B')]);
    aggregator = new Aggregator(
      { url: broker.url, group: 'agg', username: 'aggregator', password: 'pw-agg' },
      {
        store,
        log: silentLogger(),
        clock: new ManualClock(T0 + 6 * 3600_000),
        ownership: campusOwnership(campus),
      },
    );
    let ready = false;
    aggregator.on('subscribed', () => (ready = true));
    await aggregator.start();
    await waitFor(() => ready, 'aggregator subscribed', WAIT);
    await gateway('gw-a');
    await gateway('gw-b');
  });
  after(async () => {
    for (const s of stops.reverse()) await s();
    await aggregator.stop();
    await store.stop();
    await campus.stop();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a record from a gateway that does not serve the session's hall, even when it came first", async () => {
    await gw('gw-a').send([
      {
        kind: 'record',
        payload: rec('EE400-known', { version: 1_000_000, status: 'absent', minutesPresent: 0 }),
      },
    ]);
    await gw('gw-b').send([
      { kind: 'record', payload: rec('EE400-known', { version: 3, status: 'present' }) },
    ]);

    assert.deepEqual(await rows('EE400-known'), [['S1', 3, 'present', 'gw-b']]);
    const atA = quarantined('gw-a');
    assert.equal(atA.length, 1);
    assert.match(atA[0]!, /conflict: session EE400-known belongs to campus\/gw-b$/);
    assert.deepEqual(quarantined('gw-b'), []);
    const central = (await store.deadLetters()).map((d) => [d.gatewayId, d.reason]);
    assert.deepEqual(central, [['gw-a', 'conflict: session EE400-known belongs to campus/gw-b']]);
  });

  it('falls back to the first sender when the campus data does not know the session', async () => {
    await gw('gw-a').send([
      { kind: 'record', payload: rec('EE400-unknown', { version: 1, status: 'absent' }) },
    ]);
    await gw('gw-b').send([
      { kind: 'record', payload: rec('EE400-unknown', { version: 2, status: 'present' }) },
    ]);

    assert.deepEqual(await rows('EE400-unknown'), [['S1', 1, 'absent', 'gw-a']]);
    assert.ok(
      quarantined('gw-b').some((r) => r.endsWith('conflict: session EE400-unknown belongs to campus/gw-a')),
    );
  });

  it('lets the real gateway take a session over once the campus data knows it', async () => {
    await gw('gw-a').send([
      {
        kind: 'record',
        payload: rec('EE400-late', { version: 1_000_000, status: 'absent', minutesPresent: 0 }),
      },
    ]);
    assert.deepEqual(await rows('EE400-late'), [['S1', 1_000_000, 'absent', 'gw-a']]);
    await campus.upsertSessions([session('EE400-late', 'HALL-B')]);
    await gw('gw-b').send([
      { kind: 'record', payload: rec('EE400-late', { version: 3, status: 'present' }) },
    ]);

    assert.deepEqual(await rows('EE400-late'), [['S1', 3, 'present', 'gw-b']]);
    assert.ok(!quarantined('gw-b').some((r) => r.includes('EE400-late')));
    // From now on gw-a's records of it are refused.
    await gw('gw-a').send([
      { kind: 'record', payload: rec('EE400-late', { version: 2_000_000, status: 'absent' }) },
    ]);
    assert.deepEqual(await rows('EE400-late'), [['S1', 3, 'present', 'gw-b']]);
    assert.ok(
      quarantined('gw-a').some((r) => r.endsWith('conflict: session EE400-late belongs to campus/gw-b')),
    );
  });
});
