/**
 * Per-variant sufficient statistics of one metric, aggregated in ClickHouse so no
 * per-unit row reaches Node. Per unit (exposed in one variant only):
 * - x: binary, 1 when the unit had an outcome of the metric with value > 0 within the
 *   attribution window after its first exposure, else 0; continuous and ratio, the sum
 *   of the (numerator) outcome's values in that window (0 when none);
 * - y: ratio only, the denominator's sum in the window (0 otherwise);
 * - c: CUPED only, the metric's sum in the pre-period [start − pre, start), else 0.
 * Per variant: n, Σx, Σx², Σy, Σy², Σxy, Σc, Σc², Σxc.
 *
 * 18.16 allows one JOIN per SELECT, hence one nesting level per join.
 */
import { sql, type Sql } from '@ballast/clickhouse';
import type { ExperimentDefinition, MetricDefinition } from '../domain/experiment-definition';
import { EVENT_MS, OUTCOMES, cleanExposuresSql } from './exposures';

/** One variant's sums (see the module comment for x, y and c). */
export interface MetricSums {
  readonly variant: string;
  readonly n: number;
  readonly sumX: number;
  readonly sumX2: number;
  readonly sumY: number;
  readonly sumY2: number;
  readonly sumXY: number;
  readonly sumC: number;
  readonly sumC2: number;
  readonly sumXC: number;
}

function outcomeNames(metric: MetricDefinition): { x: string; y: string } {
  return metric.kind === 'ratio'
    ? { x: metric.numerator, y: metric.denominator }
    : { x: metric.outcome, y: metric.outcome };
}

/** Per unit with outcomes in its window: unit_id, x_sum, y_sum, positives. */
function windowedOutcomesSql(def: ExperimentDefinition, metric: MetricDefinition): Sql {
  const names = outcomeNames(metric);
  const window = def.attributionWindowMs;
  const until = new Date(def.end.getTime() + window + 1000);
  return sql`SELECT
      unit_id,
      sumIf(value, metric = ${names.x}) AS x_sum,
      sumIf(value, metric = ${names.y}) AS y_sum,
      countIf(metric = ${names.x} AND value > 0) AS positives
    FROM (
      SELECT unit_id, exposed_ms, metric, value, t
      FROM (SELECT unit_id, exposed_ms FROM (${cleanExposuresSql(def)}))
      ALL INNER JOIN (
        SELECT unit_id, metric, value, ${EVENT_MS} AS t
        FROM ${OUTCOMES}
        WHERE has(${[names.x, names.y]}, metric) AND unit_id != ''
          AND event_time >= ${def.start} AND event_time < ${until}
      ) USING unit_id
    )
    WHERE t >= exposed_ms AND t < exposed_ms + ${window}
    GROUP BY unit_id`;
}

/** The unit's metric value x, by kind. */
function unitValue(metric: MetricDefinition): Sql {
  return metric.kind === 'binary' ? sql`toFloat64(positives > 0)` : sql`x_sum`;
}

/** Per unit: variant, x, y (with the units that had no outcome at 0). */
function unitMetricSql(def: ExperimentDefinition, metric: MetricDefinition): Sql {
  return sql`SELECT
      unit_id,
      variant,
      ${unitValue(metric)} AS x,
      ${metric.kind === 'ratio' ? sql`y_sum` : sql`toFloat64(0)`} AS y
    FROM (${cleanExposuresSql(def)})
    ANY LEFT JOIN (${windowedOutcomesSql(def, metric)}) USING unit_id`;
}

/** Adds c: the metric's pre-period sum per unit when CUPED applies, else 0. */
function withCovariateSql(def: ExperimentDefinition, metric: MetricDefinition): Sql {
  const units = unitMetricSql(def, metric);
  if (!usesCuped(def, metric)) return sql`SELECT variant, x, y, toFloat64(0) AS c FROM (${units})`;
  const from = new Date(def.start.getTime() - def.cupedPreWindowMs);
  return sql`SELECT variant, x, y, c
    FROM (${units})
    ANY LEFT JOIN (
      SELECT unit_id, sum(value) AS c
      FROM ${OUTCOMES}
      WHERE metric = ${outcomeNames(metric).x} AND unit_id != ''
        AND event_time >= ${from} AND event_time < ${def.start}
      GROUP BY unit_id
    ) USING unit_id`;
}

/** CUPED is for continuous metrics, when the experiment sets a pre-period. */
export function usesCuped(def: ExperimentDefinition, metric: MetricDefinition): boolean {
  return metric.kind === 'continuous' && def.cupedPreWindowMs > 0;
}

/** Rows: variant, n, sum_x, sum_x2, sum_y, sum_y2, sum_xy, sum_c, sum_c2, sum_xc. */
export function metricSumsSql(def: ExperimentDefinition, metric: MetricDefinition): Sql {
  return sql`SELECT
      variant,
      count() AS n,
      sum(x) AS sum_x, sum(x * x) AS sum_x2,
      sum(y) AS sum_y, sum(y * y) AS sum_y2, sum(x * y) AS sum_xy,
      sum(c) AS sum_c, sum(c * c) AS sum_c2, sum(x * c) AS sum_xc
    FROM (${withCovariateSql(def, metric)})
    GROUP BY variant
    ORDER BY variant`;
}

type Row = Record<string, string | number>;

/** 64-bit counts come back as strings in JSON; sums as numbers. */
export function parseMetricSums(row: Row): MetricSums {
  const num = (key: string): number => Number(row[key]);
  return {
    variant: String(row.variant),
    n: num('n'),
    sumX: num('sum_x'),
    sumX2: num('sum_x2'),
    sumY: num('sum_y'),
    sumY2: num('sum_y2'),
    sumXY: num('sum_xy'),
    sumC: num('sum_c'),
    sumC2: num('sum_c2'),
    sumXC: num('sum_xc'),
  };
}
