/**
 * The chi-square distribution with k > 0 (not necessarily integer) degrees of
 * freedom: CDF P(k/2, x/2) and upper tail Q(k/2, x/2), the latter accurate for the
 * tiny p-values a sample-ratio mismatch produces.
 */
import { requireNumber, requirePositive } from './errors.js';
import { regularizedGammaP, regularizedGammaQ } from './gamma.js';

function check(x: number, df: number): void {
  requireNumber('x', x);
  requirePositive('df', df);
}

/** CDF P(X <= x) of chi-square with `df` degrees of freedom (scipy `stats.chi2.cdf`). */
export function chiSquareCdf(x: number, df: number): number {
  check(x, df);
  return x <= 0 ? 0 : regularizedGammaP(df / 2, x / 2);
}

/** Upper tail P(X > x) of chi-square (scipy `stats.chi2.sf`), relative accuracy ~1e-14. */
export function chiSquareSf(x: number, df: number): number {
  check(x, df);
  return x <= 0 ? 1 : regularizedGammaQ(df / 2, x / 2);
}
