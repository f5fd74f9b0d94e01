-- Experiment analyses, one row per (analysis, metric, variant), written by the
-- experiment-analytics service at each scheduled look. Columns documented in
-- services/experiment-analytics/README.md.
--
-- Runs on ClickHouse 18.16 and current releases. Values an analysis cannot support
-- (a lift of the control, an interval without data) are NULL, never NaN.

CREATE TABLE IF NOT EXISTS experiment_results
(
    computed_at DateTime('UTC'),
    experiment_id String,
    model String,
    metric String,
    metric_kind String,
    variant String,
    control_variant String,
    is_control UInt8,
    status String,
    reason String,
    n UInt64,
    mean Nullable(Float64),
    lift Nullable(Float64),
    lift_lower Nullable(Float64),
    lift_upper Nullable(Float64),
    relative_lift Nullable(Float64),
    relative_lift_lower Nullable(Float64),
    relative_lift_upper Nullable(Float64),
    p_value Nullable(Float64),
    adjusted_p_value Nullable(Float64),
    significant UInt8,
    verdict String,
    sequential_p_value Nullable(Float64),
    sequential_lower Nullable(Float64),
    sequential_upper Nullable(Float64),
    cuped_theta Nullable(Float64),
    srm_p_value Nullable(Float64),
    srm_mismatch UInt8,
    units_in_several_variants UInt64,
    final UInt8,
    decision String,
    decision_variant String,
    decision_reason String
)
ENGINE = MergeTree
PARTITION BY toDate(computed_at)
ORDER BY (experiment_id, computed_at, metric, variant);
