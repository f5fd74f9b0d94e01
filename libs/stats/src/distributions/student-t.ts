/**
 * Student's t distribution for any real df > 0 (Welch's df is not an integer):
 * CDF, upper tail and quantile.
 *
 * The tail is ½·I_x(df/2, ½) with x = df/(df + t²); both x and 1 − x are formed
 * without cancellation, so tails stay accurate for tiny and huge t alike. df =
 * Infinity is the standard normal. The quantile has no closed form for general df:
 * it is solved with Brent's method on log tail probabilities, to ~1e-15 relative.
 */
import { incompleteBeta, logBeta } from './beta.js';
import { requireNumber, requirePositive, requireProbability } from './errors.js';
import { normalQuantile, normalSf } from './normal.js';
import { findRoot } from './root.js';

function checkDf(df: number): void {
  requirePositive('df', df, true);
}

/** P(T > t) for t >= 0, without argument checks. */
function upperTail(t: number, df: number): number {
  if (df === Infinity) return normalSf(t);
  if (t === Infinity) return 0;
  // x = df/(df + t²), y = t²/(df + t²), each from the ratio that is < 1.
  const q = df / t / t;
  const [x, y] = q < 1 ? [q / (1 + q), 1 / (1 + q)] : [1 / (1 + 1 / q), 1 / q / (1 + 1 / q)];
  return 0.5 * incompleteBeta(x, y, df / 2, 0.5);
}

/** Upper tail P(T > t) of Student's t with `df` degrees of freedom (scipy `stats.t.sf`). */
export function studentTSf(t: number, df: number): number {
  requireNumber('t', t);
  checkDf(df);
  if (t === 0) return 0.5;
  return t > 0 ? upperTail(t, df) : 1 - upperTail(-t, df);
}

/** CDF P(T <= t) of Student's t (scipy `stats.t.cdf`). */
export function studentTCdf(t: number, df: number): number {
  requireNumber('t', t);
  checkDf(df);
  return studentTSf(-t, df);
}

/** Starting point for the tail quantile: the larger of the normal and power-law tail guesses. */
function tailGuess(q: number, df: number): number {
  // P(T > t) ≈ df^(df/2 − 1) · t^(−df) / B(df/2, ½) for large t.
  const logScale = (df / 2 - 1) * Math.log(df) - logBeta(df / 2, 0.5);
  const powerLaw = Math.exp((logScale - Math.log(q)) / df);
  return Math.max(-normalQuantile(q), Number.isFinite(powerLaw) ? powerLaw : 1, 1e-3);
}

/** t > 0 with P(T > t) = q, for 0 < q < ½. */
function upperQuantile(q: number, df: number): number {
  if (df === Infinity) return -normalQuantile(q);
  const logQ = Math.log(q);
  const f = (t: number): number => Math.log(upperTail(t, df)) - logQ;
  let upper = tailGuess(q, df);
  let lower = 0;
  while (f(upper) > 0) {
    lower = upper;
    upper *= 2;
  }
  if (lower === 0) {
    lower = upper / 2;
    while (lower > 1e-300 && f(lower) < 0) {
      upper = lower;
      lower /= 2;
    }
  }
  return findRoot({ f, lower, upper });
}

/**
 * Quantile of Student's t: t with P(T <= t) = p (scipy `stats.t.ppf`); ±Infinity at
 * p = 0 and 1. Exact by symmetry: quantile(p) = −quantile(1 − p).
 */
export function studentTQuantile(p: number, df: number): number {
  requireProbability('p', p);
  checkDf(df);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  return p < 0.5 ? -upperQuantile(p, df) : upperQuantile(1 - p, df);
}
