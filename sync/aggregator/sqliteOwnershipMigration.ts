/**
 * Migration 003 of the central SQLite store (issue 12 §5, §6): events and
 * invalid attempts keyed by their sender (site, gateway, event id), the owner
 * of each session (the first gateway that sent a record of it), the events'
 * clock_suspect flag (§10), the
 * dead-letter size columns, and a counter of dead letters dropped by the cap.
 */
export const OWNERSHIP_MIGRATION = {
  name: '003_bound_to_sender',
  sql: `
CREATE TABLE events_by_sender (
  event_id    TEXT NOT NULL,
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
  received_at INTEGER NOT NULL,
  clock_suspect INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (site, gateway_id, event_id)
);
INSERT INTO events_by_sender SELECT event_id, lecture_id, day, ts, student_id, source, raw_id, gate_id, hall_id,
  direction, confidence, track_id, attributed, site, gateway_id, received_at, 0 FROM events;
DROP TABLE events;
ALTER TABLE events_by_sender RENAME TO events;
CREATE INDEX events_by_lecture_day ON events (lecture_id, day, ts);
CREATE INDEX events_by_student_day ON events (student_id, day, ts);

CREATE TABLE invalid_by_sender (
  event_id   TEXT NOT NULL,
  reason     TEXT NOT NULL,
  raw_id     TEXT NOT NULL,
  gate_id    TEXT NOT NULL,
  hall_id    TEXT NOT NULL,
  ts         INTEGER NOT NULL,
  day        TEXT NOT NULL,
  site       TEXT NOT NULL,
  gateway_id TEXT NOT NULL,
  PRIMARY KEY (site, gateway_id, event_id)
);
INSERT INTO invalid_by_sender SELECT event_id, reason, raw_id, gate_id, hall_id, ts, day, site, gateway_id
  FROM invalid_attempts;
DROP TABLE invalid_attempts;
ALTER TABLE invalid_by_sender RENAME TO invalid_attempts;
CREATE INDEX invalid_by_day ON invalid_attempts (day, ts);
CREATE INDEX invalid_by_gate_day ON invalid_attempts (gate_id, day, ts);

CREATE TABLE session_owners (
  session_id TEXT PRIMARY KEY,
  site       TEXT NOT NULL,
  gateway_id TEXT NOT NULL
);
INSERT OR IGNORE INTO session_owners SELECT session_id, site, gateway_id FROM records;

ALTER TABLE dead_letters ADD COLUMN payload_bytes INTEGER;
ALTER TABLE dead_letters ADD COLUMN payload_sha256 TEXT;
CREATE INDEX dead_letters_by_age ON dead_letters (at, key);
CREATE TABLE central_counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO central_counters VALUES ('dead_letters_dropped', 0);
`,
};
