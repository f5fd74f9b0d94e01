/**
 * Kolmogorov–Smirnov test over histograms, for windows too large to pull raw
 * values: both windows' counts over the same bins (any common edges).
 *
 * D_binned = max over edges of |F_ref - F_cur|, the CDFs taken as cumulative
 * proportions just below each edge. This is a lower bound of the raw-sample D: each
 * of those CDF values is the raw empirical CDF at the last value below the edge, so
 * D_binned is the raw maximum taken over fewer points, and a gap that opens and
 * closes inside one bin is not seen. Finer bins bring it closer to D.
 * The p-value is the two-sample KS p-value of D_binned (./ks.ts), hence an upper
 * bound of the raw test's: the binned test flags less, never more.
 */
import { ksPValue, type KsTestResult } from './ks.js';
import { checkedPair, DriftInputError, type DriftOutcome } from './result.js';

export function ksFromCounts(input: {
  readonly reference: readonly number[];
  readonly current: readonly number[];
}): DriftOutcome<KsTestResult> {
  const totals = checkedPair(input);
  if ('status' in totals) return totals;
  const { referenceTotal, currentTotal } = totals;
  if (![...input.reference, ...input.current].every(Number.isInteger)) {
    throw new DriftInputError('KS needs whole counts: its p-value depends on the sample sizes');
  }
  let cumReference = 0;
  let cumCurrent = 0;
  let statistic = 0;
  input.reference.forEach((count, i) => {
    cumReference += count;
    cumCurrent += input.current[i] as number;
    statistic = Math.max(
      statistic,
      Math.abs(cumReference / referenceTotal - cumCurrent / currentTotal),
    );
  });
  return {
    status: 'ok',
    ...ksPValue({ statistic, referenceCount: referenceTotal, currentCount: currentTotal }),
  };
}
