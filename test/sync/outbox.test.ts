import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Database } from 'better-sqlite3';
import { ManualClock } from '../../kernel/clock.ts';
import { silentLogger } from '../../kernel/log.ts';
import { Outbox } from '../../sync/outbox.ts';
import { SqliteOutboxQueue } from '../../gateway/store/outboxQueue.ts';
import { events, openGatewayDb, outboxDepth, queue } from './fixtures/gatewayDb.ts';

describe('outbox', () => {
  let dir: string;
  let db: Database;
  const clock = new ManualClock(1_000_000);
  const build = (maxRows = 1000, minDiskFreeBytes = 0) =>
    new Outbox(new SqliteOutboxQueue(db), { maxRows, minDiskFreeBytes }, { log: silentLogger(), clock });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hallgate-outbox-'));
    db = openGatewayDb(join(dir, 'gw.db'));
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads oldest first after a cursor, by count and by bytes', () => {
    queue(db, events(10, 'e'), 999_000);
    const o = build();
    const a = o.readAfter(0, 4, 1 << 20);
    assert.deepEqual(
      a.rows.map((r) => r.seq),
      [1, 2, 3, 4],
    );
    assert.equal(a.full, true);
    const b = o.readAfter(4, 100, 1 << 20);
    assert.deepEqual(
      b.rows.map((r) => r.seq),
      [5, 6, 7, 8, 9, 10],
    );
    assert.equal(b.full, false);
    const one = a.rows[0]!.payload.length + 64;
    const c = o.readAfter(0, 100, one * 3);
    assert.equal(c.rows.length, 3);
    assert.equal(c.full, true);
    assert.equal(o.readAfter(0, 100, 1).rows.length, 1, 'always at least one row');
  });

  it('deletes only acknowledged rows', () => {
    queue(db, events(5, 'e'));
    const o = build();
    assert.equal(o.acknowledge([2, 4, 99]), 2);
    assert.deepEqual(
      o.readAfter(0, 10, 1 << 20).rows.map((r) => r.seq),
      [1, 3, 5],
    );
  });

  it('moves unsendable rows to dead_letters instead of blocking the queue', () => {
    queue(db, events(1, 'a'));
    db.prepare(
      "INSERT INTO outbox (kind, payload, created_at) VALUES ('event', '{not json', 1), ('swipe', '{}', 1)",
    ).run();
    queue(db, events(1, 'b'));
    const o = build();
    assert.deepEqual(
      o.readAfter(0, 10, 1 << 20).rows.map((r) => r.seq),
      [1, 4],
    );
    assert.equal(outboxDepth(db), 2);
    const dead = db.prepare("SELECT reason FROM dead_letters WHERE source = 'sync' ORDER BY id").all() as {
      reason: string;
    }[];
    assert.deepEqual(
      dead.map((d) => d.reason),
      ['payload is not JSON', "unknown outbox kind 'swipe'"],
    );
  });

  it('reports depth, oldest age and the limits', () => {
    const o = build(3, Number.MAX_SAFE_INTEGER);
    queue(db, events(2, 'e'), 990_000);
    let s = o.stats();
    assert.equal(s.depth, 2);
    assert.equal(s.oldestAgeMs, 10_000);
    assert.equal(s.queueLimitExceeded, false);
    assert.equal(s.diskLow, true, 'free space is below an impossible minimum');
    assert.ok(s.diskFreeBytes !== null && s.diskFreeBytes > 0);
    queue(db, events(2, 'f'));
    s = o.stats();
    assert.equal(s.queueLimitExceeded, true);
    o.acknowledge([1, 2, 3, 4]);
    s = o.stats();
    assert.deepEqual([s.depth, s.oldestAgeMs, s.queueLimitExceeded], [0, null, false]);
  });
});
