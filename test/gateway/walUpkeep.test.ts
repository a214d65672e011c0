import assert from 'node:assert/strict';
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.ts';
import { configSchema } from '../../gateway/config/schema.ts';
import { GatewayCore } from '../../gateway/gatewayCore.ts';
import { silentLogger } from '../../kernel/log.ts';
import type { GateInfo } from '../../gateway/pipeline/ingestPipeline.ts';
import { tempDir } from '../helpers/tempDir.ts';

const dir = tempDir();
const T0 = Date.parse('2026-03-19T08:00:00Z');
const GATES: GateInfo[] = [
  { gateId: 'A-IN', hallId: 'HALL-A', direction: 'enter' },
  { gateId: 'A-OUT', hallId: 'HALL-A', direction: 'exit' },
];

/** The WAL header's checkpoint sequence number: SQLite adds one each time the WAL starts over at its head. */
function walRestarts(walPath: string): number {
  const fd = openSync(walPath, 'r');
  try {
    const header = Buffer.alloc(16);
    readSync(fd, header, 0, 16, 0);
    return header.readUInt32BE(12);
  } finally {
    closeSync(fd);
  }
}

/** A generous bound for a busy machine: the test waits for states, it does not time anything. */
const DEADLINE_MS = 120_000;
const RESTARTS = 5;
const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

/**
 * Waits (for a state, with the generous deadline) until the classifier thread holds no job. While it
 * holds one it keeps a read snapshot, and no checkpoint can copy past a snapshot, so the WAL cannot
 * start over. A writer that never waits outruns a CPU-starved classifier thread: on a loaded CI
 * machine the WAL then grew to the safety net (452 MB) although the upkeep itself worked. A door
 * does not send swipes faster than the daemon decides them, so the stream lets the thread drain.
 */
async function threadDrained(core: GatewayCore): Promise<void> {
  const until = Date.now() + DEADLINE_MS;
  while (core.pipeline.jobsOnThread() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 1));
}

/** A gateway on a file store of 200 students in one lecture; checkpoint rounds every 20 ms (500 by default). */
function openCore(name: string): { core: GatewayCore; clock: ManualClock; wal: string } {
  const path = join(dir, `${name}.db`);
  const clock = new ManualClock(T0);
  const core = new GatewayCore(
    configSchema.parse({ store: { path, checkpointEveryMs: 20 } }),
    clock,
    silentLogger(),
  );
  const s = core.store;
  s.tx(() => {
    for (let i = 0; i < 200; i++)
      s.upsertStudent({ studentId: `S${i}`, name: '', cardUid: `C${String(i).padStart(9, '0')}` }, 0);
    s.upsertCourse({ courseId: 'C101', name: '', overrides: {} });
    for (let i = 0; i < 200; i++) s.upsertEnrolment(`S${i}`, 'C101');
    s.upsertSession({
      sessionId: 'L1',
      courseId: 'C101',
      hallId: 'HALL-A',
      start: T0,
      end: T0 + 8 * 3600_000,
    });
  });
  core.rebuildBloom();
  return { core, clock, wal: `${path}-wal` };
}

/**
 * One swipe per transaction, one after another, until the WAL has started over RESTARTS times (or the
 * deadline passed). `pause` runs every four swipes: the daemon's turn of the event loop between reads.
 */
async function stream(
  { core, clock, wal }: ReturnType<typeof openCore>,
  pause: () => Promise<void>,
): Promise<{ swipes: number; restarts: number; largestWal: number }> {
  const before = walRestarts(wal);
  let swipes = 0;
  let restarts = 0;
  let largestWal = 0;
  const deadline = Date.now() + DEADLINE_MS;
  while (restarts < RESTARTS && Date.now() < deadline) {
    const ts = T0 + swipes * 1000;
    clock.set(ts);
    core.pipeline.ingestMany([
      { kind: 'swipe', uid: `C${String(swipes % 200).padStart(9, '0')}`, ts, gate: GATES[swipes % 2]! },
    ]);
    swipes++;
    if (swipes % 4 === 0) await pause();
    if (swipes % 64 === 0) await threadDrained(core);
    if (swipes % 16 === 0) {
      restarts = walRestarts(wal) - before;
      largestWal = Math.max(largestWal, statSync(wal).size);
    }
  }
  return { swipes, restarts, largestWal };
}

describe('WAL upkeep under a steady stream of swipes', () => {
  it('starts the WAL over round after round, without the WAL growing to the safety net', async () => {
    // Never idle for long (only a turn of the event loop between swipes): a PASSIVE checkpoint alone
    // never finds the WAL wholly copied when the next write starts, so without the upkeep the WAL
    // would never start over. The test waits for it to start over RESTARTS times, however long the
    // machine takes, instead of counting restarts in a window of time.
    const g = openCore('steady');
    const { swipes, restarts, largestWal } = await stream(g, yieldToLoop);
    const accepted = g.core.pipeline.stats().accepted;
    const counters = { ...g.core.checkpointer!.counters };
    await g.core.close();

    assert.ok(
      restarts >= RESTARTS,
      `the WAL started over ${restarts} times in ${swipes} swipes (${JSON.stringify(counters)})`,
    );
    assert.equal(accepted, swipes, 'every swipe accepted');
    assert.equal(counters.failures, 0, 'no round failed');
    // The main connection's own automatic checkpoint (the safety net) only starts at 100,000 frames.
    assert.ok(
      largestWal < 100_000 * 4120,
      `WAL file stayed below the safety net (largest ${largestWal} bytes)`,
    );
  });

  it('lets the WAL start over in the gaps between transactions: the main connection copies nothing', async () => {
    // Swipes as a busy door sends them: a few, then a millisecond or so with nothing to write. The
    // checkpoint thread copies everything in such a gap and the next transaction starts the WAL over;
    // the ingest path (the main connection) runs no checkpoint at all.
    const g = openCore('gaps');
    const db = g.core.store.db;
    const pragma = db.pragma.bind(db);
    let mainCheckpoints = 0;
    db.pragma = (source: string, options?: Parameters<typeof db.pragma>[1]) => {
      if (/wal_checkpoint/i.test(source)) mainCheckpoints++;
      return pragma(source, options);
    };
    const { swipes, restarts } = await stream(g, () => new Promise((r) => setTimeout(r, 1)));
    const accepted = g.core.pipeline.stats().accepted;
    const counters = { ...g.core.checkpointer!.counters };
    db.pragma = pragma;
    await g.core.close();

    assert.ok(
      restarts >= RESTARTS,
      `the WAL started over ${restarts} times in ${swipes} swipes (${JSON.stringify(counters)})`,
    );
    assert.equal(accepted, swipes, 'every swipe accepted');
    assert.equal(mainCheckpoints, 0, 'checkpoints run by the main connection while ingesting');
    assert.equal(counters.tailCopiesOnMain, 0);
    assert.ok(counters.startedOver >= 1, JSON.stringify(counters));
  });
});
