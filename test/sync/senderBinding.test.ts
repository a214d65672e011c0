import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Database } from 'better-sqlite3';
import { ManualClock, systemClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../kernel/log.ts';
import { Aggregator } from '../../sync/aggregator/aggregator.ts';
import { SqliteCentralStore } from '../../sync/aggregator/sqliteCentralStore.ts';
import { Outbox } from '../../sync/outbox.ts';
import { SqliteOutboxQueue } from '../../gateway/store/outboxQueue.ts';
import { invalidByHour } from '../../sync/reports/invalidAttempts.ts';
import { Uplink } from '../../sync/uplink.ts';
import { Mosquitto } from '../helpers/mosquitto.ts';
import {
  event,
  invalid,
  openGatewayDb,
  outboxDepth,
  queue,
  record,
  type OutboxInput,
} from './fixtures/gatewayDb.ts';
import { waitFor } from './fixtures/waitFor.ts';

const ACL = readFileSync(join(import.meta.dirname, '..', '..', 'scripts', 'mosquitto', 'acl'), 'utf8');
const USERS = [
  { username: 'campus/gw-a', password: 'pw-a' },
  { username: 'campus/gw-b', password: 'pw-b' },
  { username: 'campus/gw-c', password: 'pw-c' },
  { username: 'aggregator', password: 'pw-agg' },
];
const WAIT = 120_000;
const T0 = Date.UTC(2025, 2, 19, 9, 0, 0);

/** Issue 12 §5 and §6 (aggregator side), through real uplinks, a real ACL'd mosquitto and the aggregator. */
describe('items are bound to their sender and checked for plausible times', () => {
  let broker: Mosquitto;
  let dir: string;
  let store: SqliteCentralStore;
  let aggregator: Aggregator;
  const stops: (() => Promise<void>)[] = [];

  /** A gateway with valid credentials that sends what is queued in its outbox and waits until it is drained. */
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
    return { db, send };
  };
  const quarantined = (db: Database) =>
    db.prepare("SELECT reason, payload FROM dead_letters WHERE source = 'sync'").all() as {
      reason: string;
      payload: string;
    }[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hallgate-sender-'));
    broker = await Mosquitto.start({ users: USERS, acl: ACL });
    store = new SqliteCentralStore(join(dir, 'central.db'));
    await store.start();
    // The aggregator's clock: the afternoon of the events' day.
    aggregator = new Aggregator(
      { url: broker.url, group: 'agg', username: 'aggregator', password: 'pw-agg' },
      { store, log: silentLogger(), clock: new ManualClock(T0 + 6 * 3600_000) },
    );
    let ready = false;
    aggregator.on('subscribed', () => (ready = true));
    await aggregator.start();
    await waitFor(() => ready, 'aggregator subscribed', WAIT);
  });
  after(async () => {
    for (const s of stops.reverse()) await s();
    await aggregator.stop();
    await store.stop();
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gw-a cannot overwrite gw-b's record or event; its items are rejected and reported", async () => {
    const sessionId = 'EE400-2025-03-19';
    const rec = (over: Parameters<typeof record>[0]) =>
      record({ sessionId, courseId: 'EE400', hallId: 'HALL-B', eventIds: [], ...over });
    const ev = (over: Parameters<typeof event>[0]) =>
      event({ hallId: 'HALL-B', lectureId: 'EE400', ...over });
    const gwB = await gateway('gw-b');
    const gwA = await gateway('gw-a');
    // gw-b serves HALL-B: the student's first swipe and the pending record it produced.
    await gwB.send([
      { kind: 'event', payload: ev({ eventId: 'rfid-b-1', ts: T0 }) },
      { kind: 'record', payload: rec({ version: 1, status: 'pending' }) },
    ]);
    // gw-a: the session's record at version 1,000,000 "absent", and gw-b's next event id.
    await gwA.send([
      { kind: 'record', payload: rec({ version: 1_000_000, status: 'absent', minutesPresent: 0 }) },
      { kind: 'event', payload: ev({ eventId: 'rfid-b-2', studentId: 'S2', ts: T0 + 60_000, gateId: 'GA' }) },
    ]);
    // gw-b's real record (version 3, present) and its real event with that id.
    await gwB.send([
      { kind: 'event', payload: ev({ eventId: 'rfid-b-2', ts: T0 + 90 * 60_000, direction: 'exit' }) },
      { kind: 'record', payload: rec({ version: 3, status: 'present' }) },
    ]);

    assert.deepEqual(
      (await store.recordsBySession(sessionId)).map((r) => [r.studentId, r.version, r.status, r.gatewayId]),
      [['S1', 3, 'present', 'gw-b']],
    );
    const evs = await store.eventsByLectureDay('EE400', '2025-03-19');
    assert.deepEqual(
      evs.map((e) => [e.eventId, e.gatewayId, e.studentId, e.direction]),
      [
        ['rfid-b-1', 'gw-b', 'S1', 'enter'],
        ['rfid-b-2', 'gw-a', 'S2', 'enter'],
        ['rfid-b-2', 'gw-b', 'S1', 'exit'],
      ],
    );
    // The forged record: dead-lettered centrally, reported in the ack, quarantined by gw-a.
    const central = await store.deadLetters();
    assert.equal(central.length, 1);
    assert.equal(central[0]!.gatewayId, 'gw-a');
    assert.match(central[0]!.reason, /^conflict: session EE400-2025-03-19 belongs to campus\/gw-b$/);
    const local = quarantined(gwA.db);
    assert.equal(local.length, 1);
    assert.match(local[0]!.reason, /conflict: session EE400-2025-03-19 belongs to campus\/gw-b/);
    assert.ok(local[0]!.payload.includes('1000000'));
    assert.deepEqual(quarantined(gwB.db), []);
  });

  it('dead-letters items with implausible times or a day that is not their timestamp’s', async () => {
    const gwC = await gateway('gw-c');
    const huge = 8_640_000_000_000_001;
    const aggNow = T0 + 6 * 3600_000;
    await gwC.send([
      { kind: 'event', payload: event({ eventId: 'c-huge', ts: huge, day: '9999-99-99' }) },
      { kind: 'invalid', payload: invalid({ eventId: 'c-inv-huge', ts: huge, day: '9999-99-99' }) },
      {
        kind: 'event',
        payload: event({ eventId: 'c-1999', ts: Date.UTC(1999, 11, 31, 23), day: '1999-12-31' }),
      },
      {
        kind: 'event',
        payload: event({ eventId: 'c-ahead', ts: aggNow + 2 * 86_400_000, day: '2025-03-21' }),
      },
      { kind: 'event', payload: event({ eventId: 'c-wrong-day', ts: T0, day: '2025-03-20' }) },
      { kind: 'record', payload: record({ studentId: 'S5', day: '2025-02-30', sessionId: 'X-1' }) },
      { kind: 'record', payload: record({ studentId: 'S5', sessionId: 'X-2', decidedAt: huge }) },
      { kind: 'hll', payload: { lectureId: 'CS101', day: '9999-99-99', registers: 'AAAA' } },
      { kind: 'event', payload: event({ eventId: 'c-good', ts: T0 + 5000 }) },
      { kind: 'invalid', payload: invalid({ eventId: 'c-inv-good', ts: T0 + 7000 }) },
    ]);
    const reasons = quarantined(gwC.db).map((q) => q.reason);
    assert.equal(reasons.length, 8, reasons.join('\n'));
    const stored = (await store.eventsByLectureDay('CS101', '2025-03-19')).filter(
      (e) => e.gatewayId === 'gw-c',
    );
    assert.deepEqual(
      stored.map((e) => e.eventId),
      ['c-good'],
    );
    assert.deepEqual(await store.invalidAttemptsByDay('9999-99-99'), []);
    assert.deepEqual(await store.recordsBySession('X-1'), []);
    assert.deepEqual(await store.recordsBySession('X-2'), []);
    const central = (await store.deadLetters()).filter((d) => d.gatewayId === 'gw-c').map((d) => d.reason);
    assert.equal(central.length, 8);
    assert.ok(central.some((r) => r.includes('is more than a day ahead')));
    assert.ok(central.some((r) => r.includes('is before 2000-01-01')));
    assert.ok(central.some((r) => r.includes('day 2025-03-20 does not match ts')));
    assert.ok(central.some((r) => r.includes('day 2025-02-30 is not a date')));
    // Reports built from the store never print an impossible hour.
    const hours = invalidByHour([
      ...(await store.invalidAttemptsByDay('2025-03-19')),
      ...(await store.invalidAttemptsByDay('9999-99-99')),
    ]).rows.map((r) => r['hour']);
    assert.deepEqual(hours, ['09:00']);
  });
});
