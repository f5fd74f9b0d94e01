/**
 * The references of a monitor whose reference is a past window of its own traffic,
 * profiled in ClickHouse (the two passes are described in
 * domain/window-reference.ts). The first pass is one query per kind of value
 * (features by ARRAY JOIN through FINAL, output scores, outcome metrics), grouped by
 * name: it runs once per monitor at start, so it takes the general
 * way rather than the layout fast path. `quantilesDeterministic` (18.16 and
 * current) keeps a reservoir of 8192 values chosen by the event id's hash, so the
 * same window always gives the same edges.
 */
import { inList, join, sql, type Sql } from '@ballast/clickhouse';
import type { ClickHouseClient } from '@clickhouse/client';
import type { MonitorDefinition, MonitorFeature, ReferenceWindow } from '../domain/monitor';
import {
  OUTPUT_PREFIX,
  TARGET_PREFIX,
  profileReferences,
  valueKind,
  type FeatureReference,
  type ValueKind,
} from '../domain/reference';
import {
  DECILE_LEVELS,
  REFERENCE_SAMPLE_SIZE,
  SAMPLE_LEVELS,
  referenceBins,
  windowProfile,
  type WindowQuantiles,
} from '../domain/window-reference';
import { queryCategoricalCounts } from './categorical-counts';
import type { NumericWindowStats } from '../domain/window-stats';
import {
  outputScore,
  queryNumericStats,
  queryOutputStats,
  queryTargetStats,
} from './numeric-stats';
import { monitorSelector, outcomeSource, windowSource, type WindowSelector } from './window-filter';

/**
 * The window's values of one kind, one row per (event, name, value): the features
 * through FINAL (each event once); the output scores of answered requests and the
 * outcome metrics as stored, as their window statistics are counted.
 */
function longValues(w: WindowSelector, kind: ValueKind, lookbackSeconds: number): Sql {
  switch (kind) {
    case 'feature':
      return sql`SELECT event_id, name, value
        FROM ${windowSource(w, sql`ARRAY JOIN numeric_names AS name, numeric_values AS value`)}`;
    case 'output':
      return sql`SELECT event_id, concat(${OUTPUT_PREFIX}, output) AS name, ${outputScore(sql`scores`)} AS value
        FROM ${windowSource(w, sql`ARRAY JOIN output_names AS output, output_values AS scores`, { final: false })}
          AND error_code = ''`;
    case 'target':
      return sql`SELECT event_id, concat(${TARGET_PREFIX}, metric) AS name, value
        FROM ${outcomeSource(w, lookbackSeconds)}`;
  }
}

/** The first pass over `values` (rows of event_id, name, value), for the names listed, or every name. */
export function referenceQuantilesQuery(values: Sql, names?: readonly string[]): Sql {
  const levels = join([...DECILE_LEVELS, ...SAMPLE_LEVELS].map((l) => sql`${l}`));
  return sql`SELECT name, countIf(isFinite(value)) AS finite,
    minIf(value, isFinite(value)) AS min, maxIf(value, isFinite(value)) AS max,
    quantilesDeterministicIf(${levels})(value, cityHash64(event_id), isFinite(value)) AS quantiles,
    groupArrayIf(${REFERENCE_SAMPLE_SIZE})(value, isFinite(value)) AS values
  FROM (${values})
  ${names === undefined ? sql`` : sql`WHERE name IN ${inList(names)}`}
  GROUP BY name
  ORDER BY name`;
}

async function queryQuantiles(
  clickhouse: ClickHouseClient,
  query: Sql,
): Promise<WindowQuantiles[]> {
  const result = await clickhouse.query({ query: query.text, format: 'JSONEachRow' });
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
 * The monitor's references from the window's traffic (the monitor's model and
 * traffic version): the monitored features, every output score and every outcome
 * metric the window has enough of. Throws a ReferenceWindowError for an empty window
 * or one without finite values of a numeric feature, a ReferenceError for a feature
 * the window never carries.
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
  const lookback = monitor.outcomeLookbackSeconds;
  const names = (type: MonitorFeature['type']) =>
    features.filter((f) => f.type === type).map((f) => f.name);
  const numericNames = names('numeric');
  const [featureQuantiles, outputQuantiles, targetQuantiles, categorical] = await Promise.all([
    numericNames.length === 0
      ? []
      : queryQuantiles(
          clickhouse,
          referenceQuantilesQuery(longValues(selector, 'feature', lookback), numericNames),
        ),
    queryQuantiles(clickhouse, referenceQuantilesQuery(longValues(selector, 'output', lookback))),
    queryQuantiles(clickhouse, referenceQuantilesQuery(longValues(selector, 'target', lookback))),
    queryCategoricalCounts(clickhouse, selector, names('categorical')),
  ]);
  // Outputs and targets with too few values are left out (windowProfile), so not counted.
  const enough = (q: WindowQuantiles) => q.finite >= monitor.minSampleSize;
  const quantiles = [
    ...featureQuantiles,
    ...outputQuantiles.filter(enough),
    ...targetQuantiles.filter(enough),
  ];
  const bins = quantiles.map((q) => referenceBins(q, window));
  const byKind = (kind: ValueKind) => bins.filter((b) => valueKind(b) === kind);
  const [counted, outputs, targets] = await Promise.all([
    byKind('feature').length > 0
      ? queryNumericStats(clickhouse, selector, byKind('feature')).then((c) => c.features)
      : new Map<string, NumericWindowStats>(),
    queryOutputStats(clickhouse, selector, byKind('output')),
    queryTargetStats(clickhouse, selector, byKind('target'), lookback),
  ]);
  const stats = new Map([...counted, ...outputs, ...targets]);
  const numeric = quantiles.flatMap((q) => {
    const s = stats.get(q.name);
    return s ? [{ quantiles: q, stats: s }] : [];
  });
  const profile = windowProfile({ window, minRows: monitor.minSampleSize, numeric, categorical });
  return profileReferences(profile, features);
}
