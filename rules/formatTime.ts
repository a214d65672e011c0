const pad = (n: number): string => String(n).padStart(2, '0');

/** A duration in ms as '1h02m03s' / '12m00s' / '45s'. */
export function durationOf(ms: number): string {
  const s = Math.round(ms / 1000);
  const sign = s < 0 ? '-' : '';
  const a = Math.abs(s);
  const h = Math.floor(a / 3600);
  const m = Math.floor(a / 60) % 60;
  const sec = a % 60;
  if (h > 0) return `${sign}${h}h${pad(m)}m${pad(sec)}s`;
  if (m > 0) return `${sign}${m}m${pad(sec)}s`;
  return `${sign}${sec}s`;
}
