import type { Database } from 'better-sqlite3';
import type { SiteTime } from '../../kernel/siteTime.ts';

/** meta key: the IANA zone the store's days were derived in (absent: a store from before zones, UTC). */
export const ZONE_KEY = 'site_time_zone';
/** meta key of the pipeline's classified-events mark (see ingestPipeline). */
const CLASSIFIED_KEY = 'classified_seq';

/** What a re-derivation changed. */
export interface Rederived {
  from: string;
  to: string;
  sessions: number;
  events: number;
  invalid: number;
  records: number;
  /** `none:` records dropped: their ids name the old day; they are decided again. */
  noneRecords: number;
  sketches: number;
}

/**
 * Moves a store's days to another site time zone, in one transaction: the day
 * of every session, event, invalid attempt and record is derived again from its
 * instant; `none:<hall>:<day>` records (not reviewer-decided) and the
 * unique-attendee sketches are dropped, and the classified-events mark is reset,
 * so the next start decides every student's day again in the new days (which
 * rebuilds the sketches and the `none:` records, and syncs what changed).
 * Returns null when the store is already in that zone.
 */
export function rederiveDays(db: Database, site: SiteTime): Rederived | null {
  const get = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const from = get.get(ZONE_KEY)?.value ?? 'UTC';
  const setMeta = db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  const empty = (): boolean =>
    (
      db
        .prepare('SELECT EXISTS (SELECT 1 FROM lecture_sessions) OR EXISTS (SELECT 1 FROM events) AS used')
        .get() as {
        used: number;
      }
    ).used === 0;
  if (from === site.zone || (get.get(ZONE_KEY) === undefined && empty())) {
    if (get.get(ZONE_KEY) === undefined) setMeta.run(ZONE_KEY, site.zone);
    return null;
  }
  db.function('hallgate_site_day', { deterministic: true }, (ts: unknown) => site.dayOf(Number(ts)));
  return db.transaction((): Rederived => {
    const run = (sql: string): number => db.prepare(sql).run().changes;
    const out: Rederived = {
      from,
      to: site.zone,
      sessions: run('UPDATE lecture_sessions SET day = hallgate_site_day(start_ts)'),
      events: run('UPDATE events SET day = hallgate_site_day(ts)'),
      invalid: run('UPDATE invalid_attempts SET day = hallgate_site_day(ts)'),
      records: run(
        `UPDATE attendance_records SET day = (SELECT s.day FROM lecture_sessions s WHERE s.session_id = attendance_records.session_id)
         WHERE session_id IN (SELECT session_id FROM lecture_sessions)`,
      ),
      noneRecords: run(
        `DELETE FROM attendance_records WHERE session_id LIKE 'none:%' AND NOT EXISTS (SELECT 1 FROM manual_decisions m
           WHERE m.student_id = attendance_records.student_id AND m.session_id = attendance_records.session_id)`,
      ),
      sketches: run('DELETE FROM hll_sketches'),
    };
    setMeta.run(CLASSIFIED_KEY, '0');
    setMeta.run(ZONE_KEY, site.zone);
    return out;
  })();
}
