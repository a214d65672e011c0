// API benchmark: a 500-student session register (p50/p99 over repeated calls), a 300-student
// course register over 15 weeks (2 sessions a week), and every course register of a term as one
// streamed PDF (default 20,000 students in courses of 200), with wall time and peak RSS.
// Figures only; nothing fails on a time.
// Usage: node --import tsx bench/api.ts [--term-students 20000] [--calls 200]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ManualClock } from '../kernel/clock.ts';
import { createLogger } from '../kernel/log.ts';
import { SqliteCentralStore } from '../sync/aggregator/sqliteCentralStore.ts';
import { buildApi } from '../sync/api/buildApi.ts';
import { hashToken } from '../sync/api/auth.ts';
import { ApiBus } from '../sync/api/eventBus.ts';
import { ApiMetrics } from '../sync/api/metrics.ts';
import { SqliteCampusStore } from '../sync/campus/sqliteCampusStore.ts';
import type { RecordPayload } from '../sync/schema.ts';

const { values } = parseArgs({
  options: {
    'term-students': { type: 'string', default: '20000' },
    calls: { type: 'string', default: '200' },
  },
});
const TERM = Number(values['term-students']);
const CALLS = Number(values.calls);
const T0 = Date.parse('2026-01-05T09:00:00Z');
const WEEK = 7 * 86_400_000;
const STATUSES: RecordPayload['status'][] = ['present', 'present', 'present', 'late', 'absent'];

const dir = mkdtempSync(join(tmpdir(), 'hallgate-bench-api-'));
const central = new SqliteCentralStore(join(dir, 'central.db'));
const campus = new SqliteCampusStore(join(dir, 'central.db'));
await central.start();
await campus.start();

/** A course of `n` students (ids `<course>-S<i>`) with `sessions` weekly-ish sessions, all recorded. */
async function seedCourse(courseId: string, n: number, sessions: number): Promise<void> {
  const ids = Array.from({ length: n }, (_, i) => `${courseId}-S${i}`);
  await campus.upsertStudents(
    ids.map((studentId) => ({ studentId, name: `Student ${studentId}`, cardUids: [] })),
  );
  await campus.upsertCourses([{ courseId, name: `Course ${courseId}`, thresholds: {}, atRisk: null }]);
  await campus.upsertEnrolments(ids.map((studentId) => ({ studentId, courseId })));
  const ss = Array.from({ length: sessions }, (_, k) => {
    const start = T0 + Math.floor(k / 2) * WEEK + (k % 2) * 2 * 86_400_000;
    return { sessionId: `${courseId}-${k}`, courseId, hallId: 'HALL-A', start, end: start + 5_400_000 };
  });
  await campus.upsertSessions(ss);
  for (const s of ss) {
    const day = new Date(s.start).toISOString().slice(0, 10);
    const records: RecordPayload[] = ids.map((studentId, i) => ({
      studentId,
      sessionId: s.sessionId,
      courseId,
      hallId: 'HALL-A',
      day,
      version: 1,
      status: STATUSES[i % STATUSES.length]!,
      minutesPresent: 80,
      intervals: [{ from: s.start, to: s.end }],
      flags: [],
      explanations: [{ rule: 'present', text: 'on time', thresholds: {}, eventIds: [] }],
      eventIds: [],
      decidedAt: s.end,
      manual: false,
    }));
    const batch = {
      site: 'campus',
      gatewayId: 'gw-1',
      receivedAt: s.end,
      events: [],
      invalid: [],
      hll: [],
      deadLetters: [],
    };
    await central.writeBatch({ ...batch, batchId: s.sessionId, records });
  }
}

const clock = new ManualClock(T0 + 20 * WEEK);
const app = await buildApi({
  campus,
  central,
  clock,
  log: createLogger({ level: 'silent' }),
  tokens: [{ name: 'bench', role: 'admin', sha256: hashToken('bench') }],
  atRiskDefault: { sessions: 5, threshold: 0.75 },
  bus: new ApiBus(),
  metrics: new ApiMetrics({ central, now: () => clock.now() }),
  ready: () => true,
});
const auth = { authorization: 'Bearer bench' };
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const timeCalls = async (url: string): Promise<number[]> => {
  const ms: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    const r = await app.inject({ method: 'GET', url, headers: auth });
    ms.push(performance.now() - t);
    if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
  }
  return ms;
};

await seedCourse('BIG500', 500, 1);
const sess = await timeCalls('/api/v1/sessions/BIG500-0/register');
console.log(
  `session register, 500 students: p50 ${pct(sess, 0.5).toFixed(1)} ms, p99 ${pct(sess, 0.99).toFixed(1)} ms (${CALLS} calls)`,
);

await seedCourse('C300', 300, 30);
const course = await timeCalls('/api/v1/courses/C300/register?from=2026-01-01&to=2026-06-30').then((x) =>
  x.slice(0, 20),
);
console.log(
  `course register, 300 students x 30 sessions: p50 ${pct(course, 0.5).toFixed(0)} ms, max ${Math.max(...course).toFixed(0)} ms`,
);

const per = 200;
const seedStart = performance.now();
for (let c = 0; c < Math.ceil(TERM / per); c++) await seedCourse(`T${c}`, per, 15);
console.log(
  `seeded a term of ${TERM} students x 15 sessions in ${((performance.now() - seedStart) / 1000).toFixed(0)} s`,
);
const before = process.memoryUsage().rss;
let peak = before;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
await app.listen({ host: '127.0.0.1', port: 0 });
const { port } = app.server.address() as { port: number };
const t = performance.now();
const res = await fetch(
  `http://127.0.0.1:${port}/api/v1/reports/course-register?from=2026-01-01&to=2026-06-30&format=pdf`,
  { headers: auth },
);
let bytes = 0;
for await (const chunk of res.body!) bytes += (chunk as Uint8Array).length;
clearInterval(sampler);
console.log(
  `term PDF (all ${Math.ceil(TERM / per) + 2} course registers, streamed): ${((performance.now() - t) / 1000).toFixed(1)} s, ${(bytes / 1e6).toFixed(1)} MB, peak RSS ${(peak / 1e6).toFixed(0)} MB (${(before / 1e6).toFixed(0)} MB before the export)`,
);
await app.close();
await campus.stop();
await central.stop();
rmSync(dir, { recursive: true, force: true });
