import type { Direction, InvalidAttempt } from '../../rules/types.ts';
import type { SiteTime } from '../../kernel/siteTime.ts';
import type { StoreConnection } from './storeConnection.ts';

/** An unknown-badge attempt with the direction of its event. */
export interface UnknownSwipe {
  eventId: string;
  rawId: string;
  gateId: string;
  hallId: string;
  direction: Direction;
  ts: number;
  day: string;
}

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
  /** The day's unknown-badge attempts, oldest first, with their events' direction. */
  unknownBadgesOfDay(day: string): UnknownSwipe[] {
    return this.conn.db
      .prepare<[string], UnknownSwipe>(
        `SELECT i.event_id AS eventId, i.raw_id AS rawId, i.gate_id AS gateId, i.hall_id AS hallId, e.direction, i.ts, i.day
         FROM invalid_attempts i JOIN events e ON e.event_id = i.event_id
         WHERE i.day = ? AND i.reason = 'unknown_badge' ORDER BY i.ts`,
      )
      .all(day);
  }
  /**
   * Returns a function that deletes an attempt and its raw event (to ingest it
   * again, in the same transaction) and queues a `superseded` item, so the
   * centre drops its copy of the invalid attempt (and the unattributed event)
   * before the event is sent again.
   */
  forgetter(now: number): (r: UnknownSwipe) => void {
    const forgetInvalid = this.conn.db.prepare<[string]>('DELETE FROM invalid_attempts WHERE event_id = ?');
    const forgetEvent = this.conn.db.prepare<[string]>('DELETE FROM events WHERE event_id = ?');
    return (r) => {
      forgetInvalid.run(r.eventId);
      forgetEvent.run(r.eventId);
      const x = { eventId: r.eventId, day: r.day, ts: r.ts, gateId: r.gateId, hallId: r.hallId };
      this.conn.queue('superseded', JSON.stringify(x), now);
    };
  }
}
