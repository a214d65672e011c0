import type { LectureSession, Thresholds } from '../../rules/types.ts';
import type { SiteTime } from '../../kernel/siteTime.ts';
import type { MetaTable } from './metaTable.ts';
import type { RosterTable } from './rosterTable.ts';
import type { StoreConnection } from './storeConnection.ts';

function statements(db: StoreConnection['db']) {
  return {
    upsertSession: db.prepare(
      `INSERT INTO lecture_sessions (session_id, course_id, hall_id, start_ts, end_ts, day)
       VALUES (@sessionId, @courseId, @hallId, @start, @end, @day)
       ON CONFLICT(session_id) DO UPDATE SET course_id = excluded.course_id, hall_id = excluded.hall_id,
         start_ts = excluded.start_ts, end_ts = excluded.end_ts, day = excluded.day`,
    ),
    sessionsOfDay: db.prepare<
      [string],
      { session_id: string; course_id: string; hall_id: string; start_ts: number; end_ts: number }
    >(
      'SELECT session_id, course_id, hall_id, start_ts, end_ts FROM lecture_sessions WHERE day = ? ORDER BY start_ts, session_id',
    ),
    sessionsEndedBetween: db.prepare<
      [number, number],
      { session_id: string; course_id: string; day: string }
    >(
      'SELECT session_id, course_id, day FROM lecture_sessions WHERE end_ts > ? AND end_ts <= ? ORDER BY end_ts',
    ),
    sessionDay: db.prepare<[string], { day: string }>(
      'SELECT day FROM lecture_sessions WHERE session_id = ?',
    ),
  };
}

/**
 * Lecture sessions and course overrides, with the caches the hot path reads
 * (dropped whenever the timetable changes, here or on another connection).
 */
export class TimetableTable {
  private readonly stmts;
  private readonly sessionsCache = new Map<string, LectureSession[]>();
  private readonly sessionDays = new Map<string, string | null>();
  private overridesCache: Record<string, Partial<Thresholds>> | undefined;
  /** Grows whenever the cached timetable or overrides are dropped (other connections follow it). */
  private cacheEpoch = 0;

  constructor(
    private readonly conn: StoreConnection,
    private readonly site: SiteTime,
    private readonly roster: RosterTable,
    private readonly meta: MetaTable,
  ) {
    this.stmts = statements(conn.db);
  }

  /** Forgets cached timetable and course overrides (another process changed them). */
  clearCaches(): void {
    this.sessionsCache.clear();
    this.sessionDays.clear();
    this.overridesCache = undefined;
    this.cacheEpoch++;
  }
  /** Changes whenever cached timetable data was dropped: a reader on another connection drops its own then. */
  cachesEpoch(): number {
    return this.cacheEpoch;
  }

  upsertSession(s: LectureSession): void {
    this.stmts.upsertSession.run({ ...s, day: this.site.dayOf(s.start) });
    this.clearCaches();
  }

  /** A timetable version: upserts every session; future sessions no longer listed are removed (past ones stay: they have records). */
  replaceTimetable(sessions: LectureSession[], now: number): void {
    this.conn.tx(() => {
      const listed = new Set(sessions.map((s) => s.sessionId));
      for (const s of sessions) {
        this.roster.ensureCourse(s.courseId);
        this.roster.upsertHall(s.hallId);
        this.upsertSession(s);
      }
      const future = this.conn.db
        .prepare<[number], { session_id: string }>(
          'SELECT session_id FROM lecture_sessions WHERE start_ts > ?',
        )
        .all(now);
      const del = this.conn.db.prepare('DELETE FROM lecture_sessions WHERE session_id = ?');
      for (const f of future) if (!listed.has(f.session_id)) del.run(f.session_id);
      this.clearCaches();
      this.meta.setMeta('timetable_version', String(now));
    });
  }

  courseOverrides(): Record<string, Partial<Thresholds>> {
    if (this.overridesCache) return this.overridesCache;
    const out: Record<string, Partial<Thresholds>> = {};
    for (const r of this.conn.db.prepare('SELECT course_id, overrides FROM courses').all() as {
      course_id: string;
      overrides: string;
    }[]) {
      const o = JSON.parse(r.overrides) as Partial<Thresholds>;
      if (Object.keys(o).length > 0) out[r.course_id] = o;
    }
    this.overridesCache = out;
    return out;
  }
  sessionsOfDay(day: string): LectureSession[] {
    let s = this.sessionsCache.get(day);
    if (!s) {
      s = this.stmts.sessionsOfDay.all(day).map((r) => ({
        sessionId: r.session_id,
        courseId: r.course_id,
        hallId: r.hall_id,
        start: r.start_ts,
        end: r.end_ts,
      }));
      this.sessionsCache.set(day, s);
    }
    return s;
  }
  sessionsEndedBetween(
    fromExclusive: number,
    toInclusive: number,
  ): { sessionId: string; courseId: string; day: string }[] {
    return this.stmts.sessionsEndedBetween
      .all(fromExclusive, toInclusive)
      .map((r) => ({ sessionId: r.session_id, courseId: r.course_id, day: r.day }));
  }
  /** The day a session belongs to (null: no such session); remembered until the timetable changes. */
  sessionDay(sessionId: string): string | null {
    let day = this.sessionDays.get(sessionId);
    if (day === undefined) {
      day = this.stmts.sessionDay.get(sessionId)?.day ?? null;
      if (this.sessionDays.size >= 10_000) this.sessionDays.clear();
      this.sessionDays.set(sessionId, day);
    }
    return day;
  }
}
