import type { SiteDay } from '../rules/types.ts';

/**
 * The one module that owns "the day": the site's time zone (an IANA name)
 * turns instants into local days ('YYYY-MM-DD'), weekdays and clock times, and
 * a local day into its UTC boundaries and offsets. Everything else asks it;
 * `rules/` receives a day's offsets as data (`SiteDay`) and never sees Intl.
 */

const DAY_MS = 86_400_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const pad = (n: number): string => String(n).padStart(2, '0');

/** True when `name` is an IANA time zone this runtime knows (e.g. 'Europe/Berlin', 'UTC'). */
export function isTimeZone(name: string): boolean {
  if (name.trim() === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** [year, month (1-12), day] of a 'YYYY-MM-DD' that names a real calendar date, else null. */
export function parseDay(day: string): [number, number, number] | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== day) return null;
  return [y, mo, d];
}

/** The calendar day `n` days after `day` (zone-free calendar arithmetic). */
export function addDays(day: string, n: number): string {
  const p = parseDay(day);
  if (p === null) throw new RangeError(`not a day: ${day}`);
  return new Date(Date.UTC(p[0], p[1] - 1, p[2] + n)).toISOString().slice(0, 10);
}

/** ISO weekday of a calendar day: 0 = Monday .. 6 = Sunday (the same in every zone). */
export function weekdayOfDay(day: string): number {
  const p = parseDay(day);
  if (p === null) throw new RangeError(`not a day: ${day}`);
  return (new Date(Date.UTC(p[0], p[1] - 1, p[2])).getUTCDay() + 6) % 7;
}

interface Wall {
  day: string;
  /** Local wall time of the instant, read as if it were UTC (ms). */
  wallMs: number;
}

/** A site's clock: local days, times and offsets of one IANA time zone. */
export class SiteTime {
  readonly zone: string;
  private readonly fmt: Intl.DateTimeFormat | null;
  /** The last day named: [its first ms, its last ms + 1, its name] (most calls in a row ask for the same one). */
  private last: [from: number, to: number, day: string] = [0, 0, ''];
  /** Site days already worked out (a gateway asks for the same few days over and over). */
  private readonly siteDays = new Map<string, SiteDay>();

  constructor(zone = 'UTC') {
    if (!isTimeZone(zone))
      throw new RangeError(`unknown time zone '${zone}' (an IANA name, e.g. Europe/Berlin)`);
    this.zone = zone;
    this.fmt =
      zone === 'UTC'
        ? null
        : new Intl.DateTimeFormat('en-US', {
            timeZone: zone,
            hourCycle: 'h23',
            year: 'numeric',
            month: '2-digit',
            day: '2-digit',
            hour: '2-digit',
            minute: '2-digit',
            second: '2-digit',
          });
  }

  private wall(ts: number): Wall {
    if (!Number.isFinite(ts)) throw new RangeError(`not an instant: ${ts}`);
    if (this.fmt === null) return { day: new Date(ts).toISOString().slice(0, 10), wallMs: ts };
    const p: Record<string, number> = {};
    for (const part of this.fmt.formatToParts(ts))
      if (part.type !== 'literal') p[part.type] = Number(part.value);
    const wallMs =
      Date.UTC(p.year!, p.month! - 1, p.day, p.hour, p.minute, p.second) + (((ts % 1000) + 1000) % 1000);
    return { day: new Date(wallMs).toISOString().slice(0, 10), wallMs };
  }

  /** UTC offset (ms, local = UTC + offset) in effect at an instant. */
  offsetAt(ts: number): number {
    return this.wall(ts).wallMs - ts;
  }

  /** Local day ('YYYY-MM-DD') of an instant. */
  dayOf(ts: number): string {
    if (ts >= this.last[0] && ts < this.last[1]) return this.last[2];
    const day = this.wall(ts).day;
    const { start, end } = this.boundsOf(day);
    this.last = [start, end, day];
    return day;
  }

  /** Local clock time 'HH:MM:SS' of an instant. */
  clockOf(ts: number): string {
    const s = Math.floor((((this.wall(ts).wallMs % DAY_MS) + DAY_MS) % DAY_MS) / 1000);
    return `${pad(Math.floor(s / 3600))}:${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
  }

  /** Local wall-clock minutes after midnight of an instant (0-1439). */
  minutesOf(ts: number): number {
    return Math.floor((((this.wall(ts).wallMs % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
  }

  /** Local hour (0-23) of an instant. */
  hourOf(ts: number): number {
    return Math.floor((((this.wall(ts).wallMs % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000);
  }

  /** Local weekday of an instant: 0 = Monday .. 6 = Sunday. */
  weekdayOf(ts: number): number {
    return weekdayOfDay(this.dayOf(ts));
  }

  /**
   * The instant of a local wall time (minutes after local midnight of `day`).
   * A time that happens twice (clocks going back) is the earlier; one that does
   * not exist (clocks going forward) is moved forward by the gap, as clocks do.
   */
  instantOf(day: string, minutes: number): number {
    const p = parseDay(day);
    if (p === null) throw new RangeError(`not a day: ${day}`);
    const wall = Date.UTC(p[0], p[1] - 1, p[2]) + minutes * 60_000;
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    const valid = [before, after].map((o) => wall - o).filter((t) => this.offsetAt(t) === wall - t);
    return valid.length > 0 ? Math.min(...valid) : wall - before;
  }

  /** A local day's UTC boundaries: [start, end) (23, 24 or 25 hours long). */
  boundsOf(day: string): { start: number; end: number } {
    return { start: this.instantOf(day, 0), end: this.instantOf(addDays(day, 1), 0) };
  }

  /** A local day as the rule engine takes it: its name and the UTC offsets in effect during it. */
  siteDay(day: string): SiteDay {
    let known = this.siteDays.get(day);
    if (known === undefined) {
      if (this.siteDays.size >= 64) this.siteDays.clear();
      known = this.computeSiteDay(day);
      this.siteDays.set(day, known);
    }
    return known;
  }

  private computeSiteDay(day: string): SiteDay {
    const { start, end } = this.boundsOf(day);
    const offsets = [{ from: start, offsetMs: this.offsetAt(start) }];
    let from = start;
    // At most a few changes a day; each is found to the millisecond by bisection.
    while (this.offsetAt(end - 1) !== offsets[offsets.length - 1]!.offsetMs && from < end) {
      const o = offsets[offsets.length - 1]!.offsetMs;
      let lo = from;
      let hi = end - 1;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (this.offsetAt(mid) === o) lo = mid;
        else hi = mid;
      }
      offsets.push({ from: hi, offsetMs: this.offsetAt(hi) });
      from = hi;
    }
    return { day, offsets };
  }
}

const UTC_SITE = new SiteTime('UTC');
/** The UTC site (the default zone). */
export function utcSite(): SiteTime {
  return UTC_SITE;
}
