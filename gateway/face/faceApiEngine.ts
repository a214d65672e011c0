import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Box, DetectedFace, FaceEngine, FivePoints, Point, RgbImage } from './faceEngine.ts';
import { l2normalise } from './onnxFaceEngine.ts';
import { HallgateError } from '../../kernel/errors.ts';

import type * as FaceApiModule from '@vladmandic/face-api/dist/face-api.node-wasm.js';
import type * as TfModule from '@tensorflow/tfjs';
import { ENGINE_MATCH } from './faceThreshold.ts';
import type * as TfWasmModule from '@tensorflow/tfjs-backend-wasm';

type FaceApi = typeof FaceApiModule;
type Tf = typeof TfModule;
type TfWasm = typeof TfWasmModule;

const require = createRequire(import.meta.url);

export interface FaceApiEngineOptions {
  /** 'ssd' (SSD MobileNet v1, default, finds more faces) or 'tiny' (Tiny Face Detector, faster). */
  detector?: 'ssd' | 'tiny';
  /** Detector score needed to report a face (default 0.3: face-api's SSD scores close-ups low). */
  scoreThreshold?: number;
  /** Tiny detector input size (multiple of 32, default 416). */
  tinyInputSize?: number;
}

let backendReady: Promise<void> | undefined;

/** WASM backend, its .wasm files read from node_modules (never a CDN); once per process. */
function initBackend(tf: Tf, wasm: TfWasm): Promise<void> {
  backendReady ??= (async () => {
    const dir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
    wasm.setWasmPaths(`${dir}/`);
    if (!(await tf.setBackend('wasm')))
      throw new HallgateError('MODEL_LOAD_FAILED', 'tfjs WASM backend failed to start');
    await tf.ready();
  })();
  return backendReady;
}

/**
 * The second engine: @vladmandic/face-api on tfjs with the WASM backend
 * (SSD MobileNet or Tiny Face Detector, 68 landmarks, 128-d recognition net),
 * weights from the package's own model/ folder.
 */
export class FaceApiEngine implements FaceEngine {
  readonly name = 'faceapi';
  readonly embeddingSize = 128;
  readonly matchDefaults = ENGINE_MATCH.faceapi;
  modelVersion = '';
  private api?: FaceApi;
  private tf?: Tf;
  /** The aligned crop face-api's recognition net expects, per detected face. */
  private readonly alignBoxes = new WeakMap<DetectedFace, Box>();

  constructor(private readonly opts: FaceApiEngineOptions = {}) {}

  async load(): Promise<void> {
    try {
      const tf = require('@tensorflow/tfjs') as Tf;
      const wasm = require('@tensorflow/tfjs-backend-wasm') as TfWasm;
      const api = require('@vladmandic/face-api/dist/face-api.node-wasm.js') as FaceApi;
      await initBackend(tf, wasm);
      const modelDir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
      const detector = this.opts.detector ?? 'ssd';
      if (detector === 'ssd') await api.nets.ssdMobilenetv1.loadFromDisk(modelDir);
      else await api.nets.tinyFaceDetector.loadFromDisk(modelDir);
      await api.nets.faceLandmark68Net.loadFromDisk(modelDir);
      await api.nets.faceRecognitionNet.loadFromDisk(modelDir);
      this.api = api;
      this.tf = tf;
      const pkg = require('@vladmandic/face-api/package.json') as { version: string };
      this.modelVersion = `face-api@${pkg.version}/recognition-128`;
    } catch (err) {
      if (err instanceof HallgateError) throw err;
      throw new HallgateError('MODEL_LOAD_FAILED', 'face-api engine could not load its models', {
        cause: err,
      });
    }
  }

  async detect(image: RgbImage): Promise<DetectedFace[]> {
    const { api, tf } = this.need();
    const input = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    try {
      const options =
        (this.opts.detector ?? 'ssd') === 'ssd'
          ? new api.SsdMobilenetv1Options({ minConfidence: this.opts.scoreThreshold ?? 0.3, maxResults: 50 })
          : new api.TinyFaceDetectorOptions({
              inputSize: this.opts.tinyInputSize ?? 416,
              scoreThreshold: this.opts.scoreThreshold ?? 0.3,
            });
      const found = await api.detectAllFaces(input, options).withFaceLandmarks();
      const faces: DetectedFace[] = found
        .map((r) => {
          const b = r.detection.box;
          const pts = r.landmarks.positions;
          const pt = (i: number): Point => ({ x: pts[i]!.x, y: pts[i]!.y });
          const face: DetectedFace = {
            box: { x: b.x, y: b.y, width: b.width, height: b.height },
            score: r.detection.score,
            landmarks: fivePoints(pt),
          };
          const a = r.alignedRect.box;
          this.alignBoxes.set(face, { x: a.x, y: a.y, width: a.width, height: a.height });
          return face;
        })
        .sort((a, b) => b.score - a.score);
      return faces;
    } finally {
      input.dispose();
    }
  }

  async embed(image: RgbImage, face: DetectedFace): Promise<Float32Array> {
    const { api, tf } = this.need();
    const box = this.alignBoxes.get(face) ?? face.box;
    const input = tf.tensor3d(image.data, [image.height, image.width, 3], 'int32');
    let crops: { dispose(): void }[] = [];
    try {
      crops = await api.extractFaceTensors(input as never, [
        new api.Rect(box.x, box.y, box.width, box.height),
      ]);
      const d = await api.nets.faceRecognitionNet.computeFaceDescriptor(crops[0]);
      return l2normalise(Array.isArray(d) ? d[0]! : d);
    } finally {
      input.dispose();
      for (const c of crops) c.dispose();
    }
  }

  close(): Promise<void> {
    // The nets are process-wide singletons inside face-api; nothing per instance to free.
    this.api = undefined;
    return Promise.resolve();
  }

  private need(): { api: FaceApi; tf: Tf } {
    if (!this.api || !this.tf) throw new HallgateError('ENGINE_NOT_LOADED', 'face engine used before load()');
    return { api: this.api, tf: this.tf };
  }
}

function fivePoints(pt: (i: number) => Point): FivePoints {
  const mean = (...idx: number[]): Point => {
    const ps = idx.map(pt);
    return { x: ps.reduce((s, p) => s + p.x, 0) / ps.length, y: ps.reduce((s, p) => s + p.y, 0) / ps.length };
  };
  return [mean(36, 37, 38, 39, 40, 41), mean(42, 43, 44, 45, 46, 47), pt(30), pt(48), pt(54)];
}
