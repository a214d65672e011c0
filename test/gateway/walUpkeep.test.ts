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

describe('WAL upkeep under a steady stream of swipes', () => {
  it('starts the WAL over every checkpoint round, without the main connection copying it all', async () => {
    const path = join(dir, 'steady.db');
    const clock = new ManualClock(T0);
    const core = new GatewayCore(configSchema.parse({ store: { path } }), clock, silentLogger());
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

    // One small transaction after another for 3 s, 4,000 a second, never idle (waiting in a busy
    // loop): a PASSIVE checkpoint alone never finds the WAL wholly copied when the next write starts,
    // so the WAL would never start over. (Unpaced, the main connection writes so fast that the WAL
    // reaches its own safety-net checkpoint, which is not what this test is about.)
    let swipes = 0;
    let largestWal = 0;
    const start = Date.now();
    const until = start + 3000;
    while (Date.now() < until) {
      if (swipes >= ((Date.now() - start) * 4000) / 1000) continue;
      const ts = T0 + swipes * 1000;
      clock.set(ts);
      core.pipeline.ingestMany([
        { kind: 'swipe', uid: `C${String(swipes % 200).padStart(9, '0')}`, ts, gate: GATES[swipes % 2]! },
      ]);
      swipes++;
      if (swipes % 256 === 0) largestWal = Math.max(largestWal, statSync(wal).size);
    }
    const restarts = walRestarts(wal) - before;
    const accepted = core.pipeline.stats().accepted;
    await core.close();

    assert.equal(accepted, swipes, 'every swipe accepted');
    // Worker rounds run every 500 ms: about six in 3 s. The main connection's own automatic
    // checkpoint (the safety net) only starts at 100,000 frames, far more than this run writes.
    assert.ok(restarts >= 3, `WAL started over ${restarts} times in 3 s of steady writes (${swipes} swipes)`);
    assert.ok(
      largestWal < 100_000 * 4120,
      `WAL file stayed below the safety net (largest ${largestWal} bytes)`,
    );
  });
});
