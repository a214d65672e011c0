// Console figures in Debian's Chromium against the real API on loopback:
// first load of the Live page (navigation to counts shown), a 500-student
// session register rendered after its data arrives, and the bundle size.
// Prints figures; never fails on a time.
// Usage: node --import tsx bench/console.ts [--students 500] [--runs 5]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { systemClock } from '../kernel/clock.ts';
import { utcSite } from '../kernel/siteTime.ts';
import { createLogger } from '../kernel/log.ts';
import { SqliteCentralStore } from '../sync/aggregator/sqliteCentralStore.ts';
import { newToken } from '../sync/api/auth.ts';
import { buildApi } from '../sync/api/buildApi.ts';
import { consoleDir, serveConsole } from '../sync/api/consoleStatic.ts';
import { ApiBus } from '../sync/api/eventBus.ts';
import { ApiMetrics } from '../sync/api/metrics.ts';
import { SqliteCampusStore } from '../sync/campus/sqliteCampusStore.ts';
import type { RecordPayload } from '../sync/schema.ts';
import { buildConsole, launch } from '../test/web/browser.ts';

const { values } = parseArgs({
  options: { students: { type: 'string', default: '500' }, runs: { type: 'string', default: '5' } },
});
const N = Number(values.students);
const RUNS = Number(values.runs);
const STATUSES = ['present', 'present', 'present', 'late', 'absent'] as const;

async function seed(campus: SqliteCampusStore, central: SqliteCentralStore, start: number): Promise<string> {
  const day = utcSite().dayOf(start);
  const sessionId = `BENCH-${day}`;
  const ids = Array.from({ length: N }, (_, i) => `S${String(i).padStart(6, '0')}`);
  await campus.upsertStudents(ids.map((id, i) => ({ studentId: id, name: `Student ${i}`, cardUids: [] })));
  await campus.upsertCourses([{ courseId: 'BENCH', name: 'Bench course', thresholds: {}, atRisk: null }]);
  await campus.upsertEnrolments(ids.map((studentId) => ({ studentId, courseId: 'BENCH' })));
  await campus.upsertHalls([{ hallId: 'HALL-A', name: 'Main hall' }]);
  await campus.upsertSessions([
    { sessionId, courseId: 'BENCH', hallId: 'HALL-A', start, end: start + 90 * 60_000 },
  ]);
  const records: RecordPayload[] = ids.map((studentId, i) => {
    const status = STATUSES[i % STATUSES.length]!;
    const from = start + (status === 'late' ? 12 : 0) * 60_000;
    return {
      studentId,
      sessionId,
      courseId: 'BENCH',
      hallId: 'HALL-A',
      day,
      version: 1,
      status,
      minutesPresent: status === 'absent' ? 0 : 90,
      intervals: status === 'absent' ? [] : [{ from, to: start + 90 * 60_000 }],
      flags: status === 'late' ? ['late'] : [],
      explanations: [{ rule: status, text: `bench ${status}`, thresholds: {}, eventIds: [] }],
      eventIds: [],
      decidedAt: start + 91 * 60_000,
      manual: false,
    };
  });
  await central.writeBatch({
    site: 'campus',
    gatewayId: 'gw-1',
    batchId: 'bench',
    receivedAt: Date.now(),
    events: [],
    records,
    invalid: [],
    hll: [],
    deadLetters: [],
  });
  return sessionId;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function bundleKb(): string {
  const dir = join(consoleDir()!, 'assets');
  const files = readdirSync(dir).filter((f) => /\.(js|css)$/.test(f));
  const raw = files.reduce((n, f) => n + readFileSync(join(dir, f)).length, 0);
  const gz = files.reduce((n, f) => n + gzipSync(readFileSync(join(dir, f))).length, 0);
  return `${(raw / 1024).toFixed(1)} KB raw, ${(gz / 1024).toFixed(1)} KB gzipped (${files.length} files)`;
}

buildConsole();
const dir = mkdtempSync(join(tmpdir(), 'hallgate-bench-console-'));
const central = new SqliteCentralStore(join(dir, 'central.db'));
const campus = new SqliteCampusStore(join(dir, 'central.db'));
await central.start();
await campus.start();
const today = Date.parse(`${utcSite().dayOf(Date.now())}T09:00:00Z`);
const sessionId = await seed(campus, central, today);
const { token, entry } = newToken('bench', 'admin');
const app = await buildApi({
  campus,
  central,
  clock: systemClock,
  log: createLogger({ level: 'silent' }),
  tokens: [entry],
  atRiskDefault: { sessions: 3, threshold: 0.75 },
  bus: new ApiBus(),
  metrics: new ApiMetrics({ central, now: () => Date.now() }),
  ready: () => true,
});
await serveConsole(app, consoleDir()!);
await app.listen({ host: '127.0.0.1', port: 0 });
const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
const browser = await launch();
try {
  const live: number[] = [];
  const register: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const page = await browser.context.newPage();
    const t0 = performance.now();
    await page.goto(`${base}/#token=${token}`);
    await page.locator('[data-count="expected"]').waitFor();
    live.push(performance.now() - t0);
    const data = page.waitForResponse((r) => r.url().includes(`/courses/BENCH/register`));
    await page.goto(`${base}/sessions/${sessionId}`);
    await (await data).finished();
    const t1 = performance.now();
    await page
      .locator('tr[data-student]')
      .nth(N - 1)
      .waitFor();
    register.push(performance.now() - t1);
    await page.close();
  }
  const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
  console.log(`console bench (${RUNS} runs, Chromium headless, loopback)`);
  console.log(`  Live page first load (navigation to counts shown): ${fmt(live)}`);
  console.log(`  ${N}-student register rendered after its data arrived: ${fmt(register)}`);
  console.log(`  bundle: ${bundleKb()}`);
} finally {
  await browser.close();
  await app.close();
  await campus.stop();
  await central.stop();
  rmSync(dir, { recursive: true, force: true });
}
