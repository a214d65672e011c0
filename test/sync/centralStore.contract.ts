import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CentralStore, DeadLetterLimits } from '../../sync/aggregator/centralStore.ts';
import { decodeRegisters, estimateCount } from '../../sync/hllRegisters.ts';
import { senderContract } from './centralStoreSender.contract.ts';
import { centralBatch as batch } from './fixtures/centralBatch.ts';
import { event, invalid, record } from './fixtures/gatewayDb.ts';
import { sketchOf } from './fixtures/hll.ts';

/**
 * One behavioural suite for every CentralStore. `build` returns a started,
 * EMPTY store (fresh file / fresh keyspace) with the given dead-letter limits
 * (defaults when absent) and a cleanup.
 */
export function centralStoreContract(
  name: string,
  build: (limits?: DeadLetterLimits) => Promise<{ store: CentralStore; cleanup: () => Promise<void> }>,
  skip: string | false = false,
): void {
  describe(`CentralStore contract: ${name}`, { skip }, () => {
    let store: CentralStore;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ store, cleanup } = await build());
    });
    after(async () => {
      await cleanup?.();
    });

    const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `S${from + i}`);

    it('writes events idempotently and answers by lecture/day and student/day', async () => {
      const evs = [
        event({ eventId: 'e1', studentId: 'S1', ts: 3000, lectureId: 'CS101' }),
        event({
          eventId: 'e2',
          studentId: 'S2',
          ts: 1000,
          lectureId: 'CS101',
          source: 'face',
          confidence: 0.9,
          trackId: 't7',
        }),
        event({ eventId: 'e3', studentId: 'S1', ts: 2000, lectureId: 'MA201' }),
        event({ eventId: 'e4', studentId: null, ts: 4000, lectureId: null, hallId: 'HALL-B' }),
      ];
      await store.writeBatch(batch({ events: evs }));
      await store.writeBatch(batch({ batchId: 'b1-again', events: evs.slice(0, 2) }));
      const cs = await store.eventsByLectureDay('CS101', '2025-03-19');
      assert.deepEqual(
        cs.map((e) => e.eventId),
        ['e2', 'e1'],
      );
      assert.equal(cs[0]!.confidence, 0.9);
      assert.equal(cs[0]!.trackId, 't7');
      assert.equal(cs[0]!.gatewayId, 'gw-1');
      assert.deepEqual(
        (await store.eventsByStudentDay('S1', '2025-03-19')).map((e) => e.eventId),
        ['e3', 'e1'],
      );
      assert.deepEqual(
        (await store.eventsByLectureDay('hall:HALL-B', '2025-03-19')).map((e) => e.eventId),
        ['e4'],
      );
      assert.deepEqual(await store.eventsByLectureDay('CS101', '2025-03-20'), []);
      assert.equal((await store.counts()).events, 4);
    });

    it('keeps the latest record version per (student, session), whatever the arrival order', async () => {
      await store.writeBatch(batch({ records: [record({ studentId: 'S1', version: 2, status: 'late' })] }));
      await store.writeBatch(
        batch({ records: [record({ studentId: 'S1', version: 1, status: 'present' })] }),
      );
      await store.writeBatch(
        batch({ records: [record({ studentId: 'S2', version: 1, status: 'absent', minutesPresent: 0 })] }),
      );
      await store.writeBatch(
        batch({
          records: [
            record({ studentId: 'S2', version: 3, status: 'review', manual: true, note: 'seen on camera' }),
          ],
        }),
      );
      // the same version again (a resend) is a no-op
      await store.writeBatch(
        batch({
          records: [
            record({ studentId: 'S2', version: 3, status: 'review', manual: true, note: 'seen on camera' }),
          ],
        }),
      );
      const bySession = await store.recordsBySession('CS101-2025-03-19');
      assert.deepEqual(
        bySession.map((r) => [r.studentId, r.version, r.status, r.manual]),
        [
          ['S1', 2, 'late', false],
          ['S2', 3, 'review', true],
        ],
      );
      assert.deepEqual(bySession[0]!.explanations, record().explanations);
      assert.deepEqual(bySession[0]!.intervals, record().intervals);
      assert.equal(bySession[1]!.note, 'seen on camera');
      assert.equal(bySession[0]!.note, undefined);
      await store.writeBatch(
        batch({ records: [record({ studentId: 'S1', sessionId: 'MA201-2025-03-20', day: '2025-03-20' })] }),
      );
      assert.deepEqual(
        (await store.recordsByStudent('S1')).map((r) => [r.sessionId, r.version]),
        [
          ['CS101-2025-03-19', 2],
          ['MA201-2025-03-20', 1],
        ],
      );
      assert.equal((await store.counts()).records, 3);
    });

    it('answers the latest records of a day range, by day, session and student', async () => {
      // April days: clear of the records the other cases write in March.
      const rec = (studentId: string, day: string, over: Partial<Parameters<typeof record>[0]> = {}) =>
        record({ studentId, day, sessionId: `CS101-${day}`, ...over });
      await store.writeBatch(
        batch({
          records: [
            rec('S2', '2025-04-02'),
            rec('S1', '2025-04-02', { version: 2, status: 'late' }),
            rec('S1', '2025-04-01'),
            rec('S1', '2025-04-03', { sessionId: 'MA201-2025-04-03', courseId: 'MA201' }),
            rec('S3', '2025-04-03'),
            rec('S1', '2025-04-04'),
          ],
        }),
      );
      // an older version arriving later changes nothing
      await store.writeBatch(batch({ records: [rec('S1', '2025-04-02', { version: 1, status: 'absent' })] }));
      const rows = await store.recordsByDayRange('2025-04-02', '2025-04-03');
      assert.deepEqual(
        rows.map((r) => [r.day, r.sessionId, r.studentId, r.version, r.status]),
        [
          ['2025-04-02', 'CS101-2025-04-02', 'S1', 2, 'late'],
          ['2025-04-02', 'CS101-2025-04-02', 'S2', 1, 'present'],
          ['2025-04-03', 'CS101-2025-04-03', 'S3', 1, 'present'],
          ['2025-04-03', 'MA201-2025-04-03', 'S1', 1, 'present'],
        ],
      );
      assert.equal(rows[0]!.courseId, 'CS101');
      assert.deepEqual(rows[0]!.intervals, record().intervals);
      assert.deepEqual(await store.recordsByDayRange('2025-05-01', '2025-05-31'), []);
    });

    it('stores invalid attempts by day and by gate/day', async () => {
      const inv = [
        invalid({ eventId: 'i1', gateId: 'G1', ts: 2000 }),
        invalid({ eventId: 'i2', gateId: 'G2', ts: 1000 }),
        invalid({ eventId: 'i3', gateId: 'G1', ts: 3000, day: '2025-03-20' }),
      ];
      await store.writeBatch(batch({ invalid: inv }));
      await store.writeBatch(batch({ invalid: inv }));
      assert.deepEqual(
        (await store.invalidAttemptsByDay('2025-03-19')).map((i) => i.eventId),
        ['i2', 'i1'],
      );
      assert.deepEqual(
        (await store.invalidAttemptsByGateDay('G1', '2025-03-19')).map((i) => i.eventId),
        ['i1'],
      );
      assert.equal((await store.counts()).invalid, 3);
    });

    it('merges HLL sketches of several gateways per lecture/day', async () => {
      const door1 = decodeRegisters(sketchOf(ids(0, 300)));
      const door1later = decodeRegisters(sketchOf(ids(0, 400)));
      const door2 = decodeRegisters(sketchOf(ids(250, 700)));
      assert.equal(await store.uniqueCount('CS101', '2025-03-19'), null);
      await store.writeBatch(
        batch({ hll: [{ lectureId: 'CS101', day: '2025-03-19', seq: 10, registers: door1 }] }),
      );
      await store.writeBatch(
        batch({
          gatewayId: 'gw-2',
          hll: [{ lectureId: 'CS101', day: '2025-03-19', seq: 5, registers: door2 }],
        }),
      );
      await store.writeBatch(
        batch({ hll: [{ lectureId: 'CS101', day: '2025-03-19', seq: 20, registers: door1later }] }),
      );
      // an older sketch of gw-1 arriving late changes nothing
      await store.writeBatch(
        batch({ hll: [{ lectureId: 'CS101', day: '2025-03-19', seq: 10, registers: door1 }] }),
      );
      const union = decodeRegisters(sketchOf(ids(0, 700)));
      assert.deepEqual(await store.mergedSketch('CS101', '2025-03-19'), union);
      assert.equal(await store.uniqueCount('CS101', '2025-03-19'), estimateCount(union));
      assert.equal(await store.uniqueCount('CS101', '2025-03-20'), null);
    });

    it('records dead letters once per key, counting attempts', async () => {
      const dl = {
        key: 'k1',
        site: 'campus',
        gatewayId: 'gw-1',
        topic: 't',
        batchId: null,
        reason: 'not JSON',
        payload: '{x',
        at: 5,
      };
      await store.writeDeadLetter(dl);
      await store.writeDeadLetter({ ...dl, at: 6 });
      await store.writeBatch(
        batch({ deadLetters: [{ ...dl, key: 'k2', batchId: 'b9', reason: 'invalid item', payload: '{}' }] }),
      );
      const rows = await store.deadLetters();
      assert.deepEqual(rows.map((r) => [r.key, r.attempts, r.reason]).sort(), [
        ['k1', 2, 'not JSON'],
        ['k2', 1, 'invalid item'],
      ]);
      assert.equal((await store.counts()).deadLetters, 2);
    });

    it('keeps the latest gateway status and health', async () => {
      await store.writeGatewayStatus({
        site: 'campus',
        gatewayId: 'gw-1',
        state: 'online',
        version: '0.1.0',
        at: 100,
      });
      const health = {
        readerConnected: true,
        cameraFps: 9.5,
        outboxDepth: 3,
        oldestUnsyncedAgeMs: 1200,
        diskFreeBytes: 1e9,
        queueLimitExceeded: false,
        diskLow: false,
        inFlightBatches: 1,
        version: '0.1.0',
      };
      await store.writeGatewayStatus({ site: 'campus', gatewayId: 'gw-1', health, at: 200 });
      await store.writeGatewayStatus({ site: 'campus', gatewayId: 'gw-1', state: 'offline', at: 300 });
      const rows = await store.gatewayStatuses();
      assert.equal(rows.length, 1);
      assert.equal(rows[0]!.state, 'offline');
      assert.equal(rows[0]!.version, '0.1.0');
      assert.deepEqual(rows[0]!.health, health);
      assert.equal(rows[0]!.updatedAt, 300);
    });
  });

  senderContract(name, build, skip);
}
