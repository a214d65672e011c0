import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { encodeEm4100 } from '../../gateway/serial/em4100Frame.ts';
import { duplicatesLogged, runCli, startCli, waitFor } from '../helpers/cli.ts';
import { startPtyPair } from '../helpers/ptyPair.ts';
import { tempDir } from '../helpers/tempDir.ts';

describe('end to end: badge frames on a real serial line to classified records', () => {
  it('hallgate run reads what hallgate simulate writes through a socat pty pair', async () => {
    const dir = tempDir();
    const pty = await startPtyPair();
    after(() => pty.stop());
    const db = join(dir, 'gw.db');
    const cfgPath = join(dir, 'config.yaml');
    writeFileSync(
      cfgPath,
      [
        'gateway: { id: gw-e2e, hallId: HALL-A }',
        `store: { path: ${db} }`,
        'watchdog: { sweepSec: 1 }',
        'readers:',
        `  - { id: r1, path: ${pty.readerPath}, protocol: em4100, gateId: HALL-A-IN, direction: unknown, debounceMs: 0 }`,
      ].join('\n'),
    );
    const campus = ['--students', '25', '--seed', '3', '--invalid-pct', '10'];
    const seeded = await runCli(['simulate', '--config', cfgPath, '--seed-store', '--live', ...campus]);
    assert.equal(seeded.code, 0, seeded.stderr);

    // Debug lines: the daemon logs each same-millisecond repeat it stores once (see below).
    const daemon = await startCli(['run', '--config', cfgPath], /gateway running/, { LOG_LEVEL: 'debug' });
    const exited = new Promise<number | null>((r) => daemon.child.once('exit', r));
    after(() => daemon.child.kill('SIGKILL'));
    // 'gateway running' is logged once the readers have started: the reader has the pty open.
    assert.match(daemon.output(), /serial reader open/);

    const fed = await runCli([
      'simulate',
      '--config',
      cfgPath,
      '--device',
      pty.writerPath,
      '--rate',
      '200',
      ...campus,
    ]);
    assert.equal(fed.code, 0, fed.stderr);
    const written = Number(/wrote (\d+) em4100 frame/.exec(fed.stdout)?.[1]);
    assert.ok(written > 50, fed.stdout);

    // Garbage on the line, then one more good frame of an unknown card: read, not lost.
    const fd = openSync(pty.writerPath, 'w');
    writeSync(fd, Buffer.from('\x02ZZZZ\r\n\x03noise\x00\xff'));
    writeSync(fd, encodeEm4100('FFFFFFFFF0'));
    closeSync(fd);

    const ro = new Database(db, { readonly: true, fileMustExist: true });
    after(() => ro.close());
    const count = (sql: string): number => (ro.prepare(sql).get() as { n: number }).n;
    // A generous bound (a busy machine is slow, not wrong), and an exact count: every frame written is
    // read once, and stored as an event unless it repeats one stored already. The daemon stamps a
    // swipe when it reads it, and frames that arrive in one read share a millisecond: the simulator
    // plays a day in half a second, so a busy daemon can read one card twice in one chunk (same gate,
    // same millisecond: the same event id), which it stores once and logs as a duplicate.
    let stored = 0;
    let repeats = 0;
    await waitFor(
      () => {
        stored = count('SELECT COUNT(*) n FROM events');
        repeats = duplicatesLogged(daemon.output());
        return stored + repeats >= written + 1;
      },
      `${written + 1} frames stored or counted as repeats`,
      120_000,
    ).catch((err: Error) => assert.fail(`${err.message}; ${stored} stored, ${repeats} repeats`));
    assert.equal(stored + repeats, written + 1, 'every frame read once');

    daemon.child.kill('SIGTERM');
    assert.equal(await exited, 0, daemon.output());

    const unknown = count('SELECT COUNT(*) n FROM events WHERE student_id IS NULL');
    assert.ok(unknown >= 2, 'the simulator sent unknown cards');
    assert.equal(count('SELECT COUNT(*) n FROM invalid_attempts'), unknown);
    assert.ok(
      count("SELECT COUNT(*) n FROM dead_letters WHERE source = 'serial:r1'") >= 1,
      'garbage quarantined',
    );

    const recs = await runCli(['records', '--config', cfgPath, '--json']);
    assert.equal(recs.code, 0, recs.stderr);
    const records = JSON.parse(recs.stdout) as {
      studentId: string;
      status: string;
      explanations: unknown[];
    }[];
    assert.ok(records.length > 0);
    for (const r of records) assert.ok(r.explanations.length > 0, 'every record says why');
    const inv = await runCli(['invalid', '--config', cfgPath, '--json']);
    assert.equal((JSON.parse(inv.stdout) as unknown[]).length, unknown);
  });
});
