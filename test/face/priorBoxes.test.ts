import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import { decodeBoxes, encodeBoxes, priorBoxes, ULTRAFACE_320 } from '../../gateway/face/priorBoxes.ts';
import { DEFAULT_ONNX_MODEL_DIR, loadVerifiedModel, readManifest } from '../../gateway/face/modelManifest.ts';
import { toChw } from '../../gateway/face/resample.ts';
import { decode, samplePath } from './helpers.ts';

test('UltraFace 320x240 has 4420 priors laid out level, row, column, size', () => {
  const p = priorBoxes(ULTRAFACE_320);
  assert.equal(p.length / 4, 40 * 30 * 3 + 20 * 15 * 2 + 10 * 8 * 2 + 5 * 4 * 3);
  // first prior: top-left cell of stride 8, size 10
  assert.deepEqual(Array.from(p.slice(0, 4)), [4 / 320, 4 / 240, 10 / 320, 10 / 240].map(Math.fround));
  // third prior: same cell, size 24; fourth: next column, size 10
  assert.equal(p[2 * 4 + 2], Math.fround(24 / 320));
  assert.equal(p[3 * 4], Math.fround(12 / 320));
  // first prior of level 2 (stride 16, size 32) comes after 3600
  assert.deepEqual(
    Array.from(p.slice(3600 * 4, 3600 * 4 + 4)),
    [8 / 320, 8 / 240, 32 / 320, 32 / 240].map(Math.fround),
  );
  // last prior: bottom-right cell (5x4 map) of stride 64, size 256 (height clipped to 1)
  assert.deepEqual(
    Array.from(p.slice(-4)),
    [(4.5 * 64) / 320, (3.5 * 64) / 240, 256 / 320, 1].map(Math.fround),
  );
});

test('decode(0) is the prior itself; encode inverts decode', () => {
  const priors = priorBoxes(ULTRAFACE_320);
  const zero = new Float32Array(priors.length);
  const boxes = decodeBoxes(zero, priors, ULTRAFACE_320.variance);
  for (const i of [0, 17, 3600, 4419]) {
    const [cx, cy, w, h] = priors.slice(i * 4, i * 4 + 4);
    assert.ok(Math.abs(boxes[i * 4]! - (cx! - w! / 2)) < 1e-6);
    assert.ok(Math.abs(boxes[i * 4 + 3]! - (cy! + h! / 2)) < 1e-6);
  }
  const loc = Float32Array.from({ length: priors.length }, (_, i) => Math.sin(i) * 1.5);
  const back = encodeBoxes(decodeBoxes(loc, priors, [0.1, 0.2]), priors, [0.1, 0.2]);
  for (let i = 0; i < loc.length; i += 97) assert.ok(Math.abs(back[i]! - loc[i]!) < 1e-3, `offset ${i}`);
});

test('the shipped detector decodes in-graph with this prior layout', async () => {
  // Its confident boxes, encoded back against our priors, are small offsets:
  // each face is found by an anchor whose cell and size fit it.
  const dir = DEFAULT_ONNX_MODEL_DIR;
  const session = await ort.InferenceSession.create(loadVerifiedModel(dir, readManifest(dir), 'detector'));
  try {
    const img = await decode(samplePath(1));
    const input = toChw(img, 320, 240, 127, 128);
    const out = await session.run({ input: new ort.Tensor('float32', input, [1, 3, 240, 320]) });
    const scores = out.scores!.data as Float32Array;
    const priors = priorBoxes(ULTRAFACE_320);
    const loc = encodeBoxes(out.boxes!.data as Float32Array, priors, ULTRAFACE_320.variance);
    let confident = 0;
    for (let i = 0; i < 4420; i++) {
      if (scores[i * 2 + 1]! < 0.9) continue;
      confident++;
      for (let k = 0; k < 4; k++)
        assert.ok(Math.abs(loc[i * 4 + k]!) < 5, `prior ${i} offset ${k} = ${loc[i * 4 + k]}`);
    }
    assert.ok(confident >= 3, `confident anchors: ${confident}`);
  } finally {
    await session.release();
  }
});
