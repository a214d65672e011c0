import assert from 'node:assert/strict';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { buildApi } from '../../sync/api/buildApi.ts';
import { eventsOfBatch, observeCentralStore } from '../../sync/api/eventBus.ts';
import { event } from '../sync/fixtures/gatewayDb.ts';
import { ADMIN, apiDeps, NOW, seedCampus, sqliteStores, VIEWER, type Stores } from './fixtures.ts';

describe('API auth: repeated failures are rate-limited per address', () => {
  let stores: Stores;
  before(async () => {
    stores = await sqliteStores();
  });
  after(() => stores.cleanup());

  it('answers 429 with Retry-After after the allowed failures, until the window has passed', async () => {
    const deps = apiDeps(stores, { authFailures: { maxFailures: 3, windowMs: 60_000 } });
    const app = await buildApi(deps);
    const get = (token: string) =>
      app.inject({ method: 'GET', url: '/api/v1/halls', headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 3; i++) assert.equal((await get('wrong')).statusCode, 401);
    const blocked = await get('wrong');
    assert.equal(blocked.statusCode, 429);
    assert.equal(blocked.headers['retry-after'], '60');
    assert.equal((await get(ADMIN)).statusCode, 429, 'blocked even with a good token while the window lasts');
    deps.clock.advance(30_000);
    assert.equal((await get(VIEWER)).headers['retry-after'], '30');
    deps.clock.advance(30_000);
    assert.equal((await get(VIEWER)).statusCode, 200);
    assert.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
    await app.close();
  });
});

describe('GET /api/v1/events/stream over real HTTP', () => {
  let stores: Stores;
  before(async () => {
    stores = await sqliteStores();
    await seedCampus(stores);
  });
  after(() => stores.cleanup());

  it('pushes swipes, records and new review items as batches become durable; never a raw card id', async () => {
    const deps = apiDeps(stores);
    observeCentralStore(stores.central, {
      batch: (b) => eventsOfBatch(b).forEach((e) => deps.bus.publish(e)),
    });
    const app = await buildApi(deps);
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const chunks: string[] = [];
    let seen!: () => void;
    const done = new Promise<void>((r) => (seen = r));
    const req = get(`http://127.0.0.1:${port}/api/v1/events/stream?access_token=${VIEWER}`, (res) => {
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/event-stream/);
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        chunks.push(c);
        if (chunks.join('').includes('event: review')) seen();
        if (c.startsWith(': hallgate')) void write();
      });
    });
    const write = () =>
      stores.central.writeBatch({
        site: 'campus',
        gatewayId: 'gw-1',
        batchId: 'live-1',
        receivedAt: NOW,
        events: [
          event({ eventId: 'live-e1', studentId: 'S1', rawId: 'CAFE01', ts: NOW, lectureId: 'CS101' }),
        ],
        records: [
          {
            studentId: 'S2',
            sessionId: 'CS101-3',
            courseId: 'CS101',
            hallId: 'HALL-A',
            day: '2026-03-18',
            version: 2,
            status: 'review',
            minutesPresent: 0,
            intervals: [],
            flags: ['ambiguous'],
            explanations: [],
            eventIds: [],
            decidedAt: NOW,
            manual: false,
          },
        ],
        invalid: [],
        hll: [],
        deadLetters: [],
      });
    await done;
    req.destroy();
    const text = chunks.join('');
    assert.match(
      text,
      /event: swipe\ndata: \{"eventId":"live-e1","site":"campus","gatewayId":"gw-1","source":"rfid","studentId":"S1"/,
    );
    assert.match(
      text,
      /event: record\ndata: \{"studentId":"S2","sessionId":"CS101-3","courseId":"CS101","status":"review","version":2,"manual":false\}/,
    );
    assert.match(
      text,
      /event: review\ndata: \{"studentId":"S2","sessionId":"CS101-3","courseId":"CS101","flags":\["ambiguous"\]\}/,
    );
    assert.doesNotMatch(text, /CAFE01|rawId/);
    const noToken = await fetch(`http://127.0.0.1:${port}/api/v1/events/stream`);
    assert.equal(noToken.status, 401);
    await app.close();
  });
});
