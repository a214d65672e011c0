import * as ort from 'onnxruntime-node';
import { alignmentTransform, warpToChw } from './align.ts';
import type { Box, DetectedFace, FaceEngine, FivePoints, Point, RgbImage } from './faceEngine.ts';
import { DEFAULT_ONNX_MODEL_DIR, loadVerifiedModel, readManifest } from './modelManifest.ts';
import { nms } from './nms.ts';
import { regionToChw, toGray, type Region } from './resample.ts';
import { HallgateError } from '../../kernel/errors.ts';
import { ENGINE_MATCH } from './faceThreshold.ts';

export interface OnnxEngineOptions {
  /** Folder with manifest.json and the .onnx files (default models/onnx/). */
  modelDir?: string;
  /** Detector score needed to report a face (default 0.7). */
  scoreThreshold?: number;
  /** IoU above which overlapping detections are merged (default 0.4). */
  nmsIou?: number;
  /** Most faces reported per image (default 50). */
  maxFaces?: number;
  /** onnxruntime intra-op threads (default: runtime's choice). */
  threads?: number;
}

const DET_W = 320;
const DET_H = 240;
const LM_SIZE = 64;
const EMB_SIZE = 112;

/**
 * The default engine: an UltraFace-style detector (320x240), a 68-point
 * landmark net (64x64 grey crop) and an ArcFace-style embedder (112x112
 * aligned crop, 512-d), all ONNX on onnxruntime-node, CPU only.
 *
 * The shipped detector graph already applies the prior-box decoding (its
 * `boxes` output is corner-form, normalised); priorBoxes.ts holds the same
 * anchor layout and coding, checked against this model in the tests.
 */
export class OnnxFaceEngine implements FaceEngine {
  readonly name = 'onnx';
  readonly embeddingSize = 512;
  readonly matchDefaults = ENGINE_MATCH.onnx;
  modelVersion = '';
  private detector?: ort.InferenceSession;
  private landmarker?: ort.InferenceSession;
  private embedder?: ort.InferenceSession;
  private readonly detInput = new Float32Array(3 * DET_W * DET_H);

  constructor(private readonly opts: OnnxEngineOptions = {}) {}

  async load(): Promise<void> {
    const dir = this.opts.modelDir ?? DEFAULT_ONNX_MODEL_DIR;
    const manifest = readManifest(dir);
    const det = loadVerifiedModel(dir, manifest, 'detector');
    const lm = loadVerifiedModel(dir, manifest, 'landmarks');
    const emb = loadVerifiedModel(dir, manifest, 'embedder');
    const so: ort.InferenceSession.SessionOptions = {
      graphOptimizationLevel: 'all',
      executionProviders: ['cpu'],
    };
    if (this.opts.threads) so.intraOpNumThreads = this.opts.threads;
    try {
      this.detector = await ort.InferenceSession.create(det, so);
      this.landmarker = await ort.InferenceSession.create(lm, so);
      this.embedder = await ort.InferenceSession.create(emb, so);
    } catch (err) {
      throw new HallgateError('MODEL_LOAD_FAILED', `onnxruntime could not load the face models in ${dir}`, {
        cause: err,
      });
    }
    this.modelVersion = `${manifest.modelVersion}#${manifest.files.embedder!.sha256.slice(0, 12)}`;
  }

  async detect(image: RgbImage): Promise<DetectedFace[]> {
    const detector = this.need(this.detector);
    // Letterbox to the detector's 4:3 (padding right/bottom) so faces keep their shape.
    const frame = { x: 0, y: 0, width: Math.max(image.width, (image.height * DET_W) / DET_H), height: 0 };
    frame.height = Math.max(image.height, (frame.width * DET_H) / DET_W);
    frame.width = (frame.height * DET_W) / DET_H;
    regionToChw(image, frame, DET_W, DET_H, 127, 128, this.detInput);
    const out = await detector.run({ input: new ort.Tensor('float32', this.detInput, [1, 3, DET_H, DET_W]) });
    const scores = out.scores!.data as Float32Array;
    const boxes = out.boxes!.data as Float32Array;
    const threshold = this.opts.scoreThreshold ?? 0.7;
    const candidates: { box: Box; score: number }[] = [];
    for (let i = 0; i < scores.length / 2; i++) {
      const score = scores[i * 2 + 1]!;
      if (score < threshold) continue;
      const x1 = boxes[i * 4]! * frame.width;
      const y1 = boxes[i * 4 + 1]! * frame.height;
      const x2 = boxes[i * 4 + 2]! * frame.width;
      const y2 = boxes[i * 4 + 3]! * frame.height;
      if (x2 <= x1 || y2 <= y1) continue;
      candidates.push({ box: { x: x1, y: y1, width: x2 - x1, height: y2 - y1 }, score });
    }
    const kept = nms(candidates, this.opts.nmsIou ?? 0.4, this.opts.maxFaces ?? 50);
    const faces: DetectedFace[] = [];
    for (const k of kept)
      faces.push({
        box: clipBox(k.box, image),
        score: k.score,
        landmarks: await this.landmarks(image, k.box),
      });
    return faces;
  }

  async embed(image: RgbImage, face: DetectedFace): Promise<Float32Array> {
    const embedder = this.need(this.embedder);
    const input = warpToChw(image, alignmentTransform(face.landmarks, EMB_SIZE), EMB_SIZE, 127, 128);
    const out = await embedder.run({ input: new ort.Tensor('float32', input, [1, 3, EMB_SIZE, EMB_SIZE]) });
    return l2normalise(out.output!.data as Float32Array);
  }

  async close(): Promise<void> {
    for (const s of [this.detector, this.landmarker, this.embedder]) await s?.release();
    this.detector = this.landmarker = this.embedder = undefined;
  }

  /** 68 points on a square crop around the box, reduced to the five alignment points. */
  private async landmarks(image: RgbImage, box: Box): Promise<FivePoints> {
    const landmarker = this.need(this.landmarker);
    const region = squareRegion(box);
    const input = toGray(image, region, LM_SIZE, LM_SIZE, 256);
    const out = await landmarker.run({ input: new ort.Tensor('float32', input, [1, 1, LM_SIZE, LM_SIZE]) });
    const p = out.output!.data as Float32Array;
    const pt = (i: number): Point => ({
      x: region.x + p[i * 2]! * region.width,
      y: region.y + p[i * 2 + 1]! * region.height,
    });
    return fivePointsFrom68(pt);
  }

  private need(s: ort.InferenceSession | undefined): ort.InferenceSession {
    if (!s) throw new HallgateError('ENGINE_NOT_LOADED', 'face engine used before load()');
    return s;
  }
}

/** The square the landmark net was trained on: side = box height, same centre. */
export function squareRegion(box: Box): Region {
  const side = box.height;
  return { x: box.x + box.width / 2 - side / 2, y: box.y, width: side, height: side };
}

/** 68-point (iBUG) layout to five points: eye centres, nose tip, mouth corners. */
export function fivePointsFrom68(pt: (i: number) => Point): FivePoints {
  const mean = (...idx: number[]): Point => {
    let x = 0;
    let y = 0;
    for (const i of idx) {
      const q = pt(i);
      x += q.x;
      y += q.y;
    }
    return { x: x / idx.length, y: y / idx.length };
  };
  return [mean(37, 38, 40, 41), mean(43, 44, 46, 47), pt(30), mean(48, 60), mean(54, 64)];
}

export function l2normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! / n;
  return out;
}

function clipBox(b: Box, image: RgbImage): Box {
  const x1 = Math.max(0, b.x);
  const y1 = Math.max(0, b.y);
  const x2 = Math.min(image.width, b.x + b.width);
  const y2 = Math.min(image.height, b.y + b.height);
  return { x: x1, y: y1, width: Math.max(0, x2 - x1), height: Math.max(0, y2 - y1) };
}
