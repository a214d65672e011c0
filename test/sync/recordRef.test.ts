import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../kernel/log.ts';
import { LocalStore } from '../../gateway/store/localStore.ts';
import type { AttendanceRecord } from '../../rules/types.ts';
import { Outbox } from '../../sync/outbox.ts';
import { recordPayloadSchema } from '../../sync/schema.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { queue, record } from './fixtures/gatewayDb.ts';

const dir = tempDir();
let n = 0;
const T0 = Date.parse('2026-03-19T09:00:00Z');

function rec(over: Partial<AttendanceRecord> = {}): AttendanceRecord {
  return {
    studentId: 'S1',
    sessionId: 'L1',
    courseId: 'C1',
    hallId: 'H1',
    status: 'present',
    minutesPresent: 90,
    intervals: [{ from: T0, to: T0 + 90 * 60_000 }],
    flags: ['verified'],
    explanations: [{ rule: 'present', text: 'on "time"', thresholds: { graceSec: 300 }, eventIds: ['e1'] }],
    eventIds: ['e1'],
    ...over,
  };
}

function setup(): { store: LocalStore; outbox: Outbox } {
  const store = LocalStore.open(join(dir, `r${n++}.db`), 0);
  store.upsertSession({ sessionId: 'L1', courseId: 'C1', hallId: 'H1', start: T0, end: T0 + 90 * 60_000 });
  const outbox = new Outbox(
    store.outboxQueue,
    { maxRows: 1000, minDiskFreeBytes: 0 },
    { log: silentLogger(), clock: new ManualClock(T0) },
  );
  return { store, outbox };
}

const payloads = (outbox: Outbox): unknown[] =>
  outbox
    .readAfter(0, 100, 1 << 20)
    .rows.filter((r) => r.kind === 'record')
    .map((r) => JSON.parse(r.payload) as unknown);

describe('record outbox rows', () => {
  it('are sent as the record stands when read: its latest version, in the payload schema', () => {
    const { store, outbox } = setup();
    store.saveRecord(rec({ status: 'pending', minutesPresent: 0, flags: [] }), T0 + 1000);
    store.saveRecord(rec(), T0 + 2000);
    const latest = {
      ...rec(),
      day: '2026-03-19',
      version: 2,
      decidedAt: T0 + 2000,
      manual: false,
    };
    const sent = payloads(outbox);
    assert.equal(sent.length, 2);
    for (const p of sent) {
      assert.deepEqual(p, latest);
      assert.equal(recordPayloadSchema.safeParse(p).success, true);
    }
    store.close();
  });

  it('carry a manual decision with its note', () => {
    const { store, outbox } = setup();
    store.saveRecord(rec({ status: 'review' }), T0 + 1000);
    const m = store.resolveManually('S1', 'L1', 'present', 'doctor note seen', 'registrar', T0 + 5000);
    const { note: _shown, ...stored } = m;
    const expected = { ...stored, manual: true, note: 'doctor note seen' };
    for (const p of payloads(outbox)) {
      assert.deepEqual(p, expected);
      assert.equal(recordPayloadSchema.safeParse(p).success, true);
    }
    store.close();
  });

  it('with a full payload are sent unchanged; a reference to a missing record is dead-lettered', () => {
    const { store, outbox } = setup();
    queue(store.db, [{ kind: 'record', payload: record({ version: 7 }) }]);
    store.db
      .prepare('INSERT INTO outbox (kind, payload, created_at) VALUES (?, ?, ?)')
      .run('record', '{"studentId":"S9","sessionId":"L9"}', T0);
    const read = outbox.readAfter(0, 100, 1 << 20);
    assert.equal(read.rows.length, 1);
    assert.deepEqual(JSON.parse(read.rows[0]!.payload), record({ version: 7 }));
    assert.deepEqual(
      store.listDeadLetters().map((d) => d.reason),
      ['referenced record is not stored'],
    );
    store.close();
  });
});
