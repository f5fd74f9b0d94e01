-- Drift analysis results: one row per monitor window, feature and statistic,
-- written by services/drift-analysis. Documented in services/drift-analysis/README.md
-- (section "drift_results").
--
-- A window can be analysed again (a restart, a late rerun): the sorting key names
-- the result, and ReplacingMergeTree keeps the newest computed_at per key on merge.
-- Read with FINAL (or argMax(..., computed_at)) to see each result once.
--
-- Runs on ClickHouse 18.16 and current releases: no Map, DateTime64,
-- LowCardinality, TTL or window functions.

CREATE TABLE IF NOT EXISTS drift_results
(
    window_start DateTime('UTC'),
    window_end DateTime('UTC'),
    monitor String,
    model String,
    model_version String,
    feature String,
    method String,
    value Float64,
    threshold Float64,
    status String,
    sample_size UInt64,
    computed_at DateTime('UTC')
)
ENGINE = ReplacingMergeTree(computed_at)
PARTITION BY toDate(window_start)
ORDER BY (model, monitor, window_start, feature, method);
