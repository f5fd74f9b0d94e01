/**
 * A past window of the monitor's own traffic as its reference. ClickHouse profiles
 * the window (src/queries/reference-window.ts) in two passes, and this module puts
 * the result into the shape of a profile.json, so that {@link profileReferences} turns
 * it into references exactly as it does a registered version's profile (features,
 * and the outputs and outcome metrics the window has: prediction and target drift):
 *
 * 1. per numeric feature, output score and outcome metric, quantiles of the finite values (deterministic reservoir
 *    of 8192, so exact on smaller windows), min, max, and up to
 *    {@link REFERENCE_SAMPLE_SIZE} raw values → {@link referenceBins}: the decile
 *    edges;
 * 2. counts, moments and the histogram over those edges, by the same queries as a
 *    monitor window, and category counts.
 *
 * The sample that stands in for the profile's (fine edges, exact tests on small
 * windows) is every finite value when there are at most REFERENCE_SAMPLE_SIZE, else
 * the window's quantiles at REFERENCE_SAMPLE_SIZE evenly spaced levels.
 */
import type { FeatureProfile, NumericProfile, ReferenceProfile } from '@ballast/model-store';
import type { ReferenceWindow } from './monitor';
import { OUTPUT_PREFIX, TARGET_PREFIX, valueKind, type BinnedFeature } from './reference';
import type { CategoricalWindowStats, NumericWindowStats } from './window-stats';

export const REFERENCE_SAMPLE_SIZE = 1000;

/** Levels of the decile edges (the profile's `bins`). */
export const DECILE_LEVELS: readonly number[] = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((j) => j / 10);

/** Levels of the quantiles that stand in for a sample of a large window. */
export const SAMPLE_LEVELS: readonly number[] = Array.from(
  { length: REFERENCE_SAMPLE_SIZE },
  (_, i) => (i + 0.5) / REFERENCE_SAMPLE_SIZE,
);

/** Thrown when a reference window cannot serve as a reference (no or too few events). */
export class ReferenceWindowError extends Error {
  override readonly name = 'ReferenceWindowError';
  constructor(
    readonly window: ReferenceWindow,
    reason: string,
  ) {
    super(
      `the reference window ${window.from.toISOString()} .. ${window.to.toISOString()} ${reason}`,
    );
  }
}

/** The first pass over one numeric feature of the reference window. */
export interface WindowQuantiles {
  readonly name: string;
  /** Finite values. */
  readonly finite: number;
  readonly min: number;
  readonly max: number;
  /** At {@link DECILE_LEVELS}. */
  readonly deciles: readonly number[];
  /** At {@link SAMPLE_LEVELS}. */
  readonly quantiles: readonly number[];
  /** Up to REFERENCE_SAMPLE_SIZE finite values: all of them when finite ≤ that. */
  readonly values: readonly number[];
}

/** Ascending quantiles with repeats merged, as libs/stats fits bin edges. */
function decileEdges(q: WindowQuantiles): number[] {
  const edges: number[] = [];
  for (const e of q.deciles) if (edges.length === 0 || e > (edges.at(-1) as number)) edges.push(e);
  return edges;
}

/** The decile edges the second pass counts the window over. */
export function referenceBins(q: WindowQuantiles, window: ReferenceWindow): BinnedFeature {
  if (q.finite === 0) {
    throw new ReferenceWindowError(window, `has no finite value of ${q.name}`);
  }
  return { name: q.name, fineEdges: decileEdges(q), min: q.min, max: q.max };
}

function numericProfile(q: WindowQuantiles, s: NumericWindowStats): NumericProfile {
  return {
    type: 'numeric',
    count: s.rows - s.missing,
    missing: s.missing,
    mean: s.mean,
    std: Math.sqrt(s.variance),
    min: s.min,
    max: s.max,
    quantiles: { probs: [...DECILE_LEVELS], values: [...q.deciles] },
    // The second pass counted the window over these edges (referenceBins).
    bins: { edges: decileEdges(q), counts: [...s.fineCounts] },
    sample: [...(q.finite <= REFERENCE_SAMPLE_SIZE ? q.values : q.quantiles)],
  };
}

/**
 * The window's profile from both passes. `numeric` holds the features, outputs and
 * targets by their reference names (reference.ts: `output:<output>`,
 * `target:<metric>`); an output or target with fewer finite values than `minRows` is
 * left out (too few to stand for the window). Throws a {@link ReferenceWindowError}
 * when the window has no events, or fewer than `minRows`.
 */
export function windowProfile(input: {
  readonly window: ReferenceWindow;
  readonly minRows: number;
  readonly numeric: readonly {
    readonly quantiles: WindowQuantiles;
    readonly stats: NumericWindowStats;
  }[];
  readonly categorical: ReadonlyMap<string, CategoricalWindowStats>;
}): ReferenceProfile {
  const features: Record<string, FeatureProfile> = {};
  const predictions: Record<string, NumericProfile> = {};
  const targets: Record<string, NumericProfile> = {};
  const featureRows: number[] = [];
  for (const { quantiles, stats } of input.numeric) {
    const kind = valueKind(quantiles);
    if (kind === 'feature') {
      features[quantiles.name] = numericProfile(quantiles, stats);
      featureRows.push(stats.rows);
    } else if (stats.finite >= input.minRows) {
      const [into, prefix] =
        kind === 'output' ? [predictions, OUTPUT_PREFIX] : [targets, TARGET_PREFIX];
      into[quantiles.name.slice(prefix.length)] = numericProfile(quantiles, stats);
    }
  }
  for (const [name, s] of input.categorical) {
    features[name] = {
      type: 'categorical',
      count: s.rows - s.missing,
      missing: s.missing,
      frequencies: { ...s.counts },
    };
    featureRows.push(s.rows);
  }
  // Events carrying a feature; every event carries every feature in the usual layout.
  const rows = Math.max(0, ...featureRows);
  if (rows === 0) throw new ReferenceWindowError(input.window, 'has no events');
  if (rows < input.minRows) {
    throw new ReferenceWindowError(
      input.window,
      `has ${rows} events, fewer than the minimum sample size ${input.minRows}`,
    );
  }
  return { rows, features, predictions, targets };
}
