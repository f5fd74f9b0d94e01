/**
 * Deterministic references and window statistics for the domain's unit tests,
 * computed with libs/stats the way ClickHouse aggregates them.
 */
import type { ReferenceProfile } from '@ballast/model-store';
import { binCounts } from '@ballast/stats';
import { parseMonitors, type MonitorDefinition } from '../src/domain/monitor';
import { buildReferences, type BinnedFeature } from '../src/domain/reference';
import type { NumericWindowStats } from '../src/domain/window-stats';

/** n evenly spread quantiles of a standard normal-like shape (deterministic). */
export function spread(n: number, shift = 0): number[] {
  return Array.from({ length: n }, (_, i) => {
    const u = (i + 0.5) / n;
    return Math.log(u / (1 - u)) * 0.55 + shift;
  });
}

export function numericProfile(values: number[]): ReferenceProfile['features'][string] {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1));
  const edges = [1, 2, 3, 4, 5, 6, 7, 8, 9].map(
    (j) => sorted[Math.floor((j * sorted.length) / 10)]!,
  );
  return {
    type: 'numeric',
    count: values.length,
    missing: 0,
    mean,
    std,
    min: sorted[0]!,
    max: sorted.at(-1)!,
    quantiles: { probs: [0.5], values: [sorted[sorted.length >> 1]!] },
    bins: { edges, counts: binCounts({ values, edges }).counts },
    sample: sorted,
  };
}

export const profile: ReferenceProfile = {
  rows: 500,
  features: {
    x: numericProfile(spread(500)),
    y: numericProfile(spread(500, 10)),
    city: { type: 'categorical', count: 500, missing: 0, frequencies: { a: 300, b: 200 } },
  },
  predictions: {},
  targets: {},
};

export const monitor: MonitorDefinition = parseMonitors([
  { name: 'm', model: 'model', referenceVersion: '1', minSampleSize: 10 },
])[0]!;

export const references = buildReferences(profile, [
  { name: 'x', type: 'numeric' },
  { name: 'y', type: 'numeric' },
  { name: 'city', type: 'categorical' },
]);

/** What the numeric query returns for these raw values (NaN and ±Inf included). */
export function numericStats(
  ref: BinnedFeature,
  values: number[],
  options: { withValues: boolean },
): NumericWindowStats {
  const finite = values.filter(Number.isFinite);
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  return {
    type: 'numeric',
    rows: values.length,
    missing: values.filter(Number.isNaN).length,
    infinite: values.filter((v) => v === Infinity || v === -Infinity).length,
    finite: finite.length,
    min: Math.min(...finite),
    max: Math.max(...finite),
    mean,
    variance: finite.reduce((a, v) => a + (v - mean) ** 2, 0) / (finite.length - 1),
    belowMin: finite.filter((v) => v < ref.min).length,
    aboveMax: finite.filter((v) => v > ref.max).length,
    fineCounts: binCounts({ values: finite, edges: ref.fineEdges }).counts,
    ...(options.withValues ? { values: finite } : {}),
  };
}
