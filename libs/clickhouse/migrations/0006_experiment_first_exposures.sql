-- experiment_exposures (0005) again, partitioned by experiment, under a new name.
--
-- A unit's rows sit in as many parts as the inserts that saw it, until ClickHouse
-- merges them, which it does for parts of similar size only after hours; at 4.6 rows
-- per unit an analysis groups 4.6M rows for 1M units (2.2 s of CPU, 0.7 s at one row).
-- One partition per (model, experiment) lets the experiment-analytics scheduler merge
-- one experiment's rows (OPTIMIZE ... PARTITION ... FINAL) at a cost bounded by that
-- experiment, not by every experiment the table has ever held.
--
-- ClickHouse cannot change a table's partition key, hence a new table. It is filled
-- before the old one goes, and both views fold every insert meanwhile, so no exposure
-- is missing at any step; each statement can run again.

CREATE TABLE IF NOT EXISTS experiment_first_exposures
(
    model String,
    experiment_id String,
    unit UInt64,
    variant_key UInt64,
    first_ms UInt64,
    -- bitNot(first_ms), larger for earlier: the version ReplacingMergeTree keeps the largest of.
    earliness UInt64
)
ENGINE = ReplacingMergeTree(earliness)
PARTITION BY (model, experiment_id)
ORDER BY (model, experiment_id, unit, variant_key);

CREATE MATERIALIZED VIEW IF NOT EXISTS experiment_first_exposures_mv TO experiment_first_exposures AS
SELECT
    model,
    experiment_id,
    cityHash64(unit_id) AS unit,
    cityHash64(variant) AS variant_key,
    min(toUInt64(event_time) * 1000 + event_time_ms) AS first_ms,
    bitNot(first_ms) AS earliness
FROM prediction_events
WHERE experiment_id != '' AND role = 'primary' AND unit_id != '' AND variant != ''
GROUP BY model, experiment_id, unit, variant_key;

-- Every prediction stored before the view above existed, from the events themselves
-- (the old table may already be gone when this runs again). Rows the view folded too
-- are the same rows again, which change nothing.
INSERT INTO experiment_first_exposures
SELECT
    model,
    experiment_id,
    cityHash64(unit_id) AS unit,
    cityHash64(variant) AS variant_key,
    min(toUInt64(event_time) * 1000 + event_time_ms) AS first_ms,
    bitNot(first_ms) AS earliness
FROM prediction_events
WHERE experiment_id != '' AND role = 'primary' AND unit_id != '' AND variant != ''
GROUP BY model, experiment_id, unit, variant_key;

DROP TABLE IF EXISTS experiment_exposures_mv;

DROP TABLE IF EXISTS experiment_exposures;
