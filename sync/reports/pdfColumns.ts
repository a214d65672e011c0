/** Widths of a column's content, in points, as measured with the table's fonts. */
export interface ColumnMeasure {
  /** The widest cell or header on one line, padding included. */
  natural: number;
  /** The widest single word (cell or header), padding included: narrower, a word breaks. */
  word: number;
}

/** A column whose natural width is at most this share of the table stays whole on one line. */
export const SHORT_SHARE = 0.3;

/**
 * Column widths filling `total`, in the spirit of HTML's automatic table
 * layout. When every column fits on one line, widths are proportional to
 * the natural ones (as before). Otherwise the short columns (natural width
 * at most SHORT_SHARE of the table: ids, names, statuses, times, counts)
 * keep their natural width, the long ones (an explanation) get at least
 * their widest word, and the room left goes to the long ones in proportion
 * to what they lack, so their cells wrap onto more lines instead of pushing
 * the short columns down to '...'. Only when even that does not fit (very
 * many columns) are the widest floors cut down to one common width, so the
 * narrowest columns (ids, counts) still stay whole.
 */
export function columnWidths(cols: readonly ColumnMeasure[], total: number): number[] {
  const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
  const natural = cols.map((c) => c.natural);
  if (sum(natural) <= total) return natural.map((w) => (w / sum(natural)) * total);
  const floor = cols.map((c) => (c.natural <= SHORT_SHARE * total ? c.natural : Math.min(c.word, c.natural)));
  const floorSum = sum(floor);
  if (floorSum > total) return capped(floor, total);
  const lack = cols.map((c, i) => c.natural - floor[i]!);
  const lackSum = sum(lack);
  return floor.map((w, i) => w + (lackSum === 0 ? 0 : ((total - floorSum) * lack[i]!) / lackSum));
}

/** `ws` with every width above a common level cut to it, the level chosen so the sum is `total`. */
function capped(ws: readonly number[], total: number): number[] {
  const sorted = [...ws].sort((a, b) => a - b);
  let below = 0;
  for (const [i, w] of sorted.entries()) {
    const level = (total - below) / (sorted.length - i);
    if (w >= level) return ws.map((x) => Math.min(x, level));
    below += w;
  }
  return [...ws];
}
