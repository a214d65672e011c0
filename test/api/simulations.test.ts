import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { systemClock } from '../../kernel/clock.ts';
import { createLogger } from '../../kernel/log.ts';
import { SiteTime } from '../../kernel/siteTime.ts';
import type { ApiApp } from '../../sync/api/apiTypes.ts';
import { buildApi } from '../../sync/api/buildApi.ts';
import { SimulationService } from '../../sync/api/simulations.ts';
import { EmbeddedBroker } from '../../sync/embeddedBroker.ts';
import { ADMIN, apiDeps, sqliteStores, VIEWER, type Stores } from './fixtures.ts';

const GOOD = { population: 20, rate: 50, latePct: 15, invalidPct: 2, earlyExitPct: 5, seed: 3 };

/** The simulations API: validation, roles, the running limit, and a run that feeds and stops. */
describe('POST/GET/DELETE /api/v1/simulations', () => {
  const log = createLogger({ level: 'silent' });
  let stores: Stores;
  let broker: EmbeddedBroker;
  let sims: SimulationService;
  let app: ApiApp;
  let bare: ApiApp;

  before(async () => {
    stores = await sqliteStores();
    broker = new EmbeddedBroker({ port: 0 }, log);
    await broker.start();
    sims = new SimulationService({
      mqtt: { url: broker.url },
      gatewaySite: 'campus',
      site: new SiteTime('UTC'),
      campus: stores.campus,
      clock: systemClock,
      log,
    });
    app = await buildApi(apiDeps(stores, { simulations: sims }));
    bare = await buildApi(apiDeps(stores));
  });
  after(async () => {
    await sims?.stopAll();
    await app?.close();
    await bare?.close();
    await broker?.stop();
    await stores?.cleanup();
  });

  const call = async (
    a: ApiApp,
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    token = ADMIN,
    body?: unknown,
  ) => {
    const r = await a.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: r.statusCode, body: r.body === '' ? null : r.json<Record<string, unknown>>() };
  };

  const bad: [string, Record<string, unknown>, RegExp][] = [
    ['population 0', { ...GOOD, population: 0 }, /population is at least 1/],
    ['population over the limit', { ...GOOD, population: 100_000 }, /population is at most 2000/],
    ['fractional population', { ...GOOD, population: 2.5 }, /whole number/],
    ['late over 100 %', { ...GOOD, latePct: 150 }, /latePct is a percentage 0-100/],
    ['negative early exit', { ...GOOD, earlyExitPct: -1 }, /earlyExitPct is a percentage/],
    ['rate 0', { ...GOOD, rate: 0 }, /rate is at least 1/],
    ['seed missing', { ...GOOD, seed: undefined }, /seed/],
    ['rate as text', { ...GOOD, rate: 'fast' }, /rate/],
  ];
  for (const [name, body, message] of bad)
    it(`400 with a clear message: ${name}`, async () => {
      const r = await call(app, 'POST', '/api/v1/simulations', ADMIN, body);
      assert.equal(r.status, 400);
      assert.match(String(r.body?.message), message);
      assert.doesNotMatch(String(r.body?.message), /\n\s+at /, 'no stack trace');
    });

  it('a viewer reads but may not start or stop (403)', async () => {
    assert.equal((await call(app, 'GET', '/api/v1/simulations', VIEWER)).status, 200);
    assert.equal((await call(app, 'POST', '/api/v1/simulations', VIEWER, GOOD)).status, 403);
    assert.equal((await call(app, 'DELETE', '/api/v1/simulations/sim1', VIEWER)).status, 403);
    assert.equal((await call(app, 'GET', '/api/v1/simulations', 'nope-nope-nope-nope')).status, 401);
  });

  it('without a simulation service a start is 503 and the list is empty', async () => {
    assert.equal((await call(bare, 'POST', '/api/v1/simulations', ADMIN, GOOD)).status, 503);
    assert.deepEqual((await call(bare, 'GET', '/api/v1/simulations')).body, []);
  });

  it('a run feeds swipes through its gateway; a third at once is 409; DELETE stops it', async () => {
    const a = await call(app, 'POST', '/api/v1/simulations', ADMIN, { ...GOOD, rate: 1 });
    assert.equal(a.status, 201);
    const id = String(a.body?.id);
    const b = await call(app, 'POST', '/api/v1/simulations', ADMIN, { ...GOOD, rate: 1, seed: 4 });
    assert.equal(b.status, 201);
    const c = await call(app, 'POST', '/api/v1/simulations', ADMIN, GOOD);
    assert.equal(c.status, 409);
    assert.match(String(c.body?.message), /already running/);
    const end = Date.now() + 60_000;
    let s = (await call(app, 'GET', `/api/v1/simulations/${id}`)).body!;
    while (!(s.state === 'running' && Number(s.fed) > 0) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 200));
      s = (await call(app, 'GET', `/api/v1/simulations/${id}`)).body!;
    }
    assert.equal(s.state, 'running');
    assert.ok(Number(s.planned) > Number(s.fed) && Number(s.fed) > 0, JSON.stringify(s));
    // Its generated campus is in the campus store under its own ids.
    const sessions = await stores.campus.sessionsOfDay(String(s.day));
    assert.ok(
      sessions.some((x) => x.hallId === s.hallId),
      'its sessions are in the campus store',
    );
    assert.equal((await call(app, 'DELETE', `/api/v1/simulations/${id}`)).status, 204);
    assert.equal((await call(app, 'GET', `/api/v1/simulations/${id}`)).body?.state, 'stopped');
    assert.equal((await call(app, 'DELETE', '/api/v1/simulations/sim99')).status, 404);
    assert.equal((await call(app, 'GET', '/api/v1/simulations/sim99')).status, 404);
  });
});
