import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { ManualClock } from '../../kernel/clock.ts';
import type { GatewayCore } from '../../gateway/gatewayCore.ts';
import { silentLogger } from '../../kernel/log.ts';
import type { IngestInput } from '../../gateway/pipeline/ingestPipeline.ts';
import { Spool } from '../../gateway/pipeline/spool.ts';
import { LocalStore } from '../../gateway/store/localStore.ts';
import { AFTER_DAY, decisions, ingestDay, openCore, plan } from './fixtures/campusRun.ts';

/** Blocks until the classifier thread has posted a reply to every job sent to it (120 s at most: a bound, not a timing). */
function waitForThread(core: GatewayCore): void {
  const until = Date.now() + 120_000;
  const sleep = new Int32Array(new SharedArrayBuffer(4));
  while (core.classifier!.posted() < core.pipeline.jobsOnThread() && Date.now() < until)
    Atomics.wait(sleep, 0, 0, 5);
  assert.ok(core.classifier!.posted() >= core.pipeline.jobsOnThread(), 'thread answered every job');
}
/** Students' days with stored events. */
const storedDays = (core: GatewayCore): number =>
  core.store.db
    .prepare(
      'SELECT COUNT(*) FROM (SELECT DISTINCT student_id, day FROM events WHERE student_id IS NOT NULL)',
    )
    .pluck()
    .get() as number;

const dir = mkdtempSync(join(tmpdir(), 'hallgate-classifier-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('classifier thread', () => {
  it('decides the same records as classifying in the ingest transaction', async () => {
    const results: string[][] = [];
    for (const thread of [false, true]) {
      const clock = new ManualClock(plan[0]!.ts);
      const core = openCore(join(dir, `same-${thread}.db`), thread, clock);
      ingestDay(core, clock, 7);
      core.pipeline.settle();
      const st = core.pipeline.stats();
      if (thread) assert.ok(st.decidedOnThread > 0, 'decided on the thread');
      else assert.equal(st.decidedOnThread, 0);
      assert.equal(st.classifierFailures, 0);
      assert.equal(st.accepted + st.invalid, plan.length);
      results.push(decisions(core));
      await core.close();
    }
    const [inline, threaded] = results as [string[], string[]];
    assert.ok(inline.length > 300, `records: ${inline.length}`);
    assert.deepEqual(threaded, inline);
  });

  it('writes replies a bounded share at a time: a burst of decisions does not hold up the next swipe', async () => {
    const clock = new ManualClock(AFTER_DAY);
    const core = openCore(join(dir, 'bounded.db'), true, clock);
    ingestDay(core, clock, 200, AFTER_DAY, 0, 200); // one transaction touching many students' days
    const days = storedDays(core);
    assert.ok(days > 100, `days: ${days}`);
    waitForThread(core); // several jobs of 25 days answered, none written yet
    assert.equal(core.pipeline.stats().decidedOnThread, 0);
    ingestDay(core, clock, 1, AFTER_DAY, 200, 201);
    // One swipe carries one reply's writes (25 days), not every reply that arrived.
    assert.equal(core.pipeline.stats().decidedOnThread, 25);
    core.pipeline.settle();
    assert.equal(core.pipeline.stats().decidedOnThread, storedDays(core));
    await core.close();
  });

  it('sends again the days whose decisions a failed transaction was writing', async () => {
    const clock = new ManualClock(AFTER_DAY);
    const core = openCore(join(dir, 'lost.db'), true, clock);
    core.pipeline.attachSpool(new Spool<IngestInput>(join(dir, 'lost.jsonl'), silentLogger()));
    ingestDay(core, clock, 200, AFTER_DAY, 0, 200);
    waitForThread(core);
    assert.ok(core.classifier!.posted() >= 1, 'replies waiting');
    // The disk is full: the next transaction (50 swipes and the replies it writes) fails as a whole.
    const pages = core.store.db.pragma('page_count', { simple: true }) as number;
    core.store.db.pragma(`max_page_count = ${pages}`);
    ingestDay(core, clock, 50, AFTER_DAY, 200, 250);
    assert.equal(core.pipeline.stats().storeErrors, 1);
    core.store.db.pragma('max_page_count = 1073741823');
    assert.equal(core.pipeline.replaySpool(), 50);
    core.pipeline.settle();

    const refClock = new ManualClock(AFTER_DAY);
    const ref = openCore(join(dir, 'lost-reference.db'), false, refClock);
    ingestDay(ref, refClock, 50, AFTER_DAY, 0, 250);
    assert.deepEqual(decisions(core), decisions(ref));
    assert.equal(core.pipeline.stats().classifierFailures, 0);
    await ref.close();
    await core.close();
  });

  it('loses no decision to a crash: a restart decides the events the thread had not answered for', async () => {
    const crashed = join(dir, 'crashed.db');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures/campusRun.ts'), crashed],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const signal = await new Promise((r) => child.once('exit', (_code, sig) => r(sig)));
    assert.equal(signal, 'SIGKILL');
    assert.ok((JSON.parse(out) as { decidedOnThread: number }).decidedOnThread > 0, out);

    // The crash left stored events whose decisions were never written.
    const raw = new Database(crashed, { readonly: true });
    const mark = Number(
      raw.prepare("SELECT value FROM meta WHERE key = 'classified_seq'").pluck().get() ?? 0,
    );
    const max = raw.prepare('SELECT MAX(seq) FROM events').pluck().get() as number;
    raw.close();
    assert.equal(max, plan.length, 'every swipe stored');
    assert.ok(mark < max, `classified mark ${mark} behind the last event ${max}`);

    // The same day ingested without a crash, classifying in the ingest transaction.
    const refClock = new ManualClock(AFTER_DAY);
    const ref = openCore(join(dir, 'reference.db'), false, refClock);
    ingestDay(ref, refClock, 10, AFTER_DAY);
    const expected = decisions(ref);
    await ref.close();

    const clock = new ManualClock(AFTER_DAY);
    const core = openCore(crashed, true, clock); // the restart decides what the crash left undecided
    const after = new Database(crashed, { readonly: true });
    assert.equal(
      Number(after.prepare("SELECT value FROM meta WHERE key = 'classified_seq'").pluck().get()),
      max,
    );
    after.close();
    assert.deepEqual(decisions(core), expected);
    await core.close();
  });

  it('never overwrites a reviewer: a decision made before the review is refused when written', () => {
    const s = LocalStore.open(join(dir, 'review.db'), 0);
    const rec = {
      studentId: 'S1',
      sessionId: 'L1',
      courseId: 'C1',
      hallId: 'H',
      status: 'late' as const,
      minutesPresent: 60,
      intervals: [],
      flags: ['late'],
      explanations: [],
      eventIds: ['e1'],
    };
    assert.equal(s.saveRecord(rec, 1), 'inserted');
    // Decided on another connection (the thread) from the stored version 1 ...
    const decided = s.decideRecord({ ...rec, status: 'present', flags: [] }, 2);
    assert.ok(typeof decided === 'object' && decided.outcome === 'updated');
    // ... while a reviewer sets the record (version 2).
    s.resolveManually('S1', 'L1', 'absent', 'left at once', 'admin', 3);
    assert.equal(s.applyRecord(decided, 4), false);
    const r = s.getRecord('S1', 'L1')!;
    assert.equal(r.status, 'absent');
    assert.ok(r.explanations.some((e) => e.rule === 'manual_review'));
    assert.equal(r.manual, true);
    // A decision made against an older version than the stored one is refused too.
    const stale = s.decideRecord({ ...rec, sessionId: 'L2' }, 5);
    assert.ok(typeof stale === 'object');
    assert.equal(s.saveRecord({ ...rec, sessionId: 'L2', status: 'absent' }, 6), 'inserted');
    assert.equal(s.applyRecord(stale, 7), false);
    assert.equal(s.getRecord('S1', 'L2')!.status, 'absent');
    s.close();
  });
});
