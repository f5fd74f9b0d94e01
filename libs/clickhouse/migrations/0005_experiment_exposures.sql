-- Per experiment, unit and variant served: the unit's first primary prediction in that
-- variant, folded as predictions are inserted. An experiment analysis reads its units
-- here (about one row per unit once parts merge) instead of grouping every prediction
-- of the experiment by unit: at 10M predictions that scan was a third of a report's
-- ClickHouse time.
--
-- The materialized view folds each inserted block of prediction_events. Merges keep,
-- per (model, experiment, unit, variant), the row with the largest `earliness`, which
-- is the earliest `first_ms`. Readers still take min(first_ms) per unit, since parts
-- merge at ClickHouse's pace, so the answer is exact before any merge. An event seen
-- twice folds to the same row, so redelivered events change nothing, and neither does
-- the backfill below running over rows the view already folded.
--
-- Plain columns, not AggregateFunction states: reading 2.2M rows of min/max states
-- took 2.2 s of CPU, these 1.2 s. Runs on ClickHouse 18.16 and current releases.

CREATE TABLE IF NOT EXISTS experiment_exposures
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
ORDER BY (model, experiment_id, unit, variant_key);

CREATE MATERIALIZED VIEW IF NOT EXISTS experiment_exposures_mv TO experiment_exposures AS
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

-- The predictions stored before the view existed.
INSERT INTO experiment_exposures
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
