import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { startCli, waitFor } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tempDir.ts';
import {
  buildConsole,
  consoleErrors,
  HAVE_CHROMIUM,
  launch,
  settled,
  shotsDir,
  until,
  type Browser,
} from './browser.ts';

const PAGES = [
  'Live',
  'Timetable',
  'Review queue',
  'Halls and gateways',
  'Students',
  'Courses',
  'At risk',
  'Reports',
  'Simulation',
  'Settings',
];

interface RegisterJson {
  session: { sessionId: string };
  rows: { studentId: string; name: string; status: string }[];
}

/**
 * The console in Debian's Chromium against `hallgate demo --serve`: logging in
 * through the printed URL, the Live page while the simulated hall runs, a
 * session register, its PDF, and every page loading without a console error.
 */
describe(
  'web console against hallgate demo (Chromium)',
  { skip: !HAVE_CHROMIUM && 'no /usr/bin/chromium (scripts/setup.sh installs it)' },
  () => {
    let browser: Browser;
    let demo: { child: ChildProcess; output: () => string };
    let url: string;
    let token: string;
    let page: Page;
    let errors: string[];
    let pdfText = '';
    let registerRows: RegisterJson['rows'] = [];
    const shots = shotsDir('demo');
    const dir = tempDir('hallgate-console-');
    const count = async (name: string) => Number(await page.locator(`[data-count="${name}"]`).innerText());

    before(async () => {
      buildConsole();
      browser = await launch();
      demo = await startCli(
        ['demo', '--serve', '--http-port', '0', '--duration', '60', '--students', '60', '--quiet'],
        /#token=[\w-]+\n/,
        {},
        180_000,
      );
      const m = /^(http:\/\/127\.0\.0\.1:\d+)\/#token=([\w-]+)$/m.exec(demo.output());
      assert.ok(m, demo.output());
      url = m[0];
      token = m[2]!;
      page = await browser.context.newPage();
      errors = consoleErrors(page);
    });
    after(async () => {
      await browser?.close();
      if (demo && demo.child.exitCode === null) {
        const exited = new Promise((r) => demo.child.once('exit', r));
        demo.child.kill('SIGINT');
        await exited;
      }
    });

    it("logs in through the printed URL; the Live page's arrived count rises while the hall runs", async () => {
      await page.goto(url);
      await page.getByRole('heading', { name: 'Live', exact: true }).waitFor();
      assert.ok(!page.url().includes('token='), 'the token leaves the address bar');
      assert.match(await page.locator('.role').innerText(), /admin/);
      await page.locator('[data-count="arrived"]').waitFor();
      const first = await count('arrived');
      await until(async () => (await count('arrived')) > first, 'more arrivals', 240_000);
      const second = await count('arrived');
      assert.ok(second > first, `${first} -> ${second}`);
      await page.locator('table.swipes tbody tr').first().waitFor({ timeout: 120_000 });
      assert.ok(await count('expected'), 'expected students counted');
      await page.screenshot({ path: join(shots, 'live-running.png'), fullPage: true });
    });

    it('a session register shows the statuses the API holds, and its PDF names its students', async () => {
      await waitFor(() => /serving the API at/.test(demo.output()), 'the end of the simulated day', 300_000);
      await page.reload();
      await settled(page);
      const link = page.locator('table a[href^="/sessions/"]').first();
      const sessionId = await link.innerText();
      await link.click();
      await settled(page);
      const api = (await (
        await fetch(`${new URL(url).origin}/api/v1/sessions/${sessionId}/register`, {
          headers: { authorization: `Bearer ${token}` },
        })
      ).json()) as RegisterJson;
      assert.ok(api.rows.length > 0);
      const shown: [string | null, string | null][] = [];
      for (const row of await page.locator('tr[data-student]').all())
        shown.push([
          await row.getAttribute('data-student'),
          await row.locator('[data-status]').getAttribute('data-status'),
        ]);
      assert.deepEqual(
        shown,
        api.rows.map((r) => [r.studentId, r.status]),
      );
      assert.ok(
        api.rows.some((r) => r.status === 'present' || r.status === 'late'),
        'someone attended',
      );
      await page.screenshot({ path: join(shots, 'session-register.png'), fullPage: true });

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'PDF' }).click(),
      ]);
      const pdf = join(dir, 'register.pdf');
      await download.saveAs(pdf);
      const text = spawnSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
      assert.equal(text.status, 0, text.stderr);
      assert.ok(text.stdout.includes(sessionId), 'session id in the PDF');
      assert.match(text.stdout, /Session register/);
      pdfText = text.stdout;
      registerRows = api.rows;
    });

    it('the register PDF names every student (the Why column wraps, Student and Name stay whole)', () => {
      assert.ok(registerRows.length > 0);
      for (const r of registerRows) assert.ok(pdfText.includes(r.studentId), `${r.studentId} in the PDF`);
    });

    it('a simulation started from the Simulation page arrives on the Live page', async () => {
      await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Live' }).click();
      await settled(page);
      await page.locator('[data-count="arrived"]').waitFor();
      const before = await count('arrived');
      await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Simulation' }).click();
      await settled(page);
      await page.getByLabel('Population (students)').fill('40');
      await page.getByLabel('Rate (swipes per second)').fill('10');
      await page.getByLabel('Late %').fill('20');
      await page.getByLabel('Seed').fill('11');
      await page.getByRole('button', { name: 'Start simulation' }).click();
      const row = page.locator('tr[data-sim="sim1"]');
      await row.locator('[data-state="running"], [data-state="done"]').waitFor({ timeout: 60_000 });
      assert.match(await row.innerText(), /SIM1-HALL-A/);
      await page.screenshot({ path: join(shots, 'simulation-running.png'), fullPage: true });
      await page.getByRole('link', { name: 'Live page' }).click();
      await settled(page);
      await until(async () => (await count('arrived')) > before, 'the simulation on Live', 240_000);
      await page
        .locator('table.swipes tbody tr', { hasText: 'SIM1-HALL-A' })
        .first()
        .waitFor({ timeout: 120_000 });
      assert.ok(
        (await page.getByRole('link', { name: /^SIM1-/ }).count()) > 0,
        "the simulation's sessions are listed",
      );
      await page.screenshot({ path: join(shots, 'live-simulation.png'), fullPage: true });
    });

    it('every page loads with no console error (a screenshot of each)', async () => {
      for (const [i, name] of PAGES.entries()) {
        await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name }).click();
        await settled(page);
        assert.equal(
          await page.getByRole('alert').count(),
          0,
          `${name}: ${await page.locator('main').innerText()}`,
        );
        await page.screenshot({
          path: join(shots, `${i + 1}-${name.toLowerCase().replace(/\W+/g, '-')}.png`),
          fullPage: true,
        });
      }
      // Tablet width: every page again, none wider than the screen (tables scroll inside their box).
      await page.setViewportSize({ width: 768, height: 1024 });
      for (const [i, name] of PAGES.entries()) {
        await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name }).click();
        await settled(page);
        assert.ok((await page.evaluate<number>('document.documentElement.scrollWidth')) <= 768, name);
        await page.screenshot({
          path: join(shots, `tablet-${i + 1}-${name.toLowerCase().replace(/\W+/g, '-')}.png`),
          fullPage: true,
        });
      }
      await page.setViewportSize({ width: 1024, height: 768 });
      await page.goto(`${new URL(url).origin}/students`);
      await settled(page);
      await page.getByLabel('Search by id or name').fill('S');
      await page.locator('table a[href^="/students/"]').first().click();
      await settled(page);
      await page.screenshot({ path: join(shots, 'student.png'), fullPage: true });
      await page.goto(`${new URL(url).origin}/courses`);
      await settled(page);
      await page.locator('table a[href^="/courses/"]').first().click();
      await settled(page);
      await page.locator('figure.chart svg').waitFor();
      await page.screenshot({ path: join(shots, 'course.png'), fullPage: true });
      assert.deepEqual(errors, []);
    });
  },
);
