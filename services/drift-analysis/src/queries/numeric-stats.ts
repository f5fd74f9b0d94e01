/**
 * Per numeric feature of one window, everything the drift statistics need, computed
 * in ClickHouse in one pass: counts of missing (NaN), infinite and finite values,
 * min/max/mean/variance of the finite ones, values outside the reference range, and
 * the histogram over the reference's fine edges.
 *
 * Each feature's edges and range travel as constant arrays indexed by the feature's
 * position (`indexOf`); the bin of x is `arrayCount(e -> e <= x, edges)` (the number
 * of edges at or below x, as libs/stats bins it) and `sumMap` adds up the bins.
 * All of it exists on 18.16.
 */
import { sql, type Sql } from '@ballast/clickhouse';
import type { ClickHouseClient } from '@clickhouse/client';
import type { NumericReference } from '../domain/reference';
import type { NumericWindowStats } from '../domain/window-stats';
import { windowSource, type WindowSelector } from './window-filter';

interface Row {
  name: string;
  rows: string;
  missing: string;
  infinite: string;
  min: number | null;
  max: number | null;
  mean: number | null;
  variance: number | null;
  below_min: string;
  above_max: string;
  bins: [number[], (string | number)[]];
}

export function numericStatsQuery(w: WindowSelector, refs: readonly NumericReference[]): Sql {
  const names = refs.map((r) => r.name);
  const edges = refs.map((r) => [...r.fineEdges]);
  const mins = refs.map((r) => r.min);
  const maxs = refs.map((r) => r.max);
  return sql`SELECT
    name,
    count() AS rows,
    countIf(isNaN(value)) AS missing,
    countIf(isInfinite(value)) AS infinite,
    minIf(value, isFinite(value)) AS min,
    maxIf(value, isFinite(value)) AS max,
    avgIf(value, isFinite(value)) AS mean,
    varSampIf(value, isFinite(value)) AS variance,
    countIf(isFinite(value) AND value < arrayElement(${mins}, idx)) AS below_min,
    countIf(isFinite(value) AND value > arrayElement(${maxs}, idx)) AS above_max,
    sumMapIf([toUInt32(arrayCount(e -> e <= value, arrayElement(${edges}, idx)))], [toUInt64(1)], isFinite(value)) AS bins
  FROM
  (
    SELECT name, value, indexOf(${names}, name) AS idx
    FROM ${windowSource(w, sql`ARRAY JOIN numeric_names AS name, numeric_values AS value`)}
  )
  WHERE idx > 0
  GROUP BY name`;
}

function finiteOr(value: number | null, fallback: number): number {
  return value === null || !Number.isFinite(value) ? fallback : value;
}

/** Runs {@link numericStatsQuery}; features no event carried are absent from the map. */
export async function queryNumericStats(
  clickhouse: ClickHouseClient,
  w: WindowSelector,
  refs: readonly NumericReference[],
): Promise<Map<string, NumericWindowStats>> {
  const out = new Map<string, NumericWindowStats>();
  if (refs.length === 0) return out;
  const result = await clickhouse.query({
    query: numericStatsQuery(w, refs).text,
    format: 'JSONEachRow',
  });
  const byName = new Map(refs.map((r) => [r.name, r]));
  for (const row of await result.json<Row>()) {
    const ref = byName.get(row.name) as NumericReference;
    const fineCounts = new Array<number>(ref.fineEdges.length + 1).fill(0);
    const [bins, counts] = row.bins;
    bins.forEach((bin, i) => (fineCounts[bin] = Number(counts[i])));
    const [rows, missing, infinite] = [row.rows, row.missing, row.infinite].map(Number) as [
      number,
      number,
      number,
    ];
    const finite = rows - missing - infinite;
    out.set(row.name, {
      type: 'numeric',
      rows,
      missing,
      infinite,
      finite,
      min: finiteOr(row.min, NaN),
      max: finiteOr(row.max, NaN),
      mean: finiteOr(row.mean, NaN),
      variance: finite >= 2 ? finiteOr(row.variance, 0) : 0,
      belowMin: Number(row.below_min),
      aboveMax: Number(row.above_max),
      fineCounts,
    });
  }
  return out;
}
