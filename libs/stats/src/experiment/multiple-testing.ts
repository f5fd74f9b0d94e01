/**
 * Adjusted p-values for comparing several treatments with one control (or several
 * metrics), matching statsmodels `multipletests`:
 * - Holm (`method='holm'`): step-down, controls the family-wise error rate;
 *   adjusted p_(i) = max_{j<=i} min(1, (m − j + 1)·p_(j)) in ascending order.
 * - Benjamini–Hochberg (`method='fdr_bh'`): step-up, controls the false discovery
 *   rate; adjusted p_(i) = min_{j>=i} min(1, m·p_(j)/j).
 */
import { requireOpenUnit, StatsInputError } from './errors.js';

export type PValueCorrection = 'holm' | 'benjamini-hochberg';

/** Inputs of {@link adjustPValues}. */
export interface PValueAdjustmentInput {
  readonly pValues: readonly number[];
  readonly method: PValueCorrection;
  /** Level for `rejected`; default 0.05. */
  readonly alpha?: number;
}

/** Adjusted p-values in the input order, and which hypotheses are rejected at alpha. */
export interface PValueAdjustment {
  readonly adjusted: readonly number[];
  /** adjusted <= alpha. */
  readonly rejected: readonly boolean[];
}

/**
 * Holm or Benjamini–Hochberg adjusted p-values (statsmodels `multipletests`, methods
 * `'holm'` and `'fdr_bh'`); an empty list gives empty results.
 */
export function adjustPValues(input: PValueAdjustmentInput): PValueAdjustment {
  const { pValues, method, alpha = 0.05 } = input;
  requireOpenUnit('alpha', alpha);
  pValues.forEach((p, i) => {
    if (!(p >= 0 && p <= 1))
      throw new StatsInputError(`pValues[${i}]`, `must be in [0, 1], got ${p}`);
  });
  if (method !== 'holm' && method !== 'benjamini-hochberg') {
    throw new StatsInputError('method', "must be 'holm' or 'benjamini-hochberg'");
  }
  const m = pValues.length;
  // Ascending order; ties get equal adjusted values whatever their order.
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p || a.i - b.i);
  const adjusted = new Array<number>(m).fill(0);
  if (method === 'holm') {
    let running = 0;
    order.forEach(({ p, i }, rank) => {
      running = Math.max(running, Math.min(1, (m - rank) * p));
      adjusted[i] = running;
    });
  } else {
    let running = 1;
    for (let rank = m - 1; rank >= 0; rank -= 1) {
      const { p, i } = order[rank] as { p: number; i: number };
      running = Math.min(running, (m * p) / (rank + 1));
      adjusted[i] = running;
    }
  }
  return { adjusted, rejected: adjusted.map((p) => p <= alpha) };
}
