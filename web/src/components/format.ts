// Display helpers: times, days and rates as people read them.

export function hhmm(ts: number | null): string {
  return ts === null ? '—' : new Date(ts).toISOString().slice(11, 16);
}

export function hhmmss(ts: number): string {
  return new Date(ts).toISOString().slice(11, 19);
}

export function utcDay(ts: number): string {
  return new Date(ts).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return utcDay(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000);
}

export function pct(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

export function ago(ts: number | null, now = Date.now()): string {
  if (ts === null) return 'never';
  const s = Math.max(0, Math.round((now - ts) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  return `${Math.round(s / 3600)} h ago`;
}

export function label(status: string): string {
  return status.replace('_', ' ');
}
