// Ingest benchmark: N simulated swipes through parse -> validate -> persist -> classify,
// in process, against a campus of 100,000 enrolled students on a real SQLite file.
// Prints events/s, p50/p99 latency per event, peak RSS, and Bloom filter figures.
//   npm run bench:ingest -- [--events 200000] [--students 100000] [--batch 1]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ManualClock } from '../gateway/clock.ts';
import { configSchema } from '../gateway/config/schema.ts';
import { GatewayCore } from '../gateway/gatewayCore.ts';
import { silentLogger } from '../gateway/log.ts';
import type { IngestInput } from '../gateway/pipeline/ingestPipeline.ts';
import { encodeEm4100 } from '../gateway/serial/em4100Frame.ts';
import { createFrameDecoder } from '../gateway/serial/frameDecoder.ts';
import type { Campus } from '../gateway/simulate/campus.ts';
import { planSwipes } from '../gateway/simulate/swipePlan.ts';
import { RosterBloom } from '../gateway/validation/rosterBloom.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    students: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '1' },
  },
});
const N = Number(values.events);
const STUDENTS = Number(values.students);
const BATCH = Math.max(1, Number(values.batch));

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
const pct = (xs: Float64Array, p: number): number =>
  xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

// --- Bloom filter alone: 100,000 ids at 1% ---------------------------------------------
{
  const ids = Array.from({ length: 100_000 }, (_, i) => `C${String(i).padStart(9, '0')}`);
  const bloom = new RosterBloom(0.01);
  bloom.rebuild(ids);
  const probes = { length: 1_000_000 };
  const strangers = Array.from({ length: 1000 }, (_, i) => `X${i}`);
  const t0 = process.hrtime.bigint();
  let hits = 0;
  for (let i = 0; i < probes.length; i++)
    if (bloom.mightContain(i % 2 ? ids[i % ids.length]! : strangers[i % 1000]!)) hits++;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const s = bloom.stats();
  console.log(
    `bloom: 100,000 ids at 1% -> ${s.bits} bits (${(s.bytes / 1024).toFixed(1)} KiB), ${s.hashes} hashes; ${Math.round(probes.length / secs).toLocaleString('en')} lookups/s (${hits} maybe of ${probes.length})`,
  );
}

// --- Pipeline ------------------------------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'hallgate-bench-'));
const day = '2026-03-19';
const dbPath = join(dir, 'bench.db');
const tSeed = Date.now();
// Compiled (dist/bench/ingest.js) or through tsx: the seeder runs the same way.
const seeder = import.meta.filename.endsWith('.js')
  ? [join(import.meta.dirname, 'seedCampus.js')]
  : ['--import', 'tsx', join(import.meta.dirname, 'seedCampus.ts')];
const seeded = execFileSync(process.execPath, [...seeder, dbPath, String(STUDENTS), day, '11'], {
  encoding: 'utf8',
});
const info = JSON.parse(seeded) as { students: number; enrolments: number; sessions: number; halls: number };
console.log(
  `campus: ${info.students.toLocaleString('en')} students, ${info.enrolments.toLocaleString('en')} enrolments, ${info.sessions} lectures in ${info.halls} halls (seeded in ${((Date.now() - tSeed) / 1000).toFixed(1)}s by a child process)`,
);

const clock = new ManualClock(Date.parse(`${day}T07:00:00Z`));
const cfg = configSchema.parse({ store: { path: dbPath } });
const core = new GatewayCore(cfg, clock, silentLogger());
const rssAfterOpen = process.memoryUsage().rss;
if (process.env.NOCKPT) core.store.db.pragma('wal_autocheckpoint = 0');

type Gate = { gateId: string; hallId: string; direction: 'enter' | 'exit' | 'unknown' };
/** Swipes lecture by lecture, planned from the store's own data, so only one lecture's plan is in memory. */
function* swipes(): Generator<{ frame: Buffer; gate: Gate; ts: number }> {
  const sessions = core.store.sessionsOfDay(day);
  const cardOf = core.store.db.prepare<[string], { card_uid: string }>(
    'SELECT card_uid FROM students WHERE student_id = ?',
  );
  for (const s of sessions) {
    const ids = core.store.enrolledStudentIds(s.courseId);
    const mini: Campus = {
      halls: [s.hallId],
      courses: [{ courseId: s.courseId, name: '' }],
      sessions: [s],
      students: ids.map((studentId) => ({
        studentId,
        name: '',
        cardUid: cardOf.get(studentId)?.card_uid ?? null,
      })),
      enrolments: ids.map((studentId) => ({ studentId, courseId: s.courseId })),
    };
    for (const p of planSwipes(mini, { seed: s.start % 1000, unauthorizedPct: 0 })) {
      yield {
        frame: encodeEm4100(p.uid),
        gate: { gateId: p.gateId, hallId: p.hallId, direction: p.direction },
        ts: p.ts,
      };
    }
  }
}

const decoder = createFrameDecoder('em4100');
const latencies = new Float64Array(N);
let done = 0;
let peakRss = process.memoryUsage().rss;
const t0 = process.hrtime.bigint();
let batch: IngestInput[] = [];
let batchStart = 0n;
for (const s of swipes()) {
  if (done + batch.length >= N) break;
  const start = process.hrtime.bigint();
  if (batch.length === 0) batchStart = start;
  for (const r of decoder.push(s.frame)) {
    if (r.kind === 'frame') batch.push({ kind: 'swipe', uid: r.uid, ts: s.ts, gate: s.gate });
  }
  clock.set(s.ts);
  if (batch.length >= BATCH) {
    core.pipeline.ingestMany(batch);
    const end = process.hrtime.bigint();
    // An event's latency: from its frame arriving to its batch committed.
    const per = Number(end - batchStart) / 1e6;
    for (let i = 0; i < batch.length; i++)
      latencies[done + i] = BATCH === 1 ? Number(end - start) / 1e6 : per;
    done += batch.length;
    batch = [];
    if ((done & 1023) === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
}
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
peakRss = Math.max(peakRss, process.memoryUsage().rss);
const lat = latencies.subarray(0, done).sort();
const st = core.pipeline.stats();
console.log(
  `ingest: ${done.toLocaleString('en')} events in ${secs.toFixed(2)}s = ${Math.round(done / secs).toLocaleString('en')} events/s (batch ${BATCH})`,
);
console.log(
  `latency per event: p50 ${pct(lat, 50).toFixed(3)} ms, p99 ${pct(lat, 99).toFixed(3)} ms, max ${lat[lat.length - 1]!.toFixed(3)} ms`,
);
console.log(
  `accepted ${st.accepted.toLocaleString('en')}, invalid ${st.invalid}, records changed ${st.recordsChanged.toLocaleString('en')}`,
);
console.log(
  `RSS: ${mb(rssAfterOpen)} MB after opening the store (100k-card Bloom filter built), peak ${mb(peakRss)} MB while ingesting`,
);
await core.close();
if (process.env.KEEP_DB) console.log(`kept ${dbPath}`);
else rmSync(dir, { recursive: true, force: true });
