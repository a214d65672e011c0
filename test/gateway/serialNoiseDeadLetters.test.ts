import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { encodeEm4100 } from '../../gateway/serial/em4100Frame.ts';
import { createLogger } from '../../kernel/log.ts';
import { NoiseQuarantine, type Timers } from '../../gateway/serial/noiseQuarantine.ts';
import { Prng } from '../../gateway/simulate/prng.ts';
import { deadLettersDropped } from '../../gateway/store/deadLetterRetention.ts';
import { LocalStore } from '../../gateway/store/localStore.ts';
import { startCli, waitFor } from '../helpers/cli.ts';
import { startPtyPair } from '../helpers/ptyPair.ts';
import { tempDir } from '../helpers/tempDir.ts';

/** `n` bytes of seeded noise. */
function noise(n: number, seed: number): Buffer {
  const rnd = new Prng(seed);
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = rnd.int(0, 255);
  return b;
}

/** Timers the test fires by hand. */
function manualTimers(): Timers & { fire(): void; armed(): number } {
  const fns = new Map<number, () => void>();
  let next = 1;
  return {
    setTimeout: (fn) => {
      fns.set(next, fn);
      return next++;
    },
    clearTimeout: (h) => fns.delete(h as number),
    fire: () => {
      const all = [...fns.values()];
      fns.clear();
      for (const f of all) f();
    },
    armed: () => fns.size,
  };
}

const silent = createLogger({ level: 'silent' });
const bad = (readerId: string, reason: 'noise' | 'truncated' = 'noise') => ({
  readerId,
  reason,
  bytes: 'ff00',
});

describe('serial noise in dead letters', () => {
  it('runs of bad frames become one row each, written together when the timer fires', () => {
    const dir = tempDir();
    const store = LocalStore.open(join(dir, 'q.db'), 0);
    const timers = manualTimers();
    const q = new NoiseQuarantine(store, silent, {}, timers);
    for (let i = 0; i < 1000; i++) q.add(bad('r1', i % 4 === 0 ? 'truncated' : 'noise'), 10 + i);
    q.endRun('r1');
    for (let i = 0; i < 500; i++) q.add(bad('r1'), 2000 + i);
    for (let i = 0; i < 7; i++) q.add(bad('r2'), 3000 + i);
    assert.equal(store.listDeadLetters().length, 0, 'nothing written before the timer');
    assert.equal(timers.armed(), 1);
    timers.fire();
    const rows = store.listDeadLetters();
    assert.deepEqual(
      rows.map((r) => [r.source, r.reason, (JSON.parse(r.payload) as { frames: number }).frames]),
      [
        ['serial:r1', 'noise x750, truncated x250', 1000],
        ['serial:r1', 'noise x500', 500],
        ['serial:r2', 'noise x7', 7],
      ],
    );
    assert.deepEqual((JSON.parse(rows[0]!.payload) as { samples: string[] }).samples.length, 4);
    assert.equal(q.flush(), 0, 'nothing left');
    store.close();
  });

  it('caps the table, dropping the oldest rows first and counting them', () => {
    const dir = tempDir();
    const store = LocalStore.open(join(dir, 'cap.db'), 0);
    const q = new NoiseQuarantine(store, silent, { maxRows: 5 }, manualTimers());
    const runs = (n: number, from: number): void => {
      for (let i = 0; i < n; i++) {
        q.add(bad('r1'), from + i);
        q.endRun('r1');
      }
      q.flush();
    };
    runs(8, 100);
    assert.deepEqual(
      store.listDeadLetters().map((r) => r.at),
      [103, 104, 105, 106, 107],
    );
    assert.equal(deadLettersDropped(store), 3);
    runs(2, 200);
    assert.deepEqual(
      store.listDeadLetters().map((r) => r.at),
      [105, 106, 107, 200, 201],
    );
    assert.equal(deadLettersDropped(store), 5);
    store.close();
  });

  it('1 MB of noise on a real pty is kept as a few aggregated rows, not one row per bad frame', async (t) => {
    const dir = tempDir();
    const pty = await startPtyPair();
    after(() => pty.stop());
    const db = join(dir, 'gw.db');
    const cfgPath = join(dir, 'config.yaml');
    writeFileSync(
      cfgPath,
      [
        'gateway: { id: gw-noise, hallId: HALL-A }',
        `store: { path: ${db} }`,
        'readers:',
        `  - { id: r1, path: ${pty.readerPath}, protocol: em4100, gateId: HALL-A-IN, direction: unknown, debounceMs: 0 }`,
      ].join('\n'),
    );
    const daemon = await startCli(['run', '--config', cfgPath], /gateway running/, { LOG_LEVEL: 'info' });
    const exited = new Promise<number | null>((r) => daemon.child.once('exit', r));
    after(() => daemon.child.kill('SIGKILL'));
    await waitFor(() => /serial reader open/.test(daemon.output()), 'reader open', 60_000);

    const fd = openSync(pty.writerPath, 'w');
    const bytes = noise(1024 * 1024, 12);
    for (let off = 0; off < bytes.length; off += 4096) writeSync(fd, bytes.subarray(off, off + 4096));
    // A good frame after the noise: once it is stored, every byte before it was read.
    writeSync(fd, encodeEm4100('FFFFFFFFF0'));
    closeSync(fd);

    const ro = new Database(db, { readonly: true, fileMustExist: true });
    after(() => ro.close());
    const count = (sql: string): number => (ro.prepare(sql).get() as { n: number }).n;
    await waitFor(
      () => count('SELECT COUNT(*) n FROM events') === 1,
      'the frame after the noise stored',
      120_000,
    );
    daemon.child.kill('SIGTERM');
    assert.equal(await exited, 0, daemon.output());

    const rows = ro.prepare("SELECT reason, payload FROM dead_letters WHERE source = 'serial:r1'").all() as {
      reason: string;
      payload: string;
    }[];
    assert.ok(rows.length >= 1, 'the noise is quarantined');
    // Old code: one row (and one autocommit) per rejected chunk, about 14,000 for 1 MB.
    assert.ok(rows.length <= 100, `${rows.length} dead-letter rows for one noise burst`);
    const frames = rows.reduce((s, r) => s + (JSON.parse(r.payload) as { frames: number }).frames, 0);
    t.diagnostic(`${frames} bad frames of 1 MB of noise kept in ${rows.length} dead-letter rows`);
    assert.ok(frames > rows.length * 10, `${frames} bad frames in ${rows.length} rows`);
  });
});
