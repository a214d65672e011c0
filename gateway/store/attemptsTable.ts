import type { InvalidAttempt } from '../../rules/types.ts';
import type { SiteTime } from '../../kernel/siteTime.ts';
import type { StoreConnection } from './storeConnection.ts';

/** Swipes and faces that did not identify an enrolled student (`invalid_attempts`), queued for sync. */
export class AttemptsTable {
  private readonly insert;

  constructor(
    private readonly conn: StoreConnection,
    private readonly site: SiteTime,
  ) {
    this.insert = conn.db.prepare(
      `INSERT INTO invalid_attempts (event_id, reason, raw_id, gate_id, hall_id, ts, day)
       VALUES (@eventId, @reason, @rawId, @gateId, @hallId, @ts, @day) ON CONFLICT(event_id) DO NOTHING`,
    );
  }

  insertInvalid(a: InvalidAttempt, now: number): boolean {
    const day = this.site.dayOf(a.ts);
    const info = this.insert.run({ ...a, day });
    if (info.changes === 0) return false;
    this.conn.queue('invalid', JSON.stringify({ ...a, day }), now);
    return true;
  }
  listInvalid(day?: string): (InvalidAttempt & { day: string })[] {
    const sql = `SELECT event_id AS eventId, reason, raw_id AS rawId, gate_id AS gateId, hall_id AS hallId, ts, day
                 FROM invalid_attempts ${day ? 'WHERE day = ?' : ''} ORDER BY ts`;
    const stmt = this.conn.db.prepare(sql);
    return (day ? stmt.all(day) : stmt.all()) as (InvalidAttempt & { day: string })[];
  }
}
