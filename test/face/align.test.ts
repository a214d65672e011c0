import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  alignmentTransform,
  applyAffine,
  ARCFACE_112,
  invertAffine,
  similarityTransform,
  warpToChw,
  type Affine,
} from '../../gateway/face/align.ts';
import type { FivePoints, Point, RgbImage } from '../../gateway/face/faceEngine.ts';

const near = (a: number, b: number, eps = 1e-6): boolean => Math.abs(a - b) < eps;

function transformPoints(
  pts: readonly Point[],
  scale: number,
  angleDeg: number,
  tx: number,
  ty: number,
): Point[] {
  const t = (angleDeg * Math.PI) / 180;
  return pts.map((p) => ({
    x: scale * (Math.cos(t) * p.x - Math.sin(t) * p.y) + tx,
    y: scale * (Math.sin(t) * p.x + Math.cos(t) * p.y) + ty,
  }));
}

test('similarityTransform recovers an exact similarity', () => {
  const cases = [
    { scale: 1, angle: 0, tx: 0, ty: 0 },
    { scale: 2.5, angle: 10, tx: 300, ty: -40 },
    { scale: 0.3, angle: -35, tx: 12, ty: 99 },
    { scale: 4, angle: 180, tx: 5, ty: 5 },
  ];
  for (const c of cases) {
    const src = transformPoints(ARCFACE_112, c.scale, c.angle, c.tx, c.ty);
    const m = similarityTransform(src, ARCFACE_112);
    for (let i = 0; i < 5; i++) {
      const q = applyAffine(m, src[i]!);
      assert.ok(near(q.x, ARCFACE_112[i]!.x, 1e-4) && near(q.y, ARCFACE_112[i]!.y, 1e-4), JSON.stringify(c));
    }
    // a similarity: a = d, b = -c
    assert.ok(near(m[0], m[4]) && near(m[1], -m[3]));
  }
});

test('similarityTransform is least squares on noisy points and never reflects', () => {
  const mirrored: Point[] = ARCFACE_112.map((p) => ({ x: 112 - p.x, y: p.y }));
  const m = similarityTransform(mirrored, ARCFACE_112);
  const det = m[0] * m[4] - m[1] * m[3];
  assert.ok(det > 0, 'no reflection');
  const noisy = ARCFACE_112.map((p, i) => ({ x: p.x + (i % 2 ? 0.5 : -0.5), y: p.y }));
  const m2 = similarityTransform(noisy, ARCFACE_112);
  assert.ok(near(m2[0], 1, 0.02) && near(m2[3], 0, 0.02));
  assert.throws(() => similarityTransform([{ x: 1, y: 1 }], [{ x: 1, y: 1 }]), RangeError);
});

test('invertAffine composes to identity', () => {
  const m: Affine = [1.2, -0.3, 5, 0.3, 1.2, -7];
  const inv = invertAffine(m);
  const p = { x: 13, y: -4 };
  const q = applyAffine(inv, applyAffine(m, p));
  assert.ok(near(q.x, p.x) && near(q.y, p.y));
});

test('warpToChw moves a marked pixel where the transform says', () => {
  // 200x200 black image with a white 3x3 dot at each of the five points of a
  // face drawn at 2x scale, rotated 8 degrees, offset (40, 30).
  const pts = transformPoints(ARCFACE_112, 1.5, 8, 40, 30) as FivePoints;
  const img: RgbImage = { data: new Uint8Array(200 * 200 * 3), width: 200, height: 200 };
  for (const p of pts) {
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++)
        img.data.fill(
          255,
          ((Math.round(p.y) + dy) * 200 + Math.round(p.x) + dx) * 3,
          ((Math.round(p.y) + dy) * 200 + Math.round(p.x) + dx) * 3 + 3,
        );
    }
  }
  const t = warpToChw(img, alignmentTransform(pts), 112, 0, 255);
  for (const ref of ARCFACE_112) {
    const v = t[Math.round(ref.y) * 112 + Math.round(ref.x)]!;
    assert.ok(v > 0.5, `dot at ${ref.x},${ref.y}: ${v}`);
  }
  // a corner far from any dot stays black
  assert.equal(t[0], 0);
  // normalisation: (v - mean) / std per channel, planes are CHW
  const t2 = warpToChw(img, alignmentTransform(pts), 112, 127, 128);
  assert.ok(near(t2[112 * 112]!, -127 / 128));
});
