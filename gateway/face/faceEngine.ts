/** A decoded RGB image: 3 bytes per pixel, rows top to bottom, no padding. */
export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

/** Axis-aligned box in image pixels. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Five alignment points in image pixels, in this order: left eye, right eye,
 * nose tip, left mouth corner, right mouth corner ("left" = image left).
 */
export type FivePoints = [Point, Point, Point, Point, Point];

export interface DetectedFace {
  box: Box;
  /** Detector confidence, 0..1. */
  score: number;
  landmarks: FivePoints;
}

/**
 * A face detector + embedder on CPU. Embeddings of different engines (or
 * model versions) are not comparable: the gallery keys them by name and
 * modelVersion.
 */
export interface FaceEngine {
  readonly name: string;
  readonly modelVersion: string;
  /** Length of the vectors embed() returns. */
  readonly embeddingSize: number;
  /** Match threshold and margin that suit this engine's embeddings (cosine scales differ per model). */
  readonly matchDefaults: { threshold: number; margin: number };
  /** Loads (and verifies) the models. Throws a HallgateError on a bad model. */
  load(): Promise<void>;
  /** Faces in the image, best first. */
  detect(image: RgbImage): Promise<DetectedFace[]>;
  /** L2-normalised embedding of one detected face of the same image. */
  embed(image: RgbImage, face: DetectedFace): Promise<Float32Array>;
  close(): Promise<void>;
}

export type EngineName = 'onnx' | 'faceapi';
