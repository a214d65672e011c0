import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import type { ApiApp } from '../../sync/api/apiTypes.ts';
import { buildApi } from '../../sync/api/buildApi.ts';
import { ADMIN, apiDeps, seedCampus, VIEWER, type Stores } from './fixtures.ts';

const admin = { authorization: `Bearer ${ADMIN}` };
const viewer = { authorization: `Bearer ${VIEWER}` };
type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Sample values for path parameters of the OpenAPI paths, valid on the seeded campus. */
const SAMPLE: Record<string, string> = {
  id: 'CS101',
  studentId: 'S3',
  sessionId: 'CS101-1',
  site: 'campus',
  name: 'latecomers',
  kind: 'roster',
};

/**
 * The guards of every route of the central API (401, 403, 4xx with field and reason, security headers) on a seeded campus. `build` returns
 * started, EMPTY stores and a cleanup; the suite seeds them (fixtures.ts).
 * Runs on SQLite (apiRoutes.sqlite.test.ts) and on Cassandra (apiRoutes.cassandra.test.ts).
 */
export function apiGuardSuite(
  name: string,
  build: () => Promise<Stores>,
  skip: string | false = false,
): void {
  describe(`central API guards: ${name}`, { skip }, () => {
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

    it('lists at least 30 operations in the OpenAPI document; every one needs a token (401 without)', async () => {
      const doc = json(await call('GET', '/api/v1/openapi.json', {})) as {
        openapi: string;
        paths: Record<string, Record<string, unknown>>;
      };
      assert.match(doc.openapi, /^3\./);
      const ops = Object.entries(doc.paths).flatMap(([p, m]) =>
        Object.keys(m).map((k) => [k.toUpperCase(), p]),
      );
      assert.ok(ops.length >= 30, `${ops.length} operations`);
      const open = new Set(['/healthz', '/readyz']);
      for (const [method, path] of ops) {
        if (open.has(path!)) continue;
        const url = path!.replace(/\{(\w+)\}/g, (_, k: string) => SAMPLE[k] ?? 'x');
        const r = await call(method as Method, url, {});
        assert.equal(r.statusCode, 401, `${method} ${url}`);
        assert.equal((json(r) as { message: string }).message, 'missing bearer token');
        const wrong = await call(method as Method, url, { authorization: 'Bearer nope' });
        assert.equal(wrong.statusCode, 401, `${method} ${url} wrong token`);
      }
    });

    it('refuses every write to a viewer (403) and lets it read', async () => {
      const doc = json(await call('GET', '/api/v1/openapi.json', {})) as {
        paths: Record<string, Record<string, unknown>>;
      };
      const writes = Object.entries(doc.paths).flatMap(([p, m]) =>
        Object.keys(m)
          .filter((k) => k !== 'get')
          .map((k) => [k.toUpperCase(), p] as const),
      );
      assert.ok(writes.length >= 9, `${writes.length} writes`);
      for (const [method, path] of writes) {
        const url = path.replace(/\{(\w+)\}/g, (_, k: string) => SAMPLE[k] ?? 'x');
        const r = await call(method as Method, url, viewer, {});
        assert.equal(r.statusCode, 403, `${method} ${url}`);
        assert.equal((json(r) as { message: string }).message, 'role viewer may only read');
      }
      assert.equal((await call('GET', '/api/v1/courses', viewer)).statusCode, 200);
    });

    it('answers bad parameters with 4xx naming the field and the reason', async () => {
      const cases: [Method, string, unknown, number, string, RegExp][] = [
        ['GET', '/api/v1/sessions?date=16.03.2026', undefined, 400, 'query.date', /YYYY-MM-DD/],
        ['GET', '/api/v1/sessions', undefined, 400, 'query.date', /required/],
        ['GET', '/api/v1/sessions/bad%20id/register', undefined, 400, 'params.id', /letters, digits/],
        [
          'GET',
          '/api/v1/courses/CS101/register?from=2026-03-18&to=2026-03-16',
          undefined,
          400,
          'query.to',
          /from must not be after to/,
        ],
        ['GET', '/api/v1/students?limit=0', undefined, 400, 'query.limit', /1/],
        ['GET', '/api/v1/at-risk', undefined, 400, 'query.course', /required/],
        ['GET', '/api/v1/reports/nope', undefined, 400, 'params.name', /latecomers/],
        ['GET', '/api/v1/reports/latecomers?format=doc', undefined, 400, 'query.format', /json/],
        ['GET', '/api/v1/reports/session-register', undefined, 400, 'query.session', /required/],
        [
          'POST',
          '/api/v1/excuses',
          { studentId: 'S1', sessionId: 'CS101-1', reason: ' ' },
          400,
          'body.reason',
          /reason is required/,
        ],
        ['POST', '/api/v1/excuses', { studentId: 'S1', reason: 'ill' }, 400, 'body.sessionId', /from and to/],
        ['POST', '/api/v1/review/S3/CS101-1', { status: 'present' }, 400, 'body.reason', /required/],
        [
          'POST',
          '/api/v1/review/S3/CS101-1',
          { status: 'great', reason: 'x' },
          400,
          'body.status',
          /present/,
        ],
        ['PUT', '/api/v1/config/thresholds', { graceSec: -1 }, 400, 'body.graceSec', />=0/],
        ['PUT', '/api/v1/config/thresholds', { nope: 1 }, 400, 'body', /nope/],
        ['POST', '/api/v1/imports/rooms', 'a,b\n1,2', 400, 'params.kind', /roster/],
        ['DELETE', '/api/v1/excuses/not-a-uuid', undefined, 400, 'params.id', /UUID/i],
        ['PUT', '/api/v1/gateways/campus/gw-1/halls', { hallIds: [] }, 400, 'body.hallIds', />=1/],
      ];
      for (const [method, url, body, status, field, reason] of cases) {
        const headers: Record<string, string> =
          typeof body === 'string' ? { ...admin, 'content-type': 'text/csv' } : admin;
        const r = await call(method, url, headers, body);
        assert.equal(r.statusCode, status, `${method} ${url}: ${r.body}`);
        const b = json(r) as { field: string; reason: string; message: string };
        assert.equal(b.field, field, `${method} ${url}: ${r.body}`);
        assert.match(b.reason, reason, `${method} ${url}: ${r.body}`);
        assert.equal(b.message, `${b.field}: ${b.reason}`);
      }
      const missing: [string, string][] = [
        ['/api/v1/sessions/NOPE/register', 'session not found'],
        ['/api/v1/courses/NOPE/register?from=2026-03-16&to=2026-03-18', 'course not found'],
        ['/api/v1/students/NOPE', 'student not found'],
        ['/api/v1/at-risk?course=NOPE', 'course not found'],
      ];
      for (const [url, message] of missing) {
        const r = await call('GET', url);
        assert.equal(r.statusCode, 404, url);
        assert.equal((json(r) as { message: string }).message, message);
      }
    });

    it('sets security headers on every answer, errors included', async () => {
      for (const [url, h] of [
        ['/healthz', {}],
        ['/api/v1/courses', admin],
        ['/api/v1/courses', {}],
        ['/api/v1/sessions?date=x', admin],
        ['/api/docs', {}],
      ] as const) {
        const r = await call('GET', url, h);
        assert.equal(r.headers['x-content-type-options'], 'nosniff', url);
        assert.equal(r.headers['x-frame-options'], 'SAMEORIGIN', url);
        assert.match(String(r.headers['content-security-policy']), /default-src 'self'/, url);
      }
    });

    it('serves Swagger UI at /api/docs and the OpenAPI document without a token', async () => {
      const ui = await call('GET', '/api/docs', {});
      assert.equal(ui.statusCode, 200);
      assert.match(ui.body, /swagger-ui/i);
      const doc = json(await call('GET', '/api/v1/openapi.json', {})) as { info: { title: string } };
      assert.equal(doc.info.title, 'hallgate central API');
    });
  });
}
