import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Clock } from '../../kernel/clock.ts';
import { decodeImage } from './decodeImage.ts';
import type { FaceEngine } from './faceEngine.ts';
import { engineMatchOf } from './faceThreshold.ts';
import type { GalleryStore } from './gallery.ts';

export type EnrollErrorCode =
  | 'ENROLL_UNREADABLE'
  | 'ENROLL_NO_FACE'
  | 'ENROLL_SEVERAL_FACES'
  | 'ENROLL_FACE_TOO_SMALL'
  | 'ENROLL_LOW_SCORE';

export interface PhotoReport {
  photo: string;
  ok: boolean;
  code?: EnrollErrorCode;
  message?: string;
  /** Detector score of the face (quality). */
  detScore?: number;
  /** Face size in pixels, shorter side of the box (quality). */
  facePx?: number;
  /** False when the same photo was already enrolled with this model. */
  added?: boolean;
}

export interface EnrollResult {
  studentId: string;
  /** True when every photo passed and its embedding is stored. */
  ok: boolean;
  stored: number;
  photos: PhotoReport[];
}

export interface EnrollOptions {
  /** Smallest accepted face, shorter side in pixels (default 80). */
  minFacePx?: number;
  /** Lowest accepted detector score (default: the engine's minEnrolScore, 0.7 onnx, 0.5 face-api). */
  minDetScore?: number;
}

export interface EnrollDeps {
  engine: FaceEngine;
  gallery: GalleryStore;
  clock: Clock;
}

/**
 * Enrols a student from photos: each must hold exactly one face, big enough.
 * All or nothing: if any photo fails, nothing is stored and every photo's
 * problem is reported. Only embeddings are stored, never the photos.
 */
export async function enrollStudent(
  deps: EnrollDeps,
  studentId: string,
  photos: string[],
  opts: EnrollOptions = {},
): Promise<EnrollResult> {
  const minFacePx = opts.minFacePx ?? 80;
  const minDetScore = opts.minDetScore ?? engineMatchOf(deps.engine.name)?.minEnrolScore ?? 0;
  const reports: PhotoReport[] = [];
  const ready: { vector: Float32Array; detScore: number; facePx: number; photoTag: string }[] = [];
  for (const photo of photos) {
    let bytes: Buffer;
    let image;
    try {
      bytes = await readFile(photo);
      image = await decodeImage(bytes);
    } catch (err) {
      reports.push({
        photo,
        ok: false,
        code: 'ENROLL_UNREADABLE',
        message: `cannot read image: ${(err as Error).message}`,
      });
      continue;
    }
    const faces = await deps.engine.detect(image);
    if (faces.length === 0) {
      reports.push({ photo, ok: false, code: 'ENROLL_NO_FACE', message: 'no face found' });
      continue;
    }
    if (faces.length > 1) {
      reports.push({
        photo,
        ok: false,
        code: 'ENROLL_SEVERAL_FACES',
        message: `${faces.length} faces found; use a photo of this student alone`,
      });
      continue;
    }
    const face = faces[0]!;
    const facePx = Math.round(Math.min(face.box.width, face.box.height));
    if (facePx < minFacePx) {
      reports.push({
        photo,
        ok: false,
        code: 'ENROLL_FACE_TOO_SMALL',
        message: `face is ${facePx} px, at least ${minFacePx} px needed`,
        detScore: face.score,
        facePx,
      });
      continue;
    }
    if (face.score < minDetScore) {
      reports.push({
        photo,
        ok: false,
        code: 'ENROLL_LOW_SCORE',
        message: `detector score ${face.score.toFixed(3)} is below ${minDetScore}: not clearly a face; use a sharper, frontal photo`,
        detScore: face.score,
        facePx,
      });
      continue;
    }
    const vector = await deps.engine.embed(image, face);
    const photoTag = createHash('sha256').update(bytes).digest('hex').slice(0, 16);
    ready.push({ vector, detScore: face.score, facePx, photoTag });
    reports.push({ photo, ok: true, detScore: face.score, facePx });
  }
  const ok = photos.length > 0 && reports.every((r) => r.ok);
  let stored = 0;
  if (ok) {
    const now = deps.clock.now();
    ready.forEach((r, i) => {
      const added = deps.gallery.add(
        { studentId, engine: deps.engine.name, modelVersion: deps.engine.modelVersion, ...r },
        now,
      );
      reports[i]!.added = added;
      if (added) stored++;
    });
  }
  return { studentId, ok, stored, photos: reports };
}
