/**
 * Jensen–Shannon distance between two binned distributions, matching
 * `scipy.spatial.distance.jensenshannon(reference, current, base=2)`:
 *
 *   JS = sqrt( (KL(p ‖ m) + KL(q ‖ m)) / 2 ),  m = (p + q)/2,  KL in bits (log base 2)
 *
 * with p, q the count vectors normalised to sum 1 and 0·log(0/x) = 0. Base 2 bounds
 * it to [0, 1]: 0 for identical distributions, 1 for disjoint supports. It is a
 * metric, is symmetric and needs no epsilon (m > 0 wherever p or q is).
 */
import { checkedPair, type DriftOutcome } from './result.js';

/** x · ln(x / y), scipy's `rel_entr`, for x >= 0 and y > 0 where x > 0. */
function relativeEntropyTerm(x: number, y: number): number {
  return x > 0 ? x * Math.log(x / y) : 0;
}

/** Jensen–Shannon distance (base 2) between two count vectors over the same bins. */
export function jensenShannonFromCounts(input: {
  readonly reference: readonly number[];
  readonly current: readonly number[];
}): DriftOutcome<{ readonly distance: number }> {
  const totals = checkedPair(input);
  if ('status' in totals) return totals;
  let divergence = 0;
  input.reference.forEach((count, i) => {
    const p = count / totals.referenceTotal;
    const q = (input.current[i] as number) / totals.currentTotal;
    const m = (p + q) / 2;
    divergence += relativeEntropyTerm(p, m) + relativeEntropyTerm(q, m);
  });
  // Rounding can leave a tiny negative sum for near-identical inputs, where scipy
  // would return NaN; the distance there is 0.
  const distance = Math.sqrt(Math.max(divergence / Math.LN2 / 2, 0));
  return { status: 'ok', distance: Math.min(distance, 1) };
}
