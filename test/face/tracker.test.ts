import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IouTracker } from '../../gateway/face/tracker.ts';
import { IdentityCooldown } from '../../gateway/face/cooldown.ts';
import type { Box } from '../../gateway/face/faceEngine.ts';

const box = (x: number, y = 0, size = 100): Box => ({ x, y, width: size, height: size });

test('a face moving a little stays one track; a far one starts another', () => {
  const t = new IouTracker({ idPrefix: 'g' });
  const u1 = t.update([box(0)], 0);
  const id = u1.assigned[0]!.track.id;
  assert.equal(id, 'g-1');
  for (let i = 1; i <= 5; i++) {
    const u = t.update([box(i * 15)], i * 100);
    assert.equal(u.assigned[0]!.track.id, id, `step ${i}`);
  }
  const u = t.update([box(90), box(600)], 600);
  assert.equal(u.assigned[0]!.track.id, id);
  assert.equal(u.assigned[1]!.track.id, 'g-2');
  assert.equal(t.active.length, 2);
});

test('two faces crossing keep their best-overlap tracks', () => {
  const t = new IouTracker();
  const a = t.update([box(0), box(300)], 0).assigned.map((x) => x.track.id);
  // detections come back in the other order
  const b = t.update([box(310), box(10)], 1).assigned.map((x) => x.track.id);
  assert.deepEqual(b, [a[1], a[0]]);
});

test('tracks end after maxMisses frames unseen; a face returning later is a new track', () => {
  const t = new IouTracker({ maxMisses: 2 });
  const first = t.update([box(0)], 0).assigned[0]!.track;
  assert.deepEqual(t.update([], 1).ended, []);
  assert.deepEqual(t.update([], 2).ended, []);
  const ended = t.update([], 3).ended;
  assert.deepEqual(
    ended.map((x) => x.id),
    [first.id],
  );
  const again = t.update([box(0)], 4).assigned[0]!.track;
  assert.notEqual(again.id, first.id);
  assert.equal(again.attempts, 0);
  assert.equal(again.decided, false);
});

test('a miss in between does not break a track', () => {
  const t = new IouTracker({ maxMisses: 3 });
  const id = t.update([box(0)], 0).assigned[0]!.track.id;
  t.update([], 1);
  assert.equal(t.update([box(5)], 2).assigned[0]!.track.id, id);
});

test('cooldown per identity per gate', () => {
  const c = new IdentityCooldown(60_000);
  const cases: [string, string, number, boolean][] = [
    ['g1', 'alice', 0, true],
    ['g1', 'alice', 30_000, false],
    ['g2', 'alice', 30_000, true],
    ['g1', 'bob', 30_000, true],
    ['g1', 'alice', 59_999, false],
    ['g1', 'alice', 60_000, true],
  ];
  for (const [gate, who, ts, want] of cases)
    assert.equal(c.allow(gate, who, ts), want, `${gate} ${who} ${ts}`);
});
