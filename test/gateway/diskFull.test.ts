import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { crc32 } from 'node:zlib';
import { encodeEm4100 } from '../../gateway/serial/em4100Frame.ts';
import { startCli, waitFor } from '../helpers/cli.ts';
import { startPtyPair, type PtyPair } from '../helpers/ptyPair.ts';
import { tempDir } from '../helpers/tempDir.ts';

const dir = tempDir();
// Not inside `dir`: it is unmounted before it is removed.
const mnt = mkdtempSync(join(tmpdir(), 'hallgate-full-'));
/** A real small filesystem for the store: a 2 MB tmpfs (needs root, as in CI's container). */
const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mnt]).status === 0;
after(() => {
  if (mounted) spawnSync('umount', ['-l', mnt]);
  rmSync(mnt, { recursive: true, force: true });
});
const skip = mounted ? false : 'cannot mount a tmpfs here (needs root): the disk-full test is skipped';

/** Fills the filesystem of `at` up to the last byte; returns the filler's path. */
function fillDisk(at: string): string {
  const filler = join(at, 'filler');
  const fd = openSync(filler, 'a');
  const chunk = Buffer.alloc(4096, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    closeSync(fd);
  }
  // Byte by byte, so not even a small write fits.
  const fd2 = openSync(filler, 'a');
  try {
    for (;;) writeSync(fd2, Buffer.alloc(1, 1));
  } catch {
    // full
  } finally {
    closeSync(fd2);
  }
  return filler;
}

/**
 * The swipes waiting in a spool file, read independently of gateway/pipeline/spool.ts (and without
 * touching the file): header 'HGSP' + generation; records of length, generation, crc32, JSON.
 */
function readSpoolFile(path: string): { uid: string }[] {
  if (!existsSync(path)) return [];
  const buf = readFileSync(path);
  if (buf.length < 8 || buf.readUInt32BE(0) !== 0x48475350) return [];
  const gen = buf.readUInt32BE(4);
  const out: { uid: string }[] = [];
  for (let at = 8; at + 12 <= buf.length;) {
    const len = buf.readUInt32BE(at);
    if (len === 0 || buf.readUInt32BE(at + 4) !== gen || at + 12 + len > buf.length) break;
    const body = buf.subarray(at + 12, at + 12 + len);
    if (crc32(body) !== buf.readUInt32BE(at + 8)) break;
    out.push(JSON.parse(body.toString('utf8')) as { uid: string });
    at += 12 + len;
  }
  return out;
}

const uid = (i: number): string => (0xab00000000 + i).toString(16).toUpperCase();

type Daemon = Awaited<ReturnType<typeof startCli>> & { exited: Promise<number | null> };

/** The daemon under test on the tmpfs, a pty to send swipes, and what the test reads back. */
function rig(pty: PtyPair) {
  const db = join(mnt, 'gw.db');
  const spoolPath = join(mnt, 'ingest.spool');
  const cfgPath = join(dir, 'config.yaml');
  writeFileSync(
    cfgPath,
    [
      'gateway: { id: gw-full, hallId: HALL-A }',
      `store: { path: ${db}, spoolMb: 0.25 }`,
      'watchdog: { sweepSec: 1 }',
      'readers:',
      `  - { id: r1, path: ${pty.readerPath}, protocol: em4100, gateId: HALL-A-IN, direction: unknown, debounceMs: 0 }`,
    ].join('\n'),
  );
  const stored = (): Set<string> => {
    const ro = new Database(db, { readonly: true, fileMustExist: true });
    try {
      return new Set(ro.prepare('SELECT raw_id FROM events').pluck().all() as string[]);
    } finally {
      ro.close();
    }
  };
  const spooled = (): Set<string> => new Set(readSpoolFile(spoolPath).map((i) => i.uid));
  return {
    db,
    stored,
    spooled,
    async start(): Promise<Daemon> {
      const d = await startCli(
        ['run', '--config', cfgPath],
        /gateway running/,
        { LOG_LEVEL: 'info' },
        120_000,
      );
      const exited = new Promise<number | null>((r) => d.child.once('exit', r));
      after(() => d.child.kill('SIGKILL'));
      await waitFor(() => /serial reader open/.test(d.output()), 'reader open', 60_000);
      return { ...d, exited };
    },
    send(from: number, to: number): void {
      const fd = openSync(pty.writerPath, 'w');
      for (let i = from; i < to; i++) writeSync(fd, encodeEm4100(uid(i)));
      closeSync(fd);
    },
    /** Every swipe below `to` is stored or spooled. */
    async handled(to: number, what: string): Promise<void> {
      await waitFor(
        () => {
          const have = new Set([...stored(), ...spooled()]);
          for (let i = 0; i < to; i++) if (!have.has(uid(i))) return false;
          return true;
        },
        what,
        60_000,
      );
    },
  };
}

/** The JSON log lines of the given outputs. */
function logLines(...outputs: string[]): { level: number; msg: string }[] {
  return outputs
    .join('')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string });
}

describe('disk full does not lose swipes, even across a restart', { skip }, () => {
  let pty: PtyPair;
  before(async () => {
    pty = await startPtyPair();
  });
  after(() => pty?.stop());

  it('every swipe read while the store refuses writes is stored once space returns, across kill -9 and SIGTERM', async (t) => {
    const r = rig(pty);
    // 1. Running, then the disk fills up; swipes keep coming.
    const first = await r.start();
    r.send(0, 20);
    await r.handled(20, 'the first swipes stored');
    const filler = fillDisk(mnt);
    let sent = 20;
    // Until the store refuses: everything sent is stored or spooled, nothing dropped.
    for (let round = 0; !/store refuses writes/.test(first.output()); round++) {
      assert.ok(round < 200, 'the store never refused writes on a full disk');
      r.send(sent, sent + 10);
      sent += 10;
      await r.handled(sent, `swipes up to ${sent} stored or spooled`);
    }
    r.send(sent, sent + 100);
    sent += 100;
    await r.handled(sent, `all ${sent} swipes stored or spooled`);
    assert.ok(r.spooled().size > 0, 'swipes wait in the spool');
    t.diagnostic(
      `${sent} swipes sent before kill -9: ${r.stored().size} stored, ${r.spooled().size} spooled`,
    );

    // 2. kill -9 while full; restart while still full (no crash loop), more swipes, then SIGTERM.
    first.child.kill('SIGKILL');
    await first.exited;
    const second = await r.start();
    r.send(sent, sent + 100);
    sent += 100;
    await r.handled(sent, `all ${sent} swipes stored or spooled after the restart`);
    second.child.kill('SIGTERM');
    assert.equal(await second.exited, 0, second.output());

    // One error line per condition change, not one per swipe (200 swipes were sent while full).
    const logged = logLines(first.output(), second.output());
    const errors = logged.filter((l) => l.level >= 50);
    const warnings = logged.filter((l) => l.level === 40);
    t.diagnostic(`error lines while full: ${errors.map((l) => l.msg).join(' | ')}`);
    t.diagnostic(
      `warnings while full: ${warnings.length} (${[...new Set(warnings.map((w) => w.msg))].join(' | ')})`,
    );
    assert.ok(errors.length <= 4, JSON.stringify(errors));
    assert.ok(warnings.length <= 20, JSON.stringify(warnings));
    assert.ok(!/could not be kept|are lost/.test(first.output() + second.output()), 'nothing lost');

    // 3. Space returns: one more start stores every swipe exactly once.
    rmSync(filler);
    const third = await r.start();
    await waitFor(() => r.stored().size === sent, `${sent} swipes stored`, 120_000);
    third.child.kill('SIGTERM');
    assert.equal(await third.exited, 0, third.output());
    const ro = new Database(r.db, { readonly: true, fileMustExist: true });
    const counts = new Map(
      (
        ro.prepare('SELECT raw_id, COUNT(*) AS n FROM events GROUP BY raw_id').all() as {
          raw_id: string;
          n: number;
        }[]
      ).map((x) => [x.raw_id, x.n]),
    );
    ro.close();
    assert.equal(counts.size, sent);
    for (let i = 0; i < sent; i++) assert.equal(counts.get(uid(i)), 1, uid(i));
    assert.equal(r.spooled().size, 0, 'the spool is empty');
  });
});
