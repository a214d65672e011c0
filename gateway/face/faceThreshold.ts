import type { Thresholds } from '../../rules/types.ts';
import type { CameraConfig, Config } from '../config/schema.ts';
import type { EngineName } from './faceEngine.ts';

/**
 * Each engine's match setting: the one face threshold. The engine accepts a
 * match at or above `threshold` (with `margin` over the runner-up), and the
 * rules count a face at or above the same value (thresholds.faceMinConfidence
 * defaults to it), so a student the engine recognised is never ignored.
 */
export const ENGINE_MATCH: Readonly<Record<EngineName, Readonly<EngineMatch>>> = {
  onnx: { threshold: 0.495, margin: 0.05, minEnrolScore: 0.7 },
  /** face-api descriptors sit close together: euclidean 0.6 (its own rule of thumb) is cosine 0.82 once normalised. */
  faceapi: { threshold: 0.96, margin: 0.02, minEnrolScore: 0.5 },
};

export interface EngineMatch {
  /** Cosine similarity a match needs. */
  threshold: number;
  /** Lead over the second-best identity a match needs. */
  margin: number;
  /** Lowest detector score of an enrolment photo's face (a doubtful face is not a reference). */
  minEnrolScore: number;
}

/** An engine's match setting by its name (undefined for an engine not in the table). */
export function engineMatchOf(name: string): Readonly<EngineMatch> | undefined {
  return (ENGINE_MATCH as Readonly<Record<string, Readonly<EngineMatch>>>)[name];
}

/** The camera's match threshold and margin: configured, else its engine's. */
export function matchSettingOf(camera: Pick<CameraConfig, 'engine' | 'matchThreshold' | 'matchMargin'>): {
  threshold: number;
  margin: number;
} {
  const d = ENGINE_MATCH[camera.engine];
  return { threshold: camera.matchThreshold ?? d.threshold, margin: camera.matchMargin ?? d.margin };
}

/** The rule engine's thresholds: faceMinConfidence, unless configured, is the camera's match threshold. */
export function ruleThresholds(cfg: Pick<Config, 'thresholds' | 'camera'>): Thresholds {
  return {
    ...cfg.thresholds,
    faceMinConfidence: cfg.thresholds.faceMinConfidence ?? matchSettingOf(cfg.camera).threshold,
  };
}
