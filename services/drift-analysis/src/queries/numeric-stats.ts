/**
 * Per numeric feature of one window, everything the drift statistics need, computed
 * in ClickHouse: counts of missing (NaN), infinite and finite values,
 * min/max/mean/variance of the finite ones, values outside the reference range, and
 * the histogram over the reference's fine edges.
 *
 * Usually by the fast path (layout-stats.ts: every event with the same names, no
 * duplicate pending a merge). Otherwise by the general query below, in one pass:
 * each feature read at its position in the event's own `numeric_names` (`indexOf`),
 * with its own aggregates and bin lookup (bin-lookup.ts), through FINAL when a
 * duplicate is pending. Exact both ways, the general one slower (about 130 s over
 * 10M events × 20 features, against 25 s for ARRAY JOIN and GROUP BY name before
 * any histogram). All of it exists on 18.16.
 */
import { ident, join, sql, type Sql } from '@ballast/clickhouse';
import type { ClickHouseClient } from '@clickhouse/client';
import { OUTPUT_PREFIX, TARGET_PREFIX, type BinnedFeature } from '../domain/reference';
import type { NumericWindowStats } from '../domain/window-stats';
import { binExpression, binLookup } from './bin-lookup';
import {
  centres,
  histogramQuery,
  layoutPlan,
  momentsQuery,
  type LayoutPlan,
  type MomentsRow,
} from './layout-stats';
import { outcomeSource, windowSource, type WindowSelector } from './window-filter';

/** One feature's aggregates, as a tuple: see {@link Row}. */
type FeatureRow = [
  rows: string,
  missing: string,
  infinite: string,
  min: number | null,
  max: number | null,
  mean: number | null,
  variance: number | null,
  belowMin: string,
  aboveMax: string,
  bins: [number[], (string | number)[]],
];

interface Row {
  events: string;
  features: FeatureRow[];
}

function featureAggregates(ref: BinnedFeature, i: number): Sql {
  const [pos, v] = [ident(`p${i}`), ident(`v${i}`)];
  const present = sql`${pos} > 0`;
  const finite = sql`${present} AND isFinite(${v})`;
  const bin = binExpression(binLookup(ref.fineEdges), sql`if(isFinite(${v}), ${v}, 0)`, `b${i}`);
  return sql`(countIf(${present}), countIf(${present} AND isNaN(${v})),
    countIf(${present} AND isInfinite(${v})),
    minIf(${v}, ${finite}), maxIf(${v}, ${finite}), avgIf(${v}, ${finite}), varSampIf(${v}, ${finite}),
    countIf(${finite} AND ${v} < ${ref.min}), countIf(${finite} AND ${v} > ${ref.max}),
    sumMapIf([toUInt32(${bin})], [toUInt64(1)], ${finite}))`;
}

/** Per reference i, its position p_i in the event (0: absent) and its value v_i. */
type ValueColumns = (ref: BinnedFeature, pos: Sql, v: Sql) => Sql;

const featureColumns: ValueColumns = (ref, pos, v) =>
  sql`indexOf(numeric_names, ${ref.name}) AS ${pos}, if(${pos} > 0, numeric_values[${pos}], nan) AS ${v}`;

/** An output's score (reference.ts, buildOutputReferences) from its values; NaN when empty. */
export function outputScore(values: Sql): Sql {
  return sql`multiIf(length(${values}) = 1, ${values}[1], length(${values}) = 2, ${values}[2],
    length(${values}) > 2, arrayReduce('max', ${values}), nan)`;
}

const outputColumns: ValueColumns = (ref, pos, v) =>
  sql`indexOf(output_names, ${ref.name.slice(OUTPUT_PREFIX.length)}) AS ${pos}, if(${pos} > 0, ${outputScore(sql`output_values[${pos}]`)}, nan) AS ${v}`;

/** An outcome event carries one metric: the reference's, or none. */
const targetColumns: ValueColumns = (ref, pos, v) =>
  sql`toUInt8(metric = ${ref.name.slice(TARGET_PREFIX.length)}) AS ${pos}, if(${pos} > 0, value, nan) AS ${v}`;

function statsQuery(source: Sql, refs: readonly BinnedFeature[], columns: ValueColumns): Sql {
  return sql`SELECT count() AS events,
    [${join(refs.map(featureAggregates))}] AS features
  FROM
  (
    SELECT ${join(refs.map((r, i) => columns(r, ident(`p${i}`), ident(`v${i}`))))}
    FROM ${source}
  )`;
}

/** The window's numeric aggregates, by the general way; `final` when a duplicate is pending a merge. */
export function numericStatsQuery(
  w: WindowSelector,
  refs: readonly BinnedFeature[],
  options: { final: boolean },
): Sql {
  return statsQuery(windowSource(w, sql``, options), refs, featureColumns);
}

/**
 * The window's aggregates of the model's outputs (prediction drift), over answered
 * requests. As stored, without FINAL (which alone takes seconds on a large window):
 * a redelivered event not merged yet counts twice here, as in the volumes.
 */
export function outputStatsQuery(w: WindowSelector, refs: readonly BinnedFeature[]): Sql {
  return statsQuery(
    sql`${windowSource(w, sql``, { final: false })} AND error_code = ''`,
    refs,
    outputColumns,
  );
}

/**
 * The window's aggregates of the model's outcome metrics (target drift), over the
 * outcomes of window-filter.ts's outcomeSource, as stored (like the outputs).
 */
export function targetStatsQuery(
  w: WindowSelector,
  refs: readonly BinnedFeature[],
  lookbackSeconds: number,
): Sql {
  return statsQuery(outcomeSource(w, lookbackSeconds), refs, targetColumns);
}

function finiteOr(value: number | null, fallback: number): number {
  return value === null || !Number.isFinite(value) ? fallback : value;
}

function featureStats(ref: BinnedFeature, row: FeatureRow): NumericWindowStats {
  const [rowsText, missingText, infiniteText, min, max, mean, variance, below, above, bins] = row;
  const fineCounts = new Array<number>(ref.fineEdges.length + 1).fill(0);
  const [binIds, counts] = bins;
  binIds.forEach((bin, i) => (fineCounts[bin] = Number(counts[i])));
  const [rows, missing, infinite] = [rowsText, missingText, infiniteText].map(Number) as [
    number,
    number,
    number,
  ];
  const finite = rows - missing - infinite;
  return {
    type: 'numeric',
    rows,
    missing,
    infinite,
    finite,
    min: finiteOr(min, NaN),
    max: finiteOr(max, NaN),
    mean: finiteOr(mean, NaN),
    variance: finite >= 2 ? finiteOr(variance, 0) : 0,
    belowMin: Number(below),
    aboveMax: Number(above),
    fineCounts,
  };
}

function fromLayout(
  plan: LayoutPlan,
  moments: MomentsRow,
  histogram: readonly { key: number | string; n: string }[],
): Map<string, NumericWindowStats> {
  const rows = Number(moments.events);
  const counts = new Map(histogram.map((h) => [Number(h.key), Number(h.n)]));
  const centre = centres(plan);
  const out = new Map<string, NumericWindowStats>();
  plan.refs.forEach((ref, p) => {
    if (!ref) return;
    const missing = Number(moments.missing[p]);
    const infinite = Number(moments.infinite[p]);
    const finite = rows - missing - infinite;
    const sum = moments.sum[p] as number;
    const mean = (centre[p] as number) + sum / finite;
    const variance =
      finite >= 2
        ? Math.max(0, ((moments.sum_squares[p] as number) - (sum * sum) / finite) / (finite - 1))
        : 0;
    out.set(ref.name, {
      type: 'numeric',
      rows,
      missing,
      infinite,
      finite,
      min: finite > 0 ? (moments.min[p] as number) : NaN,
      max: finite > 0 ? (moments.max[p] as number) : NaN,
      mean: finite > 0 ? mean : NaN,
      variance,
      belowMin: Number(moments.below_min[p]),
      aboveMax: Number(moments.above_max[p]),
      fineCounts: Array.from(
        { length: ref.fineEdges.length + 1 },
        (_, bin) => counts.get(p * plan.stride + bin) ?? 0,
      ),
    });
  });
  return out;
}

async function rows<T>(clickhouse: ClickHouseClient, query: Sql): Promise<T[]> {
  return (await clickhouse.query({ query: query.text, format: 'JSONEachRow' })).json<T>();
}

/**
 * The window's event count (each event once) and its numeric features; a feature no
 * event carried is absent from the map. The fast path when the window allows it,
 * else the general query (with FINAL only when a duplicate is pending a merge).
 */
export async function queryNumericStats(
  clickhouse: ClickHouseClient,
  w: WindowSelector,
  refs: readonly BinnedFeature[],
): Promise<{ events: number; features: Map<string, NumericWindowStats> }> {
  const first = await rows<{ numeric_names: string[] }>(
    clickhouse,
    sql`SELECT numeric_names FROM ${windowSource(w, sql``, { final: false })} LIMIT 1`,
  );
  if (first.length === 0) return { events: 0, features: new Map() };
  const plan = layoutPlan(first[0]?.numeric_names ?? [], refs);
  const [[moments], histogram] = await Promise.all([
    rows<MomentsRow>(clickhouse, momentsQuery(w, plan)),
    rows<{ key: number | string; n: string }>(clickhouse, histogramQuery(w, plan)),
  ]);
  const m = moments as MomentsRow;
  const duplicates = m.events !== m.distinct;
  if (!duplicates && Number(m.other_layouts) === 0) {
    return { events: Number(m.events), features: fromLayout(plan, m, histogram) };
  }
  // A hash collision also lands here: it costs the slow path, never a wrong count.
  return statsOf(
    refs,
    await rows<Row>(clickhouse, numericStatsQuery(w, refs, { final: duplicates })),
  );
}

/** The outputs' statistics (prediction drift); an output no event carried is absent. */
export async function queryOutputStats(
  clickhouse: ClickHouseClient,
  w: WindowSelector,
  refs: readonly BinnedFeature[],
): Promise<Map<string, NumericWindowStats>> {
  if (refs.length === 0) return new Map();
  return statsOf(refs, await rows<Row>(clickhouse, outputStatsQuery(w, refs))).features;
}

/** The outcome metrics' statistics (target drift); a metric no outcome carried is absent. */
export async function queryTargetStats(
  clickhouse: ClickHouseClient,
  w: WindowSelector,
  refs: readonly BinnedFeature[],
  lookbackSeconds: number,
): Promise<Map<string, NumericWindowStats>> {
  if (refs.length === 0) return new Map();
  return statsOf(refs, await rows<Row>(clickhouse, targetStatsQuery(w, refs, lookbackSeconds)))
    .features;
}

function statsOf(
  refs: readonly BinnedFeature[],
  [row]: Row[],
): { events: number; features: Map<string, NumericWindowStats> } {
  const features = new Map<string, NumericWindowStats>();
  refs.forEach((ref, i) => {
    const stats = featureStats(ref, (row as Row).features[i] as FeatureRow);
    if (stats.rows > 0) features.set(ref.name, stats);
  });
  return { events: Number((row as Row).events), features };
}
