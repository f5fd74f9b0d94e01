/**
 * Survival function of the one-sided Kolmogorov–Smirnov statistic D+_n, as
 * `scipy.special.smirnov(n, d)` computes it. The two-sided distribution
 * ({@link ./kolmogorov.ts}) uses 2 · smirnov in its upper tail, where the two
 * one-sided events cannot both happen.
 *
 * Smirnov / Birnbaum–Tingey:
 *   P(D+_n >= d) = d · Σ_{v=0}^{⌊n(1-d)⌋} C(n, v) (d + v/n)^(v-1) (1 - d - v/n)^(n-v)
 * Every term is positive, so the sum loses no precision to cancellation. scipy sums
 * it in double-double arithmetic; here each term is formed in log space from the
 * exact integer and fractional parts of n · d. That agrees with scipy to 1e-11
 * relative up to n = 5000 and to 3e-8 at n = 10^6 (scipy's limit for the sum), where
 * the log-space terms reach ~10^6 and their rounding shows.
 */
import { clipProbability, productError } from './float.js';

/** Above this n scipy switches to an approximation instead of the sum. */
const MAX_COMPUTE_N = 1_000_000;
/** Natural log of the smallest normal double (cephes MINLOG): below it the tail is 0. */
const MIN_LOG = -708.3964185322641;
// Bound once: the sum can run to n = 10^6 terms, and looking up the global `Math` per term
// costs more than the logarithms themselves in sandboxed runtimes (Jest's vm contexts).
const { exp, log } = Math;
const EPSILON = Number.EPSILON;

/** floor(n · d) and the fractional part, exactly (n · d may be within rounding of an integer). */
function splitProduct(n: number, d: number): { floor: number; fraction: number } {
  const product = n * d;
  const error = productError(n, d, product);
  let floor = Math.floor(product);
  if (product === floor && error < 0) floor -= 1;
  let fraction = product - floor + error;
  if (fraction >= 1) {
    floor += 1;
    fraction -= 1;
  }
  return { floor, fraction };
}

/**
 * P(D+_n >= d) for 1 < n·d < n - 1, the only range the two-sided distribution asks
 * for (outside it that distribution has closed forms).
 */
export function smirnovSf(n: number, d: number): number {
  if (-2 * n * d * d < MIN_LOG) return 0;
  if (n > MAX_COMPUTE_N) {
    // scipy's approximation p ≈ exp(-(6nd + 1)^2 / (18n)).
    return exp(-((6 * n * d + 1) ** 2) / 18 / n);
  }
  const { floor, fraction } = splitProduct(n, d);
  // Terms v with d + v/n < 1; a zero fraction drops the term that would be 0^0.
  const lastV = n - floor - 1;
  const logN = log(n);
  let logBinomial = 0;
  let sum = 0;
  for (let v = 0; v <= lastV; v++) {
    // d + v/n = (floor + v + fraction)/n and 1 - d - v/n = (n - floor - v - fraction)/n
    // with the integer parts exact.
    const logTerm =
      logBinomial +
      (v - 1) * (log(floor + v + fraction) - logN) +
      (n - v) * (log(n - floor - v - fraction) - logN);
    const term = exp(logTerm);
    sum += term;
    // scipy's stopping rule: the remaining terms cannot change the sum.
    if (term !== 0 && 4 * (lastV + 1 - v) * term < EPSILON * sum) break;
    if (term === 0 && v > n / 2) break;
    logBinomial += log((n - v) / (v + 1));
  }
  return clipProbability(d * sum);
}
