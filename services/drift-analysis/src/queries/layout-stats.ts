/**
 * The fast path of the numeric window statistics, for the usual window: every event
 * carries the same `numeric_names` (the router names features from the manifest, in
 * input order). Then a feature's values are at one position of `numeric_values` and
 * two queries over the arrays as a whole do it (18.16 runs an array function over
 * all elements of a block at once, where per-feature expressions cost a pass each):
 *
 * - moments: `-ForEach` aggregates (NaN and ±Inf counts, min, max, sums around a
 *   centre, values outside the reference range), plus the checks that make the fast
 *   path valid: no event with other names, no duplicate not merged yet;
 * - histogram: each element's key `position × stride + bin` (bin-lookup.ts), ARRAY
 *   JOIN, GROUP BY key (fixed-width integer keys: 18.16's fastest aggregation).
 *
 * Measured on 10M events × 20 features (README "Benchmark"). When a check fails the
 * caller falls back to the general query (numeric-stats.ts).
 */
import { join, sql, type Sql } from '@ballast/clickhouse';
import type { BinnedFeature } from '../domain/reference';
import { binLookup, type BinLookup } from './bin-lookup';
import { windowSource, type WindowSelector } from './window-filter';

/** Per position of the layout, where the flat lookup arrays hold its part. */
export interface LayoutPlan {
  readonly names: readonly string[];
  /** The monitored references by position; undefined for positions not monitored. */
  readonly refs: readonly (BinnedFeature | undefined)[];
  readonly stride: number;
  readonly lookups: readonly BinLookup[];
}

const NONE = binLookup([]);
const NON_FINITE_KEY = 4294967295;

export function layoutPlan(names: readonly string[], refs: readonly BinnedFeature[]): LayoutPlan {
  const byName = new Map(refs.map((r) => [r.name, r]));
  const atPosition = names.map((n) => byName.get(n));
  const lookups = atPosition.map((r) => (r ? binLookup(r.fineEdges) : NONE));
  const stride = Math.max(1, ...atPosition.map((r) => (r ? r.fineEdges.length + 1 : 1)));
  return { names, refs: atPosition, stride, lookups };
}

export interface MomentsRow {
  events: string;
  distinct: string;
  other_layouts: string;
  missing: string[];
  infinite: string[];
  min: number[];
  max: number[];
  sum: number[];
  sum_squares: number[];
  below_min: string[];
  above_max: string[];
}

/** The centre each feature's sums are taken around: keeps the variance exact enough. */
export function centres(plan: LayoutPlan): number[] {
  return plan.refs.map((r) => (r ? (r.min + r.max) / 2 : 0));
}

export function momentsQuery(w: WindowSelector, plan: LayoutPlan): Sql {
  const mins = plan.refs.map((r) => r?.min ?? 0);
  const maxs = plan.refs.map((r) => r?.max ?? 0);
  const vals = sql`numeric_values`;
  return sql`SELECT count() AS events, uniqExact(cityHash64(event_id)) AS distinct,
    countIf(numeric_names != ${[...plan.names]}) AS other_layouts,
    sumForEach(arrayMap(v -> isNaN(v), ${vals})) AS missing,
    sumForEach(arrayMap(v -> isInfinite(v), ${vals})) AS infinite,
    minForEach(arrayMap(v -> if(isFinite(v), v, inf), ${vals})) AS min,
    maxForEach(arrayMap(v -> if(isFinite(v), v, -inf), ${vals})) AS max,
    sumForEach(arrayMap((v, c) -> if(isFinite(v), v - c, 0), ${vals}, ${centres(plan)})) AS sum,
    sumForEach(arrayMap((v, c) -> if(isFinite(v), (v - c) * (v - c), 0), ${vals}, ${centres(plan)})) AS sum_squares,
    sumForEach(arrayMap((v, m) -> isFinite(v) AND v < m, ${vals}, ${mins})) AS below_min,
    sumForEach(arrayMap((v, m) -> isFinite(v) AND v > m, ${vals}, ${maxs})) AS above_max
  FROM ${windowSource(w, sql``, { final: false })}`;
}

/** Keys `position × stride + bin` of the finite values; non-finite ones are left out. */
export function histogramQuery(w: WindowSelector, plan: LayoutPlan): Sql {
  const width = Math.max(...plan.lookups.map((l) => l.width), 0);
  const before: number[] = [];
  const edges: (number | Sql)[] = [];
  const beforeOffsets: number[] = [];
  const edgeOffsets: number[] = [];
  for (const l of plan.lookups) {
    beforeOffsets.push(before.length);
    edgeOffsets.push(edges.length);
    before.push(...l.before);
    // +inf padding: first + t never reads the next position's edges.
    edges.push(...l.edges, ...new Array<Sql>(width).fill(sql`inf`));
  }
  const positions = plan.names.map((_, i) => i);
  const cell = sql`toUInt32(least(greatest(floor((if(isFinite(v), v, 0) - lo) * sc), -1), cells) + 2 + bo)`;
  const firsts = sql`arrayMap((v, lo, sc, cells, bo) -> arrayElement(${before}, ${cell}),
      numeric_values, ${plan.lookups.map((l) => l.lo)}, ${plan.lookups.map((l) => l.scale)},
      ${plan.lookups.map((l) => l.cells)}, ${beforeOffsets})`;
  // The edges once, under an alias: repeated for each comparison, 17-digit edges of
  // 20 features passed 18.16's 256 KiB limit on the query text.
  const bin = join(
    [
      sql`f`,
      ...Array.from({ length: width }, (_, t) =>
        t === 0
          ? sql`(v >= arrayElement((${edges} AS all_edges), eo + f + 1))`
          : sql`(v >= arrayElement(all_edges, eo + f + ${t + 1}))`,
      ),
    ],
    ' + ',
  );
  return sql`SELECT key, count() AS n
  FROM
  (
    SELECT arrayMap((v, f, eo, p) -> if(isFinite(v), toUInt32(p * ${plan.stride} + ${bin}), ${NON_FINITE_KEY}),
      numeric_values, ${firsts}, ${edgeOffsets}, ${positions}) AS keys
    FROM ${windowSource(w, sql``, { final: false })}
  )
  ARRAY JOIN keys AS key
  WHERE key != ${NON_FINITE_KEY}
  GROUP BY key`;
}
