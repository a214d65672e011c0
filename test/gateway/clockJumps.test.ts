import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.ts';
import { configSchema } from '../../gateway/config/schema.ts';
import { Daemon } from '../../gateway/daemon.ts';
import { silentLogger } from '../../kernel/log.ts';
import { tempDir } from '../helpers/tempDir.ts';

const dir = tempDir();
const DAY = 86_400_000;
const T = (hhmm: string, plusDays = 0): number => Date.parse(`2026-03-19T${hhmm}:00Z`) + plusDays * DAY;
const CARD = '00000000A1';

let n = 0;
/** A daemon (no readers, no camera, no MQTT) on a fresh store: C101 today and tomorrow 09:00-10:30, S1 and S2 enrolled. */
async function daemonAt(clock: ManualClock): Promise<Daemon> {
  const cfg = configSchema.parse({
    store: { path: join(dir, `d${n++}`, 'hallgate.db') },
    gateway: { hallId: 'HALL-A' },
  });
  const daemon = new Daemon({
    cfg,
    clock,
    log: silentLogger(),
    makeReader: () => assert.fail('no readers'),
    env: {},
  });
  await daemon.start();
  const s = daemon.core.store;
  s.tx(() => {
    s.upsertStudent({ studentId: 'S1', name: 'S1', cardUid: CARD }, 0);
    s.upsertStudent({ studentId: 'S2', name: 'S2', cardUid: null }, 0);
    s.upsertCourse({ courseId: 'C101', name: 'Algorithms', overrides: {} });
    s.upsertEnrolment('S1', 'C101');
    s.upsertEnrolment('S2', 'C101');
    for (const [sessionId, d] of [
      ['today', 0],
      ['tomorrow', 1],
    ] as const)
      s.upsertSession({
        sessionId,
        courseId: 'C101',
        hallId: 'HALL-A',
        start: T('09:00', d),
        end: T('10:30', d),
      });
  });
  daemon.core.rebuildBloom();
  return daemon;
}

const statuses = (d: Daemon, sessionId: string) =>
  ['S1', 'S2'].map((s) => d.core.store.getRecord(s, sessionId)?.status ?? null);

/** Issue 12 §10: clock jumps do not corrupt attendance. All times injected; nothing sleeps. */
describe('clock jumps and clock sanity at the gateway', () => {
  it('a forward jump of a day does not finalise the sessions it skips', async () => {
    const clock = new ManualClock(T('08:00'));
    const d = await daemonAt(clock);
    try {
      d.sweep();
      clock.advance(30_000);
      d.sweep();
      clock.jump(DAY + 3 * 3600_000); // the wall clock says tomorrow 11:00; 0 s passed
      d.sweep();
      assert.deepEqual(statuses(d, 'today'), [null, null], "today's session is not finalised by the jump");
      assert.deepEqual(statuses(d, 'tomorrow'), [null, null]);
      const h = d.health();
      assert.equal(h.clock.suspect, true);
      assert.match(h.clock.reason ?? '', /wall clock jumped/);
      assert.equal(h.degraded, true);
      // A swipe on the suspect clock is stored all the same, flagged.
      d.enqueue({
        kind: 'swipe',
        uid: CARD,
        ts: clock.now(),
        gate: { gateId: 'G1', hallId: 'HALL-A', direction: 'enter' },
      });
      await new Promise((r) => setImmediate(r));
      const ev = d.core.store.db.prepare('SELECT clock_suspect FROM events').all() as {
        clock_suspect: number;
      }[];
      assert.deepEqual(ev, [{ clock_suspect: 1 }]);
      const ob = d.core.store.db.prepare("SELECT payload FROM outbox WHERE kind = 'event'").get() as {
        payload: string;
      };
      assert.equal((JSON.parse(ob.payload) as { clockSuspect?: boolean }).clockSuspect, true);
      // NTP steps the clock back; the aggregator's time confirms it: sessions are finalised again, up to now.
      clock.jump(-(DAY + 3 * 3600_000));
      clock.set(T('11:00'));
      d.clockSanity.observe(clock.now() + 2000, clock.now());
      d.sweep();
      assert.equal(d.health().clock.suspect, false);
      assert.deepEqual(statuses(d, 'today'), ['absent', 'absent']);
      assert.deepEqual(statuses(d, 'tomorrow'), [null, null]);
    } finally {
      await d.stop();
    }
  });

  it('beyond clock.maxSkewSec from the aggregator: events flagged, health degraded, no finalising', async () => {
    const clock = new ManualClock(T('08:00'));
    const d = await daemonAt(clock);
    try {
      d.sweep();
      d.clockSanity.observe(clock.now() - 121_000, clock.now()); // the gateway runs 121 s fast
      assert.equal(d.health().clock.skewMs, 121_000);
      assert.equal(d.health().clock.suspect, true);
      assert.equal(d.health().degraded, true);
      clock.set(T('11:00'));
      d.sweep();
      assert.deepEqual(statuses(d, 'today'), [null, null], 'not finalised on a suspect clock');
      d.clockSanity.observe(clock.now() - 119_000, clock.now()); // within the bound again
      assert.equal(d.health().clock.suspect, false);
      assert.equal(d.health().degraded, false);
      d.sweep();
      assert.deepEqual(statuses(d, 'today'), ['absent', 'absent']);
    } finally {
      await d.stop();
    }
  });
});
