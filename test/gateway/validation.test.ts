import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LocalStore } from '../../gateway/store/localStore.ts';
import bloomFilters from 'bloom-filters';
import { Murmur3Hashing, RosterBloom } from '../../gateway/validation/rosterBloom.ts';
import { UniqueCounter } from '../../gateway/validation/uniqueCounter.ts';
import { tempDir } from '../helpers/tempDir.ts';

const dir = tempDir();
const ids = (n: number, prefix = 'C'): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(i).padStart(9, '0')}`);

describe('roster Bloom filter', () => {
  it("derives the same bit indexes as the package's double hashing (integer cube instead of Math.pow)", () => {
    const ours = new Murmur3Hashing();
    const pkg = new bloomFilters.Hashing();
    let compared = 0;
    for (const size of [7, 1000, 958_506, 2 ** 31 - 1]) {
      for (let n = 0; n < 32; n++) {
        for (const [a, b] of [
          [0, 0],
          [1, 2],
          [4_294_967_295, 4_294_967_295],
          [123_456_789, 987_654_321],
        ] as const) {
          assert.equal(ours.doubleHashing(n, a, b, size), pkg.doubleHashing(n, a, b, size));
          compared++;
        }
      }
    }
    assert.equal(compared, 4 * 32 * 4);
  });

  it('never says "unknown" for a roster id, and keeps false positives near the configured rate', () => {
    const bloom = new RosterBloom(0.01);
    const roster = ids(20_000);
    bloom.rebuild(roster);
    for (const id of roster) assert.equal(bloom.mightContain(id), true);
    const strangers = ids(20_000, 'X');
    const fp = strangers.filter((id) => bloom.mightContain(id)).length / strangers.length;
    assert.ok(fp < 0.02, `false-positive rate ${fp}`);
    const s = bloom.stats();
    assert.equal(s.items, 20_000);
    assert.ok(s.bytes > 20_000 && s.bytes < 40_000, `size ${s.bytes} bytes`);
  });

  it('is rebuilt when the roster changes', () => {
    const bloom = new RosterBloom(0.01);
    bloom.rebuild(['A1']);
    assert.equal(bloom.mightContain('B2'), false);
    bloom.rebuild(['A1', 'B2']);
    assert.equal(bloom.mightContain('B2'), true);
  });
});

describe('unique counter (HyperLogLog)', () => {
  it('estimates unique attendees within the expected error and ignores repeats', () => {
    const store = LocalStore.open(join(dir, 'hll.db'), 0);
    const c = new UniqueCounter(store, 12);
    const students = ids(10_000, 'S');
    for (const s of students) c.add('C101', '2026-03-19', s);
    for (const s of students.slice(0, 5000)) c.add('C101', '2026-03-19', s);
    const est = c.estimate('C101', '2026-03-19');
    assert.ok(Math.abs(est - 10_000) / 10_000 < 3 * c.relativeError(), `estimate ${est}`);
    assert.equal(c.estimate('C102', '2026-03-19'), 0);
    store.close();
  });

  it('persists sketches so a restart keeps the counts, and queues them for sync', () => {
    const path = join(dir, 'hll2.db');
    const a = LocalStore.open(path, 0);
    const c1 = new UniqueCounter(a, 12);
    for (const s of ids(500, 'S')) c1.add('C101', '2026-03-19', s);
    const before = c1.estimate('C101', '2026-03-19');
    assert.equal(c1.flush(1), 1);
    assert.equal(c1.flush(2), 0, 'nothing changed since');
    a.close();
    const b = LocalStore.open(path, 0);
    const c2 = new UniqueCounter(b, 12);
    assert.equal(c2.estimate('C101', '2026-03-19'), before);
    assert.equal(c2.add('C101', '2026-03-19', 'S000000001'), false, 'a known student changes no register');
    const hllRows = (b.db.prepare("SELECT COUNT(*) n FROM outbox WHERE kind = 'hll'").get() as { n: number })
      .n;
    assert.equal(hllRows, 1);
    b.close();
  });
});
