import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { ApiApp } from '../../sync/api/apiTypes.ts';
import { buildApi } from '../../sync/api/buildApi.ts';
import { ADMIN, apiDeps, seedCampus, T0, type Stores } from './fixtures.ts';

const admin = { authorization: `Bearer ${ADMIN}` };
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/**
 * The route suite of the central API on a seeded campus: exact content of every
 * resource (the guards of every route are apiGuards.suite.ts). `build` returns
 * started, EMPTY stores and a cleanup; the suite seeds them (fixtures.ts).
 * Runs on SQLite (apiRoutes.sqlite.test.ts) and on Cassandra (apiRoutes.cassandra.test.ts).
 */
export function apiRouteSuite(
  name: string,
  build: () => Promise<Stores>,
  skip: string | false = false,
): void {
  describe(`central API routes: ${name}`, { skip }, () => {
    let stores: Stores;
    let app: ApiApp;
    const call = (method: Method, url: string, headers: Record<string, string> = admin, payload?: unknown) =>
      app.inject({ method, url, headers, ...(payload !== undefined ? { payload: payload as string } : {}) });
    const json = (r: LightMyRequestResponse): unknown => JSON.parse(r.body);

    before(async () => {
      stores = await build();
      await seedCampus(stores);
      app = await buildApi(apiDeps(stores));
    });
    after(async () => {
      await app?.close();
      await stores?.cleanup();
    });

    it('GET /api/v1/sessions?date= and /sessions/{id}: the timetable of the day', async () => {
      const r = await call('GET', '/api/v1/sessions?date=2026-03-16');
      assert.equal(r.statusCode, 200);
      assert.deepEqual(json(r), [
        {
          sessionId: 'CS101-1',
          courseId: 'CS101',
          hallId: 'HALL-A',
          start: T0,
          end: T0 + 3_600_000,
          day: '2026-03-16',
        },
        {
          sessionId: 'MA201-1',
          courseId: 'MA201',
          hallId: 'HALL-B',
          start: T0 + 7_200_000,
          end: T0 + 10_800_000,
          day: '2026-03-16',
        },
      ]);
      assert.deepEqual(json(await call('GET', '/api/v1/sessions/MA201-1')), (json(r) as unknown[])[1]);
    });

    it('GET /api/v1/sessions/{id}/register: every enrolled student with status, minutes, arrival, flags, why', async () => {
      const r = json(await call('GET', '/api/v1/sessions/CS101-1/register')) as { rows: unknown[] };
      assert.deepEqual(r.rows, [
        {
          studentId: 'S1',
          name: 'Ada Lovelace',
          status: 'present',
          minutesPresent: 60,
          arrival: T0,
          flags: [],
          explanations: ['rule said present'],
          version: 1,
          manual: false,
        },
        {
          studentId: 'S2',
          name: 'Bob Byte',
          status: 'late',
          minutesPresent: 50,
          arrival: T0 + 600_000,
          flags: ['late'],
          explanations: ['rule said late'],
          version: 1,
          manual: false,
        },
        {
          studentId: 'S3',
          name: 'Cy Cipher',
          status: 'review',
          minutesPresent: 0,
          arrival: null,
          flags: ['card_face_mismatch'],
          explanations: ['rule said review'],
          version: 1,
          manual: false,
        },
      ]);
    });

    it('GET /api/v1/courses and /courses/{id}/register: symbols and (present + late) / (sessions - excused)', async () => {
      assert.deepEqual(
        (json(await call('GET', '/api/v1/courses')) as { courseId: string; name: string }[]).map((c) => [
          c.courseId,
          c.name,
        ]),
        [
          ['CS101', 'Programming'],
          ['MA201', 'Analysis'],
        ],
      );
      const reg = json(await call('GET', '/api/v1/courses/CS101/register?from=2026-03-16&to=2026-03-18')) as {
        sessions: { sessionId: string }[];
        rows: {
          studentId: string;
          symbols: string;
          present: number;
          late: number;
          excused: number;
          rate: number | null;
        }[];
      };
      assert.deepEqual(
        reg.sessions.map((s) => s.sessionId),
        ['CS101-1', 'CS101-2', 'CS101-3'],
      );
      assert.deepEqual(
        reg.rows.map((r) => [r.studentId, r.symbols, r.present, r.late, r.excused, r.rate]),
        [
          ['S1', 'PPL', 2, 1, 0, 1],
          ['S2', 'LAA', 0, 1, 0, 0.3333],
          ['S3', 'RAA', 0, 0, 0, 0],
        ],
      );
      assert.deepEqual(
        (json(await call('GET', '/api/v1/courses/CS101/students')) as { studentId: string }[]).map(
          (s) => s.studentId,
        ),
        ['S1', 'S2', 'S3'],
      );
    });

    it('GET /api/v1/students?q= and /students/{id}: search and history with per-course rates', async () => {
      assert.deepEqual(json(await call('GET', '/api/v1/students?q=by')), [
        { studentId: 'S2', name: 'Bob Byte', cardUids: ['CAFE02'] },
      ]);
      const v = json(await call('GET', '/api/v1/students/S2')) as {
        courses: unknown[];
        records: { sessionId: string }[];
      };
      assert.deepEqual(v.courses, [
        {
          courseId: 'CS101',
          name: 'Programming',
          sessions: 3,
          present: 0,
          late: 1,
          excused: 0,
          absent: 2,
          rate: 0.3333,
        },
      ]);
      assert.deepEqual(
        v.records.map((r) => r.sessionId),
        ['CS101-1', 'CS101-2', 'CS101-3'],
      );
    });

    it('GET /api/v1/gateways and /halls: the fleet and the halls', async () => {
      assert.deepEqual(json(await call('GET', '/api/v1/gateways')), [
        {
          site: 'campus',
          gatewayId: 'gw-1',
          hallIds: ['HALL-A'],
          state: 'online',
          version: '0.1.0',
          lastSeen: T0 + 2 * 86_400_000 + 3 * 3_600_000 - 5000,
          health: null,
          appliedConfig: null,
        },
      ]);
      assert.deepEqual(json(await call('GET', '/api/v1/halls')), [
        { hallId: 'HALL-A', name: 'Main hall' },
        { hallId: 'HALL-B', name: 'Small hall' },
      ]);
    });

    it('GET /api/v1/at-risk?course=: rates over the last N ended sessions against the threshold', async () => {
      const r = json(await call('GET', '/api/v1/at-risk?course=CS101'));
      assert.deepEqual(r, {
        courseId: 'CS101',
        policy: { sessions: 3, threshold: 0.75 },
        sessionIds: ['CS101-1', 'CS101-2', 'CS101-3'],
        students: [
          { studentId: 'S1', name: 'Ada Lovelace', rate: 1, atRisk: false },
          { studentId: 'S2', name: 'Bob Byte', rate: 0.3333, atRisk: true },
          { studentId: 'S3', name: 'Cy Cipher', rate: 0, atRisk: true },
        ],
      });
    });

    it('GET /api/v1/reports/{name}: seed analytics with names, registers as csv, xlsx and pdf', async () => {
      const late = json(await call('GET', '/api/v1/reports/latecomers?from=2026-03-16&to=2026-03-18')) as {
        tables: { rows: Record<string, unknown>[] }[];
      };
      assert.deepEqual(
        late.tables[0]!.rows.map((r) => [r.studentId, r.name, r.late]),
        [
          ['S2', 'Bob Byte', 1],
          ['S1', 'Ada Lovelace', 1],
        ],
      );
      const csv = await call(
        'GET',
        '/api/v1/reports/course-register?course=CS101&from=2026-03-16&to=2026-03-18&format=csv',
      );
      assert.equal(csv.headers['content-type'], 'text/csv; charset=utf-8');
      assert.equal(
        csv.body,
        'Student,Name,03-16 09:00,03-17 09:00,03-18 09:00,Present,Late,Excused,Absent,Rate\r\n' +
          'S1,Ada Lovelace,P,P,L,2,1,0,0,1\r\nS2,Bob Byte,L,A,A,0,1,0,2,0.3333\r\nS3,Cy Cipher,R,A,A,0,0,0,2,0\r\n',
      );
      const pdf = await call(
        'GET',
        '/api/v1/reports/course-register?from=2026-03-16&to=2026-03-18&format=pdf',
      );
      assert.equal(pdf.statusCode, 200);
      assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
      const xlsx = await call('GET', '/api/v1/reports/session-register?session=CS101-1&format=xlsx');
      assert.equal(xlsx.statusCode, 200);
      assert.equal(xlsx.rawPayload.subarray(0, 2).toString(), 'PK');
      assert.deepEqual(json(await call('GET', '/api/v1/reports')), [
        'latecomers',
        'weekdays',
        'rankings',
        'consistency',
        'invalid',
        'course-register',
        'session-register',
      ]);
    });

    it('GET /api/v1/review and POST /review/{s}/{s}: a resolution with a reason closes the item', async () => {
      assert.deepEqual(
        (
          json(await call('GET', '/api/v1/review?from=2026-03-16&to=2026-03-18')) as { studentId: string }[]
        ).map((r) => r.studentId),
        ['S3'],
      );
      const r = await call('POST', '/api/v1/review/S3/CS101-1', admin, {
        status: 'present',
        reason: 'seen on camera',
      });
      assert.equal(r.statusCode, 200);
      assert.deepEqual(json(r), {
        studentId: 'S3',
        sessionId: 'CS101-1',
        status: 'present',
        reason: 'seen on camera',
        author: 'ann',
        decidedAt: T0 + 2 * 86_400_000 + 3 * 3_600_000,
      });
      assert.deepEqual(json(await call('GET', '/api/v1/review?from=2026-03-16&to=2026-03-18')), []);
      const reg = json(await call('GET', '/api/v1/sessions/CS101-1/register')) as {
        rows: { status: string; manual: boolean; explanations: string[] }[];
      };
      assert.deepEqual(reg.rows[2]!.status, 'present');
      assert.equal(reg.rows[2]!.manual, true);
      assert.equal(reg.rows[2]!.explanations.at(-1), 'set to present by ann: seen on camera');
      assert.equal(
        (await call('POST', '/api/v1/review/S9/CS101-1', admin, { status: 'present', reason: 'x' }))
          .statusCode,
        404,
      );
    });

    it('POST/GET/DELETE /api/v1/excuses: excused counted apart from present and absent', async () => {
      const r = await call('POST', '/api/v1/excuses', admin, {
        studentId: 'S2',
        from: '2026-03-17',
        to: '2026-03-18',
        reason: 'flu',
      });
      assert.equal(r.statusCode, 201);
      const ex = json(r) as { id: string };
      assert.deepEqual(json(r), {
        id: ex.id,
        studentId: 'S2',
        sessionId: null,
        fromDay: '2026-03-17',
        toDay: '2026-03-18',
        reason: 'flu',
        author: 'ann',
        createdAt: T0 + 2 * 86_400_000 + 3 * 3_600_000,
      });
      assert.deepEqual(json(await call('GET', '/api/v1/excuses?student=S2')), [json(r)]);
      assert.deepEqual(json(await call('GET', `/api/v1/excuses/${ex.id}`)), json(r));
      const reg = json(await call('GET', '/api/v1/courses/CS101/register?from=2026-03-16&to=2026-03-18')) as {
        rows: { studentId: string; symbols: string; excused: number; rate: number | null }[];
      };
      assert.deepEqual(reg.rows[1], { ...reg.rows[1], symbols: 'LEE', excused: 2, rate: 1 });
      assert.equal(
        (await call('POST', '/api/v1/excuses', admin, { studentId: 'S9', sessionId: 'CS101-1', reason: 'x' }))
          .statusCode,
        404,
      );
      const noReason = await call('DELETE', `/api/v1/excuses/${ex.id}`);
      assert.equal(noReason.statusCode, 400);
      assert.match(noReason.body, /reason/);
      const withdraw = `/api/v1/excuses/${ex.id}?reason=${encodeURIComponent('wrong student')}`;
      assert.equal((await call('DELETE', withdraw)).statusCode, 204);
      assert.equal((await call('DELETE', withdraw)).statusCode, 404);
      const withdrawn = json(await call('GET', '/api/v1/excuses/withdrawn?student=S2')) as {
        id: string;
        withdrawal: { reason: string; author: string };
      }[];
      assert.deepEqual(
        withdrawn.map((w) => [w.id, w.withdrawal.reason, w.withdrawal.author]),
        [[ex.id, 'wrong student', 'ann']],
      );
      assert.deepEqual(json(await call('GET', '/api/v1/excuses')), []);
    });

    it('POST /api/v1/imports/{kind}: CSV and JSON with row errors, good rows kept', async () => {
      const csv = 'student_id,name,card_uid\nS4,Dee,D0D0D0\nS5,Eve,CAFE01\n';
      const r = await call('POST', '/api/v1/imports/roster', { ...admin, 'content-type': 'text/csv' }, csv);
      assert.deepEqual(json(r), {
        kind: 'roster',
        imported: 1,
        errors: [{ line: 3, reason: 'card_uid CAFE01 already belongs to student S1' }],
      });
      const e = await call('POST', '/api/v1/imports/enrolments', admin, [
        { studentId: 'S4', courseId: 'MA201' },
        { studentId: 'S0', courseId: 'MA201' },
      ]);
      assert.deepEqual(json(e), {
        kind: 'enrolments',
        imported: 1,
        errors: [{ line: 2, reason: 'unknown student S0 (import the roster first)' }],
      });
      assert.deepEqual(json(await call('GET', '/api/v1/enrolments?course=MA201')), [
        { studentId: 'S1', courseId: 'MA201' },
        { studentId: 'S4', courseId: 'MA201' },
      ]);
    });

    it('GET|PUT /api/v1/config/thresholds and course settings', async () => {
      assert.deepEqual(json(await call('GET', '/api/v1/config/thresholds')), {
        site: {},
        courses: { CS101: { graceSec: 120 } },
      });
      const r = await call('PUT', '/api/v1/config/thresholds', admin, { graceSec: 240, missingExit: 'flag' });
      assert.deepEqual(json(r), {
        site: { graceSec: 240, missingExit: 'flag' },
        courses: { CS101: { graceSec: 120 } },
      });
      const c = await call('PUT', '/api/v1/courses/MA201/settings', admin, {
        thresholds: { lateSec: 900 },
        atRisk: { sessions: 5, threshold: 0.6 },
      });
      assert.deepEqual(json(c), {
        courseId: 'MA201',
        name: 'Analysis',
        thresholds: { lateSec: 900 },
        atRisk: { sessions: 5, threshold: 0.6 },
      });
      assert.deepEqual(json(await call('GET', '/api/v1/courses/MA201')), json(c));
    });

    it('PUT students, halls, gateway halls; health, readiness, metrics, dead letters', async () => {
      assert.deepEqual(
        json(await call('PUT', '/api/v1/students/S6', admin, { name: 'Fay', cardUids: ['abcd12'] })),
        { studentId: 'S6', name: 'Fay', cardUids: ['ABCD12'] },
      );
      assert.equal(
        (await call('PUT', '/api/v1/students/S7', admin, { name: 'G', cardUids: ['ABCD12'] })).statusCode,
        409,
      );
      assert.deepEqual(json(await call('PUT', '/api/v1/halls/HALL-C', admin, { name: 'Lab' })), {
        hallId: 'HALL-C',
        name: 'Lab',
      });
      assert.deepEqual(json(await call('GET', '/api/v1/halls/HALL-C')), { hallId: 'HALL-C', name: 'Lab' });
      assert.deepEqual(
        json(
          await call('PUT', '/api/v1/gateways/campus/gw-2/halls', admin, { hallIds: ['HALL-C', 'HALL-B'] }),
        ),
        { site: 'campus', gatewayId: 'gw-2', hallIds: ['HALL-B', 'HALL-C'] },
      );
      assert.deepEqual(
        (json(await call('GET', '/api/v1/gateways/campus/gw-2')) as { state: unknown }).state,
        null,
      );
      assert.deepEqual(json(await call('GET', '/healthz', {})), { status: 'ok' });
      assert.deepEqual(json(await call('GET', '/readyz', {})), { ready: true });
      const m = await call('GET', '/metrics');
      assert.match(m.body, /^hallgate_gateway_last_seen_seconds\{site="campus",gateway="gw-1"\} 5$/m);
      assert.doesNotMatch(m.body, /CAFE0|="S\d"/);
      assert.deepEqual(json(await call('GET', '/api/v1/dead-letters')), []);
      assert.deepEqual(json(await call('GET', '/api/v1/config/versions')), {});
      assert.deepEqual(json(await call('GET', '/api/v1/webhook/deliveries')), []);
    });
  });
}
