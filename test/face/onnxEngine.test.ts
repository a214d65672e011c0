import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxFaceEngine } from '../../gateway/face/onnxFaceEngine.ts';
import { DEFAULT_ONNX_MODEL_DIR } from '../../gateway/face/modelManifest.ts';
import { HallgateError } from '../../kernel/errors.ts';
import { cosine, decode, samplePath, tempDir } from './helpers.ts';

// faces per sample photo, counted by eye
const EXPECTED_FACES: Record<number, number> = { 1: 3, 2: 3, 3: 3, 4: 4, 5: 5, 6: 4 };

test('onnx engine finds every face of the sample photos, with landmarks inside the box', async () => {
  const engine = new OnnxFaceEngine();
  await engine.load();
  try {
    assert.match(engine.modelVersion, /^faceplugin-face-recognition-js@0\.0\.1#[0-9a-f]{12}$/);
    for (const [k, n] of Object.entries(EXPECTED_FACES)) {
      const img = await decode(samplePath(Number(k)));
      const faces = await engine.detect(img);
      assert.equal(faces.length, n, `sample${k}`);
      for (const f of faces) {
        assert.ok(f.score >= 0.7 && f.score <= 1);
        assert.ok(f.box.width > 100 && f.box.height > 100, 'faces in the samples are large');
        const [le, re, nose, ml, mr] = f.landmarks;
        for (const p of f.landmarks) {
          assert.ok(p.x >= f.box.x - 10 && p.x <= f.box.x + f.box.width + 10, 'landmark x in box');
          assert.ok(p.y >= f.box.y - 10 && p.y <= f.box.y + f.box.height + 10, 'landmark y in box');
        }
        assert.ok(le.x < re.x && ml.x < mr.x, 'left/right order');
        assert.ok(nose.y > le.y && ml.y > nose.y, 'eyes above nose above mouth');
      }
    }
  } finally {
    await engine.close();
  }
});

test('onnx embeddings: unit length, stable for the same face, distinct across people', async () => {
  const engine = new OnnxFaceEngine();
  await engine.load();
  try {
    const img = await decode(samplePath(5));
    const faces = await engine.detect(img);
    const embs = await Promise.all(faces.map((f) => engine.embed(img, f)));
    for (const e of embs) {
      assert.equal(e.length, 512);
      assert.ok(Math.abs(cosine(e, e) - 1) < 1e-4);
    }
    const again = await engine.embed(img, faces[0]!);
    assert.ok(cosine(again, embs[0]!) > 0.999);
    for (let i = 1; i < embs.length; i++) assert.ok(cosine(embs[0]!, embs[i]!) < 0.5);
  } finally {
    await engine.close();
  }
});

test('a model file with the wrong checksum is a clear MODEL_CHECKSUM error at load', async () => {
  const { dir, cleanup } = tempDir();
  try {
    for (const f of ['manifest.json', 'fr_detect.onnx', 'fr_landmark.onnx'])
      copyFileSync(join(DEFAULT_ONNX_MODEL_DIR, f), join(dir, f));
    writeFileSync(join(dir, 'fr_feature.onnx'), 'not a model');
    const engine = new OnnxFaceEngine({ modelDir: dir });
    await assert.rejects(engine.load(), (err: unknown) => {
      assert.ok(err instanceof HallgateError);
      assert.equal(err.code, 'MODEL_CHECKSUM');
      assert.match(err.message, /fr_feature\.onnx/);
      return true;
    });
    const missing = new OnnxFaceEngine({ modelDir: join(dir, 'nope') });
    await assert.rejects(missing.load(), { code: 'MODEL_MISSING' });
  } finally {
    cleanup();
  }
});
