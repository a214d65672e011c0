-- Events stored while the wall clock was suspect (a jump, or skew to the aggregator beyond
-- clock.maxSkewSec) are kept and flagged: their ts may be off (issue 12 §10).
ALTER TABLE events ADD COLUMN clock_suspect INTEGER NOT NULL DEFAULT 0;
