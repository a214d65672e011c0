import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Matcher } from '../../gateway/face/matcher.ts';
import type { GalleryVectors } from '../../gateway/face/gallery.ts';

/** Unit vector at `deg` degrees in a 2-d plane (cosine of two = cos of the angle between). */
const at = (deg: number): Float32Array =>
  Float32Array.from([Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180)]);

const gallery = (entries: Record<string, number[]>): GalleryVectors =>
  new Map(Object.entries(entries).map(([id, degs]) => [id, degs.map(at)]));

test('matching: threshold, margin, best embedding per identity', () => {
  const g = gallery({ alice: [0, 40], bob: [90], carol: [180] });
  const m = new Matcher(g, { threshold: 0.8, margin: 0.1 });
  const cases: { probe: number; want: string | null; why: string }[] = [
    { probe: 5, want: 'alice', why: 'close to alice' },
    { probe: 38, want: 'alice', why: "close to alice's second embedding" },
    { probe: 85, want: 'bob', why: 'close to bob' },
    { probe: 65, want: null, why: 'between alice(40) and bob(90): below threshold' },
    { probe: 135, want: null, why: 'far from everyone' },
  ];
  for (const c of cases) assert.equal(m.match(at(c.probe)).studentId, c.want, c.why);
  const r = m.match(at(5));
  assert.ok(Math.abs(r.score - Math.cos((5 * Math.PI) / 180)) < 1e-6);
  assert.equal(r.bestId, 'alice');
});

test('margin: two identities both above threshold and close together is unknown', () => {
  const m = new Matcher(gallery({ a: [0], b: [10] }), { threshold: 0.9, margin: 0.05 });
  const r = m.match(at(5));
  assert.equal(r.studentId, null);
  assert.equal(r.secondScore > 0.99, true);
  // with no margin required the best wins
  assert.equal(
    new Matcher(gallery({ a: [0], b: [10] }), { threshold: 0.9, margin: 0 }).match(at(4)).studentId,
    'a',
  );
});

test('candidates are searched first, the whole gallery when they do not match', () => {
  const m = new Matcher(gallery({ a: [0], b: [8], c: [120] }), { threshold: 0.9, margin: 0.05 });
  // among all, a and b are too close to call; among candidates {a, c}, a is clear
  assert.equal(m.match(at(1)).studentId, null);
  const r = m.match(at(1), new Set(['a', 'c']));
  assert.equal(r.studentId, 'a');
  assert.equal(r.fromCandidates, true);
  // the face is c's but c is not a candidate: falls back to the whole gallery
  const r2 = m.match(at(121), new Set(['a']));
  assert.equal(r2.studentId, 'c');
  assert.equal(r2.fromCandidates, false);
});

test('an empty gallery or mismatched dimensions never match', () => {
  assert.equal(new Matcher(new Map(), { threshold: 0, margin: 0 }).match(at(0)).studentId, null);
  const m = new Matcher(new Map([['x', [new Float32Array(3)]]]), { threshold: 0.5, margin: 0 });
  assert.equal(m.match(at(0)).studentId, null);
});
