import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import sharp from 'sharp';
import { FfmpegFrameSource } from '../../gateway/camera/ffmpegFrameSource.ts';
import type { CameraFrame } from '../../gateway/camera/frameSource.ts';
import { ManualClock } from '../../kernel/clock.ts';
import { FaceRecognizer } from '../../gateway/face/faceRecognizer.ts';
import { Matcher } from '../../gateway/face/matcher.ts';
import { OnnxFaceEngine } from '../../gateway/face/onnxFaceEngine.ts';
import { LocalStore } from '../../gateway/store/localStore.ts';
import { samplePath, tempDir } from './helpers.ts';

// Faces below minFacePx are tracked but never tried: they must leave a trace
// (counters, a log line per track), so an operator can tell a camera placed
// too far away from one that sees nobody.
const engine = new OnnxFaceEngine();
const tmp = tempDir();
let store: LocalStore;
let photo: CameraFrame;
let blank: CameraFrame;

before(async () => {
  await engine.load();
  store = LocalStore.open(join(tmp.dir, 'faces.db'), 0);
  const { data, info } = await sharp(samplePath(1))
    .resize(640, 480, { fit: 'cover' })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  photo = { rgb: data, width: info.width, height: info.height, ts: 0, seq: 0 };
  blank = { rgb: Buffer.alloc(640 * 480 * 3), width: 640, height: 480, ts: 0, seq: 0 };
});
after(async () => {
  store.close();
  await engine.close();
  tmp.cleanup();
});

async function run(minFacePx: number) {
  const clock = new ManualClock(0);
  const lines: { msg: string; facePx?: number }[] = [];
  const log = pino(
    { level: 'info' },
    { write: (line: string) => void lines.push(JSON.parse(line) as (typeof lines)[number]) },
  );
  const source = new FfmpegFrameSource(
    { input: 'unused.mp4', width: 640, height: 480, fps: 10 },
    { clock, log },
  );
  const matcher = new Matcher(store.gallery.load(engine.name, engine.modelVersion), engine.matchDefaults);
  const rec = new FaceRecognizer(
    { gateId: 'G1', hallId: 'H1', direction: 'unknown', minFacePx, maxMisses: 2, maxAttempts: 100 },
    { source, engine, matcher, clock, log },
  );
  const faces = (await engine.detect({ data: photo.rgb, width: 640, height: 480 })).length;
  for (let i = 0; i < 3; i++) await rec.processFrame({ ...photo, ts: i * 100, seq: i });
  for (let i = 3; i < 7; i++) await rec.processFrame({ ...blank, ts: i * 100, seq: i });
  return { faces, stats: rec.stats(), lines: lines.filter((l) => l.msg.startsWith('face too small')) };
}

describe('faces below minFacePx', () => {
  it('are counted per detection and per track, and each such track is logged once', async () => {
    const { faces, stats, lines } = await run(10_000);
    assert.ok(faces > 0, 'the photo has faces');
    assert.equal(stats.facesDetected, 3 * faces);
    assert.equal(stats.facesTooSmall, 3 * faces);
    assert.equal(stats.tracksTooSmall, faces);
    assert.equal(stats.embeddings, 0);
    assert.equal(lines.length, faces);
    for (const l of lines) assert.ok(l.facePx! > 0 && l.facePx! < 10_000);
  });

  it('large enough faces are tried and not counted as too small', async () => {
    const { faces, stats, lines } = await run(1);
    assert.equal(stats.facesTooSmall, 0);
    assert.equal(stats.tracksTooSmall, 0);
    assert.ok(stats.embeddings >= faces);
    assert.equal(lines.length, 0);
  });
});
