import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CentralBatch, CentralStore } from '../../sync/aggregator/centralStore.ts';
import { SqliteCentralStore } from '../../sync/aggregator/sqliteCentralStore.ts';
import { REPORT_KINDS } from '../../sync/reports/buildReports.ts';
import { reportsFromStore } from '../../sync/reports/reportsFromStore.ts';
import { cassandraSkip, freshCassandraStore } from '../helpers/cassandra.ts';
import { tempDir } from '../helpers/tempDir.ts';
import { campusBatches, DAY } from './fixtures/campusBatches.ts';

/**
 * The same batches of a simulated campus day (then a third of them again, in
 * reverse order, as redeliveries would bring them) into the SQLite store and
 * into Cassandra: every report, every register and every read path answers
 * the same.
 */
describe('SQLite and Cassandra central stores are equivalent', { skip: cassandraSkip() }, () => {
  let sqlite: SqliteCentralStore;
  let cassandra: CentralStore;
  let cleanup: (() => Promise<void>) | undefined;
  let batches: CentralBatch[];

  before(async () => {
    const dir = tempDir('hallgate-equivalence-');
    batches = await campusBatches(dir);
    sqlite = new SqliteCentralStore(join(dir, 'central.db'));
    await sqlite.start();
    ({ store: cassandra, cleanup } = await freshCassandraStore());
    const replays = batches.filter((_, i) => i % 3 === 1).reverse();
    for (const store of [sqlite, cassandra]) {
      for (const b of batches) await store.writeBatch(b);
      for (const b of replays) await store.writeBatch({ ...b, batchId: `${b.batchId}-again` });
    }
  });
  after(async () => {
    await sqlite?.stop();
    await cleanup?.();
  });

  const both = async <T>(read: (s: CentralStore) => Promise<T>): Promise<[T, T]> => [
    await read(sqlite),
    await read(cassandra),
  ];
  const lectures = () => [
    ...new Set(batches.flatMap((b) => b.events.map((e) => e.lectureId ?? `hall:${e.hallId}`))),
  ];

  it('holds a real day: events, records of every status, invalid attempts and sketches', async () => {
    const [s, c] = await both((st) => st.counts());
    assert.deepEqual(c, s);
    assert.ok(s.events > 1000 && s.records > 100 && s.invalid > 0, JSON.stringify(s));
    assert.ok(batches.some((b) => b.hll.length > 0));
  });

  it('gives identical reports (every kind) over the day', async () => {
    const [s, c] = await both((st) => reportsFromStore(st, REPORT_KINDS, { from: DAY, to: DAY }));
    assert.ok(s.length >= REPORT_KINDS.length, `${s.length} tables`);
    assert.ok(s.some((t) => t.rows.length > 0));
    assert.deepEqual(c, s);
  });

  it('gives identical merged registers and unique counts per lecture', async () => {
    for (const lecture of lectures()) {
      const [s, c] = await both((st) => st.mergedSketch(lecture, DAY));
      assert.deepEqual(c, s, lecture);
      const [su, cu] = await both((st) => st.uniqueCount(lecture, DAY));
      assert.equal(cu, su, lecture);
    }
  });

  it('answers every read path the same', async () => {
    const [rs, rc] = await both((st) => st.recordsByDayRange(DAY, DAY));
    assert.ok(rs.length > 0);
    assert.deepEqual(rc, rs);
    for (const lecture of lectures()) {
      const [s, c] = await both((st) => st.eventsByLectureDay(lecture, DAY));
      assert.deepEqual(c, s, lecture);
    }
    const sessions = [...new Set(rs.map((r) => r.sessionId))];
    for (const session of sessions) {
      const [s, c] = await both((st) => st.recordsBySession(session));
      assert.deepEqual(c, s, session);
    }
    const students = [...new Set(rs.map((r) => r.studentId))].slice(0, 20);
    for (const student of students) {
      const [s, c] = await both((st) => st.eventsByStudentDay(student, DAY));
      assert.deepEqual(c, s, student);
      const [sr, cr] = await both((st) => st.recordsByStudent(student));
      assert.deepEqual(cr, sr, student);
    }
    const [is, ic] = await both((st) => st.invalidAttemptsByDay(DAY));
    assert.deepEqual(ic, is);
  });
});
