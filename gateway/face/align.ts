import type { FivePoints, Point, RgbImage } from './faceEngine.ts';

/** 2x3 affine matrix [a, b, tx, c, d, ty]: x' = a x + b y + tx, y' = c x + d y + ty. */
export type Affine = [number, number, number, number, number, number];

/** ArcFace reference positions of the five points in a 112x112 crop. */
export const ARCFACE_112: FivePoints = [
  { x: 38.2946, y: 51.6963 },
  { x: 73.5318, y: 51.5014 },
  { x: 56.0252, y: 71.7366 },
  { x: 41.5493, y: 92.3655 },
  { x: 70.7299, y: 92.2041 },
];

/**
 * Least-squares similarity transform (rotation, uniform scale, translation;
 * no reflection) mapping `src` points onto `dst` points.
 */
export function similarityTransform(src: readonly Point[], dst: readonly Point[]): Affine {
  const n = Math.min(src.length, dst.length);
  if (n < 2) throw new RangeError('similarityTransform needs at least two point pairs');
  let sx = 0;
  let sy = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < n; i++) {
    sx += src[i]!.x;
    sy += src[i]!.y;
    dx += dst[i]!.x;
    dy += dst[i]!.y;
  }
  sx /= n;
  sy /= n;
  dx /= n;
  dy /= n;
  let den = 0;
  let numA = 0;
  let numB = 0;
  for (let i = 0; i < n; i++) {
    const px = src[i]!.x - sx;
    const py = src[i]!.y - sy;
    const qx = dst[i]!.x - dx;
    const qy = dst[i]!.y - dy;
    den += px * px + py * py;
    numA += px * qx + py * qy;
    numB += px * qy - py * qx;
  }
  if (den === 0) throw new RangeError('similarityTransform: source points coincide');
  const a = numA / den;
  const b = numB / den;
  return [a, -b, dx - (a * sx - b * sy), b, a, dy - (b * sx + a * sy)];
}

export function applyAffine(m: Affine, p: Point): Point {
  return { x: m[0] * p.x + m[1] * p.y + m[2], y: m[3] * p.x + m[4] * p.y + m[5] };
}

export function invertAffine(m: Affine): Affine {
  const [a, b, tx, c, d, ty] = m;
  const det = a * d - b * c;
  if (det === 0) throw new RangeError('invertAffine: singular matrix');
  const ia = d / det;
  const ib = -b / det;
  const ic = -c / det;
  const id = a / det;
  return [ia, ib, -(ia * tx + ib * ty), ic, id, -(ic * tx + id * ty)];
}

/**
 * Warps `image` by `m` (image -> crop coordinates) into a size x size crop,
 * sampled bilinearly (pixels outside the image are black), written as a
 * planar CHW float tensor with (v - mean) / std per channel.
 */
export function warpToChw(
  image: RgbImage,
  m: Affine,
  size: number,
  mean: number,
  std: number,
  out?: Float32Array,
): Float32Array {
  const plane = size * size;
  const t = out ?? new Float32Array(3 * plane);
  const inv = invertAffine(m);
  const { data, width, height } = image;
  const rgb = [0, 0, 0];
  for (let v = 0; v < size; v++) {
    for (let u = 0; u < size; u++) {
      const x = inv[0] * u + inv[1] * v + inv[2];
      const y = inv[3] * u + inv[4] * v + inv[5];
      sampleBilinear(data, width, height, x, y, rgb);
      const o = v * size + u;
      t[o] = (rgb[0]! - mean) / std;
      t[plane + o] = (rgb[1]! - mean) / std;
      t[2 * plane + o] = (rgb[2]! - mean) / std;
    }
  }
  return t;
}

/** Aligns a face to the ArcFace 112x112 template: the transform from image to crop. */
export function alignmentTransform(points: FivePoints, size = 112): Affine {
  const k = size / 112;
  return similarityTransform(
    points,
    ARCFACE_112.map((p) => ({ x: p.x * k, y: p.y * k })),
  );
}

function sampleBilinear(
  data: Uint8Array,
  width: number,
  height: number,
  x: number,
  y: number,
  out: number[],
): void {
  const x0 = Math.floor(x);
  const y0 = Math.floor(y);
  const fx = x - x0;
  const fy = y - y0;
  for (let c = 0; c < 3; c++) {
    const p00 = px(data, width, height, x0, y0, c);
    const p10 = px(data, width, height, x0 + 1, y0, c);
    const p01 = px(data, width, height, x0, y0 + 1, c);
    const p11 = px(data, width, height, x0 + 1, y0 + 1, c);
    out[c] = (p00 * (1 - fx) + p10 * fx) * (1 - fy) + (p01 * (1 - fx) + p11 * fx) * fy;
  }
}

function px(data: Uint8Array, width: number, height: number, x: number, y: number, c: number): number {
  if (x < 0 || y < 0 || x >= width || y >= height) return 0;
  return data[(y * width + x) * 3 + c]!;
}
