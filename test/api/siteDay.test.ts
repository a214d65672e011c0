import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.ts';
import { SiteTime } from '../../kernel/siteTime.ts';
import { SqliteCentralStore } from '../../sync/aggregator/sqliteCentralStore.ts';
import { buildApi } from '../../sync/api/buildApi.ts';
import { SqliteCampusStore } from '../../sync/campus/sqliteCampusStore.ts';
import { ADMIN, apiDeps, VIEWER } from './fixtures.ts';

// A 09:00 lecture in Auckland (UTC+13 in December) starts on the previous UTC day: the centre must
// file it, and default its ranges, under the site's local day, as the gateways do (issue 17).
describe('the centre names days in the site time zone', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hallgate-site-day-'));
  const site = new SiteTime('Pacific/Auckland');
  const central = new SqliteCentralStore(join(dir, 'central.db'));
  const campus = new SqliteCampusStore(join(dir, 'central.db'), site);
  const start = Date.parse('2026-12-01T20:00:00Z'); // 2026-12-02 09:00 NZDT
  before(async () => {
    await central.start();
    await campus.start();
    await campus.upsertCourses([{ courseId: 'CS101', name: 'Programming', thresholds: {}, atRisk: null }]);
    await campus.upsertSessions([
      { sessionId: 'CS101-1', courseId: 'CS101', hallId: 'HALL-A', start, end: start + 90 * 60_000 },
    ]);
  });
  after(async () => {
    await campus.stop();
    await central.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const get = async (
    url: string,
    clock = new ManualClock(start + 3_600_000),
    token: string | null = ADMIN,
  ) => {
    const app = await buildApi(apiDeps({ campus, central, cleanup: async () => {} }, { clock, site }));
    try {
      const headers = token === null ? {} : { authorization: `Bearer ${token}` };
      const r = await app.inject({ method: 'GET', url, headers });
      return { status: r.statusCode, body: r.json<unknown>() };
    } finally {
      await app.close();
    }
  };

  it('a session is listed on its local day, not the UTC one', async () => {
    const local = await get('/api/v1/sessions?date=2026-12-02');
    assert.equal(local.status, 200);
    assert.deepEqual(
      (local.body as { sessionId: string; day: string }[]).map((s) => [s.sessionId, s.day]),
      [['CS101-1', '2026-12-02']],
    );
    const utc = await get('/api/v1/sessions?date=2026-12-01');
    assert.deepEqual(utc.body, []);
  });

  it("a report's default range ends on the site's today", async () => {
    const r = await get('/api/v1/reports/latecomers?format=json');
    assert.equal(r.status, 200);
    assert.equal((r.body as { to: string }).to, '2026-12-02');
  });

  it('GET /api/v1/site gives the zone and local day to any valid token, and refuses none', async () => {
    const clock = new ManualClock(Date.parse('2026-12-01T11:30:00Z')); // 00:30 on the 2nd in Auckland
    const viewer = await get('/api/v1/site', clock, VIEWER);
    assert.equal(viewer.status, 200);
    assert.deepEqual(viewer.body, { timeZone: 'Pacific/Auckland', today: '2026-12-02', now: clock.now() });
    assert.equal((await get('/api/v1/site', clock, ADMIN)).status, 200);
    assert.equal((await get('/api/v1/site', clock, null)).status, 401);
    assert.equal((await get('/api/v1/site', clock, 'not-a-token-0123456789')).status, 401);
  });

  it('the site defaults to UTC when none is given', async () => {
    const app = await buildApi(apiDeps({ campus, central, cleanup: async () => {} }));
    try {
      const r = await app.inject({
        method: 'GET',
        url: '/api/v1/site',
        headers: { authorization: `Bearer ${ADMIN}` },
      });
      assert.equal(r.json<{ timeZone: string }>().timeZone, 'UTC');
    } finally {
      await app.close();
    }
  });
});
