import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toChw, toGray } from '../../gateway/face/resample.ts';
import type { RgbImage } from '../../gateway/face/faceEngine.ts';

function image(
  width: number,
  height: number,
  f: (x: number, y: number) => [number, number, number],
): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(f(x, y), (y * width + x) * 3);
  return { data, width, height };
}

test('downscaling averages the covered pixels (area filter)', () => {
  // 4x2 checker of 0/200 -> 2x1: each output pixel covers two 0s and two 200s
  const img = image(4, 2, (x, y) => ((x + y) % 2 ? [200, 100, 0] : [0, 0, 0]));
  const t = toChw(img, 2, 1, 0, 1);
  assert.deepEqual(Array.from(t), [100, 100, 50, 50, 0, 0]);
});

test('upscaling is bilinear and constant images stay constant', () => {
  const flat = image(3, 3, () => [10, 20, 30]);
  const t = toChw(flat, 7, 5, 0, 1);
  assert.ok(t.slice(0, 35).every((v) => Math.abs(v - 10) < 1e-4));
  assert.ok(t.slice(70).every((v) => Math.abs(v - 30) < 1e-4));
  const ramp = image(2, 1, (x) => [x * 100, 0, 0]);
  const r = toChw(ramp, 4, 1, 0, 1).slice(0, 4);
  assert.ok(r[0]! <= r[1]! && r[1]! < r[2]! && r[2]! <= r[3]!);
});

test('toGray uses luma weights, scales, and treats outside pixels as black', () => {
  const img = image(2, 2, () => [255, 255, 255]);
  const g = toGray(img, { x: 0, y: 0, width: 2, height: 2 }, 1, 1, 255);
  assert.ok(Math.abs(g[0]! - 1) < 1e-6);
  const half = toGray(img, { x: -2, y: 0, width: 4, height: 2 }, 1, 1, 255);
  assert.ok(Math.abs(half[0]! - 0.5) < 1e-6);
});
