import BetterSqlite3, { type Database } from 'better-sqlite3';
import { HallgateError } from '../../kernel/errors.ts';
import { privateDatabase } from '../../kernel/fileModes.ts';
import { estimateCount, mergeRegisters } from '../hllRegisters.ts';
import type { GatewayHealth } from '../schema.ts';
import {
  DEFAULT_DEAD_LETTER_LIMITS,
  lectureOf,
  type CentralBatch,
  type CentralCounts,
  type CentralEvent,
  type CentralInvalid,
  type CentralRecord,
  type CentralStore,
  type DeadLetterInput,
  type DeadLetterLimits,
  type DeadLetterRow,
  type GatewayStatusInput,
  type GatewayStatusRow,
  sessionConflict,
  type ItemConflict,
  type WriteOutcome,
} from './centralStore.ts';
import { SqliteDeadLetters } from './sqliteDeadLetters.ts';
import { OWNERSHIP_MIGRATION } from './sqliteOwnershipMigration.ts';

/** Versioned schema of the central SQLite store; applied in order, each once. */
const MIGRATIONS: { name: string; sql: string }[] = [
  {
    name: '001_central',
    sql: `
CREATE TABLE events (
  event_id    TEXT PRIMARY KEY,
  lecture_id  TEXT NOT NULL,
  day         TEXT NOT NULL,
  ts          INTEGER NOT NULL,
  student_id  TEXT,
  source      TEXT NOT NULL,
  raw_id      TEXT NOT NULL,
  gate_id     TEXT NOT NULL,
  hall_id     TEXT NOT NULL,
  direction   TEXT NOT NULL,
  confidence  REAL,
  track_id    TEXT,
  attributed  INTEGER NOT NULL,
  site        TEXT NOT NULL,
  gateway_id  TEXT NOT NULL,
  received_at INTEGER NOT NULL
);
CREATE INDEX events_by_lecture_day ON events (lecture_id, day, ts);
CREATE INDEX events_by_student_day ON events (student_id, day, ts);

CREATE TABLE records (
  student_id      TEXT NOT NULL,
  session_id      TEXT NOT NULL,
  course_id       TEXT NOT NULL,
  hall_id         TEXT NOT NULL,
  day             TEXT NOT NULL,
  version         INTEGER NOT NULL,
  status          TEXT NOT NULL,
  minutes_present INTEGER NOT NULL,
  intervals       TEXT NOT NULL,
  flags           TEXT NOT NULL,
  explanations    TEXT NOT NULL,
  event_ids       TEXT NOT NULL,
  decided_at      INTEGER NOT NULL,
  manual          INTEGER NOT NULL,
  note            TEXT,
  site            TEXT NOT NULL,
  gateway_id      TEXT NOT NULL,
  PRIMARY KEY (student_id, session_id)
);
CREATE INDEX records_by_session ON records (session_id, student_id);

CREATE TABLE invalid_attempts (
  event_id   TEXT PRIMARY KEY,
  reason     TEXT NOT NULL,
  raw_id     TEXT NOT NULL,
  gate_id    TEXT NOT NULL,
  hall_id    TEXT NOT NULL,
  ts         INTEGER NOT NULL,
  day        TEXT NOT NULL,
  site       TEXT NOT NULL,
  gateway_id TEXT NOT NULL
);
CREATE INDEX invalid_by_day ON invalid_attempts (day, ts);
CREATE INDEX invalid_by_gate_day ON invalid_attempts (gate_id, day, ts);

CREATE TABLE hll_sketches (
  lecture_id TEXT NOT NULL,
  day        TEXT NOT NULL,
  site       TEXT NOT NULL,
  gateway_id TEXT NOT NULL,
  seq        INTEGER NOT NULL,
  registers  BLOB NOT NULL,
  PRIMARY KEY (lecture_id, day, site, gateway_id)
);

CREATE TABLE gateway_status (
  site       TEXT NOT NULL,
  gateway_id TEXT NOT NULL,
  state      TEXT,
  version    TEXT,
  health     TEXT,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (site, gateway_id)
);

CREATE TABLE dead_letters (
  key        TEXT PRIMARY KEY,
  site       TEXT,
  gateway_id TEXT,
  topic      TEXT NOT NULL,
  batch_id   TEXT,
  reason     TEXT NOT NULL,
  payload    TEXT NOT NULL,
  at         INTEGER NOT NULL,
  attempts   INTEGER NOT NULL DEFAULT 1
);
`,
  },
  {
    name: '002_records_by_day',
    sql: 'CREATE INDEX records_by_day ON records (day, session_id, student_id);',
  },
  OWNERSHIP_MIGRATION,
];

interface EventRow {
  event_id: string;
  lecture_id: string;
  day: string;
  ts: number;
  student_id: string | null;
  source: 'rfid' | 'face';
  raw_id: string;
  gate_id: string;
  hall_id: string;
  direction: 'enter' | 'exit' | 'unknown';
  confidence: number | null;
  track_id: string | null;
  attributed: number;
  clock_suspect: number;
  site: string;
  gateway_id: string;
}

interface RecordRow {
  student_id: string;
  session_id: string;
  course_id: string;
  hall_id: string;
  day: string;
  version: number;
  status: CentralRecord['status'];
  minutes_present: number;
  intervals: string;
  flags: string;
  explanations: string;
  event_ids: string;
  decided_at: number;
  manual: number;
  note: string | null;
  site: string;
  gateway_id: string;
}

interface InvalidRow {
  event_id: string;
  reason: string;
  raw_id: string;
  gate_id: string;
  hall_id: string;
  ts: number;
  day: string;
  site: string;
  gateway_id: string;
}

/**
 * The embedded central store: one SQLite file (WAL, synchronous=FULL by
 * default, so a committed and acked batch survives power loss;
 * `aggregator.sqliteSynchronous: normal` trades that for speed), one
 * transaction per batch.
 */
export class SqliteCentralStore implements CentralStore {
  readonly kind = 'sqlite' as const;
  private db: Database | null = null;
  private letters: SqliteDeadLetters | null = null;

  constructor(
    private readonly path: string,
    private readonly limits: DeadLetterLimits = DEFAULT_DEAD_LETTER_LIMITS,
    private readonly opts: { synchronous?: 'full' | 'normal' } = {},
  ) {}

  private get dl(): SqliteDeadLetters {
    this.letters ??= new SqliteDeadLetters(this.d, this.limits);
    return this.letters;
  }

  private get d(): Database {
    if (!this.db) throw new HallgateError('STORE_NOT_STARTED', 'central store not started');
    return this.db;
  }

  /** PRAGMA synchronous of the store's connection (2 full, 1 normal). */
  synchronous(): number {
    return this.d.pragma('synchronous', { simple: true }) as number;
  }

  start(): Promise<void> {
    return attempt(() => {
      privateDatabase(this.path);
      const db = new BetterSqlite3(this.path);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${this.opts.synchronous ?? 'full'}`);
      db.pragma('busy_timeout = 5000');
      db.exec(
        'CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)',
      );
      const done = new Set(
        (db.prepare('SELECT name FROM schema_migrations').all() as { name: string }[]).map((r) => r.name),
      );
      for (const m of MIGRATIONS) {
        if (done.has(m.name)) continue;
        db.transaction(() => {
          db.exec(m.sql);
          db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(
            m.name,
            Date.now(),
          );
        })();
      }
      this.db = db;
      this.dl.backfill();
    });
  }

  stop(): Promise<void> {
    return attempt(() => {
      this.db?.close();
      this.db = null;
      this.letters = null;
    });
  }

  writeBatch(b: CentralBatch): Promise<WriteOutcome> {
    return attempt(() => {
      const d = this.d;
      const conflicts: ItemConflict[] = [];
      const owner = d.prepare('SELECT site, gateway_id FROM session_owners WHERE session_id = ?');
      const own = d.prepare('INSERT INTO session_owners (session_id, site, gateway_id) VALUES (?, ?, ?)');
      const takeOver = d.prepare('UPDATE session_owners SET site = ?, gateway_id = ? WHERE session_id = ?');
      const dropOthers = d.prepare(
        'DELETE FROM records WHERE session_id = ? AND NOT (site = ? AND gateway_id = ?)',
      );
      const owned = new Set(b.ownedSessions ?? []);
      const insEvent = d.prepare(
        `INSERT INTO events (event_id, lecture_id, day, ts, student_id, source, raw_id, gate_id, hall_id, direction,
           confidence, track_id, attributed, site, gateway_id, received_at, clock_suspect)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site, gateway_id, event_id) DO NOTHING`,
      );
      const upRecord = d.prepare(
        `INSERT INTO records (student_id, session_id, course_id, hall_id, day, version, status, minutes_present,
           intervals, flags, explanations, event_ids, decided_at, manual, note, site, gateway_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (student_id, session_id) DO UPDATE SET
           course_id = excluded.course_id, hall_id = excluded.hall_id, day = excluded.day, version = excluded.version,
           status = excluded.status, minutes_present = excluded.minutes_present, intervals = excluded.intervals,
           flags = excluded.flags, explanations = excluded.explanations, event_ids = excluded.event_ids,
           decided_at = excluded.decided_at, manual = excluded.manual, note = excluded.note, site = excluded.site, gateway_id = excluded.gateway_id
         WHERE excluded.version > records.version
            OR (excluded.version = records.version AND excluded.decided_at > records.decided_at)`,
      );
      const insInvalid = d.prepare(
        `INSERT INTO invalid_attempts (event_id, reason, raw_id, gate_id, hall_id, ts, day, site, gateway_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (site, gateway_id, event_id) DO NOTHING`,
      );
      const getHll = d.prepare(
        'SELECT seq, registers FROM hll_sketches WHERE lecture_id = ? AND day = ? AND site = ? AND gateway_id = ?',
      );
      const putHll = d.prepare(
        `INSERT INTO hll_sketches (lecture_id, day, site, gateway_id, seq, registers) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (lecture_id, day, site, gateway_id) DO UPDATE SET seq = excluded.seq, registers = excluded.registers`,
      );
      const dropInvalid = d.prepare(
        'DELETE FROM invalid_attempts WHERE site = ? AND gateway_id = ? AND event_id = ?',
      );
      const dropUnattributed = d.prepare(
        'DELETE FROM events WHERE site = ? AND gateway_id = ? AND event_id = ? AND student_id IS NULL',
      );
      d.transaction(() => {
        for (const x of b.superseded ?? []) {
          dropInvalid.run(b.site, b.gatewayId, x.eventId);
          dropUnattributed.run(b.site, b.gatewayId, x.eventId);
        }
        for (const e of b.events) {
          insEvent.run(
            e.eventId,
            lectureOf(e),
            e.day,
            e.ts,
            e.studentId,
            e.source,
            e.rawId,
            e.gateId,
            e.hallId,
            e.direction,
            e.confidence ?? null,
            e.trackId ?? null,
            e.lectureId == null ? 0 : 1,
            b.site,
            b.gatewayId,
            b.receivedAt,
            e.clockSuspect === true ? 1 : 0,
          );
        }
        for (const [index, r] of b.records.entries()) {
          const o = owner.get(r.sessionId) as { site: string; gateway_id: string } | undefined;
          const mine = o !== undefined && o.site === b.site && o.gateway_id === b.gatewayId;
          if (!o) own.run(r.sessionId, b.site, b.gatewayId);
          else if (!mine && owned.has(r.sessionId)) {
            // The campus data names the sender: it takes the session over from the first sender.
            takeOver.run(b.site, b.gatewayId, r.sessionId);
            dropOthers.run(r.sessionId, b.site, b.gatewayId);
          } else if (!mine) {
            conflicts.push({
              kind: 'record',
              index,
              reason: sessionConflict(r.sessionId, o.site, o.gateway_id),
            });
            continue;
          }
          upRecord.run(
            r.studentId,
            r.sessionId,
            r.courseId,
            r.hallId,
            r.day,
            r.version,
            r.status,
            r.minutesPresent,
            JSON.stringify(r.intervals),
            JSON.stringify(r.flags),
            JSON.stringify(r.explanations),
            JSON.stringify(r.eventIds),
            r.decidedAt,
            r.manual ? 1 : 0,
            r.note ?? null,
            b.site,
            b.gatewayId,
          );
        }
        for (const i of b.invalid) {
          insInvalid.run(i.eventId, i.reason, i.rawId, i.gateId, i.hallId, i.ts, i.day, b.site, b.gatewayId);
        }
        for (const h of b.hll) {
          const old = getHll.get(h.lectureId, h.day, b.site, b.gatewayId) as
            { seq: number; registers: Buffer } | undefined;
          const regs = old ? mergeRegisters(new Uint8Array(old.registers), h.registers) : h.registers;
          putHll.run(
            h.lectureId,
            h.day,
            b.site,
            b.gatewayId,
            Math.max(h.seq, old?.seq ?? 0),
            Buffer.from(regs),
          );
        }
        for (const dl of b.deadLetters) this.dl.put(dl);
      })();
      return { conflicts };
    });
  }

  writeDeadLetter(dl: DeadLetterInput): Promise<void> {
    return attempt(() => this.d.transaction(() => this.dl.put(dl))());
  }

  writeGatewayStatus(s: GatewayStatusInput): Promise<void> {
    return attempt(() => {
      this.d
        .prepare(
          `INSERT INTO gateway_status (site, gateway_id, state, version, health, updated_at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (site, gateway_id) DO UPDATE SET
             state = coalesce(excluded.state, gateway_status.state),
             version = coalesce(excluded.version, gateway_status.version),
             health = coalesce(excluded.health, gateway_status.health),
             updated_at = max(excluded.updated_at, gateway_status.updated_at)`,
        )
        .run(
          s.site,
          s.gatewayId,
          s.state ?? null,
          s.version ?? null,
          s.health ? JSON.stringify(s.health) : null,
          s.at,
        );
    });
  }

  eventsByLectureDay(lectureId: string, day: string): Promise<CentralEvent[]> {
    return attempt(() =>
      (
        this.d
          .prepare(
            'SELECT * FROM events WHERE lecture_id = ? AND day = ? ORDER BY ts, student_id, event_id, gateway_id',
          )
          .all(lectureId, day) as EventRow[]
      ).map(toEvent),
    );
  }

  eventsByStudentDay(studentId: string, day: string): Promise<CentralEvent[]> {
    return attempt(() =>
      (
        this.d
          .prepare(
            'SELECT * FROM events WHERE student_id = ? AND day = ? ORDER BY ts, lecture_id, event_id, gateway_id',
          )
          .all(studentId, day) as EventRow[]
      ).map(toEvent),
    );
  }

  recordsBySession(sessionId: string): Promise<CentralRecord[]> {
    return attempt(() =>
      (
        this.d
          .prepare('SELECT * FROM records WHERE session_id = ? ORDER BY student_id')
          .all(sessionId) as RecordRow[]
      ).map(toRecord),
    );
  }

  recordsByStudent(studentId: string): Promise<CentralRecord[]> {
    return attempt(() =>
      (
        this.d
          .prepare('SELECT * FROM records WHERE student_id = ? ORDER BY day, session_id')
          .all(studentId) as RecordRow[]
      ).map(toRecord),
    );
  }

  recordsByDayRange(fromDay: string, toDay: string): Promise<CentralRecord[]> {
    return attempt(() =>
      (
        this.d
          .prepare('SELECT * FROM records WHERE day >= ? AND day <= ? ORDER BY day, session_id, student_id')
          .all(fromDay, toDay) as RecordRow[]
      ).map(toRecord),
    );
  }

  invalidAttemptsByDay(day: string): Promise<CentralInvalid[]> {
    return attempt(() =>
      (
        this.d
          .prepare('SELECT * FROM invalid_attempts WHERE day = ? ORDER BY ts, event_id, gateway_id')
          .all(day) as InvalidRow[]
      ).map(toInvalid),
    );
  }

  invalidAttemptsByGateDay(gateId: string, day: string): Promise<CentralInvalid[]> {
    return attempt(() =>
      (
        this.d
          .prepare(
            'SELECT * FROM invalid_attempts WHERE gate_id = ? AND day = ? ORDER BY ts, event_id, gateway_id',
          )
          .all(gateId, day) as InvalidRow[]
      ).map(toInvalid),
    );
  }

  mergedSketch(lectureId: string, day: string): Promise<Uint8Array | null> {
    return attempt(() => {
      const rows = this.d
        .prepare('SELECT registers FROM hll_sketches WHERE lecture_id = ? AND day = ?')
        .all(lectureId, day) as { registers: Buffer }[];
      let merged: Uint8Array | null = null;
      for (const r of rows)
        merged = merged ? mergeRegisters(merged, new Uint8Array(r.registers)) : new Uint8Array(r.registers);
      return merged;
    });
  }

  async uniqueCount(lectureId: string, day: string): Promise<number | null> {
    const merged = await this.mergedSketch(lectureId, day);
    return merged ? estimateCount(merged) : null;
  }

  gatewayStatuses(): Promise<GatewayStatusRow[]> {
    return attempt(() =>
      (
        this.d.prepare('SELECT * FROM gateway_status ORDER BY site, gateway_id').all() as {
          site: string;
          gateway_id: string;
          state: 'online' | 'offline' | null;
          version: string | null;
          health: string | null;
          updated_at: number;
        }[]
      ).map((r) => ({
        site: r.site,
        gatewayId: r.gateway_id,
        state: r.state,
        version: r.version,
        health: r.health ? (JSON.parse(r.health) as GatewayHealth) : null,
        updatedAt: r.updated_at,
      })),
    );
  }

  deadLetters(): Promise<DeadLetterRow[]> {
    return attempt(() => this.dl.list());
  }

  droppedDeadLetters(): Promise<number> {
    return attempt(() => this.dl.dropped());
  }

  counts(): Promise<CentralCounts> {
    return attempt(() => {
      const n = (sql: string) => (this.d.prepare(sql).get() as { n: number }).n;
      return {
        events: n('SELECT count(*) AS n FROM events'),
        records: n('SELECT count(*) AS n FROM records'),
        invalid: n('SELECT count(*) AS n FROM invalid_attempts'),
        deadLetters: n('SELECT count(*) AS n FROM dead_letters'),
      };
    });
  }
}

function attempt<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
}

function toEvent(r: EventRow): CentralEvent {
  return {
    eventId: r.event_id,
    source: r.source,
    studentId: r.student_id,
    rawId: r.raw_id,
    gateId: r.gate_id,
    hallId: r.hall_id,
    direction: r.direction,
    ts: r.ts,
    day: r.day,
    ...(r.confidence !== null ? { confidence: r.confidence } : {}),
    ...(r.track_id !== null ? { trackId: r.track_id } : {}),
    ...(r.clock_suspect === 1 ? { clockSuspect: true } : {}),
    lectureId: r.lecture_id,
    site: r.site,
    gatewayId: r.gateway_id,
  };
}

function toRecord(r: RecordRow): CentralRecord {
  return {
    studentId: r.student_id,
    sessionId: r.session_id,
    courseId: r.course_id,
    hallId: r.hall_id,
    day: r.day,
    version: r.version,
    status: r.status,
    minutesPresent: r.minutes_present,
    intervals: JSON.parse(r.intervals) as CentralRecord['intervals'],
    flags: JSON.parse(r.flags) as string[],
    explanations: JSON.parse(r.explanations) as CentralRecord['explanations'],
    eventIds: JSON.parse(r.event_ids) as string[],
    decidedAt: r.decided_at,
    manual: r.manual === 1,
    ...(r.note !== null ? { note: r.note } : {}),
    site: r.site,
    gatewayId: r.gateway_id,
  };
}

function toInvalid(r: InvalidRow): CentralInvalid {
  return {
    eventId: r.event_id,
    reason: r.reason,
    rawId: r.raw_id,
    gateId: r.gate_id,
    hallId: r.hall_id,
    ts: r.ts,
    day: r.day,
    site: r.site,
    gatewayId: r.gateway_id,
  };
}
