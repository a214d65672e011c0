/** Versioned schema of the campus tables in the central SQLite file; applied in order, each once. */
export const CAMPUS_MIGRATIONS: { name: string; sql: string }[] = [
  {
    name: 'campus_001',
    sql: `
CREATE TABLE campus_students (
  student_id TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  name_lc    TEXT NOT NULL
);
CREATE TABLE campus_cards (
  card_uid   TEXT PRIMARY KEY,
  student_id TEXT NOT NULL
);
CREATE INDEX campus_cards_by_student ON campus_cards (student_id);
CREATE TABLE campus_courses (
  course_id  TEXT PRIMARY KEY,
  name       TEXT NOT NULL,
  thresholds TEXT NOT NULL,
  at_risk    TEXT
);
CREATE TABLE campus_enrolments (
  course_id  TEXT NOT NULL,
  student_id TEXT NOT NULL,
  PRIMARY KEY (course_id, student_id)
);
CREATE INDEX campus_enrolments_by_student ON campus_enrolments (student_id, course_id);
CREATE TABLE campus_halls (
  hall_id TEXT PRIMARY KEY,
  name    TEXT NOT NULL
);
CREATE TABLE campus_sessions (
  session_id TEXT PRIMARY KEY,
  course_id  TEXT NOT NULL,
  hall_id    TEXT NOT NULL,
  start      INTEGER NOT NULL,
  end        INTEGER NOT NULL,
  day        TEXT NOT NULL
);
CREATE INDEX campus_sessions_by_day ON campus_sessions (day, start);
CREATE INDEX campus_sessions_by_course ON campus_sessions (course_id, day, start);
CREATE TABLE campus_gateways (
  site       TEXT NOT NULL,
  gateway_id TEXT NOT NULL,
  hall_ids   TEXT NOT NULL,
  PRIMARY KEY (site, gateway_id)
);
CREATE TABLE campus_excuses (
  id         TEXT PRIMARY KEY,
  student_id TEXT NOT NULL,
  session_id TEXT,
  from_day   TEXT NOT NULL,
  to_day     TEXT NOT NULL,
  reason     TEXT NOT NULL,
  author     TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX campus_excuses_by_student ON campus_excuses (student_id);
CREATE TABLE campus_decisions (
  student_id TEXT NOT NULL,
  session_id TEXT NOT NULL,
  status     TEXT NOT NULL,
  reason     TEXT NOT NULL,
  author     TEXT NOT NULL,
  decided_at INTEGER NOT NULL,
  PRIMARY KEY (session_id, student_id)
);
CREATE TABLE campus_settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE campus_config_versions (
  kind    TEXT PRIMARY KEY,
  version INTEGER NOT NULL
);
CREATE TABLE campus_at_risk (
  course_id  TEXT NOT NULL,
  student_id TEXT NOT NULL,
  at_risk    INTEGER NOT NULL,
  rate       REAL,
  changed_at INTEGER NOT NULL,
  PRIMARY KEY (course_id, student_id)
);
CREATE TABLE campus_webhook_deliveries (
  id              TEXT PRIMARY KEY,
  event           TEXT NOT NULL,
  body            TEXT NOT NULL,
  state           TEXT NOT NULL,
  attempts        INTEGER NOT NULL,
  next_attempt_at INTEGER,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
`,
  },
  {
    name: 'campus_002_excuse_withdrawals',
    sql: `
CREATE TABLE campus_excuse_withdrawals (
  id               TEXT PRIMARY KEY,
  student_id       TEXT NOT NULL,
  session_id       TEXT,
  from_day         TEXT NOT NULL,
  to_day           TEXT NOT NULL,
  reason           TEXT NOT NULL,
  author           TEXT NOT NULL,
  created_at       INTEGER NOT NULL,
  withdrawn_reason TEXT NOT NULL,
  withdrawn_by     TEXT NOT NULL,
  withdrawn_at     INTEGER NOT NULL
);
CREATE INDEX campus_excuse_withdrawals_by_student ON campus_excuse_withdrawals (student_id);
`,
  },
];
