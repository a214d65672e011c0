import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pino from 'pino';
import { adoptLegacySpool } from '../../gateway/pipeline/legacySpool.ts';
import { Spool } from '../../gateway/pipeline/spool.ts';
import { tempDir } from '../helpers/tempDir.ts';

const dir = tempDir();
let n = 0;

/** A logger whose lines the test reads. */
function capture(): { log: pino.Logger; lines: { level: number; msg: string; lost?: number }[] } {
  const lines: { level: number; msg: string; lost?: number }[] = [];
  const log = pino(
    { level: 'info' },
    { write: (s: string) => lines.push(JSON.parse(s) as (typeof lines)[0]) },
  );
  return { log, lines };
}

describe('spool file', () => {
  it('is reserved in full at open and keeps what was put across a reopen (a crash)', () => {
    const p = join(dir, `s${n++}.spool`);
    const { log } = capture();
    const a = new Spool<{ i: number }>(p, log, { capacityBytes: 64 * 1024 });
    a.open();
    assert.equal(statSync(p).size, 64 * 1024);
    a.put([{ i: 1 }, { i: 2 }]);
    a.put([{ i: 3 }]);
    // No drain, no close: as after kill -9.
    const b = new Spool<{ i: number }>(p, log, { capacityBytes: 64 * 1024 });
    b.open();
    assert.equal(b.pending(), 3);
    const got: number[] = [];
    assert.equal(
      b.drain((items) => items.forEach((x) => got.push(x.i))),
      3,
    );
    assert.deepEqual(got, [1, 2, 3]);
    assert.equal(statSync(p).size, 64 * 1024, 'never grows');
    b.put([{ i: 4 }]);
    b.close();
    const c = new Spool<{ i: number }>(p, log, { capacityBytes: 64 * 1024 });
    c.open();
    const again: number[] = [];
    c.drain((items) => items.forEach((x) => again.push(x.i)));
    assert.deepEqual(again, [4], 'retired records do not come back');
    c.close();
  });

  it('a replay that throws keeps everything spooled', () => {
    const p = join(dir, `s${n++}.spool`);
    const s = new Spool<{ i: number }>(p, capture().log, { capacityBytes: 16 * 1024 });
    s.open();
    s.put([{ i: 1 }]);
    assert.throws(() =>
      s.drain(() => {
        throw new Error('SQLITE_FULL');
      }),
    );
    assert.equal(s.pending(), 1);
    assert.equal(
      s.drain(() => undefined),
      1,
    );
    s.close();
  });

  it('stops at a torn record (power cut mid-write)', () => {
    const p = join(dir, `s${n++}.spool`);
    const s = new Spool<{ i: number }>(p, capture().log, { capacityBytes: 16 * 1024 });
    s.open();
    s.put([{ i: 1 }, { i: 2 }]);
    s.close();
    // Damage the payload of the second record: its checksum no longer matches.
    const fd = openSync(p, 'r+');
    const second = 8 + 12 + Buffer.byteLength('{"i":1}') + 12;
    writeSync(fd, Buffer.from('X'), 0, 1, second + 2);
    closeSync(fd);
    const r = new Spool<{ i: number }>(p, capture().log, { capacityBytes: 16 * 1024 });
    r.open();
    const got: number[] = [];
    r.drain((items) => items.forEach((x) => got.push(x.i)));
    assert.deepEqual(got, [1]);
    r.close();
  });

  it('when the file is full, waits in bounded memory; losses are counted and reported once with the count', () => {
    const p = join(dir, `s${n++}.spool`);
    const { log, lines } = capture();
    const s = new Spool<{ i: number }>(p, log, { capacityBytes: 1100, maxInMemory: 5 });
    s.open();
    const items = Array.from({ length: 100 }, (_, i) => ({ i }));
    for (const it of items) s.put([it]);
    const inFile = s.pending() - s.inMemory();
    assert.ok(inFile > 10 && inFile < 100, `${inFile} in the file`);
    assert.equal(s.inMemory(), 5);
    assert.equal(s.droppedCount(), 100 - inFile - 5);
    const got: number[] = [];
    s.drain((xs) => xs.forEach((x) => got.push(x.i)));
    assert.equal(got.length, inFile + 5);
    const errors = lines.filter((l) => l.level >= 50);
    assert.equal(errors.length, 2, JSON.stringify(errors));
    assert.equal(errors[1]!.lost, 100 - inFile - 5);
    // Memory left at stop is lost: counted and reported with everything lost since the drain.
    const droppedAtDrain = s.droppedCount();
    for (const it of items) s.put([it]);
    const mem = s.inMemory();
    const beforeClose = s.droppedCount();
    s.close();
    assert.equal(s.droppedCount(), beforeClose + mem);
    const last = lines.at(-1)!;
    assert.match(last.msg, /could not be kept/);
    assert.equal(last.lost, s.droppedCount() - droppedAtDrain);
  });
});

describe('spool of an earlier version', () => {
  it('its JSON lines are moved into the spool file at start, and the old files removed', () => {
    const d = join(dir, `legacy${n++}`);
    mkdirSync(d);
    writeFileSync(join(d, 'ingest-spool.jsonl.draining'), '{"i":1}\n{"i":2}\n');
    writeFileSync(join(d, 'ingest-spool.jsonl'), '{"i":3}\n{"i":\n');
    const s = new Spool<{ i: number }>(join(d, 'ingest.spool'), capture().log, { capacityBytes: 16 * 1024 });
    s.open();
    assert.equal(adoptLegacySpool(d, s, capture().log), 3);
    assert.ok(
      !existsSync(join(d, 'ingest-spool.jsonl')) && !existsSync(join(d, 'ingest-spool.jsonl.draining')),
    );
    s.close();
    const again = new Spool<{ i: number }>(join(d, 'ingest.spool'), capture().log, {
      capacityBytes: 16 * 1024,
    });
    again.open();
    const got: number[] = [];
    again.drain((xs) => xs.forEach((x) => got.push(x.i)));
    assert.deepEqual(got, [1, 2, 3]);
    again.close();
  });
});
