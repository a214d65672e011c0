import assert from 'node:assert/strict';
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  openSync,
  readdirSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { systemClock } from '../../kernel/clock.ts';
import { createLogger } from '../../kernel/log.ts';
import { LocalStore } from '../../gateway/store/localStore.ts';
import { Outbox } from '../../sync/outbox.ts';
import { healthSchema } from '../../sync/schema.ts';
import { Uplink } from '../../sync/uplink.ts';
import { Prng } from '../../gateway/simulate/prng.ts';
import {
  openCheckedStore,
  recoveredFlag,
  storeRecovery,
  type StoreRecovery,
} from '../../gateway/store/recoverStore.ts';
import { runCli, startCli } from '../helpers/cli.ts';
import { tempDir } from '../helpers/tempDir.ts';

const PAGE = 4096;
const silent = createLogger({ level: 'silent' });

/** Writes seeded garbage over `pages` pages in the middle of a database file (its header page stays valid). */
function corruptMiddle(file: string, pages: number, seed: number): { from: number; total: number } {
  const total = Math.floor(statSync(file).size / PAGE);
  const from = Math.floor(total / 2) - Math.floor(pages / 2);
  const rnd = new Prng(seed);
  const junk = Buffer.alloc(pages * PAGE);
  for (let i = 0; i < junk.length; i++) junk[i] = rnd.int(0, 255);
  const fd = openSync(file, 'r+');
  writeSync(fd, junk, 0, junk.length, from * PAGE);
  closeSync(fd);
  return { from, total };
}

function rows<T>(file: string, sql: string): T[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

interface Damaged {
  dir: string;
  db: string;
  cfgPath: string;
  before: { event_id: string; ts: number }[];
  outboxBefore: { seq: number; payload: string }[];
}

/** A simulated gateway store (400 students, a day of swipes) with 20 pages of garbage in its middle. */
async function damagedStore(dir: string): Promise<Damaged> {
  const db = join(dir, 'gw.db');
  const cfgPath = join(dir, 'config.yaml');
  writeFileSync(
    cfgPath,
    ['gateway: { id: gw-dmg, hallId: HALL-1 }', `store: { path: ${db} }`, 'readers: []'].join('\n'),
  );
  const sim = await runCli([
    'simulate',
    '--config',
    cfgPath,
    '--students',
    '400',
    '--rate',
    '0',
    '--seed',
    '5',
  ]);
  assert.equal(sim.code, 0, sim.stdout + sim.stderr);
  const pristine = join(dir, 'pristine.db');
  copyFileSync(db, pristine);
  const before = rows<{ event_id: string; ts: number }>(pristine, 'SELECT event_id, ts FROM events');
  const outboxBefore = rows<{ seq: number; payload: string }>(pristine, 'SELECT seq, payload FROM outbox');
  assert.ok(before.length > 1000 && outboxBefore.length > 1000, `${before.length} events`);

  const { from, total } = corruptMiddle(db, 20, 9);
  assert.ok(total > 60, `${total} pages`);
  const broken = new Database(db, { fileMustExist: true });
  assert.notEqual(
    broken.pragma('quick_check', { simple: true }),
    'ok',
    `pages ${from}.. of ${total} corrupt`,
  );
  broken.close();

  return { dir, db, cfgPath, before, outboxBefore };
}

describe('a damaged store is handled, not a crash loop', () => {
  const dir = tempDir();
  let d: Damaged;
  before(async () => {
    d = await damagedStore(dir);
  });

  it('what is salvaged from a store with 20 corrupt pages is exactly what was there', () => {
    const { dir, db, before, outboxBefore } = d;
    // In process, on a copy of the damaged file: what is salvaged is exactly what was there.
    const copyDir = join(dir, 'copy');
    mkdirSync(copyDir);
    copyFileSync(db, join(copyDir, 'gw.db'));
    const { store, recovery } = openCheckedStore(
      join(copyDir, 'gw.db'),
      Date.UTC(2026, 0, 2, 3, 4, 5),
      silent,
    );
    assert.ok(recovery, 'damage detected');
    assert.equal(recovery.movedTo, join(copyDir, 'gw.db.corrupt-20260102T030405Z'));
    const salvagedEvents = store.db.prepare('SELECT event_id, ts FROM events').all() as typeof before;
    const salvagedOutbox = store.db.prepare('SELECT seq, payload FROM outbox').all() as typeof outboxBefore;
    assert.equal(storeRecovery(store)?.salvaged.events, salvagedEvents.length);
    assert.equal(recovery.salvaged.outbox, salvagedOutbox.length);
    assert.deepEqual(
      recoveredFlag(store),
      { at: recovery.at, movedTo: recovery.movedTo },
      'what health reports',
    );
    store.close();
    const byId = new Map(before.map((e) => [e.event_id, e.ts]));
    assert.ok(
      salvagedEvents.length > before.length / 2,
      `${salvagedEvents.length} of ${before.length} events`,
    );
    for (const e of salvagedEvents) assert.equal(e.ts, byId.get(e.event_id), e.event_id);
    const outboxBySeq = new Map(outboxBefore.map((o) => [o.seq, o.payload]));
    assert.ok(
      salvagedOutbox.length > outboxBefore.length / 2,
      `${salvagedOutbox.length} of ${outboxBefore.length}`,
    );
    for (const o of salvagedOutbox) assert.equal(o.payload, outboxBySeq.get(o.seq), `outbox ${o.seq}`);
    const lost = before.length - salvagedEvents.length + outboxBefore.length - salvagedOutbox.length;
    assert.ok(lost > 0, 'the corrupt pages cost some rows');
  });

  it('hallgate run on that store moves it aside, runs on a fresh store and says so once, loudly', async () => {
    const { dir, db, cfgPath } = d;
    // The real daemon. Old code: exits with an uncaught SQLITE_CORRUPT stack trace before 'gateway running'.
    const daemon = await startCli(
      ['run', '--config', cfgPath],
      /gateway running/,
      { LOG_LEVEL: 'info' },
      120_000,
    );
    const exited = new Promise<number | null>((r) => daemon.child.once('exit', r));
    after(() => daemon.child.kill('SIGKILL'));
    const out = daemon.output();
    const damaged = out.split('\n').filter((l) => /store was damaged/.test(l));
    assert.equal(damaged.length, 1, out);
    assert.equal((JSON.parse(damaged[0]!) as { level: number }).level, 50, 'logged as an error');
    assert.ok(!/SQLITE_CORRUPT[\s\S]*\n\s+at /.test(out), 'no stack trace');
    daemon.child.kill('SIGTERM');
    assert.equal(await exited, 0, daemon.output());

    // Moved aside with a timestamp, 0600 like the store.
    const aside = readdirSync(dir).filter((f) => /^gw\.db\.corrupt-\d{8}T\d{6}Z$/.test(f));
    assert.equal(aside.length, 1, readdirSync(dir).join(' '));
    assert.equal(statSync(join(dir, aside[0]!)).mode & 0o777, 0o600);

    // The fresh store is sound, holds the salvaged events, and carries a flag health can read.
    const fresh = new Database(db, { readonly: true, fileMustExist: true });
    assert.equal(fresh.pragma('integrity_check', { simple: true }), 'ok');
    fresh.close();
    const flag = rows<{ value: string }>(db, "SELECT value FROM meta WHERE key = 'store_recovered'")[0];
    assert.ok(flag, 'meta.store_recovered');
    const info = JSON.parse(flag.value) as StoreRecovery;
    assert.equal(info.movedTo, join(dir, aside[0]!));
    assert.equal(rows(db, 'SELECT event_id FROM events').length, info.salvaged.events);
    // Where the garbage lands depends on the store's layout (events, outbox or records pages): the
    // salvage keeps what it can read, most of the events, and counts what it could not.
    const unreadable = Object.values(info.unreadable).reduce((a, b) => a + (b ?? 0), 0);
    assert.ok(
      info.salvaged.events! > d.before.length / 2 && info.salvaged.events! <= d.before.length,
      `${info.salvaged.events} of ${d.before.length}: ${JSON.stringify(info)}`,
    );
    assert.ok(unreadable > 0, `the corrupt pages cost some rows: ${JSON.stringify(info.unreadable)}`);

    // A second start finds a sound store: no second recovery.
    const again = await startCli(
      ['run', '--config', cfgPath],
      /gateway running/,
      { LOG_LEVEL: 'info' },
      120_000,
    );
    const exited2 = new Promise<number | null>((r) => again.child.once('exit', r));
    after(() => again.child.kill('SIGKILL'));
    again.child.kill('SIGTERM');
    assert.equal(await exited2, 0);
    assert.ok(!/store was damaged/.test(again.output()));
    assert.equal(readdirSync(dir).filter((f) => f.includes('.corrupt-')).length, 1);
  });
});

describe('the MQTT heartbeat reports a recovered store', () => {
  it('Uplink.health() carries storeRecovered, and the heartbeat schema keeps it', () => {
    const dir = tempDir();
    const store = LocalStore.open(join(dir, 'hb.db'), 0);
    const outbox = new Outbox(
      store.outboxQueue,
      { maxRows: 100, minDiskFreeBytes: 0 },
      { log: silent, clock: systemClock },
    );
    const health = (storeRecovered: boolean) =>
      new Uplink(
        { url: 'mqtt://127.0.0.1:1', site: 'site', gatewayId: 'gw', version: 'test' },
        {
          outbox,
          log: silent,
          clock: systemClock,
          health: () => ({ readerConnected: true, cameraFps: null, storeRecovered }),
        },
      ).health();
    assert.equal(healthSchema.parse(health(true)).storeRecovered, true);
    assert.equal(healthSchema.parse(health(false)).storeRecovered, undefined);
    store.close();
  });
});
