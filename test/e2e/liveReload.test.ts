import assert from 'node:assert/strict';
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { encodeEm4100 } from '../../gateway/serial/em4100Frame.ts';
import { runCli, startCli, waitFor } from '../helpers/cli.ts';
import { startPtyPair } from '../helpers/ptyPair.ts';
import { tempDir } from '../helpers/tempDir.ts';

const NEW_CARD = '00DEADBEE1';

describe('live changes without a restart', () => {
  it('a student imported into a running gateway is known at the next swipe, and the day’s unknown swipes of the card are decided again', async () => {
    const dir = tempDir();
    const pty = await startPtyPair();
    after(() => pty.stop());
    const db = join(dir, 'gw.db');
    const cfgPath = join(dir, 'gw.yaml');
    writeFileSync(
      cfgPath,
      [
        'gateway: { id: gw-live, hallId: HALL-A }',
        `store: { path: ${db} }`,
        // No sweep during the test: only the live reload (PRAGMA data_version) can notice the import.
        'watchdog: { sweepSec: 3600 }',
        'health: { enabled: false }',
        'readers:',
        `  - { id: r1, path: ${pty.readerPath}, protocol: em4100, gateId: HALL-A-IN, direction: enter, debounceMs: 0 }`,
      ].join('\n'),
    );
    const seeded = await runCli([
      'simulate',
      '--config',
      cfgPath,
      '--seed-store',
      '--live',
      '--students',
      '10',
    ]);
    assert.equal(seeded.code, 0, seeded.stderr);
    const daemon = await startCli(['run', '--config', cfgPath], /gateway running/, { LOG_LEVEL: 'info' });
    after(() => daemon.child.kill('SIGKILL'));
    const ro = new Database(db, { readonly: true, fileMustExist: true });
    after(() => ro.close());
    const count = (sql: string, ...args: string[]): number =>
      ro
        .prepare(sql)
        .pluck()
        .get(...args) as number;
    const swipe = (): void => {
      const fd = openSync(pty.writerPath, 'w');
      writeSync(fd, encodeEm4100(NEW_CARD));
      closeSync(fd);
    };

    // Unknown card: an invalid attempt.
    swipe();
    await waitFor(
      () => count('SELECT COUNT(*) FROM invalid_attempts WHERE raw_id = ?', NEW_CARD) === 1,
      'the unknown swipe stored as an invalid attempt',
      90_000,
    );

    // The registrar imports the student and enrols them, with the daemon running.
    const roster = join(dir, 'roster.csv');
    writeFileSync(roster, `student_id,name,card_uid\nS-NEW,New Student,${NEW_CARD}\n`);
    const enrol = join(dir, 'enrolments.csv');
    writeFileSync(enrol, 'student_id,course_id\nS-NEW,C101\nS-NEW,C102\nS-NEW,C103\nS-NEW,C104\n');
    assert.equal((await runCli(['import', 'roster', roster, '--config', cfgPath])).code, 0);
    assert.equal((await runCli(['import', 'enrolments', enrol, '--config', cfgPath])).code, 0);

    // The morning's swipe is decided again as the student's.
    await waitFor(
      () =>
        count('SELECT COUNT(*) FROM invalid_attempts WHERE raw_id = ?', NEW_CARD) === 0 &&
        count("SELECT COUNT(*) FROM events WHERE raw_id = ? AND student_id = 'S-NEW'", NEW_CARD) === 1,
      'the earlier unknown swipe decided again as S-NEW',
      90_000,
    );
    await waitFor(
      () => count("SELECT COUNT(*) FROM attendance_records WHERE student_id = 'S-NEW'") >= 1,
      'a record of S-NEW',
      90_000,
    );

    // And the next swipe of the card is the student's too: no new invalid attempt.
    swipe();
    await waitFor(
      () => count("SELECT COUNT(*) FROM events WHERE raw_id = ? AND student_id = 'S-NEW'", NEW_CARD) === 2,
      'the next swipe classified as S-NEW',
      90_000,
    );
    assert.equal(count('SELECT COUNT(*) FROM invalid_attempts WHERE raw_id = ?', NEW_CARD), 0);
    assert.equal(count('SELECT COUNT(*) FROM events WHERE student_id IS NULL AND raw_id = ?', NEW_CARD), 0);
    assert.match(daemon.output(), /roster changed in the store: bloom filter rebuilt/);
  });
});
