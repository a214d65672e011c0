import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ROOT = join(import.meta.dirname, '../..');

/** Builds web/dist when it is stale (the console the aggregator serves). */
export function buildConsole(): void {
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build-web.mjs')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build-web failed:\n${r.stdout}\n${r.stderr}`);
}

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Debian's Chromium, headless, with a fresh profile removed on close (timezoneId: the browser's zone). */
export async function launch(opts: { timezoneId?: string } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'hallgate-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1024, height: 768 },
    acceptDownloads: true,
    ...opts,
  });
  context.setDefaultTimeout(60_000);
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Collects console errors and uncaught page errors of a page. */
export function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`${page.url()}: ${e.message}`));
  return errors;
}

/** One folder per run for the screenshots (printed, kept under .tmp/). */
export function shotsDir(name: string): string {
  const dir = join(
    ROOT,
    '.tmp',
    'console-shots',
    `${new Date().toISOString().replace(/[:.]/g, '-')}-${name}`,
  );
  mkdirSync(dir, { recursive: true });
  console.log(`console screenshots: ${dir}`);
  return dir;
}

/**
 * Polls `check` from the test (not in the page: the console's CSP forbids
 * the evaluated strings page.waitForFunction would need) until it is true.
 */
export async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Waits until the page has its heading and no "Loading …" status. */
export async function settled(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1 }).waitFor();
  await until(async () => (await page.getByText(/^Loading .*…$/).count()) === 0, 'the page to load');
}
