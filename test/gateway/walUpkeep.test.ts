import assert from 'node:assert/strict';
import { openSync, readSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../../gateway/clock.ts';
import { configSchema } from '../../gateway/config/schema.ts';
import { GatewayCore } from '../../gateway/gatewayCore.ts';
import { silentLogger } from '../../gateway/log.ts';
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
const yieldToLoop = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('WAL upkeep under a steady stream of swipes', () => {
  it('starts the WAL over round after round, without the WAL growing to the safety net', async () => {
    const path = join(dir, 'steady.db');
    const clock = new ManualClock(T0);
    // Rounds every 20 ms (the interval is configuration; 500 ms by default): the test waits for the
    // WAL to start over RESTARTS times, however long the machine takes, instead of counting in a window.
    const cfg = configSchema.parse({ store: { path, checkpointEveryMs: 20 } });
    const core = new GatewayCore(cfg, clock, silentLogger());
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
    const wal = `${path}-wal`;
    const before = walRestarts(wal);

    // One small transaction after another, never idle for long: a PASSIVE checkpoint alone never
    // finds the WAL wholly copied when the next write starts, so without the upkeep the WAL would
    // never start over. The loop yields to the event loop every few swipes, as the daemon does
    // between reads (the classifier thread's replies come back through it).
    const RESTARTS = 5;
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
      if (swipes % 4 === 0) await yieldToLoop();
      if (swipes % 16 === 0) {
        restarts = walRestarts(wal) - before;
        largestWal = Math.max(largestWal, statSync(wal).size);
      }
    }
    const accepted = core.pipeline.stats().accepted;
    const checkpointer = core.checkpointer!;
    await core.close();

    assert.ok(
      restarts >= RESTARTS,
      `the WAL started over ${restarts} times in ${swipes} swipes and ${checkpointer.roundsDone} rounds`,
    );
    assert.equal(accepted, swipes, 'every swipe accepted');
    assert.equal(checkpointer.failures, 0, 'no round failed');
    // The main connection's own automatic checkpoint (the safety net) only starts at 100,000 frames.
    assert.ok(
      largestWal < 100_000 * 4120,
      `WAL file stayed below the safety net (largest ${largestWal} bytes)`,
    );
  });
});
