/**
 * The reference side of every comparison, prepared once per monitor from the
 * registered version's profile.json, or from the profile of a past window of traffic
 * (window-reference.ts), which has the same shape.
 *
 * Numeric features get two sets of bin edges:
 * - the profile's decile edges (`coarse`), with the full reference's counts: PSI;
 * - `fine` edges: percentiles of the profile's reference sample merged with the
 *   decile edges, with the sample's counts: binned Wasserstein and binned KS on
 *   windows too large to pull raw values (their error shrinks with the bins).
 * ClickHouse counts the current window once, over the fine edges; since every
 * coarse edge is a fine edge, the coarse counts are sums of fine ones.
 */
import type { FeatureProfile, ReferenceProfile } from '@ballast/model-store';
import { binCounts, fitBinEdges } from '@ballast/stats';
import type { MonitorFeature } from './monitor';

/** Percentile bins for the fine histogram (before merging duplicate edges). */
export const FINE_BINS = 100;

export interface NumericReference {
  readonly type: 'numeric';
  readonly name: string;
  readonly missingRate: number;
  readonly min: number;
  readonly max: number;
  /** Sample standard deviation (ddof = 1) of the full reference. */
  readonly std: number;
  readonly coarseEdges: readonly number[];
  readonly coarseCounts: readonly number[];
  readonly fineEdges: readonly number[];
  readonly fineCounts: readonly number[];
  /** For each fine bin, the coarse bin it lies in. */
  readonly fineToCoarse: readonly number[];
  /** Raw reference values for the exact tests on small windows. */
  readonly sample: readonly number[];
}

/** What counting a window over a feature's bins needs (src/queries). */
export type BinnedFeature = Pick<NumericReference, 'name' | 'fineEdges' | 'min' | 'max'>;

export interface CategoricalReference {
  readonly type: 'categorical';
  readonly name: string;
  readonly missingRate: number;
  readonly frequencies: Readonly<Record<string, number>>;
}

export type FeatureReference = NumericReference | CategoricalReference;

/** Thrown when a profile cannot serve as a reference for a monitored feature. */
export class ReferenceError extends Error {
  override readonly name = 'ReferenceError';
}

function numericReference(
  name: string,
  p: Extract<FeatureProfile, { type: 'numeric' }>,
  rows: number,
): NumericReference {
  const fitted = fitBinEdges({ reference: p.sample, bins: FINE_BINS });
  if (fitted.status !== 'ok') {
    throw new ReferenceError(`feature ${name}: the reference sample has no finite values`);
  }
  const fineEdges = [...new Set([...fitted.edges, ...p.bins.edges])].sort((a, b) => a - b);
  const coarse = p.bins.edges;
  // Fine bin 0 is below every edge; fine bin i starts at fineEdges[i - 1].
  const fineToCoarse = [0, ...fineEdges.map((lower) => coarse.filter((e) => e <= lower).length)];
  return {
    type: 'numeric',
    name,
    missingRate: rows > 0 ? p.missing / rows : 0,
    min: p.min,
    max: p.max,
    std: p.std,
    coarseEdges: coarse,
    coarseCounts: p.bins.counts,
    fineEdges,
    fineCounts: binCounts({ values: p.sample, edges: fineEdges }).counts,
    fineToCoarse,
    sample: p.sample,
  };
}

/** Model outputs are monitored under this prefix (prediction drift), beside the input features. */
export const OUTPUT_PREFIX = 'output:';

/** Outcome metrics are monitored under this prefix (target drift). */
export const TARGET_PREFIX = 'target:';

/** Where a reference's values come from: an input feature, a model output, an outcome metric. */
export type ValueKind = 'feature' | 'output' | 'target';

export function valueKind(r: { readonly name: string }): ValueKind {
  if (r.name.startsWith(OUTPUT_PREFIX)) return 'output';
  return r.name.startsWith(TARGET_PREFIX) ? 'target' : 'feature';
}

/**
 * Prediction drift: one numeric reference per output the profile summarises (its
 * `predictions` block), named `output:<output>`. An output's value per row is the
 * profile's score (infra/demo-models/make_models.py): the value of a one-element
 * output (a regression), the second element of a two-element one (P(class 1)), else
 * the largest element (the classifier's confidence).
 */
export function buildOutputReferences(profile: ReferenceProfile): NumericReference[] {
  return Object.entries(profile.predictions).map(([output, p]) =>
    numericReference(`${OUTPUT_PREFIX}${output}`, p, p.count + p.missing),
  );
}

/**
 * Target drift: one numeric reference per outcome metric the profile summarises (its
 * `targets` block), named `target:<metric>`; the values are the `value` of the
 * model's outcome events of that metric.
 */
export function buildTargetReferences(profile: ReferenceProfile): NumericReference[] {
  return Object.entries(profile.targets).map(([metric, p]) =>
    numericReference(`${TARGET_PREFIX}${metric}`, p, p.count + p.missing),
  );
}

/** Every reference a profile gives a monitor: its features, then outputs, then targets. */
export function profileReferences(
  profile: ReferenceProfile,
  features: readonly MonitorFeature[],
): FeatureReference[] {
  return [
    ...buildReferences(profile, features),
    ...buildOutputReferences(profile),
    ...buildTargetReferences(profile),
  ];
}

/** The references of the monitored features, in the monitor's order. */
export function buildReferences(
  profile: ReferenceProfile,
  features: readonly MonitorFeature[],
): FeatureReference[] {
  return features.map((f) => {
    const p = Object.hasOwn(profile.features, f.name) ? profile.features[f.name] : undefined;
    if (!p || p.type !== f.type) {
      throw new ReferenceError(`feature ${f.name}: the reference has no ${f.type} profile for it`);
    }
    if (p.type === 'categorical') {
      return {
        type: 'categorical',
        name: f.name,
        missingRate: profile.rows > 0 ? p.missing / profile.rows : 0,
        frequencies: p.frequencies,
      };
    }
    return numericReference(f.name, p, profile.rows);
  });
}
