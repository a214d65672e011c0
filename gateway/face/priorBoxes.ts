/**
 * Anchor ("prior") boxes of the UltraFace-style detector and the SSD box
 * coding. Priors are centre-form and normalised to the input size:
 * [cx, cy, w, h] per anchor, in the order the network emits its outputs
 * (feature level, then row, then column, then anchor size).
 */
export interface PriorConfig {
  inputWidth: number;
  inputHeight: number;
  /** Anchor sizes in input pixels, one list per feature level. */
  minSizes: number[][];
  /** Stride of each feature level in input pixels. */
  strides: number[];
  /** SSD variances: centre, size. */
  variance: [number, number];
}

export const ULTRAFACE_320: PriorConfig = {
  inputWidth: 320,
  inputHeight: 240,
  minSizes: [
    [10, 16, 24],
    [32, 48],
    [64, 96],
    [128, 192, 256],
  ],
  strides: [8, 16, 32, 64],
  variance: [0.1, 0.2],
};

/** Priors as a flat Float32Array of [cx, cy, w, h] quadruples. */
export function priorBoxes(cfg: PriorConfig): Float32Array {
  const out: number[] = [];
  cfg.strides.forEach((stride, level) => {
    const fw = Math.ceil(cfg.inputWidth / stride);
    const fh = Math.ceil(cfg.inputHeight / stride);
    const sizes = cfg.minSizes[level] ?? [];
    for (let row = 0; row < fh; row++) {
      for (let col = 0; col < fw; col++) {
        const cx = ((col + 0.5) * stride) / cfg.inputWidth;
        const cy = ((row + 0.5) * stride) / cfg.inputHeight;
        for (const s of sizes)
          out.push(clamp01(cx), clamp01(cy), clamp01(s / cfg.inputWidth), clamp01(s / cfg.inputHeight));
      }
    }
  });
  return Float32Array.from(out);
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}

/**
 * Decodes SSD location offsets against priors into corner-form boxes
 * [x1, y1, x2, y2] (normalised): centre = prior.c + loc.c * var0 * prior.wh,
 * size = prior.wh * exp(loc.wh * var1).
 */
export function decodeBoxes(
  loc: ArrayLike<number>,
  priors: Float32Array,
  variance: [number, number],
): Float32Array {
  const n = priors.length / 4;
  const out = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    const pw = priors[o + 2]!;
    const ph = priors[o + 3]!;
    const cx = priors[o]! + loc[o]! * variance[0] * pw;
    const cy = priors[o + 1]! + loc[o + 1]! * variance[0] * ph;
    const w = pw * Math.exp(loc[o + 2]! * variance[1]);
    const h = ph * Math.exp(loc[o + 3]! * variance[1]);
    out[o] = cx - w / 2;
    out[o + 1] = cy - h / 2;
    out[o + 2] = cx + w / 2;
    out[o + 3] = cy + h / 2;
  }
  return out;
}

/** The inverse of decodeBoxes: corner-form boxes back to location offsets. */
export function encodeBoxes(
  boxes: ArrayLike<number>,
  priors: Float32Array,
  variance: [number, number],
): Float32Array {
  const n = priors.length / 4;
  const out = new Float32Array(n * 4);
  for (let i = 0; i < n; i++) {
    const o = i * 4;
    const w = boxes[o + 2]! - boxes[o]!;
    const h = boxes[o + 3]! - boxes[o + 1]!;
    const cx = boxes[o]! + w / 2;
    const cy = boxes[o + 1]! + h / 2;
    out[o] = (cx - priors[o]!) / (variance[0] * priors[o + 2]!);
    out[o + 1] = (cy - priors[o + 1]!) / (variance[0] * priors[o + 3]!);
    out[o + 2] = Math.log(w / priors[o + 2]!) / variance[1];
    out[o + 3] = Math.log(h / priors[o + 3]!) / variance[1];
  }
  return out;
}
