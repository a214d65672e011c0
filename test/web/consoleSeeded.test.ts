import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { after, before, describe, it } from 'node:test';
import type { Download, Page } from 'playwright-core';
import type { ApiApp } from '../../sync/api/apiTypes.ts';
import { buildApi } from '../../sync/api/buildApi.ts';
import { consoleDir, serveConsole } from '../../sync/api/consoleStatic.ts';
import { ADMIN, apiDeps, NOW, seedCampus, sqliteStores, VIEWER, type Stores } from '../api/fixtures.ts';
import { buildConsole, consoleErrors, HAVE_CHROMIUM, launch, settled, type Browser } from './browser.ts';

/**
 * The console in Debian's Chromium against the real API on the seeded campus
 * (test/api/fixtures.ts): excusing an absence, resolving a review item, and a
 * viewer who sees no write control and whose write is refused.
 */
describe(
  'web console on a seeded campus (Chromium)',
  { skip: !HAVE_CHROMIUM && 'no /usr/bin/chromium (scripts/setup.sh installs it)' },
  () => {
    let stores: Stores;
    let app: ApiApp;
    let base: string;
    let browser: Browser;

    before(async () => {
      buildConsole();
      stores = await sqliteStores();
      await seedCampus(stores);
      app = await buildApi(apiDeps(stores));
      const dir = consoleDir();
      assert.ok(dir, 'web/dist built');
      await serveConsole(app, dir);
      await app.listen({ host: '127.0.0.1', port: 0 });
      base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      browser = await launch();
    });
    after(async () => {
      await browser?.close();
      await app?.close();
      await stores?.cleanup();
    });

    const open = async (token: string): Promise<{ page: Page; errors: string[] }> => {
      const page = await browser.context.newPage();
      const errors = consoleErrors(page);
      await page.goto(`${base}/#token=${token}`);
      await page.getByRole('navigation', { name: 'Pages' }).waitFor();
      assert.ok(!page.url().includes('token='), 'the token leaves the address bar');
      return { page, errors };
    };
    const go = async (page: Page, link: string) => {
      await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: link }).click();
      await settled(page);
    };
    const row = (page: Page, studentId: string) => page.locator(`tr[data-student="${studentId}"]`);
    /** Clicks a download button and gives Playwright's download and its saved file. */
    const download = async (page: Page, button: string): Promise<{ d: Download; body: Buffer }> => {
      const [d] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('group', { name: 'Downloads' }).getByRole('button', { name: button }).click(),
      ]);
      return { d, body: readFileSync(await d.path()) };
    };

    it('the CSV and Excel buttons download the report and the register as shown', async () => {
      const page = await browser.context.newPage();
      const errors = consoleErrors(page);
      await page.clock.setFixedTime(NOW); // the reports' default range ends on the seeded "today"
      await page.goto(`${base}/#token=${ADMIN}`);
      await go(page, 'Reports');
      await page.getByRole('tab', { name: 'Weekday patterns', selected: true }).waitFor();
      await page.getByText('Monday').first().waitFor();

      const csv = await download(page, 'CSV');
      assert.equal(csv.d.suggestedFilename(), 'weekdays_2026-02-19_2026-03-18.csv');
      assert.deepEqual(csv.body.toString('utf8').trim().split(/\r?\n/), [
        'Weekday,Sessions,Enrolled records,Attended,Mean rate,Mean attending,Median attending',
        'Monday,2,4,3,0.8333,1.5,1.5',
        'Tuesday,1,2,1,0.5,1,1',
        'Wednesday,1,3,1,0.3333,1,1',
      ]);

      const xlsx = await download(page, 'Excel');
      assert.equal(xlsx.d.suggestedFilename(), 'weekdays_2026-02-19_2026-03-18.xlsx');
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(xlsx.body as unknown as ArrayBuffer);
      const ws = wb.worksheets[0]!;
      const rows = [1, 2, 3, 4].map((n) => (ws.getRow(n).values as unknown[]).slice(1));
      assert.deepEqual(rows[0], [
        'Weekday',
        'Sessions',
        'Enrolled records',
        'Attended',
        'Mean rate',
        'Mean attending',
        'Median attending',
      ]);
      assert.deepEqual(rows.slice(1), [
        ['Monday', 2, 4, 3, 0.8333, 1.5, 1.5],
        ['Tuesday', 1, 2, 1, 0.5, 1, 1],
        ['Wednesday', 1, 3, 1, 0.3333, 1, 1],
      ]);
      assert.equal(ws.rowCount, 4);

      await page.goto(`${base}/sessions/CS101-1`);
      await settled(page);
      await row(page, 'S1').waitFor();
      const reg = await download(page, 'CSV');
      assert.equal(reg.d.suggestedFilename(), 'register-CS101-1.csv');
      const lines = reg.body.toString('utf8').trim().split(/\r?\n/);
      assert.match(lines[0]!, /^Student,Name,Status,Minutes,Arrival/);
      assert.deepEqual(
        lines.slice(1).map((l) => l.split(',').slice(0, 4)),
        [
          ['S1', 'Ada Lovelace', 'present', '60'],
          ['S2', 'Bob Byte', 'late', '50'],
          ['S3', 'Cy Cipher', 'review', '0'],
        ],
      );
      assert.deepEqual(errors, []);
      await page.close();
    });

    it('a viewer sees no write control, and a write from its session gets 403', async () => {
      const { page, errors } = await open(VIEWER);
      assert.match(await page.locator('.role').innerText(), /viewer/);
      await page.goto(`${base}/sessions/CS101-1`);
      await settled(page);
      await row(page, 'S3').getByText('review').waitFor();
      assert.equal(await page.getByRole('button', { name: /^(Excuse|Resolve)/ }).count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Why?' }).count(), 3, 'reads still offered');
      await go(page, 'Review queue');
      await page.locator('[data-review="S3/CS101-1"]').waitFor();
      assert.equal(await page.getByRole('button', { name: /Resolve/ }).count(), 0);
      await go(page, 'Settings');
      assert.equal(await page.getByRole('button', { name: /Save|Import/ }).count(), 0);
      assert.equal(await page.getByLabel('CSV text').count(), 0);
      assert.deepEqual(errors, []);
      // In the page, with the token the console keeps (a string: evaluated in the page).
      const status = await page.evaluate(`fetch('/api/v1/excuses', {
        method: 'POST',
        headers: {
          authorization: 'Bearer ' + sessionStorage.getItem('hallgate.token'),
          'content-type': 'application/json',
        },
        body: JSON.stringify({ studentId: 'S2', sessionId: 'CS101-2', reason: 'viewer tries' }),
      }).then((r) => r.status)`);
      assert.equal(status, 403);
      await page.close();
    });

    it("excusing an absence with a reason changes the student's course rate", async () => {
      const { page, errors } = await open(ADMIN);
      await page.goto(`${base}/sessions/CS101-2`);
      await settled(page);
      const s2 = row(page, 'S2');
      await s2.locator('[data-status="absent"]').waitFor();
      // S2 in CS101: late, absent, absent -> 1/3; with CS101-2 excused -> 1/2.
      assert.equal(await s2.locator('[data-rate]').innerText(), '33.3%');
      await s2.getByRole('button', { name: 'Excuse' }).click();
      await page.getByRole('button', { name: 'Excuse absence' }).click();
      // The reason is required: the browser refuses the empty form.
      assert.equal(await page.locator('#excuse-S2-reason:invalid').count(), 1);
      assert.equal(await s2.locator('[data-status="absent"]').count(), 1);
      await page.getByLabel('Reason').fill('doctor’s note');
      await page.getByRole('button', { name: 'Excuse absence' }).click();
      await s2.locator('[data-status="excused"]').waitFor();
      assert.equal(await s2.locator('[data-rate]').innerText(), '50%');
      const excuses = (await (
        await fetch(`${base}/api/v1/excuses?student=S2`, { headers: { authorization: `Bearer ${ADMIN}` } })
      ).json()) as { sessionId: string; reason: string; author: string }[];
      assert.deepEqual(
        excuses.map((e) => [e.sessionId, e.reason, e.author]),
        [['CS101-2', 'doctor’s note', 'ann']],
      );
      assert.deepEqual(errors, []);
      await page.close();
    });

    it('resolving a review item takes it off the queue and the register shows the manual decision', async () => {
      const { page, errors } = await open(ADMIN);
      // Keyboard: focus the nav link and press Enter.
      await page.getByRole('link', { name: 'Review queue' }).focus();
      await page.keyboard.press('Enter');
      await settled(page);
      const card = page.locator('[data-review="S3/CS101-1"]');
      await card.getByText('card_face_mismatch').waitFor();
      await card.getByRole('button', { name: 'Resolve…' }).click();
      await card.getByLabel('Decision').selectOption('present');
      await card.getByLabel('Reason').fill('lecturer saw the student');
      await card.getByRole('button', { name: 'Resolve', exact: true }).click();
      await page.getByText('Nothing to review.').waitFor();
      await page.goto(`${base}/sessions/CS101-1`);
      await settled(page);
      assert.equal(await row(page, 'S3').locator('[data-status]').innerText(), 'present (manual)');
      assert.deepEqual(errors, []);
      await page.close();
    });

    it('settings: a bad threshold is refused naming the field; an import shows its refused rows', async () => {
      const { page, errors } = await open(ADMIN);
      await go(page, 'Settings');
      const site = page.getByLabel('Site-wide overrides (JSON)');
      await site.fill('{"graceSec": -5}');
      await page.locator('form.json-editor').first().getByRole('button', { name: 'Save' }).click();
      assert.match(await page.locator('form.json-editor').first().getByRole('alert').innerText(), /graceSec/);
      await site.fill('{"graceSec": 240}');
      await page.locator('form.json-editor').first().getByRole('button', { name: 'Save' }).click();
      await page.getByText('Saved; a new thresholds version is published.').waitFor();
      await page.getByLabel('Kind').selectOption('roster');
      await page.getByLabel('CSV text').fill('studentid,name,carduid\nS9,Di Gital,CAFE09\n,No Id,\n');
      await page.getByRole('button', { name: 'Import' }).click();
      await page.getByText('Imported 1 roster row(s); 1 row(s) refused.').waitFor();
      const refused = await page.locator('table.import-errors tbody tr').allInnerTexts();
      assert.equal(refused.length, 1);
      assert.match(refused[0]!, /^3\s/);
      // Chromium logs the refused save (400) as a failed resource; nothing else.
      assert.equal(errors.length, 1, errors.join('\n'));
      assert.match(errors[0]!, /status of 400/);
      await page.close();
    });
  },
);
