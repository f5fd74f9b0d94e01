/**
 * Exposures: each unit's first primary prediction in the experiment, and its variant.
 * A unit seen in more than one variant (a routing or id bug) cannot be attributed to
 * either: it is counted, reported and left out of every metric.
 *
 * Units come from experiment_first_exposures (below). The other queries read the event
 * tables directly, not the FINAL views: 18.16 does not push a WHERE into a view, so the
 * views merged the whole table on every query. Filters name the sort key first
 * (predictions: model, event_time) so only the experiment's granules are read.
 */
import { Sql, TABLES, ident, sql } from '@ballast/clickhouse';
import type { ExperimentDefinition } from '../domain/experiment-definition';

/** Milliseconds since the epoch of an event row: the tables store seconds plus the ms part. */
export const EVENT_MS = new Sql('(toUInt64(event_time) * 1000 + event_time_ms)');

export const PREDICTION_EVENTS = ident(TABLES.predictionEvents);
export const OUTCOME_EVENTS = ident(TABLES.outcomeEvents);

/**
 * A unit's key in the per-unit GROUP BYs and the join: the 64-bit cityHash64 of its
 * id, about 1.6x faster to group and join on than the string. Two distinct units
 * share a key with probability about n² / 2⁶⁵ (n = 1M units: 3·10⁻⁸; 100M: 3·10⁻⁴),
 * and would then count as one unit. The experiment_first_exposures table
 * (migrations/0006_experiment_first_exposures.sql) keys units the same way.
 */
export const UNIT_KEY = new Sql('cityHash64(unit_id)');

const FIRST_EXPOSURES = ident(TABLES.experimentFirstExposures);

/**
 * Per unit: unit (UNIT_KEY), arm (its variant), in_several (1 when served more than
 * one variant), exposed_ms (first exposure).
 *
 * Read from experiment_first_exposures, which a materialized view folds from every primary
 * prediction of an experiment as it is inserted (per unit and variant, the first
 * time): about 1M rows to group at 1M units, where grouping the 10M predictions took
 * 3.4 s of CPU. The exposure is the unit's first prediction in the experiment; a unit
 * first exposed outside [start, end) is not in the analysis, and "several variants"
 * counts every variant the unit was served in the experiment. A unit served only
 * variants the definition does not name is left out.
 */
export function unitExposuresSql(def: ExperimentDefinition): Sql {
  const variants = def.variants.map((v) => v.name);
  // The table keys variants by their cityHash64.
  const keys = variants.map((v) => sql`cityHash64(${v})`);
  return sql`SELECT unit, arm, in_several, exposed_ms
    FROM (
      SELECT
        unit,
        transform(min_variant, ${keys}, ${variants}, '') AS arm,
        min_variant != max_variant AS in_several,
        exposed_ms
      FROM (
        SELECT
          unit,
          min(first_ms) AS exposed_ms,
          min(variant_key) AS min_variant,
          max(variant_key) AS max_variant
        FROM ${FIRST_EXPOSURES}
        WHERE model = ${def.model} AND experiment_id = ${def.id}
        GROUP BY unit
      )
    )
    WHERE exposed_ms >= ${def.start.getTime()} AND exposed_ms < ${def.end.getTime()}
      AND (in_several OR arm != '')`;
}

/** Rows per part of the experiment's rows in experiment_first_exposures (rows: part, rows). */
export function exposurePartRowsSql(def: ExperimentDefinition): Sql {
  return sql`SELECT _part AS part, count() AS rows FROM ${FIRST_EXPOSURES}
    WHERE model = ${def.model} AND experiment_id = ${def.id}
    GROUP BY part`;
}

/**
 * The share of rows beyond the experiment's largest part at which its partition is
 * worth merging. Below it, an analysis groups at most a quarter more exposure rows
 * than the largest part holds (0.7 s of CPU for 1M units at one row per unit). A
 * merge rewrites the whole partition; merging only once the rows beyond the largest
 * part reach this share, each merge writes at most five rows per row it folds in, so
 * the merges write at most five times what the view inserted, however often the
 * experiment is looked at (merging at every look rewrote the partition at every look).
 */
export const MERGE_AT_EXTRA_SHARE = 0.25;

/** Whether parts holding these row counts are worth merging (MERGE_AT_EXTRA_SHARE). */
export function exposuresNeedMerge(partRows: readonly number[]): boolean {
  if (partRows.length < 2) return false;
  const largest = Math.max(...partRows);
  const total = partRows.reduce((sum, rows) => sum + rows, 0);
  return total - largest >= MERGE_AT_EXTRA_SHARE * largest;
}

/**
 * Merges the experiment's partition of experiment_first_exposures into one part, one
 * row per unit and variant (the table is partitioned by model and experiment). Until
 * then a unit has a row in every part an insert of its predictions made, and
 * ClickHouse merges parts of similar size only after hours: 4.6 rows per unit made
 * the exposures 2.2 s of an analysis's CPU instead of 0.7 s.
 */
export function compactExposuresSql(def: ExperimentDefinition): Sql {
  return sql`OPTIMIZE TABLE ${FIRST_EXPOSURES} PARTITION (${def.model}, ${def.id}) FINAL`;
}
