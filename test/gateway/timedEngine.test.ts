import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DetectedFace, FaceEngine, RgbImage } from '../../gateway/face/faceEngine.ts';
import { GatewayMetrics } from '../../gateway/metrics/gatewayMetrics.ts';

/** An engine that keeps state from load(), as the real ones do (sessions, model version). */
class StatefulEngine implements FaceEngine {
  readonly name = 'stateful';
  modelVersion = '';
  readonly embeddingSize = 2;
  readonly matchDefaults = { threshold: 0.5, margin: 0.1 };
  private loaded = false;
  load(): Promise<void> {
    this.loaded = true;
    this.modelVersion = 'v7';
    return Promise.resolve();
  }
  detect(_image: RgbImage): Promise<DetectedFace[]> {
    if (!this.loaded) return Promise.reject(new Error('not loaded'));
    return Promise.resolve([]);
  }
  embed(_image: RgbImage, _face: DetectedFace): Promise<Float32Array> {
    return Promise.resolve(new Float32Array([1, 0]));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

describe('face inference timing', () => {
  it('the timed engine is the engine (state from load() included) and counts each call by stage', async () => {
    const metrics = new GatewayMetrics('test');
    const engine = metrics.timeEngine(new StatefulEngine());
    await engine.load();
    assert.equal(engine.modelVersion, 'v7');
    const image = { data: new Uint8Array(3), width: 1, height: 1 };
    assert.deepEqual(await engine.detect(image), []);
    await engine.detect(image);
    await engine.embed(image, { box: { x: 0, y: 0, width: 1, height: 1 }, score: 1, landmarks: [] as never });
    const text = await metrics.render();
    assert.match(text, /^hallgate_face_inference_seconds_count\{stage="detect"\} 2$/m);
    assert.match(text, /^hallgate_face_inference_seconds_count\{stage="embed"\} 1$/m);
  });
});
