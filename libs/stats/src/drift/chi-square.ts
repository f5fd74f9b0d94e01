/**
 * Pearson chi-square tests for categorical drift, matching scipy 1.10:
 * - goodness of fit of the current counts to the reference proportions,
 *   `scipy.stats.chisquare(f_obs, f_exp)`;
 * - homogeneity of the two windows as a 2×k contingency table,
 *   `scipy.stats.chi2_contingency(table)` with its default Yates correction, which
 *   applies only when the table has one degree of freedom (2×2).
 * Statistic X² = Σ (observed - expected)² / expected; p-value from the chi-square
 * upper tail, accurate for tiny p-values.
 */
import { chiSquareSf } from '../distributions/index.js';

export interface ChiSquareDriftResult {
  readonly statistic: number;
  readonly pValue: number;
  readonly degreesOfFreedom: number;
}

function pearson(observed: readonly number[], expected: readonly number[]): number {
  let statistic = 0;
  observed.forEach((o, i) => {
    const e = expected[i] as number;
    statistic += ((o - e) * (o - e)) / e;
  });
  return statistic;
}

function result(statistic: number, degreesOfFreedom: number): ChiSquareDriftResult {
  // No degree of freedom, no possible discrepancy: scipy's chisquare returns p = NaN
  // there (chi2_contingency returns 1); here it is 1 in both.
  if (degreesOfFreedom === 0) return { statistic: 0, pValue: 1, degreesOfFreedom };
  return { statistic, pValue: chiSquareSf(statistic, degreesOfFreedom), degreesOfFreedom };
}

/**
 * Goodness of fit: `observed` counts against `proportions` (summing to 1, all > 0)
 * times the observed total; k - 1 degrees of freedom for k buckets.
 */
export function goodnessOfFit(
  observed: readonly number[],
  proportions: readonly number[],
): ChiSquareDriftResult {
  const total = observed.reduce((a, b) => a + b, 0);
  const expected = proportions.map((p) => p * total);
  return result(pearson(observed, expected), observed.length - 1);
}

/**
 * Homogeneity of two count rows over the same columns (columns empty in both rows
 * must be dropped first: their expected counts would be 0); k - 1 degrees of freedom.
 */
export function homogeneity(
  first: readonly number[],
  second: readonly number[],
): ChiSquareDriftResult {
  const rows = [first, second];
  const rowTotals = rows.map((row) => row.reduce((a, b) => a + b, 0));
  const total = (rowTotals[0] as number) + (rowTotals[1] as number);
  const columnTotals = first.map((c, j) => c + (second[j] as number));
  const degreesOfFreedom = first.length - 1;
  const observed: number[] = [];
  const expected: number[] = [];
  rows.forEach((row, i) => {
    row.forEach((o, j) => {
      const e = ((rowTotals[i] as number) * (columnTotals[j] as number)) / total;
      // Yates: move each cell half a count towards its expectation, never past it.
      const shift = degreesOfFreedom === 1 ? Math.sign(e - o) * Math.min(0.5, Math.abs(e - o)) : 0;
      observed.push(o + shift);
      expected.push(e);
    });
  });
  return result(pearson(observed, expected), degreesOfFreedom);
}
