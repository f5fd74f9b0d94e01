/**
 * Population Stability Index between a reference and a current distribution over
 * the same bins (numeric quantile bins or categories):
 *
 *   PSI = Σ_i (c_i - r_i) · ln(c_i / r_i)        (natural log)
 *
 * where r_i, c_i are the bins' proportions of each window, each floored at
 * ε = 1e-4 (p ← max(p, ε), no renormalisation) so an empty bin contributes a large
 * but finite term instead of ∞. PSI >= 0 and is symmetric in the two windows.
 * Rule of thumb: < 0.1 stable, 0.1–0.2 moderate shift, > 0.2 significant shift.
 */
import { binCounts, checkEdges, quantileEdges } from './bins.js';
import {
  checkedPair,
  DriftInputError,
  insufficient,
  sortedSamples,
  type DriftOutcome,
  type SampleDriftOutcome,
} from './result.js';

/** Floor for empty-bin proportions in PSI and for unseen categories. */
export const DEFAULT_DRIFT_EPSILON = 1e-4;

export function checkEpsilon(epsilon: number): void {
  if (!(epsilon > 0 && epsilon < 1)) {
    throw new DriftInputError(`epsilon must be in (0, 1), got ${epsilon}`);
  }
}

/** Each count's share of `total`, floored at `epsilon`, p ← max(p, ε); not renormalised. */
export function flooredProportions(
  counts: readonly number[],
  total: number,
  epsilon: number,
): number[] {
  return counts.map((count) => Math.max(count / total, epsilon));
}

/** PSI from two count vectors over the same bins. */
export function psiFromCounts(input: {
  readonly reference: readonly number[];
  readonly current: readonly number[];
  /** Floor for each bin's proportion; default {@link DEFAULT_DRIFT_EPSILON}. */
  readonly epsilon?: number;
}): DriftOutcome<{ readonly psi: number }> {
  const epsilon = input.epsilon ?? DEFAULT_DRIFT_EPSILON;
  checkEpsilon(epsilon);
  const totals = checkedPair(input);
  if ('status' in totals) return totals;
  const reference = flooredProportions(input.reference, totals.referenceTotal, epsilon);
  const current = flooredProportions(input.current, totals.currentTotal, epsilon);
  let psi = 0;
  reference.forEach((r, i) => {
    const c = current[i] as number;
    psi += (c - r) * Math.log(c / r);
  });
  return { status: 'ok', psi };
}

export interface PsiResult {
  readonly psi: number;
  /** The interior edges used (fitted on the reference unless given). */
  readonly edges: number[];
  readonly referenceCounts: number[];
  readonly currentCounts: number[];
}

/**
 * PSI over raw samples: bins at the reference's quantiles (or the given `edges`),
 * counts both windows into them and applies {@link psiFromCounts}. NaN and ±Infinity
 * are dropped and counted in `nonFinite`.
 */
export function psiFromSamples(input: {
  readonly reference: readonly number[];
  readonly current: readonly number[];
  /** Interior bin edges to use instead of fitting quantile bins on the reference. */
  readonly edges?: readonly number[];
  /** Quantile bins to fit when `edges` is absent; default 10. */
  readonly bins?: number;
  readonly epsilon?: number;
}): SampleDriftOutcome<PsiResult> {
  const { samples, emptyReason } = sortedSamples(input);
  const nonFinite = samples.nonFinite;
  if (emptyReason !== undefined) return { ...insufficient(emptyReason), nonFinite };
  if (input.edges !== undefined) checkEdges(input.edges);
  const edges =
    input.edges === undefined ? quantileEdges(samples.reference, input.bins) : [...input.edges];
  const referenceCounts = binCounts({ values: samples.reference, edges }).counts;
  const currentCounts = binCounts({ values: samples.current, edges }).counts;
  const result = psiFromCounts({
    reference: referenceCounts,
    current: currentCounts,
    epsilon: input.epsilon,
  });
  // Both windows have values, so their counts are positive: `result` is always ok.
  if (result.status !== 'ok') return { ...result, nonFinite };
  return { status: 'ok', psi: result.psi, edges, referenceCounts, currentCounts, nonFinite };
}
