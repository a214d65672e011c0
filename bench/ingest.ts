// Ingest benchmark: N simulated swipes through parse -> validate -> persist -> classify,
// in process, against a campus of 100,000 enrolled students on a real SQLite file.
// Prints events/s, p50/p99 latency per event, peak RSS, and Bloom filter figures, then its anchor:
// the same events inserted raw with better-sqlite3 (same pragmas, same batch), and the ratio.
// Time spent by the simulator itself (planning lectures, encoding frames) is not counted.
//   npm run bench:ingest -- [--events 200000] [--students 100000] [--batch 10]
//   npm run bench:ingest -- --rate 12000   (offered load: each round ingests what has arrived, at most
//                                          one transaction per pipeline.groupCommitMs, --group-commit MS)
//   --synchronous full|normal (store.synchronous; full by default)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ManualClock } from '../kernel/clock.ts';
import { configSchema } from '../gateway/config/schema.ts';
import { GatewayCore } from '../gateway/gatewayCore.ts';
import { silentLogger } from '../kernel/log.ts';
import type { IngestInput } from '../gateway/pipeline/ingestPipeline.ts';
import { encodeEm4100 } from '../gateway/serial/em4100Frame.ts';
import { createFrameDecoder } from '../gateway/serial/readerProtocols.ts';
import type { Campus } from '../gateway/simulate/campus.ts';
import { planSwipes } from '../gateway/simulate/swipePlan.ts';
import { RosterBloom } from '../gateway/validation/rosterBloom.ts';
import { CommitWindow } from '../gateway/pipeline/commitWindow.ts';
import { rawInsertAnchor } from './rawInsertAnchor.ts';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    students: { type: 'string', default: '100000' },
    batch: { type: 'string', default: '10' },
    rate: { type: 'string', default: '0' },
    inline: { type: 'boolean', default: false },
    synchronous: { type: 'string', default: 'full' },
    'group-commit': { type: 'string' },
  },
});
const N = Number(values.events);
const STUDENTS = Number(values.students);
const BATCH = Math.max(1, Number(values.batch));
/** Offered load in events/s (0: as fast as possible, in fixed batches of BATCH). */
const RATE = Math.max(0, Number(values.rate));

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
const cfg = configSchema.parse({
  store: { path: dbPath, synchronous: values.synchronous },
  pipeline: {
    classifierThread: !values.inline,
    ...(values['group-commit'] === undefined ? {} : { groupCommitMs: Number(values['group-commit']) }),
  },
});
/** Offered load only: like the daemon, a transaction starts at most once per group-commit window. */
const commitWindow = new CommitWindow(cfg.pipeline.groupCommitMs, () => Number(pipelineNow()) / 1e6);
const core = new GatewayCore(cfg, clock, silentLogger());
const rssAfterOpen = process.memoryUsage().rss;

type Gate = { gateId: string; hallId: string; direction: 'enter' | 'exit' | 'unknown' };
type Swipe = { frame: Buffer; gate: Gate; ts: number };
/** Swipes lecture by lecture, planned from the store's own data, so only one lecture's plan is in memory. */
function* lectures(): Generator<Swipe[]> {
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
    yield planSwipes(mini, { seed: s.start % 1000, unauthorizedPct: 0 }).map((p) => ({
      frame: encodeEm4100(p.uid),
      gate: { gateId: p.gateId, hallId: p.hallId, direction: p.direction },
      ts: p.ts,
    }));
  }
}

/**
 * The gateway's clock for this benchmark: wall time with the simulator's own
 * work (planning a lecture and encoding its frames) taken out, so figures
 * are the pipeline's: decode -> validate -> persist -> classify.
 */
let paused = 0n;
const pipelineNow = (): bigint => process.hrtime.bigint() - paused;
/** The next swipes, N at most in all; the clock stands still while they are made. */
const source = lectures();
let pending: Swipe[] = [];
let next = 0;
let offered = 0;
function take(max: number): Swipe[] {
  const out: Swipe[] = [];
  while (out.length < max && offered < N) {
    if (next === pending.length) {
      const t = process.hrtime.bigint();
      const lecture = source.next();
      paused += process.hrtime.bigint() - t;
      if (lecture.done) break;
      pending = lecture.value;
      next = 0;
      continue;
    }
    const n = Math.min(max - out.length, N - offered, pending.length - next);
    for (let i = 0; i < n; i++) out.push(pending[next + i]!);
    next += n;
    offered += n;
  }
  return out;
}

const decoder = createFrameDecoder('em4100');
function decode(swipes: Swipe[]): IngestInput[] {
  const inputs: IngestInput[] = [];
  for (const s of swipes) {
    for (const r of decoder.push(s.frame)) {
      if (r.kind === 'frame') inputs.push({ kind: 'swipe', uid: r.uid, ts: s.ts, gate: s.gate });
    }
  }
  return inputs;
}

const latencies = new Float64Array(N);
let done = 0;
let batches = 0;
let largestBatch = 0;
let peakRss = process.memoryUsage().rss;
const sampleRss = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
/** Decodes and ingests one batch in one transaction; returns when it is committed. */
function ingest(swipes: Swipe[]): bigint {
  const inputs = decode(swipes);
  clock.set(swipes[swipes.length - 1]!.ts);
  core.pipeline.ingestMany(inputs);
  batches++;
  largestBatch = Math.max(largestBatch, swipes.length);
  return pipelineNow();
}

const t0 = pipelineNow();
if (RATE === 0) {
  // Fixed batches: an event's latency runs from its batch's start to the commit.
  for (let batch = take(BATCH); batch.length > 0; batch = take(BATCH)) {
    const start = pipelineNow();
    const end = ingest(batch);
    latencies.fill(Number(end - start) / 1e6, done, done + batch.length);
    done += batch.length;
    if ((batches & 63) === 0) sampleRss();
  }
} else {
  // Offered load: swipe i arrives at t0 + i / RATE; each round ingests everything that has arrived
  // (as the daemon does per event-loop turn). An event's latency runs from its arrival to the commit.
  const arrival = (i: number): bigint => t0 + BigInt(Math.round((i * 1e9) / RATE));
  while (offered < N) {
    const now = pipelineNow();
    const due = Math.min(N, Math.floor((Number(now - t0) * RATE) / 1e9) + 1);
    if (due <= offered) continue; // wait for the next arrival
    if (commitWindow.delay() > 0) continue; // group commit: wait for the window to pass
    commitWindow.started();
    const batch = take(due - offered);
    if (batch.length === 0) break;
    const first = done;
    const end = ingest(batch);
    for (let i = 0; i < batch.length; i++) latencies[first + i] = Number(end - arrival(first + i)) / 1e6;
    done += batch.length;
    if ((batches & 63) === 0) sampleRss();
  }
}
// Every event classified and written (the classifier thread's last decisions included) before the clock stops.
core.pipeline.settle();
const secs = Number(pipelineNow() - t0) / 1e9;
sampleRss();
const lat = latencies.subarray(0, done).sort();
const st = core.pipeline.stats();
console.log(
  RATE === 0
    ? `ingest: ${done.toLocaleString('en')} events in ${secs.toFixed(2)}s = ${Math.round(done / secs).toLocaleString('en')} events/s (batch ${BATCH}, synchronous=${cfg.store.synchronous})`
    : `ingest: offered ${RATE.toLocaleString('en')} events/s (synchronous=${cfg.store.synchronous}, group commit ${cfg.pipeline.groupCommitMs} ms); ${done.toLocaleString('en')} events in ${secs.toFixed(2)}s = ${Math.round(done / secs).toLocaleString('en')} events/s, in ${batches.toLocaleString('en')} transactions (mean ${(done / batches).toFixed(1)}, largest ${largestBatch} events)`,
);
console.log(
  `latency per event: p50 ${pct(lat, 50).toFixed(3)} ms, p99 ${pct(lat, 99).toFixed(3)} ms, max ${lat[lat.length - 1]!.toFixed(3)} ms`,
);
console.log(
  `accepted ${st.accepted.toLocaleString('en')}, invalid ${st.invalid}, records changed ${st.recordsChanged.toLocaleString('en')}; ` +
    (values.inline
      ? 'classified in the ingest transaction'
      : `classifier thread: ${st.decidedOnThread.toLocaleString('en')} student-days decided there, ${st.decisionsRedone} redone here, ${st.classifierFailures} failed jobs`),
);
console.log(
  `RSS: ${mb(rssAfterOpen)} MB after opening the store (100k-card Bloom filter built), peak ${mb(peakRss)} MB while ingesting`,
);
const cp = core.checkpointer?.counters;
if (cp)
  console.log(
    `WAL checkpoint rounds: ${cp.rounds}, WAL started over by the thread after ${cp.startedOver}, tail handed to the main connection ${cp.handedOver} times (copied there ${cp.tailCopiesOnMain})`,
  );
await core.close();

// --- Anchor: the same events, raw better-sqlite3 inserts, same pragmas ------------------------
const anchor = rawInsertAnchor({
  from: dbPath,
  to: join(dir, 'anchor.db'),
  batch: BATCH,
  synchronous: cfg.store.synchronous,
  cacheMb: cfg.store.cacheMb,
});
console.log(
  `anchor: the same ${anchor.events.toLocaleString('en')} events as raw better-sqlite3 inserts into the events table alone (its indexes, WAL, synchronous=${cfg.store.synchronous}, ${cfg.store.cacheMb} MiB cache), ${BATCH} per transaction: ${Math.round(anchor.perSec).toLocaleString('en')} events/s` +
    (RATE === 0 ? `; pipeline / anchor = ${(done / secs / anchor.perSec).toFixed(2)}` : ''),
);
if (process.env.KEEP_DB) console.log(`kept ${dbPath}`);
else rmSync(dir, { recursive: true, force: true });
