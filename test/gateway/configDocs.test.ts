import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ENGINE_MATCH, ruleThresholds } from '../../gateway/face/faceThreshold.ts';
import { configReference } from '../../gateway/config/configReference.ts';
import { configSchema } from '../../gateway/config/schema.ts';
import { defaultThresholds } from '../../rules/index.ts';

describe('configuration reference', () => {
  it('docs/configuration.md is what the schema generates (run `hallgate config docs docs/configuration.md`)', () => {
    const committed = readFileSync(join(import.meta.dirname, '../../docs/configuration.md'), 'utf8');
    assert.equal(committed, configReference());
  });

  it('threshold defaults are the rule engine defaults, the face threshold the camera engine\u2019s', () => {
    const cfg = configSchema.parse({});
    const { faceMinConfidence: _face, ...others } = defaultThresholds;
    assert.deepEqual(cfg.thresholds, others);
    assert.deepEqual(ruleThresholds(cfg), {
      ...defaultThresholds,
      faceMinConfidence: ENGINE_MATCH.onnx.threshold,
    });
  });
});
