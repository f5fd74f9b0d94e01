/**
 * Two-sample Kolmogorov–Smirnov test on raw values, matching scipy 1.10
 * `stats.ks_2samp(reference, current, alternative='two-sided', method='auto')`.
 *
 * D = sup_x |F_ref(x) - F_cur(x)| over the empirical CDFs (ties handled by
 * evaluating both CDFs at every observed value, right-continuous).
 * p-value, as scipy's 'auto' chooses it:
 * - max(n_ref, n_cur) <= 10 000: exact. D is first snapped to the lattice,
 *   h = round(D · lcm), D = h / lcm (the statistic returned is this snapped value,
 *   as scipy's is); equal sizes use the reflection formula, unequal sizes the
 *   inside-band recursion (see ./ks-exact.ts);
 * - larger windows, or an exact result that is not a probability (floating-point
 *   trouble; scipy falls back the same way): asymptotic, P(D_en >= D) for the
 *   one-sample two-sided distribution with
 *   en = round_half_even(n_ref · n_cur / (n_ref + n_cur)) (scipy's `kstwo.sf`).
 */
import { roundHalfEven } from './float.js';
import { kolmogorovSf } from './kolmogorov.js';
import { probabilityOutsideBand, probabilityOutsideSquare } from './ks-exact.js';
import { insufficient, sortedSamples, type SampleDriftOutcome } from './result.js';

/** scipy's MAX_AUTO_N: 'auto' tries the exact distribution up to this sample size. */
export const KS_EXACT_MAX_N = 10_000;

export interface KsTestResult {
  /** D in [0, 1]: the largest gap between the two empirical CDFs. */
  readonly statistic: number;
  /** Two-sided p-value under "both windows come from one continuous distribution". */
  readonly pValue: number;
  /** How the p-value was computed (see module comment). */
  readonly method: 'exact' | 'asymptotic';
  readonly referenceCount: number;
  readonly currentCount: number;
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

function asymptotic(statistic: number, n1: number, n2: number): KsTestResult {
  const en = (Math.max(n1, n2) * Math.min(n1, n2)) / (n1 + n2);
  const pValue = kolmogorovSf(roundHalfEven(en), statistic);
  return { statistic, pValue, method: 'asymptotic', referenceCount: n1, currentCount: n2 };
}

/**
 * Two-sided p-value for a KS statistic D between samples of sizes n1 and n2 (both
 * >= 1), with scipy's choice between exact and asymptotic.
 */
export function ksPValue(input: {
  readonly statistic: number;
  readonly referenceCount: number;
  readonly currentCount: number;
}): KsTestResult {
  const { referenceCount: n1, currentCount: n2 } = input;
  if (Math.max(n1, n2) > KS_EXACT_MAX_N) return asymptotic(input.statistic, n1, n2);
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(input.statistic * lcm);
  const statistic = h / lcm;
  if (h === 0) {
    return { statistic, pValue: 1, method: 'exact', referenceCount: n1, currentCount: n2 };
  }
  const pValue = n1 === n2 ? probabilityOutsideSquare(n1, h) : probabilityOutsideBand(n1, n2, g, h);
  if (!(pValue >= 0 && pValue <= 1)) return asymptotic(statistic, n1, n2);
  return { statistic, pValue, method: 'exact', referenceCount: n1, currentCount: n2 };
}

/** D between two ascending samples, with scipy's arithmetic (i/n1 - j/n2). */
function statistic(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  let i = 0;
  let j = 0;
  let maxDiff = 0;
  let minDiff = 0;
  while (i < n1 || j < n2) {
    // The next distinct value of the pooled sample; both CDFs step past all its ties.
    const x = Math.min(i < n1 ? (a[i] as number) : Infinity, j < n2 ? (b[j] as number) : Infinity);
    while (i < n1 && (a[i] as number) <= x) i++;
    while (j < n2 && (b[j] as number) <= x) j++;
    const diff = i / n1 - j / n2;
    if (diff > maxDiff) maxDiff = diff;
    if (diff < minDiff) minDiff = diff;
  }
  return Math.max(maxDiff, Math.min(-minDiff, 1));
}

/**
 * Two-sample KS test on raw values. NaN and ±Infinity are dropped from both windows
 * and counted in `nonFinite`; a window with no finite value is insufficient data.
 */
export function ksTwoSample(input: {
  readonly reference: readonly number[];
  readonly current: readonly number[];
}): SampleDriftOutcome<KsTestResult> {
  const { samples, emptyReason } = sortedSamples(input);
  if (emptyReason !== undefined) {
    return { ...insufficient(emptyReason), nonFinite: samples.nonFinite };
  }
  const d = statistic(samples.reference, samples.current);
  const result = ksPValue({
    statistic: d,
    referenceCount: samples.reference.length,
    currentCount: samples.current.length,
  });
  return { status: 'ok', ...result, nonFinite: samples.nonFinite };
}
