import { utcDayOf } from './utcDay.ts';

const pad = (n: number): string => String(n).padStart(2, '0');

/** 'HH:MM:SS' (UTC) of an epoch-ms instant, for explanation texts. */
export function clockOf(ts: number): string {
  const s = Math.floor((((ts % 86_400_000) + 86_400_000) % 86_400_000) / 1000);
  return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
}

/** 'YYYY-MM-DD HH:MM:SS' (UTC). */
export function stampOf(ts: number): string {
  return `${utcDayOf(ts)} ${clockOf(ts)}`;
}

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
