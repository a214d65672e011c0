-- Sync bookkeeping of the gateway (owned by sync/).
-- Outbox rows in flight are tracked in memory only: after a restart every
-- unacknowledged row is simply sent again (the aggregator writes idempotently).

-- Last configuration version applied per downlink kind ('roster', 'enrolments', 'timetable', 'thresholds').
CREATE TABLE sync_config_versions (
  kind       TEXT PRIMARY KEY,
  version    INTEGER NOT NULL,
  applied_at INTEGER NOT NULL
);
