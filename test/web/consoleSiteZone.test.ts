import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.ts';
import { SiteTime } from '../../kernel/siteTime.ts';
import { SqliteCentralStore } from '../../sync/aggregator/sqliteCentralStore.ts';
import type { ApiApp } from '../../sync/api/apiTypes.ts';
import { buildApi } from '../../sync/api/buildApi.ts';
import { consoleDir, serveConsole } from '../../sync/api/consoleStatic.ts';
import { SqliteCampusStore } from '../../sync/campus/sqliteCampusStore.ts';
import { ADMIN, apiDeps } from '../api/fixtures.ts';
import { buildConsole, consoleErrors, HAVE_CHROMIUM, launch, settled, type Browser } from './browser.ts';

// A lecture at 00:30 on Wednesday 2 December in Auckland is 11:30 on Tuesday 1 December in UTC.
// The browser runs in UTC; the console must show the site's day, weekday and clock time.
const START = Date.parse('2026-12-01T11:30:00Z');
const NOW = Date.parse('2026-12-01T12:00:00Z'); // 01:00 on the 2nd in Auckland

describe(
  "the console formats days and times in the site's zone, not the browser's (Chromium)",
  { skip: !HAVE_CHROMIUM && 'no /usr/bin/chromium (scripts/setup.sh installs it)' },
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'hallgate-console-zone-'));
    const site = new SiteTime('Pacific/Auckland');
    const central = new SqliteCentralStore(join(dir, 'central.db'));
    const campus = new SqliteCampusStore(join(dir, 'central.db'), site);
    let app: ApiApp;
    let base: string;
    let browser: Browser;

    before(async () => {
      buildConsole();
      await central.start();
      await campus.start();
      await campus.upsertCourses([{ courseId: 'CS101', name: 'Programming', thresholds: {}, atRisk: null }]);
      await campus.upsertSessions([
        { sessionId: 'CS101-1', courseId: 'CS101', hallId: 'HALL-A', start: START, end: START + 3_600_000 },
      ]);
      const stores = { campus, central, cleanup: async () => {} };
      app = await buildApi(apiDeps(stores, { clock: new ManualClock(NOW), site }));
      const web = consoleDir();
      assert.ok(web, 'web/dist built');
      await serveConsole(app, web);
      await app.listen({ host: '127.0.0.1', port: 0 });
      base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      browser = await launch({ timezoneId: 'UTC' });
    });
    after(async () => {
      await browser?.close();
      await app?.close();
      await campus.stop();
      await central.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('register, timetable and Live show the Auckland day, weekday and time', async () => {
      const page = await browser.context.newPage();
      const errors = consoleErrors(page);
      await page.clock.setFixedTime(NOW);
      assert.equal(await page.evaluate('new Date().getTimezoneOffset()'), 0, 'the browser runs in UTC');
      await page.goto(`${base}/#token=${ADMIN}`);
      await page.getByRole('navigation', { name: 'Pages' }).waitFor();
      await settled(page);

      // Live: "today" is the site's 2 December, so the session is listed, at its local time.
      assert.equal(await page.getByLabel('Day').inputValue(), '2026-12-02');
      const live = page.locator('table', { has: page.getByRole('link', { name: 'CS101-1' }) });
      assert.match(await live.innerText(), /00:30–01:30/);

      await page.goto(`${base}/sessions/CS101-1`);
      await settled(page);
      assert.equal(
        await page.locator('[data-when]').innerText(),
        'Wed 2026-12-02 00:30–01:30 (Pacific/Auckland)',
      );

      await page.goto(`${base}/timetable`);
      await settled(page);
      assert.equal(await page.getByLabel('Week of').inputValue(), '2026-11-30');
      const wed = page.getByRole('region', { name: '2026-12-02' });
      assert.equal(await wed.getByRole('heading').innerText(), 'Wed 12-02');
      assert.match(await wed.getByRole('link').innerText(), /^00:30–01:30 CS101$/);
      assert.equal(await page.getByRole('region', { name: '2026-12-01' }).getByRole('link').count(), 0);
      assert.deepEqual(errors, []);
      await page.close();
    });
  },
);
