/**
 * The platform's ClickHouse tables and views, named in one place, with the row shape
 * the feature logger inserts. The migrations in ../migrations create them; the
 * columns are documented in docs/data-model.md.
 */
export const TABLES = {
  /** Raw prediction events (ReplacingMergeTree: a redelivered event collapses on merge). */
  predictionEvents: 'prediction_events',
  /** Raw outcome events (same). */
  outcomeEvents: 'outcome_events',
  /** Analyst view over prediction_events that counts each event once (FINAL). */
  predictions: 'predictions',
  /** Analyst view over outcome_events that counts each event once (FINAL). */
  outcomes: 'outcomes',
  /** Per window, model, feature and method: drift-analysis verdicts (ReplacingMergeTree). */
  driftResults: 'drift_results',
  /**
   * Per model, experiment, unit and variant served: the first exposure, folded at
   * insert by a materialized view over prediction_events (ReplacingMergeTree, one
   * partition per model and experiment).
   */
  experimentFirstExposures: 'experiment_first_exposures',
  /** Per analysis, experiment, metric and variant: experiment-analytics results. */
  experimentResults: 'experiment_results',
} as const;

export type TableName = (typeof TABLES)[keyof typeof TABLES];

/** A UTC time as ClickHouse's DateTime text ('YYYY-MM-DD hh:mm:ss') plus its milliseconds. */
export interface EventTime {
  event_time: string;
  event_time_ms: number;
}

/** One row of prediction_events. Missing numeric features are NaN. */
export interface PredictionEventRow extends EventTime {
  event_id: string;
  model: string;
  model_version: string;
  deployment: string;
  variant: string;
  experiment_id: string;
  unit_id: string;
  request_id: string;
  role: 'unspecified' | 'primary' | 'shadow';
  numeric_names: string[];
  numeric_values: number[];
  categorical_names: string[];
  categorical_values: string[];
  output_names: string[];
  output_values: number[][];
  latency_ms: number;
  /** Empty when the request was answered, else the gRPC status code name the caller got. */
  error_code: string;
}

/** One row of outcome_events. */
export interface OutcomeEventRow extends EventTime {
  event_id: string;
  model: string;
  model_version: string;
  deployment: string;
  request_id: string;
  unit_id: string;
  metric: string;
  value: number;
}

/** Splits a time into the DateTime text and milliseconds the event tables store. */
export function eventTime(ms: number): EventTime {
  const iso = new Date(ms).toISOString();
  return { event_time: `${iso.slice(0, 10)} ${iso.slice(11, 19)}`, event_time_ms: ms % 1000 };
}
