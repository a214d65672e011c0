import type { RgbImage } from './faceEngine.ts';

/** A rectangle of the source image, in pixels (may extend past its edges). */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Resamples `region` of `image` to outW x outH, calling `put(i, r, g, b)` for
 * each output pixel i (row-major). Downscaling averages the source pixels each
 * output pixel covers (area filter, no aliasing on large frames); upscaling is
 * bilinear. Pixels outside the image count as black.
 */
export function resampleRegion(
  image: RgbImage,
  region: Region,
  outW: number,
  outH: number,
  put: (i: number, r: number, g: number, b: number) => void,
): void {
  const { data, width, height } = image;
  const sx = region.width / outW;
  const sy = region.height / outH;
  const area = sx > 1 || sy > 1;
  for (let oy = 0; oy < outH; oy++) {
    for (let ox = 0; ox < outW; ox++) {
      let r = 0;
      let g = 0;
      let b = 0;
      if (area) {
        const x0 = Math.floor(region.x + ox * sx);
        const x1 = Math.max(x0 + 1, Math.floor(region.x + (ox + 1) * sx));
        const y0 = Math.floor(region.y + oy * sy);
        const y1 = Math.max(y0 + 1, Math.floor(region.y + (oy + 1) * sy));
        let n = 0;
        for (let y = y0; y < y1; y++) {
          for (let x = x0; x < x1; x++) {
            n++;
            if (x < 0 || y < 0 || x >= width || y >= height) continue;
            const p = (y * width + x) * 3;
            r += data[p]!;
            g += data[p + 1]!;
            b += data[p + 2]!;
          }
        }
        r /= n;
        g /= n;
        b /= n;
      } else {
        const fxs = region.x + (ox + 0.5) * sx - 0.5;
        const fys = region.y + (oy + 0.5) * sy - 0.5;
        const x0 = Math.floor(fxs);
        const y0 = Math.floor(fys);
        const fx = fxs - x0;
        const fy = fys - y0;
        for (let c = 0; c < 3; c++) {
          const v =
            (at(data, width, height, x0, y0, c) * (1 - fx) + at(data, width, height, x0 + 1, y0, c) * fx) *
              (1 - fy) +
            (at(data, width, height, x0, y0 + 1, c) * (1 - fx) +
              at(data, width, height, x0 + 1, y0 + 1, c) * fx) *
              fy;
          if (c === 0) r = v;
          else if (c === 1) g = v;
          else b = v;
        }
      }
      put(oy * outW + ox, r, g, b);
    }
  }
}

function at(data: Uint8Array, width: number, height: number, x: number, y: number, c: number): number {
  const cx = Math.min(width - 1, Math.max(0, x));
  const cy = Math.min(height - 1, Math.max(0, y));
  if (x < -1 || y < -1 || x > width || y > height) return 0;
  return data[(cy * width + cx) * 3 + c]!;
}

/** Whole image to a planar CHW float tensor, (v - mean) / std. */
export function toChw(
  image: RgbImage,
  outW: number,
  outH: number,
  mean: number,
  std: number,
  out?: Float32Array,
): Float32Array {
  return regionToChw(
    image,
    { x: 0, y: 0, width: image.width, height: image.height },
    outW,
    outH,
    mean,
    std,
    out,
  );
}

/** A region (outside the image: black) to a planar CHW float tensor, (v - mean) / std. */
export function regionToChw(
  image: RgbImage,
  region: Region,
  outW: number,
  outH: number,
  mean: number,
  std: number,
  out?: Float32Array,
): Float32Array {
  const plane = outW * outH;
  const t = out ?? new Float32Array(3 * plane);
  resampleRegion(image, region, outW, outH, (i, r, g, b) => {
    t[i] = (r - mean) / std;
    t[plane + i] = (g - mean) / std;
    t[2 * plane + i] = (b - mean) / std;
  });
  return t;
}

/** A region to a single-channel (luma) tensor scaled by 1/divisor. */
export function toGray(
  image: RgbImage,
  region: Region,
  outW: number,
  outH: number,
  divisor: number,
  out?: Float32Array,
): Float32Array {
  const t = out ?? new Float32Array(outW * outH);
  resampleRegion(image, region, outW, outH, (i, r, g, b) => {
    t[i] = (0.299 * r + 0.587 * g + 0.114 * b) / divisor;
  });
  return t;
}
