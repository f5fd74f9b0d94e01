/**
 * The references of a monitor whose reference is a past window of its own traffic,
 * profiled in ClickHouse (the two passes are described in
 * domain/window-reference.ts). The first pass is one ARRAY JOIN query through FINAL,
 * grouped by feature: it runs once per monitor at start, so it takes the general
 * way rather than the layout fast path. `quantilesDeterministic` (18.16 and
 * current) keeps a reservoir of 8192 values chosen by the event id's hash, so the
 * same window always gives the same edges.
 */
import { join, sql, type Sql } from '@ballast/clickhouse';
import type { ClickHouseClient } from '@clickhouse/client';
import type { MonitorDefinition, MonitorFeature, ReferenceWindow } from '../domain/monitor';
import { buildReferences, type FeatureReference } from '../domain/reference';
import {
  DECILE_LEVELS,
  REFERENCE_SAMPLE_SIZE,
  SAMPLE_LEVELS,
  referenceBins,
  windowProfile,
  type WindowQuantiles,
} from '../domain/window-reference';
import { queryCategoricalCounts } from './categorical-counts';
import { queryNumericStats } from './numeric-stats';
import { monitorSelector, windowSource, type WindowSelector } from './window-filter';

export function referenceQuantilesQuery(w: WindowSelector, features: readonly string[]): Sql {
  const levels = join([...DECILE_LEVELS, ...SAMPLE_LEVELS].map((l) => sql`${l}`));
  return sql`SELECT name, countIf(isFinite(value)) AS finite,
    minIf(value, isFinite(value)) AS min, maxIf(value, isFinite(value)) AS max,
    quantilesDeterministicIf(${levels})(value, cityHash64(event_id), isFinite(value)) AS quantiles,
    groupArrayIf(${REFERENCE_SAMPLE_SIZE})(value, isFinite(value)) AS values
  FROM
  (
    SELECT event_id, name, value
    FROM ${windowSource(w, sql`ARRAY JOIN numeric_names AS name, numeric_values AS value`)}
  )
  WHERE has(${features}, name)
  GROUP BY name`;
}

async function queryQuantiles(
  clickhouse: ClickHouseClient,
  w: WindowSelector,
  features: readonly string[],
): Promise<WindowQuantiles[]> {
  if (features.length === 0) return [];
  const result = await clickhouse.query({
    query: referenceQuantilesQuery(w, features).text,
    format: 'JSONEachRow',
  });
  const rows = await result.json<{
    name: string;
    finite: string;
    min: number;
    max: number;
    quantiles: number[];
    values: number[];
  }>();
  return rows.map((r) => ({
    name: r.name,
    finite: Number(r.finite),
    min: r.min,
    max: r.max,
    deciles: r.quantiles.slice(0, DECILE_LEVELS.length),
    quantiles: r.quantiles.slice(DECILE_LEVELS.length),
    values: r.values,
  }));
}

/**
 * The monitored features' references from the window's traffic (the monitor's model
 * and traffic version). Throws a ReferenceWindowError for an empty window or one
 * without finite values of a numeric feature, a ReferenceError for a feature the
 * window never carries.
 */
export async function queryWindowReferences(
  clickhouse: ClickHouseClient,
  options: {
    readonly monitor: MonitorDefinition;
    readonly window: ReferenceWindow;
    readonly features: readonly MonitorFeature[];
  },
): Promise<FeatureReference[]> {
  const { monitor, window, features } = options;
  const selector = monitorSelector(monitor, { start: window.from, end: window.to });
  const names = (type: MonitorFeature['type']) =>
    features.filter((f) => f.type === type).map((f) => f.name);
  const [quantiles, categorical] = await Promise.all([
    queryQuantiles(clickhouse, selector, names('numeric')),
    queryCategoricalCounts(clickhouse, selector, names('categorical')),
  ]);
  const bins = quantiles.map((q) => referenceBins(q, window));
  const counted = bins.length > 0 ? await queryNumericStats(clickhouse, selector, bins) : undefined;
  const numeric = quantiles.flatMap((q) => {
    const stats = counted?.features.get(q.name);
    return stats ? [{ quantiles: q, stats }] : [];
  });
  const profile = windowProfile({ window, minRows: monitor.minSampleSize, numeric, categorical });
  return buildReferences(profile, features);
}
