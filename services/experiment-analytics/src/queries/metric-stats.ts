/**
 * Units per variant and every metric's per-variant sufficient statistics in ONE query,
 * so the exposures are computed once per analysis (they were recomputed per metric).
 * Per unit (exposed in one variant only):
 * - x: binary, 1 when the unit had an outcome of the metric with value > 0 within the
 *   attribution window after its first exposure, else 0; continuous and ratio, the sum
 *   of the (numerator) outcome's values in that window (0 when none);
 * - y: ratio only, the denominator's sum in the window (0 otherwise);
 * - c: CUPED only, the metric's sum in the pre-period [start − pre, start), else 0.
 * Per variant: n, Σx, Σx², Σy, Σy², Σxy, Σc, Σc², Σxc.
 *
 * Shape: exposures (per unit) ANY LEFT JOIN each unit's outcomes as arrays (metric,
 * ms, value), then x, y, c per unit from the arrays and the unit's exposure time, then
 * sums per assigned variant (units in several variants under ''). 18.16 drops a column
 * of a joined subquery that only a lambda uses, hence the exposure time passed to the
 * lambdas as an array of its own.
 */
import { Sql, inList, join, sql } from '@ballast/clickhouse';
import type { ExperimentDefinition, MetricDefinition } from '../domain/experiment-definition';
import { EVENT_MS, OUTCOME_EVENTS, UNIT_KEY, unitExposuresSql } from './exposures';

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

/** Per assigned variant ('' for units in several variants): units, and each metric's sums. */
export interface AssignedSums {
  readonly assigned: string;
  readonly units: number;
  /** In the order of the definition's metrics. */
  readonly metrics: readonly MetricSums[];
}

function outcomeNames(metric: MetricDefinition): { x: string; y: string } {
  return metric.kind === 'ratio'
    ? { x: metric.numerator, y: metric.denominator }
    : { x: metric.outcome, y: metric.outcome };
}

/** CUPED is for continuous metrics, when the experiment sets a pre-period. */
export function usesCuped(def: ExperimentDefinition, metric: MetricDefinition): boolean {
  return metric.kind === 'continuous' && def.cupedPreWindowMs > 0;
}

const seconds = (date: Date): number => Math.floor(date.getTime() / 1000);

/** The outcome metrics the definition reads; in queries, a metric is its position here, from 1. */
function outcomeMetrics(def: ExperimentDefinition): string[] {
  return [...new Set(def.metrics.flatMap((m) => Object.values(outcomeNames(m))))];
}

/** Every outcome any metric reads, each event once, between the earliest pre-period and the last window. */
function unitOutcomesSql(def: ExperimentDefinition): Sql {
  const names = outcomeMetrics(def);
  const cuped = def.metrics.some((m) => usesCuped(def, m));
  const from = cuped ? new Date(def.start.getTime() - def.cupedPreWindowMs) : def.start;
  const until = new Date(def.end.getTime() + def.attributionWindowMs + 1000);
  // Each event once without FINAL (which merges the range in one stream: 3.7 s on 2M
  // outcomes): a redelivered event is the same row again, so per unit only the first
  // copy of each event id is kept (arrayEnumerateUniq numbers the copies). One array
  // per column, metrics as small integers: 2.0 s of CPU on 2M outcomes, where one
  // array of (id, metric, ms, value) tuples and arrayDistinct took 3.0 s.
  return sql`SELECT
      unit,
      arrayEnumerateUniq(ids) AS copy,
      arrayFilter((x, k) -> k = 1, metrics, copy) AS o_metric,
      arrayFilter((x, k) -> k = 1, mss, copy) AS o_ms,
      arrayFilter((x, k) -> k = 1, vals, copy) AS o_value
    FROM (
      SELECT
        ${UNIT_KEY} AS unit,
        groupArray(cityHash64(event_id)) AS ids,
        groupArray(indexOf(${names}, metric)) AS metrics,
        groupArray(${EVENT_MS}) AS mss,
        groupArray(value) AS vals
      FROM ${OUTCOME_EVENTS}
      WHERE metric IN ${inList(names)}
        AND event_time >= ${from} AND event_time < ${until}
        AND unit_id != ''
      GROUP BY unit
    )`;
}

/** Σ over the unit's outcomes of metric number `m` that satisfy `when` (m, t, v, e: metric, ms, value, exposure ms). */
function arraySumOf(metric: number, when: Sql): Sql {
  return sql`arraySum((m, t, v, e) -> if(m = ${metric} AND ${when}, v, 0), o_metric, o_ms, o_value, o_exposed)`;
}

function unitColumns(def: ExperimentDefinition, metric: MetricDefinition, i: number): Sql {
  const metrics = outcomeMetrics(def);
  const named = outcomeNames(metric);
  const names = { x: metrics.indexOf(named.x) + 1, y: metrics.indexOf(named.y) + 1 };
  const inWindow = sql`t >= e AND t < e + ${def.attributionWindowMs}`;
  const x =
    metric.kind === 'binary'
      ? sql`toFloat64(arrayExists((m, t, v, e) -> m = ${names.x} AND v > 0 AND ${inWindow}, o_metric, o_ms, o_value, o_exposed))`
      : arraySumOf(names.x, inWindow);
  const y = metric.kind === 'ratio' ? arraySumOf(names.y, inWindow) : sql`toFloat64(0)`;
  // The pre-period on whole seconds, as event_time compares with a DateTime.
  const pre = sql`t >= ${seconds(def.start) * 1000 - def.cupedPreWindowMs} AND t < ${seconds(def.start) * 1000}`;
  const c = usesCuped(def, metric) ? arraySumOf(names.x, pre) : sql`toFloat64(0)`;
  return sql`${x} AS x${i}, ${y} AS y${i}, ${c} AS c${i}`;
}

function variantSums(i: number): Sql {
  const x = `x${i}`;
  const y = `y${i}`;
  const c = `c${i}`;
  return new Sql(
    [
      `sum(${x}) AS sum_x_${i}, sum(${x} * ${x}) AS sum_x2_${i}`,
      `sum(${y}) AS sum_y_${i}, sum(${y} * ${y}) AS sum_y2_${i}, sum(${x} * ${y}) AS sum_xy_${i}`,
      `sum(${c}) AS sum_c_${i}, sum(${c} * ${c}) AS sum_c2_${i}, sum(${x} * ${c}) AS sum_xc_${i}`,
    ].join(', '),
  );
}

/** Rows: assigned, units, and per metric i sum_x_i, sum_x2_i, sum_y_i, …, sum_xc_i. */
export function experimentSumsSql(def: ExperimentDefinition): Sql {
  const indexes = def.metrics.map((_, i) => i);
  return sql`SELECT
      assigned,
      count() AS units,
      ${join(indexes.map(variantSums))}
    FROM (
      SELECT
        if(in_several, '', arm) AS assigned,
        ${join(def.metrics.map((m, i) => unitColumns(def, m, i)))}
      FROM (
        SELECT
          arm,
          in_several,
          o_metric,
          o_ms,
          o_value,
          arrayResize(emptyArrayUInt64(), length(o_ms), exposed_ms) AS o_exposed
        FROM (${unitExposuresSql(def)})
        ANY LEFT JOIN (${unitOutcomesSql(def)}) USING unit
      )
    )
    GROUP BY assigned
    ORDER BY assigned`;
}

type Row = Record<string, string | number>;

/** 64-bit counts come back as strings in JSON; sums as numbers. */
export function parseAssignedSums(def: ExperimentDefinition, row: Row): AssignedSums {
  const num = (key: string): number => Number(row[key]);
  const assigned = String(row.assigned);
  const units = num('units');
  return {
    assigned,
    units,
    metrics: def.metrics.map((_, i) => ({
      variant: assigned,
      n: units,
      sumX: num(`sum_x_${i}`),
      sumX2: num(`sum_x2_${i}`),
      sumY: num(`sum_y_${i}`),
      sumY2: num(`sum_y2_${i}`),
      sumXY: num(`sum_xy_${i}`),
      sumC: num(`sum_c_${i}`),
      sumC2: num(`sum_c2_${i}`),
      sumXC: num(`sum_xc_${i}`),
    })),
  };
}
