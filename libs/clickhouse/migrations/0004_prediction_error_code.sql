-- prediction_events.error_code: empty when the request was answered, else the gRPC
-- status code name the caller received (PredictionEvent.error_code). Rows written
-- before this migration were all answered requests, hence the default ''.
--
-- ClickHouse 18.16 has no ADD COLUMN IF NOT EXISTS; migrate() emulates it (it skips
-- the statement when system.columns already has the column), so the statement stays
-- idempotent on every version.
ALTER TABLE prediction_events ADD COLUMN IF NOT EXISTS error_code String DEFAULT '' AFTER latency_ms;

-- A view's columns are fixed when it is created (SELECT * included), so the view is
-- created again to show the new column. Between the two statements the view is
-- absent for a moment; a concurrent start running them too ends with the same view.
DROP TABLE IF EXISTS predictions;

CREATE VIEW IF NOT EXISTS predictions AS
SELECT * FROM prediction_events FINAL;
