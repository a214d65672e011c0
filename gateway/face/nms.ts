import type { Box } from './faceEngine.ts';

/** Intersection over union of two boxes (0 when either is empty). */
export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

export interface Scored {
  box: Box;
  score: number;
}

/**
 * Greedy non-maximum suppression: keeps the highest-scoring box, drops every
 * box overlapping it by more than `iouThreshold`, repeats. Returns the kept
 * items, best first, at most `maxResults`.
 */
export function nms<T extends Scored>(items: readonly T[], iouThreshold: number, maxResults = Infinity): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  const suppressed = new Uint8Array(sorted.length);
  for (let i = 0; i < sorted.length && kept.length < maxResults; i++) {
    if (suppressed[i]) continue;
    const a = sorted[i]!;
    kept.push(a);
    for (let j = i + 1; j < sorted.length; j++) {
      if (!suppressed[j] && iou(a.box, sorted[j]!.box) > iouThreshold) suppressed[j] = 1;
    }
  }
  return kept;
}
