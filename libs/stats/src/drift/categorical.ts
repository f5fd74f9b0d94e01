/**
 * Drift statistics for categorical features, over per-category counts of the two
 * windows, aligned by ./categories.ts (reference categories plus one pooled bucket
 * for categories the reference never saw).
 *
 * - Chi-square goodness of fit: expected = reference proportions × current total,
 *   each reference proportion floored at ε = 1e-4 and the floored proportions
 *   renormalised to sum 1 (so the unseen bucket, reference count 0, expects
 *   ≈ ε × total and a few unseen values already weigh heavily).
 * - Chi-square homogeneity: the 2×k table (reference row, current row) over the
 *   buckets non-empty in either window; no ε needed.
 * - Jensen–Shannon distance (base 2) and PSI (ε-floored proportions, natural log).
 */
import { type CategoryCounts, alignCategories } from './categories.js';
import { type ChiSquareDriftResult, goodnessOfFit, homogeneity } from './chi-square.js';
import { jensenShannonFromCounts } from './jensen-shannon.js';
import { checkEpsilon, DEFAULT_DRIFT_EPSILON, flooredProportions, psiFromCounts } from './psi.js';
import type { DriftOutcome } from './result.js';

interface CategoricalInput {
  readonly reference: CategoryCounts;
  readonly current: CategoryCounts;
}

/** Chi-square goodness of fit of the current counts to the reference proportions. */
export function categoricalChiSquare(
  input: CategoricalInput & { readonly epsilon?: number },
): DriftOutcome<ChiSquareDriftResult & { readonly unseenRate: number }> {
  const epsilon = input.epsilon ?? DEFAULT_DRIFT_EPSILON;
  checkEpsilon(epsilon);
  const aligned = alignCategories(input);
  if (aligned.status !== 'ok') return aligned;
  const floored = flooredProportions(aligned.reference, aligned.referenceTotal, epsilon);
  const flooredTotal = floored.reduce((a, b) => a + b, 0);
  const proportions = floored.map((p) => p / flooredTotal);
  return {
    status: 'ok',
    ...goodnessOfFit(aligned.current, proportions),
    unseenRate: aligned.unseenCount / aligned.currentTotal,
  };
}

/** Chi-square test that both windows share one category distribution (2×k table). */
export function categoricalHomogeneity(
  input: CategoricalInput,
): DriftOutcome<ChiSquareDriftResult> {
  const aligned = alignCategories(input);
  if (aligned.status !== 'ok') return aligned;
  const kept = aligned.reference.flatMap((r, j) =>
    r + (aligned.current[j] as number) > 0 ? [j] : [],
  );
  return {
    status: 'ok',
    ...homogeneity(
      kept.map((j) => aligned.reference[j] as number),
      kept.map((j) => aligned.current[j] as number),
    ),
  };
}

/** Jensen–Shannon distance (base 2, in [0, 1]) between the category frequencies. */
export function categoricalJensenShannon(
  input: CategoricalInput,
): DriftOutcome<{ readonly distance: number }> {
  const aligned = alignCategories(input);
  if (aligned.status !== 'ok') return aligned;
  return jensenShannonFromCounts(aligned);
}

/** PSI (natural log, ε-floored proportions) between the category frequencies. */
export function categoricalPsi(
  input: CategoricalInput & { readonly epsilon?: number },
): DriftOutcome<{ readonly psi: number }> {
  const aligned = alignCategories(input);
  if (aligned.status !== 'ok') return aligned;
  return psiFromCounts({
    reference: aligned.reference,
    current: aligned.current,
    epsilon: input.epsilon,
  });
}
