import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CampusStore } from '../../sync/campus/campusStore.ts';

const T0 = Date.parse('2026-03-16T09:00:00Z');
const H = 3_600_000;
const D = 86_400_000;

/**
 * One behavioural suite for every CampusStore. `build` returns a started,
 * EMPTY store and a cleanup: sqliteCampusStore.test.ts and cassandraCampusStore.test.ts.
 */
export function campusStoreContract(
  name: string,
  build: () => Promise<{ store: CampusStore; cleanup: () => Promise<void> }>,
  skip: string | false = false,
): void {
  describe(`CampusStore contract: ${name}`, { skip }, () => {
    let store: CampusStore;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ store, cleanup } = await build());
    });
    after(async () => {
      await cleanup?.();
    });

    it('keeps students with names and cards, finds them by id or name, and by card', async () => {
      await store.upsertStudents([
        { studentId: 'S2', name: 'Björn Berg', cardUids: ['00ab12'] },
        { studentId: 'S1', name: 'Ada Lovelace', cardUids: ['CAFE01', 'BEEF02'] },
        { studentId: 'S3', name: 'Alan Turing', cardUids: [] },
      ]);
      assert.deepEqual(await store.student('S1'), {
        studentId: 'S1',
        name: 'Ada Lovelace',
        cardUids: ['BEEF02', 'CAFE01'],
      });
      assert.equal(await store.student('S9'), null);
      assert.deepEqual(
        (await store.studentsByIds(['S3', 'S9', 'S1'])).map((s) => [s.studentId, s.cardUids]),
        [
          ['S1', ['BEEF02', 'CAFE01']],
          ['S3', []],
        ],
      );
      assert.deepEqual(
        (await store.students()).map((s) => s.studentId),
        ['S1', 'S2', 'S3'],
      );
      assert.deepEqual(
        (await store.students({ q: 'a' })).map((s) => s.studentId),
        ['S1', 'S3'],
      );
      assert.deepEqual(
        (await store.students({ q: 's2' })).map((s) => s.studentId),
        ['S2'],
      );
      assert.equal(await store.studentByCard('00AB12'), 'S2');
      // A new roster version of a student replaces its cards.
      await store.upsertStudents([{ studentId: 'S2', name: 'Björn Berg', cardUids: ['00AB13'] }]);
      assert.equal(await store.studentByCard('00AB12'), null);
      assert.equal(await store.studentByCard('00ab13'), 'S2');
    });

    it('keeps courses with thresholds and at-risk policy, enrolments both ways, halls', async () => {
      await store.upsertCourses([
        { courseId: 'CS101', name: 'Programming', thresholds: { graceSec: 120 }, atRisk: null },
        { courseId: 'MA201', name: 'Analysis', thresholds: {}, atRisk: { sessions: 4, threshold: 0.5 } },
      ]);
      assert.deepEqual(await store.course('MA201'), {
        courseId: 'MA201',
        name: 'Analysis',
        thresholds: {},
        atRisk: { sessions: 4, threshold: 0.5 },
      });
      assert.equal(await store.course('XX'), null);
      assert.deepEqual(
        (await store.courses()).map((c) => [c.courseId, c.thresholds]),
        [
          ['CS101', { graceSec: 120 }],
          ['MA201', {}],
        ],
      );
      await store.upsertEnrolments([
        { studentId: 'S2', courseId: 'CS101' },
        { studentId: 'S1', courseId: 'CS101' },
        { studentId: 'S1', courseId: 'MA201' },
        { studentId: 'S1', courseId: 'MA201' },
      ]);
      assert.deepEqual(await store.enrolledStudents('CS101'), ['S1', 'S2']);
      assert.deepEqual(await store.enrolledCourses('S1'), ['CS101', 'MA201']);
      assert.equal((await store.enrolments()).length, 3);
      await store.upsertHalls([
        { hallId: 'HALL-B', name: '' },
        { hallId: 'HALL-A', name: 'Main hall' },
      ]);
      await store.upsertHalls([{ hallId: 'HALL-A', name: '' }]);
      assert.deepEqual(await store.halls(), [
        { hallId: 'HALL-A', name: 'Main hall' },
        { hallId: 'HALL-B', name: '' },
      ]);
    });

    it('answers the timetable by day, by course and range, and by id', async () => {
      await store.upsertSessions([
        { sessionId: 'CS101-2', courseId: 'CS101', hallId: 'HALL-A', start: T0 + D, end: T0 + D + H },
        { sessionId: 'CS101-1', courseId: 'CS101', hallId: 'HALL-A', start: T0, end: T0 + H },
        { sessionId: 'MA201-1', courseId: 'MA201', hallId: 'HALL-B', start: T0 - H, end: T0 },
      ]);
      assert.deepEqual(
        (await store.sessionsOfDay('2026-03-16')).map((s) => s.sessionId),
        ['MA201-1', 'CS101-1'],
      );
      assert.deepEqual(
        (await store.sessionsOfCourse('CS101', '2026-03-17', '2026-03-20')).map((s) => s.sessionId),
        ['CS101-2'],
      );
      assert.deepEqual(await store.session('CS101-1'), {
        sessionId: 'CS101-1',
        courseId: 'CS101',
        hallId: 'HALL-A',
        start: T0,
        end: T0 + H,
        day: '2026-03-16',
      });
      assert.equal((await store.allSessions()).length, 3);
    });

    it('keeps gateways with their halls', async () => {
      await store.upsertGateway({ site: 'campus', gatewayId: 'gw-2', hallIds: ['HALL-B', 'HALL-A'] });
      await store.upsertGateway({ site: 'campus', gatewayId: 'gw-1', hallIds: ['HALL-A'] });
      await store.upsertGateway({ site: 'campus', gatewayId: 'gw-2', hallIds: ['HALL-B'] });
      assert.deepEqual(await store.gateways(), [
        { site: 'campus', gatewayId: 'gw-1', hallIds: ['HALL-A'] },
        { site: 'campus', gatewayId: 'gw-2', hallIds: ['HALL-B'] },
      ]);
    });

    it('adds, lists and deletes excuses; keeps one decision per (student, session)', async () => {
      const e1 = await store.addExcuse({
        studentId: 'S1',
        sessionId: null,
        fromDay: '2026-03-16',
        toDay: '2026-03-18',
        reason: 'ill',
        author: 'admin',
        createdAt: 5,
      });
      const e2 = await store.addExcuse({
        studentId: 'S2',
        sessionId: 'CS101-1',
        fromDay: '2026-03-16',
        toDay: '2026-03-16',
        reason: 'sports event',
        author: 'admin',
        createdAt: 6,
      });
      assert.notEqual(e1.id, e2.id);
      assert.deepEqual(await store.excuse(e1.id), e1);
      assert.deepEqual(await store.excuses({ studentId: 'S2' }), [e2]);
      assert.deepEqual(await store.excuses(), [e1, e2]);
      const w = { reason: 'entered for the wrong student', author: 'ann', at: 9 };
      assert.equal(await store.withdrawExcuse(e1.id, w), true);
      assert.equal(await store.withdrawExcuse(e1.id, { ...w, at: 10 }), false);
      assert.deepEqual(await store.excuses(), [e2]);
      assert.deepEqual(await store.withdrawnExcuses(), [{ ...e1, withdrawal: w }]);
      assert.deepEqual(await store.withdrawnExcuses({ studentId: 'S2' }), []);

      const d = { studentId: 'S1', sessionId: 'CS101-1', reason: 'seen', author: 'ann', decidedAt: 7 };
      await store.putDecision({ ...d, status: 'late' });
      await store.putDecision({ ...d, status: 'present' });
      assert.deepEqual(await store.decisionsOfSession('CS101-1'), [{ ...d, status: 'present' }]);
      assert.equal((await store.decisions()).length, 1);
    });

    it('keeps site thresholds, counts config versions per kind', async () => {
      assert.deepEqual(await store.siteThresholds(), {});
      await store.putSiteThresholds({ graceSec: 60, missingExit: 'flag' });
      assert.deepEqual(await store.siteThresholds(), { graceSec: 60, missingExit: 'flag' });
      assert.equal(await store.nextConfigVersion('roster'), 1);
      assert.equal(await store.nextConfigVersion('roster'), 2);
      assert.equal(await store.nextConfigVersion('timetable'), 1);
      assert.equal(await store.nextConfigVersion('roster', 1000), 1000);
      assert.equal(await store.nextConfigVersion('roster', 1000), 1001);
      assert.equal(await store.nextConfigVersion('roster', 5), 1002);
      assert.deepEqual(await store.configVersions(), { roster: 1002, timetable: 1 });
    });

    it('keeps at-risk states and webhook deliveries by state', async () => {
      await store.putAtRisk({ courseId: 'CS101', studentId: 'S2', atRisk: true, rate: 0.25, changedAt: 1 });
      await store.putAtRisk({ courseId: 'CS101', studentId: 'S1', atRisk: false, rate: 1, changedAt: 1 });
      await store.putAtRisk({ courseId: 'CS101', studentId: 'S2', atRisk: false, rate: 0.75, changedAt: 2 });
      assert.deepEqual(await store.atRiskStates('CS101'), [
        { courseId: 'CS101', studentId: 'S1', atRisk: false, rate: 1, changedAt: 1 },
        { courseId: 'CS101', studentId: 'S2', atRisk: false, rate: 0.75, changedAt: 2 },
      ]);
      const base = { event: 'at-risk.changed', body: '{}', lastError: null, createdAt: 1, updatedAt: 1 };
      await store.putDelivery({ ...base, id: 'd1', state: 'pending', attempts: 0, nextAttemptAt: 1 });
      await store.putDelivery({ ...base, id: 'd2', state: 'pending', attempts: 0, nextAttemptAt: 1 });
      await store.putDelivery({
        ...base,
        id: 'd1',
        state: 'delivered',
        attempts: 2,
        nextAttemptAt: null,
        updatedAt: 9,
      });
      assert.deepEqual(
        (await store.deliveries('pending')).map((d) => d.id),
        ['d2'],
      );
      const [d1] = await store.deliveries('delivered');
      assert.deepEqual(d1, {
        ...base,
        id: 'd1',
        state: 'delivered',
        attempts: 2,
        nextAttemptAt: null,
        updatedAt: 9,
      });
    });
  });
}
