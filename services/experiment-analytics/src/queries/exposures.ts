/**
 * Exposures: each unit's first primary prediction in the experiment, and its variant.
 * A unit seen in more than one variant (a routing or id bug) cannot be attributed to
 * either: it is counted, reported and left out of every metric.
 */
import { Sql, TABLES, ident, sql } from '@ballast/clickhouse';
import type { ExperimentDefinition } from '../domain/experiment-definition';

/** Milliseconds since the epoch of an event row: the tables store seconds plus the ms part. */
export const EVENT_MS = new Sql('(toUInt64(event_time) * 1000 + event_time_ms)');

/** The analyst views, which count each event once (FINAL over the event tables). */
export const PREDICTIONS = ident(TABLES.predictions);
export const OUTCOMES = ident(TABLES.outcomes);

/** The experiment's primary predictions. */
export function experimentPredictionsFilter(def: ExperimentDefinition): Sql {
  const variants = def.variants.map((v) => v.name);
  return sql`model = ${def.model}
    AND experiment_id = ${def.id}
    AND role = 'primary'
    AND unit_id != ''
    AND has(${variants}, variant)
    AND event_time >= ${def.start} AND event_time < ${def.end}`;
}

/**
 * Per unit: unit_id, arm (its variant; any of them when several), variant_count,
 * exposed_ms (first exposure). Named arm: an alias `variant` would replace the column
 * inside uniqExact(variant).
 */
export function unitExposuresSql(def: ExperimentDefinition): Sql {
  return sql`SELECT
      unit_id,
      any(variant) AS arm,
      uniqExact(variant) AS variant_count,
      min(${EVENT_MS}) AS exposed_ms
    FROM ${PREDICTIONS}
    WHERE ${experimentPredictionsFilter(def)}
    GROUP BY unit_id`;
}

/** Per unit seen in exactly one variant: unit_id, variant, exposed_ms. */
export function cleanExposuresSql(def: ExperimentDefinition): Sql {
  return sql`SELECT unit_id, arm AS variant, exposed_ms
    FROM (${unitExposuresSql(def)})
    WHERE variant_count = 1`;
}

/**
 * Units per variant (`assigned`), with the units seen in several variants under arm ''
 * (variant names are never empty).
 */
export function assignmentSql(def: ExperimentDefinition): Sql {
  return sql`SELECT if(variant_count = 1, arm, '') AS assigned, count() AS units
    FROM (${unitExposuresSql(def)})
    GROUP BY assigned`;
}
