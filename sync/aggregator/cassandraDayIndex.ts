import cassandra from 'cassandra-driver';
import { lectureOf, type CentralBatch } from './centralStore.ts';

const { types } = cassandra;
type Row = cassandra.types.Row;

/** A prepared read at the store's read consistency, every page. */
export type Select = (cql: string, params: unknown[]) => Promise<Row[]>;
export type Write = [cql: string, params: unknown[]];

/** The one partition of data_days. */
const DAYS_BUCKET = 0;

/**
 * The day index rows (cql/003_day_indexes.cql) a batch needs: its days, its
 * lectures per day and its sessions per day, each once. Keys only, so a
 * replay rewrites the same cells. Written with the batch's data; the batch
 * is acknowledged only once both are.
 */
export function dayIndexWrites(ks: string, b: CentralBatch): Write[] {
  const days = new Set<string>();
  const lectures = new Map<string, [string, string]>();
  const sessions = new Map<string, [string, string]>();
  for (const e of b.events) {
    days.add(e.day);
    const lecture = lectureOf(e);
    lectures.set(`${e.day}\0${lecture}`, [e.day, lecture]);
  }
  for (const r of b.records) {
    days.add(r.day);
    sessions.set(`${r.day}\0${r.sessionId}`, [r.day, r.sessionId]);
  }
  for (const i of b.invalid) days.add(i.day);
  const date = (d: string) => types.LocalDate.fromString(d);
  const out: Write[] = [];
  for (const d of days) {
    out.push([`INSERT INTO ${ks}.data_days (bucket, day) VALUES (?, ?)`, [DAYS_BUCKET, date(d)]]);
  }
  for (const [d, lecture] of lectures.values()) {
    out.push([`INSERT INTO ${ks}.lectures_by_day (day, lecture_id) VALUES (?, ?)`, [date(d), lecture]]);
  }
  for (const [d, session] of sessions.values()) {
    out.push([`INSERT INTO ${ks}.sessions_by_day (day, session_id) VALUES (?, ?)`, [date(d), session]]);
  }
  return out;
}

/** Runs `fn` over `items` with at most `limit` calls in flight. */
export async function inParallel<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}

/** Days with data in [fromDay, toDay] (all days when both are null), ascending: one partition read. */
export async function daysWithData(
  select: Select,
  ks: string,
  fromDay: string | null = null,
  toDay: string | null = null,
): Promise<string[]> {
  const rows =
    fromDay === null || toDay === null
      ? await select(`SELECT day FROM ${ks}.data_days WHERE bucket = ?`, [DAYS_BUCKET])
      : await select(`SELECT day FROM ${ks}.data_days WHERE bucket = ? AND day >= ? AND day <= ?`, [
          DAYS_BUCKET,
          types.LocalDate.fromString(fromDay),
          types.LocalDate.fromString(toDay),
        ]);
  return rows.map((r) => String(r['day']));
}

/** Session ids of the given days (sessions_by_day), each once. */
export async function sessionsOfDays(
  select: Select,
  ks: string,
  days: string[],
  limit: number,
): Promise<string[]> {
  const sessions = new Set<string>();
  await inParallel(days, limit, async (d) => {
    const rows = await select(`SELECT session_id FROM ${ks}.sessions_by_day WHERE day = ?`, [
      types.LocalDate.fromString(d),
    ]);
    for (const r of rows) sessions.add(r['session_id'] as string);
  });
  return [...sessions].sort();
}

/** Exact events, records and invalid attempts, counted partition by partition through the day indexes. */
export async function countByDay(
  select: Select,
  ks: string,
  limit: number,
): Promise<{ events: number; records: number; invalid: number }> {
  const count = async (cql: string, params: unknown[]) => Number((await select(cql, params))[0]?.['n'] ?? 0);
  const days = await daysWithData(select, ks);
  const partitions: [string, string][] = [];
  let invalid = 0;
  await inParallel(days, limit, async (d) => {
    const day = types.LocalDate.fromString(d);
    const rows = await select(`SELECT lecture_id FROM ${ks}.lectures_by_day WHERE day = ?`, [day]);
    for (const r of rows) partitions.push([r['lecture_id'] as string, d]);
    // (not `invalid += await ...`: that would read `invalid` before the await and lose updates)
    const n = await count(`SELECT count(*) AS n FROM ${ks}.invalid_by_day WHERE day = ?`, [day]);
    invalid += n;
  });
  let events = 0;
  await inParallel(partitions, limit, async ([lecture, d]) => {
    const n = await count(
      `SELECT count(*) AS n FROM ${ks}.events_by_lecture_day WHERE lecture_id = ? AND day = ?`,
      [lecture, types.LocalDate.fromString(d)],
    );
    events += n;
  });
  let records = 0;
  await inParallel(await sessionsOfDays(select, ks, days, limit), limit, async (s) => {
    const n = await count(`SELECT count(*) AS n FROM ${ks}.records_by_session WHERE session_id = ?`, [s]);
    records += n;
  });
  return { events, records, invalid };
}
