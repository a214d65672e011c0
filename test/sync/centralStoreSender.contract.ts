import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { CentralStore, DeadLetterLimits } from '../../sync/aggregator/centralStore.ts';
import { centralBatch as batch } from './fixtures/centralBatch.ts';
import { event, invalid, record } from './fixtures/gatewayDb.ts';

/**
 * The CentralStore contract's cases for issue 12: items bound to their sender
 * (§5), the clock_suspect flag (§10), bounded dead letters (§6). Called by
 * centralStoreContract, so every store runs them.
 */
export function senderContract(
  name: string,
  build: (limits?: DeadLetterLimits) => Promise<{ store: CentralStore; cleanup: () => Promise<void> }>,
  skip: string | false,
): void {
  describe(`CentralStore contract: ${name}, items bound to their sender`, { skip }, () => {
    let store: CentralStore;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ store, cleanup } = await build());
    });
    after(async () => {
      await cleanup?.();
    });

    // Issue 12 §5: a gateway cannot overwrite another gateway's data.
    it('keeps event ids apart per gateway: the same id from two gateways is two events', async () => {
      const day = '2025-06-02';
      const at = Date.UTC(2025, 5, 2, 9);
      const real = event({ eventId: 'shared-id', studentId: 'S7', ts: at, day, lectureId: 'PH300' });
      const forged = { ...real, studentId: 'S8', ts: at + 1 };
      await store.writeBatch(
        batch({ gatewayId: 'gw-a', events: [forged], invalid: [invalid({ eventId: 'shared-inv', day })] }),
      );
      await store.writeBatch(
        batch({
          gatewayId: 'gw-b',
          events: [real],
          invalid: [invalid({ eventId: 'shared-inv', day, gateId: 'GB' })],
        }),
      );
      const got = await store.eventsByLectureDay('PH300', day);
      assert.deepEqual(
        got.map((e) => [e.eventId, e.gatewayId, e.studentId]),
        [
          ['shared-id', 'gw-b', 'S7'],
          ['shared-id', 'gw-a', 'S8'],
        ],
      );
      assert.deepEqual(
        (await store.eventsByStudentDay('S7', day)).map((e) => e.gatewayId),
        ['gw-b'],
      );
      assert.deepEqual((await store.invalidAttemptsByDay(day)).map((i) => [i.eventId, i.gatewayId]).sort(), [
        ['shared-inv', 'gw-a'],
        ['shared-inv', 'gw-b'],
      ]);
    });

    it('keeps the clock_suspect flag of an event stored on a suspect clock', async () => {
      const day = '2025-06-04';
      const at = Date.UTC(2025, 5, 4, 9);
      await store.writeBatch(
        batch({
          events: [
            event({ eventId: 'cs-1', ts: at, day, lectureId: 'CS777', clockSuspect: true }),
            event({ eventId: 'cs-2', ts: at + 1, day, lectureId: 'CS777' }),
          ],
        }),
      );
      const got = await store.eventsByLectureDay('CS777', day);
      assert.deepEqual(
        got.map((e) => [e.eventId, e.clockSuspect]),
        [
          ['cs-1', true],
          ['cs-2', undefined],
        ],
      );
      assert.deepEqual(
        (await store.eventsByStudentDay('S1', day)).map((e) => e.clockSuspect),
        [true, undefined],
      );
    });

    it("rejects a record for a session another gateway owns; the owner's records are kept", async () => {
      const sessionId = 'EE400-2025-06-03';
      const rec = (over: Parameters<typeof record>[0]) =>
        record({ sessionId, courseId: 'EE400', hallId: 'HALL-B', day: '2025-06-03', ...over });
      // gw-b serves the session: its first record makes it the owner.
      const first = await store.writeBatch(
        batch({ gatewayId: 'gw-b', records: [rec({ version: 1, status: 'pending' })] }),
      );
      assert.deepEqual(first.conflicts, []);
      // gw-a (valid credentials, own topic) claims the session at a huge version, and names its own hall.
      const attack = await store.writeBatch(
        batch({
          gatewayId: 'gw-a',
          records: [
            rec({ studentId: 'S9', version: 1 }),
            rec({ version: 1_000_000, status: 'absent', minutesPresent: 0 }),
            rec({ version: 1_000_000, status: 'absent', hallId: 'HALL-A' }),
          ],
        }),
      );
      assert.deepEqual(
        attack.conflicts.map((c) => [c.kind, c.index]),
        [
          ['record', 0],
          ['record', 1],
          ['record', 2],
        ],
      );
      assert.match(attack.conflicts[0]!.reason, /session EE400-2025-06-03 belongs to campus\/gw-b/);
      const later = await store.writeBatch(
        batch({ gatewayId: 'gw-b', records: [rec({ version: 3, status: 'present' })] }),
      );
      assert.deepEqual(later.conflicts, []);
      assert.deepEqual(
        (await store.recordsBySession(sessionId)).map((r) => [r.studentId, r.version, r.status, r.gatewayId]),
        [['S1', 3, 'present', 'gw-b']],
      );
      // the same gateway from another site is another gateway
      const otherSite = await store.writeBatch(
        batch({ site: 'annex', gatewayId: 'gw-b', records: [rec({ version: 9 })] }),
      );
      assert.equal(otherSite.conflicts.length, 1);
    });
  });

  // Issue 12 §6: dead letters are bounded in size and in number.
  describe(`CentralStore contract: ${name}, dead-letter bounds`, { skip }, () => {
    let store: CentralStore;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ store, cleanup } = await build({ maxRows: 5, maxPayloadBytes: 1024 }));
    });
    after(async () => {
      await cleanup?.();
    });
    const dl = (i: number, payload: string) => ({
      key: `k${i}`,
      site: 'campus',
      gatewayId: 'gw-1',
      topic: 't',
      batchId: null,
      reason: 'not JSON',
      payload,
      at: 1000 + i,
    });

    it('keeps a bounded prefix of a big payload with its sha256 and size', async () => {
      const big = 'x'.repeat(3 * 1024 * 1024) + 'é';
      await store.writeDeadLetter(dl(0, big));
      const [row] = await store.deadLetters();
      assert.equal(row!.payloadBytes, Buffer.byteLength(big));
      assert.equal(row!.payloadSha256, createHash('sha256').update(big).digest('hex'));
      assert.ok(
        Buffer.byteLength(row!.payload) <= 1024,
        `prefix of ${Buffer.byteLength(row!.payload)} bytes`,
      );
      assert.ok(big.startsWith(row!.payload));
      await store.writeDeadLetter(dl(1, '{small'));
      const small = (await store.deadLetters()).find((r) => r.key === 'k1')!;
      assert.equal(small.payload, '{small');
      assert.equal(small.payloadBytes, 6);
    });

    it('keeps at most maxRows, dropping the oldest first and counting them', async () => {
      for (let i = 2; i < 12; i++) await store.writeDeadLetter(dl(i, `{bad ${i}`));
      await store.writeBatch(batch({ deadLetters: [dl(12, '{item')] }));
      const rows = await store.deadLetters();
      assert.deepEqual(
        rows.map((r) => r.key),
        ['k8', 'k9', 'k10', 'k11', 'k12'],
      );
      assert.equal(await store.droppedDeadLetters(), 8);
      assert.equal((await store.counts()).deadLetters, 5);
    });
  });
}
