import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.ts';
import { validateConfig } from '../../gateway/config/loadConfig.ts';
import { FaceApiEngine } from '../../gateway/face/faceApiEngine.ts';
import { ENGINE_MATCH, matchSettingOf, ruleThresholds } from '../../gateway/face/faceThreshold.ts';
import { OnnxFaceEngine } from '../../gateway/face/onnxFaceEngine.ts';
import { GatewayCore } from '../../gateway/gatewayCore.ts';
import { createLogger } from '../../kernel/log.ts';
import { tempDir } from '../helpers/tempDir.ts';

const dir = tempDir();

describe('one face threshold per engine, used by the engine and the rules', () => {
  const cases: { name: string; raw: object; match: number; rules: number }[] = [
    { name: 'default (onnx)', raw: {}, match: 0.495, rules: 0.495 },
    { name: 'faceapi', raw: { camera: { engine: 'faceapi' } }, match: 0.96, rules: 0.96 },
    { name: 'camera.matchThreshold set', raw: { camera: { matchThreshold: 0.5 } }, match: 0.5, rules: 0.5 },
    {
      name: 'thresholds.faceMinConfidence set: a deliberate stricter rule',
      raw: { thresholds: { faceMinConfidence: 0.7 } },
      match: 0.495,
      rules: 0.7,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const cfg = validateConfig(c.raw);
      assert.equal(matchSettingOf(cfg.camera).threshold, c.match);
      assert.equal(ruleThresholds(cfg).faceMinConfidence, c.rules);
    });
  }

  it('the engines take their match defaults from the same table', () => {
    assert.equal(new OnnxFaceEngine().matchDefaults, ENGINE_MATCH.onnx);
    assert.equal(new FaceApiEngine().matchDefaults, ENGINE_MATCH.faceapi);
  });

  it('a face the onnx engine matched at 0.52 (between its threshold 0.495 and the old 0.6) counts as attendance', () => {
    const cfg = validateConfig({
      store: { path: join(dir, 'face.db') },
      pipeline: { classifierThread: false },
      camera: { enabled: true, input: 'x.mp4' },
    });
    const t = Date.parse('2026-03-02T08:58:00Z');
    const core = new GatewayCore(cfg, new ManualClock(t + 120 * 60_000), createLogger({ level: 'silent' }));
    const hallId = cfg.gateway.hallId;
    core.store.tx(() => {
      core.store.upsertStudent({ studentId: 'S1', name: 'Ann', cardUid: null }, 0);
      core.store.upsertEnrolment('S1', 'C1');
      core.store.upsertSession({
        sessionId: 'L1',
        courseId: 'C1',
        hallId,
        start: t + 120_000,
        end: t + 92 * 60_000,
      });
    });
    core.pipeline.ingest({
      kind: 'face',
      event: {
        eventId: 'f1',
        source: 'face',
        studentId: 'S1',
        rawId: 'S1',
        gateId: 'cam-1',
        hallId,
        direction: 'unknown',
        ts: t,
        confidence: 0.52,
      },
    });
    core.pipeline.settle();
    const [rec] = core.store.listRecords({ studentId: 'S1' });
    assert.equal(rec?.status, 'present', JSON.stringify(rec?.explanations.map((e) => e.text)));
    assert.ok(!rec.flags.includes('face_low_confidence'));
    core.store.close();
  });
});
