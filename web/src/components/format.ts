// Display helpers: times, days and rates as people read them, in the site's
// time zone (GET /api/v1/site, set once at sign-in), never the browser's.

let zone = 'UTC';
let clockFmt = clockFormat(zone);
let dayFmt = dayFormat(zone);

function clockFormat(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

function dayFormat(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
}

function parts(fmt: Intl.DateTimeFormat, ts: number): Record<string, string> {
  const p: Record<string, string> = {};
  for (const part of fmt.formatToParts(ts)) if (part.type !== 'literal') p[part.type] = part.value;
  return p;
}

/** Sets the site's IANA time zone every later call formats in. */
export function setSiteZone(timeZone: string): void {
  zone = timeZone;
  clockFmt = clockFormat(timeZone);
  dayFmt = dayFormat(timeZone);
}

/** The site's time zone in use. */
export function siteZone(): string {
  return zone;
}

/** Local clock time 'HH:MM:SS' of an instant at the site. */
export function hhmmss(ts: number): string {
  const p = parts(clockFmt, ts);
  return `${p.hour}:${p.minute}:${p.second}`;
}

export function hhmm(ts: number | null): string {
  return ts === null ? '—' : hhmmss(ts).slice(0, 5);
}

/** The site's local day ('YYYY-MM-DD') of an instant. */
export function siteDay(ts: number): string {
  const p = parts(dayFmt, ts);
  return `${p.year}-${p.month}-${p.day}`;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** Weekday of a calendar day ('Mon'..'Sun'; a day names the same weekday in every zone). */
export function weekday(day: string): string {
  return WEEKDAYS[new Date(`${day}T00:00:00Z`).getUTCDay()]!;
}

/** Calendar arithmetic on 'YYYY-MM-DD' (zone-free). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
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
