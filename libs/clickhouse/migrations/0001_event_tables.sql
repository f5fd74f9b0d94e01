-- Prediction and outcome events, as the feature logger lands them from Kafka.
-- Column by column documentation: docs/data-model.md.
--
-- Delivery is at least once, so a row can arrive twice. Both tables are
-- ReplacingMergeTree ordered by a key that ends with event_id: duplicates share
-- the whole key and collapse on merge. Until a merge happens, read through the
-- views below (FINAL), which count every event exactly once.
--
-- Runs on ClickHouse 18.16 and current releases: no Map, DateTime64,
-- LowCardinality, TTL or window functions. Times are UTC DateTime (seconds) plus
-- the millisecond part, for ordering within a second.

CREATE TABLE IF NOT EXISTS prediction_events
(
    event_id String,
    event_time DateTime('UTC'),
    event_time_ms UInt16,
    model String,
    model_version String,
    deployment String,
    variant String,
    experiment_id String,
    unit_id String,
    request_id String,
    role Enum8('unspecified' = 0, 'primary' = 1, 'shadow' = 2),
    numeric_names Array(String),
    numeric_values Array(Float64),
    categorical_names Array(String),
    categorical_values Array(String),
    output_names Array(String),
    output_values Array(Array(Float64)),
    latency_ms Float64,
    ingested_at DateTime('UTC') DEFAULT now()
)
ENGINE = ReplacingMergeTree
PARTITION BY toDate(event_time)
ORDER BY (model, event_time, event_id);

CREATE TABLE IF NOT EXISTS outcome_events
(
    event_id String,
    event_time DateTime('UTC'),
    event_time_ms UInt16,
    model String,
    model_version String,
    deployment String,
    request_id String,
    unit_id String,
    metric String,
    value Float64,
    ingested_at DateTime('UTC') DEFAULT now()
)
ENGINE = ReplacingMergeTree
PARTITION BY toDate(event_time)
ORDER BY (metric, event_time, event_id);

CREATE VIEW IF NOT EXISTS predictions AS
SELECT * FROM prediction_events FINAL;

CREATE VIEW IF NOT EXISTS outcomes AS
SELECT * FROM outcome_events FINAL;
