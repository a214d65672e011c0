-- Core schema of the gateway's local store. Times are epoch milliseconds UTC; days are 'YYYY-MM-DD' (UTC).
CREATE TABLE students (
  student_id TEXT PRIMARY KEY,
  name       TEXT NOT NULL DEFAULT '',
  card_uid   TEXT UNIQUE,
  updated_at INTEGER NOT NULL
);

CREATE TABLE courses (
  course_id  TEXT PRIMARY KEY,
  name       TEXT NOT NULL DEFAULT '',
  -- JSON object of per-course threshold overrides
  overrides  TEXT NOT NULL DEFAULT '{}'
);

CREATE TABLE enrolments (
  student_id TEXT NOT NULL,
  course_id  TEXT NOT NULL,
  PRIMARY KEY (student_id, course_id)
);
CREATE INDEX enrolments_by_course ON enrolments (course_id);

CREATE TABLE halls (
  hall_id TEXT PRIMARY KEY,
  name    TEXT NOT NULL DEFAULT ''
);

CREATE TABLE lecture_sessions (
  session_id TEXT PRIMARY KEY,
  course_id  TEXT NOT NULL,
  hall_id    TEXT NOT NULL,
  start_ts   INTEGER NOT NULL,
  end_ts     INTEGER NOT NULL,
  day        TEXT NOT NULL,
  CHECK (end_ts > start_ts)
);
CREATE INDEX sessions_by_hall ON lecture_sessions (hall_id, start_ts);
CREATE INDEX sessions_by_day ON lecture_sessions (day);

-- Raw identity events, append-only. event_id is unique: a replayed event is stored once.
CREATE TABLE events (
  seq         INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id    TEXT NOT NULL UNIQUE,
  source      TEXT NOT NULL CHECK (source IN ('rfid', 'face')),
  student_id  TEXT,
  raw_id      TEXT NOT NULL,
  gate_id     TEXT NOT NULL,
  hall_id     TEXT NOT NULL,
  direction   TEXT NOT NULL CHECK (direction IN ('enter', 'exit', 'unknown')),
  ts          INTEGER NOT NULL,
  day         TEXT NOT NULL,
  confidence  REAL,
  track_id    TEXT,
  received_at INTEGER NOT NULL
);
CREATE INDEX events_by_student_day ON events (student_id, day, ts);
CREATE INDEX events_by_hall_day ON events (hall_id, day, source, ts);

-- Current classification per (student, session); version grows on every change.
CREATE TABLE attendance_records (
  student_id      TEXT NOT NULL,
  session_id      TEXT NOT NULL,
  course_id       TEXT NOT NULL,
  hall_id         TEXT NOT NULL,
  day             TEXT NOT NULL,
  version         INTEGER NOT NULL,
  status          TEXT NOT NULL,
  minutes_present INTEGER NOT NULL,
  flags           TEXT NOT NULL,   -- JSON array
  explanations    TEXT NOT NULL,   -- JSON array
  event_ids       TEXT NOT NULL,   -- JSON array
  intervals       TEXT NOT NULL,   -- JSON array of {from,to}
  fingerprint     TEXT NOT NULL,   -- what the engine decided; a change bumps version
  decided_at      INTEGER NOT NULL,
  PRIMARY KEY (student_id, session_id)
);
CREATE INDEX records_by_session ON attendance_records (session_id);
CREATE INDEX records_by_day ON attendance_records (day);

-- Presence intervals per (student, session), read from the records (no second copy to keep in step).
CREATE VIEW presence_intervals AS
  SELECT r.student_id, r.session_id, r.day,
         json_extract(j.value, '$.from') AS from_ts, json_extract(j.value, '$.to') AS to_ts
  FROM attendance_records r, json_each(r.intervals) j;

-- Manual review decisions: the engine never overwrites these.
CREATE TABLE manual_decisions (
  student_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  status     TEXT NOT NULL,
  note       TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  decided_at INTEGER NOT NULL,
  PRIMARY KEY (student_id, session_id)
);

CREATE TABLE invalid_attempts (
  event_id TEXT PRIMARY KEY,
  reason   TEXT NOT NULL,
  raw_id   TEXT NOT NULL,
  gate_id  TEXT NOT NULL,
  hall_id  TEXT NOT NULL,
  ts       INTEGER NOT NULL,
  day      TEXT NOT NULL
);
CREATE INDEX invalid_by_day ON invalid_attempts (day, ts);

-- HyperLogLog sketches of unique attendees per lecture (course) and day.
CREATE TABLE hll_sketches (
  lecture_id TEXT NOT NULL,
  day        TEXT NOT NULL,
  registers  BLOB NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (lecture_id, day)
);

-- Bad input kept for inspection (garbage frames, malformed rows, undecodable payloads).
CREATE TABLE dead_letters (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  source   TEXT NOT NULL,
  reason   TEXT NOT NULL,
  payload  TEXT NOT NULL,
  at       INTEGER NOT NULL
);

-- Store-and-forward queue, written in the same transaction as what it describes.
-- kind: 'event' | 'record' | 'invalid' | 'hll'; payload: JSON.
CREATE TABLE outbox (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  kind       TEXT NOT NULL,
  payload    TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
