import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { LocalStore } from '../../gateway/store/localStore.ts';
import type { AttendanceRecord, IdentityEvent } from '../../rules/types.ts';
import { tempDir } from '../helpers/tempDir.ts';

const dir = tempDir();
let n = 0;
const open = (): LocalStore => LocalStore.open(join(dir, `s${n++}.db`), 0);

function ev(over: Partial<IdentityEvent> = {}): IdentityEvent {
  return {
    eventId: 'e1',
    source: 'rfid',
    studentId: 'S1',
    rawId: 'AA',
    gateId: 'G1',
    hallId: 'H1',
    direction: 'enter',
    ts: Date.parse('2026-03-19T09:00:00Z'),
    ...over,
  };
}
function rec(over: Partial<AttendanceRecord> = {}): AttendanceRecord {
  return {
    studentId: 'S1',
    sessionId: 'L1',
    courseId: 'C1',
    hallId: 'H1',
    status: 'present',
    minutesPresent: 90,
    intervals: [],
    flags: [],
    explanations: [],
    eventIds: ['e1'],
    ...over,
  };
}
const outboxKinds = (s: LocalStore): string[] =>
  (s.db.prepare('SELECT kind FROM outbox ORDER BY seq').all() as { kind: string }[]).map((r) => r.kind);

describe('local store', () => {
  it('applies migrations once, in WAL mode', () => {
    const path = join(dir, 'mig.db');
    const a = LocalStore.open(path, 0);
    assert.equal(a.db.pragma('journal_mode', { simple: true }), 'wal');
    const applied = (a.db.prepare('SELECT name FROM schema_migrations').all() as { name: string }[]).map(
      (r) => r.name,
    );
    assert.ok(applied.includes('001_core.sql'));
    a.close();
    const b = LocalStore.open(path, 0);
    assert.equal(
      (b.db.prepare('SELECT COUNT(*) n FROM schema_migrations').get() as { n: number }).n,
      applied.length,
    );
    b.close();
  });

  it('stores a replayed event once, with one outbox row', () => {
    const s = open();
    assert.equal(s.insertEvent(ev(), 1), true);
    assert.equal(s.insertEvent(ev(), 2), false);
    assert.equal(s.counts().events, 1);
    assert.deepEqual(outboxKinds(s), ['event']);
    assert.deepEqual(
      s.eventsOfStudentDay('S1', '2026-03-19').map((e) => e.eventId),
      ['e1'],
    );
    s.close();
  });

  it('versions records: unchanged decisions are not rewritten, changes bump the version and queue an update', () => {
    const s = open();
    assert.equal(s.saveRecord(rec(), 1), 'inserted');
    assert.equal(s.saveRecord(rec(), 2), 'unchanged');
    assert.equal(s.saveRecord(rec({ status: 'late', minutesPresent: 80 }), 3), 'updated');
    const r = s.getRecord('S1', 'L1')!;
    assert.equal(r.version, 2);
    assert.equal(r.status, 'late');
    assert.deepEqual(outboxKinds(s), ['record', 'record']);
    s.close();
  });

  it('never overwrites a manual decision', () => {
    const s = open();
    s.saveRecord(rec({ status: 'review' }), 1);
    const m = s.resolveManually('S1', 'L1', 'present', 'doctor note seen', 'registrar', 2);
    assert.equal(m.status, 'present');
    assert.equal(m.manual, true);
    assert.equal(m.version, 2);
    assert.equal(s.saveRecord(rec({ status: 'absent' }), 3), 'manual');
    assert.equal(s.getRecord('S1', 'L1')!.status, 'present');
    assert.throws(() => s.resolveManually('S9', 'L1', 'present', 'x', 'y', 4), { code: 'RECORD_NOT_FOUND' });
    s.close();
  });

  it('loses no committed event and leaves no partial row when the writer is killed mid-write', async () => {
    const path = join(dir, 'crash.db');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'fixtures/storeWriter.ts'), path],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const committed: string[] = [];
    const rl = createInterface({ input: child.stdout });
    await new Promise<void>((resolve) => {
      rl.on('line', (line) => {
        committed.push(line);
        if (committed.length === 300) {
          child.kill('SIGKILL');
          resolve();
        }
      });
    });
    await new Promise((r) => child.once('exit', r));
    const s = LocalStore.open(path, 0);
    assert.equal(s.db.pragma('integrity_check', { simple: true }), 'ok');
    const ids = new Set(
      (s.db.prepare('SELECT event_id FROM events').all() as { event_id: string }[]).map((r) => r.event_id),
    );
    for (const id of committed) assert.ok(ids.has(id), `committed ${id} lost`);
    // Each transaction wrote an event, an invalid attempt and two outbox rows: all or nothing.
    const c = s.counts();
    assert.equal(c.invalid, c.events);
    assert.equal(c.outbox, 2 * c.events);
    assert.ok(c.events >= committed.length);
    s.close();
  });
});
