import type { GalleryVectors } from '../../gateway/face/gallery.ts';
import { Matcher } from '../../gateway/face/matcher.ts';
import { identityOf } from './variants.ts';

/** One probe view's embedding (null: no face found). */
export interface ScoredProbe {
  personId: string;
  embedding: Float32Array | null;
}

/**
 * How far above the highest impostor score of the calibration set the threshold
 * goes: a tenth of the span between the engine's impostor and genuine scores
 * (onnx: impostors about 0-0.4, genuine 0.6-1.0; face-api's normalised
 * descriptors sit together: impostors 0.85-0.95, genuine 0.95-1.0).
 */
export const SAFETY_BAND: Record<string, number> = { onnx: 0.1, faceapi: 0.01 };

export interface Calibration {
  /** Identities kept out of the calibration (every third, sorted by id). */
  heldOut: string[];
  /** Highest best-match score of a calibration impostor against the calibration gallery. */
  impostorMax: number;
  /** impostorMax + band, rounded up to 0.005. */
  threshold: number;
  /** False accepts among calibration impostors at (threshold, margin). */
  calibrationFalseAccepts: number;
  calibrationImpostors: number;
  /** Held-out probes matched to anyone by a gallery of every calibration identity. */
  heldOutFalseAccepts: number;
  heldOutProbes: number;
}

/**
 * Calibrates an engine's threshold on the fixtures with a held-out set: the
 * identities are split into calibration (two thirds) and held-out (every
 * third); within calibration, every other identity is enrolled and the rest are
 * impostors. The threshold is the highest impostor score plus the band, so no
 * calibration impostor is accepted; the held-out identities then probe a
 * gallery of every calibration identity, which they never saw.
 */
export function calibrate(
  probes: readonly ScoredProbe[],
  gallery: GalleryVectors,
  margin: number,
  band: number,
): Calibration {
  const ids = [...new Set(probes.map((p) => identityOf(p.personId)))].sort();
  const heldOut = ids.filter((_, k) => k % 3 === 2);
  const cal = ids.filter((id) => !heldOut.includes(id));
  const enrolled = new Set(cal.filter((_, k) => k % 2 === 0));
  const only = (keep: (id: string) => boolean): GalleryVectors =>
    new Map([...gallery].filter(([id]) => keep(id)));
  const impostors = probes.filter(
    (p) =>
      p.embedding !== null && cal.includes(identityOf(p.personId)) && !enrolled.has(identityOf(p.personId)),
  );
  const open = new Matcher(
    only((id) => enrolled.has(id)),
    { threshold: 2, margin },
  );
  const impostorMax = Math.max(...impostors.map((p) => open.match(p.embedding!).score));
  const threshold = Number((Math.ceil((impostorMax + band) / 0.005 - 1e-9) * 0.005).toFixed(3));
  const calOpen = new Matcher(
    only((id) => enrolled.has(id)),
    { threshold, margin },
  );
  const calAll = new Matcher(
    only((id) => cal.includes(id)),
    { threshold, margin },
  );
  const held = probes.filter((p) => heldOut.includes(identityOf(p.personId)));
  return {
    heldOut,
    impostorMax,
    threshold,
    calibrationFalseAccepts: impostors.filter((p) => calOpen.match(p.embedding!).studentId !== null).length,
    calibrationImpostors: impostors.length,
    heldOutFalseAccepts: held.filter(
      (p) => p.embedding !== null && calAll.match(p.embedding).studentId !== null,
    ).length,
    heldOutProbes: held.length,
  };
}
