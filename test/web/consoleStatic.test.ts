import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApiApp } from '../../sync/api/apiTypes.ts';
import { buildApi } from '../../sync/api/buildApi.ts';
import { isConsolePath, serveConsole } from '../../sync/api/consoleStatic.ts';
import { ADMIN, apiDeps, seedCampus, sqliteStores, VIEWER, type Stores } from '../api/fixtures.ts';
import { tempDir } from '../helpers/tempDir.ts';

describe('serving the web console beside the API', () => {
  let stores: Stores;
  let app: ApiApp;
  const root = tempDir('hallgate-web-');

  before(async () => {
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    stores = await sqliteStores();
    await seedCampus(stores);
    app = await buildApi(apiDeps(stores));
    await serveConsole(app, root);
  });
  after(async () => {
    await app?.close();
    await stores?.cleanup();
  });

  it('tells console paths from API paths', () => {
    for (const p of ['/', '/sessions/CS101-1', '/assets/index-abc.js', '/students'])
      assert.equal(isConsolePath(p), true, p);
    for (const p of ['/api', '/api/v1/courses', '/api/docs', '/metrics'])
      assert.equal(isConsolePath(p), false, p);
  });

  it('serves index.html at / and at the console routes without a token, assets cached for good', async () => {
    for (const url of ['/', '/sessions/CS101-1', '/students/S1']) {
      const r = await app.inject({ url });
      assert.equal(r.statusCode, 200, url);
      assert.match(r.body, /<title>console<\/title>/);
      assert.equal(r.headers['cache-control'], 'no-cache', url);
      assert.match(String(r.headers['content-security-policy']), /script-src 'self'/);
    }
    const js = await app.inject({ url: '/assets/index-abc.js' });
    assert.equal(js.statusCode, 200);
    assert.equal(js.body, 'console.log(1)');
    assert.match(String(js.headers['cache-control']), /immutable/);
  });

  it('leaves the API as it was: tokens required, unknown API paths 404 with a token', async () => {
    assert.equal((await app.inject({ url: '/api/v1/courses' })).statusCode, 401);
    assert.equal((await app.inject({ url: '/metrics' })).statusCode, 401);
    const auth = { authorization: `Bearer ${ADMIN}` };
    assert.equal((await app.inject({ url: '/api/v1/courses', headers: auth })).statusCode, 200);
    const missing = await app.inject({ url: '/api/v1/no-such-thing', headers: auth });
    assert.equal(missing.statusCode, 404);
    assert.doesNotMatch(missing.body, /<title>console/);
  });

  it('GET /api/v1/me names the token and its role', async () => {
    const me = (token: string) =>
      app
        .inject({ url: '/api/v1/me', headers: { authorization: `Bearer ${token}` } })
        .then((r) => r.json<unknown>());
    assert.deepEqual(await me(ADMIN), { name: 'ann', role: 'admin' });
    assert.deepEqual(await me(VIEWER), { name: 'vic', role: 'viewer' });
    assert.equal((await app.inject({ url: '/api/v1/me' })).statusCode, 401);
  });
});
