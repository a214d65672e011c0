import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import type { IdentityEvent } from '../../rules/types.ts';
import { ManualClock } from '../../kernel/clock.ts';
import { configSchema } from '../../gateway/config/schema.ts';
import { silentLogger } from '../../kernel/log.ts';
import { LocalStore } from '../../gateway/store/localStore.ts';
import { StoreUpkeep } from '../../gateway/upkeep/storeUpkeep.ts';
import { tempDir } from '../helpers/tempDir.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 30, 12);

function event(
  id: string,
  source: 'rfid' | 'face',
  ageDays: number,
  studentId: string | null = 'S1',
): IdentityEvent {
  return {
    eventId: id,
    source,
    studentId,
    rawId: source === 'rfid' ? '00000000A1' : 'face',
    gateId: 'G1',
    hallId: 'HALL-A',
    direction: 'enter',
    ts: NOW - ageDays * DAY,
  };
}

describe('store upkeep: backups and retention', () => {
  it('deletes raw events, face events, invalid attempts and dead letters past their periods, nothing younger', async () => {
    const dir = tempDir();
    const store = LocalStore.open(join(dir, 'gw.db'), NOW);
    after(() => store.close());
    const cfg = configSchema.parse({
      store: { path: join(dir, 'gw.db') },
      backup: { enabled: false },
      retention: { eventsDays: 100, faceEventsDays: 10, invalidAttemptsDays: 20, deadLettersDays: 5 },
    });
    store.tx(() => {
      for (let i = 0; i < 2500; i++) store.insertEvent(event(`old-${i}`, 'rfid', 101), NOW);
      store.insertEvent(event('young', 'rfid', 99), NOW);
      store.insertEvent(event('face-old', 'face', 11), NOW);
      store.insertEvent(event('face-young', 'face', 9), NOW);
      store.insertEvent(event('inv-old', 'rfid', 21, null), NOW);
      store.insertInvalid(
        {
          eventId: 'inv-old',
          reason: 'unknown_badge',
          rawId: 'X',
          gateId: 'G1',
          hallId: 'HALL-A',
          ts: NOW - 21 * DAY,
        },
        NOW,
      );
      store.insertInvalid(
        {
          eventId: 'inv-young',
          reason: 'unknown_badge',
          rawId: 'X',
          gateId: 'G1',
          hallId: 'HALL-A',
          ts: NOW - 19 * DAY,
        },
        NOW,
      );
      store.deadLetter('serial:r1', 'noise', 'ff', NOW - 6 * DAY);
      store.deadLetter('serial:r1', 'noise', 'ff', NOW - 4 * DAY);
    });
    const upkeep = new StoreUpkeep(cfg, { store, clock: new ManualClock(NOW), log: silentLogger() });
    const r = await upkeep.runDue();
    assert.deepEqual(r.deleted, { events: 2500, faceEvents: 1, invalidAttempts: 1, deadLetters: 1 });
    const ids = store.db.prepare('SELECT event_id FROM events ORDER BY event_id').pluck().all();
    assert.deepEqual(ids, ['face-young', 'inv-old', 'young']);
    assert.deepEqual(store.db.prepare('SELECT event_id FROM invalid_attempts').pluck().all(), ['inv-young']);
    assert.equal(store.db.prepare('SELECT COUNT(*) FROM dead_letters').pluck().get(), 1);
    // Not due again the same day.
    assert.equal((await upkeep.runDue()).deleted.events, 0);
  });

  it('backs the store up online (files 0600, readable, complete) and keeps the newest backup.keep', async () => {
    const dir = tempDir();
    const path = join(dir, 'gw.db');
    const store = LocalStore.open(path, NOW);
    after(() => store.close());
    const cfg = configSchema.parse({ store: { path }, backup: { keep: 2, everyHours: 24 } });
    store.tx(() => store.insertEvent(event('e1', 'rfid', 0), NOW));
    const clock = new ManualClock(NOW);
    const upkeep = new StoreUpkeep(cfg, { store, clock, log: silentLogger() });
    const files: string[] = [];
    for (let day = 0; day < 3; day++) {
      const r = await upkeep.runDue();
      assert.ok(r.backup, `day ${day}: a backup`);
      files.push(r.backup);
      clock.advance(DAY);
    }
    clock.advance(-DAY + 3_600_000); // an hour after the last one: not due
    assert.equal((await upkeep.runDue()).backup, null);
    const left = readdirSync(join(dir, 'backups')).sort();
    assert.deepEqual(
      left,
      files.slice(1).map((f) => f.slice(f.lastIndexOf('/') + 1)),
    );
    for (const f of files.slice(1)) {
      assert.equal(statSync(f).mode & 0o777, 0o600);
      const copy = new Database(f, { readonly: true });
      assert.equal(copy.pragma('quick_check', { simple: true }), 'ok');
      assert.equal(copy.prepare("SELECT COUNT(*) FROM events WHERE event_id = 'e1'").pluck().get(), 1);
      copy.close();
    }
  });
});
