import { utcSite, type SiteTime } from '../../kernel/siteTime.ts';
import type { ReportInvalid } from './reportRows.ts';
import type { ReportTable } from './reportTable.ts';

interface Tally {
  attempts: number;
  unknownBadge: number;
  unknownFace: number;
  other: number;
  rawIds: Set<string>;
}

const tally = (): Tally => ({ attempts: 0, unknownBadge: 0, unknownFace: 0, other: 0, rawIds: new Set() });

function add(t: Tally, i: ReportInvalid): void {
  t.attempts++;
  if (i.reason === 'unknown_badge') t.unknownBadge++;
  else if (i.reason === 'unknown_face') t.unknownFace++;
  else t.other++;
  t.rawIds.add(i.rawId);
}

const counts = (t: Tally) => ({
  attempts: t.attempts,
  unknownBadge: t.unknownBadge,
  unknownFace: t.unknownFace,
  other: t.other,
  distinctIds: t.rawIds.size,
});

const COUNT_COLUMNS = [
  { key: 'attempts', header: 'Attempts' },
  { key: 'unknownBadge', header: 'Unknown badge' },
  { key: 'unknownFace', header: 'Unknown face' },
  { key: 'other', header: 'Other reason' },
  { key: 'distinctIds', header: 'Distinct raw ids' },
];

/** Invalid attempts per gate (and its hall), most attempts first, ties by gate id. */
export function invalidByGate(invalid: readonly ReportInvalid[]): ReportTable {
  const per = new Map<string, { hallId: string; t: Tally }>();
  for (const i of invalid) {
    let g = per.get(i.gateId);
    if (!g) per.set(i.gateId, (g = { hallId: i.hallId, t: tally() }));
    add(g.t, i);
  }
  const rows = [...per.entries()]
    .map(([gateId, g]) => ({ gateId, hallId: g.hallId, ...counts(g.t) }))
    .sort((a, b) => b.attempts - a.attempts || (a.gateId < b.gateId ? -1 : 1));
  return {
    id: 'invalid-by-gate',
    title: 'Invalid attempts by gate',
    description:
      'Unknown badges and unknown faces per gate over the range; distinct raw ids counts the different cards / face labels.',
    columns: [{ key: 'gateId', header: 'Gate' }, { key: 'hallId', header: 'Hall' }, ...COUNT_COLUMNS],
    rows,
  };
}

/** Invalid attempts per local hour of day (only hours with attempts), in hour order. */
export function invalidByHour(invalid: readonly ReportInvalid[], site: SiteTime = utcSite()): ReportTable {
  const per = new Map<number, Tally>();
  for (const i of invalid) {
    const h = site.hourOf(i.ts);
    let t = per.get(h);
    if (!t) per.set(h, (t = tally()));
    add(t, i);
  }
  const rows = [...per.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([h, t]) => ({ hour: `${String(h).padStart(2, '0')}:00`, ...counts(t) }));
  return {
    id: 'invalid-by-hour',
    title: 'Invalid attempts by hour',
    description: `Unknown badges and unknown faces per hour of the day (${site.zone}), summed over the range.`,
    columns: [{ key: 'hour', header: `Hour (${site.zone})` }, ...COUNT_COLUMNS],
    rows,
  };
}
