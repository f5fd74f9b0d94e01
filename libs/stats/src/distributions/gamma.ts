/**
 * Log-gamma and the regularized incomplete gamma functions P(a, x) and Q(a, x), the
 * base of the chi-square distribution (and of erfc, hence the normal tail).
 *
 * P comes from its power series where x < a + 1 and Q from its continued fraction
 * elsewhere (Numerical Recipes 6.2), so the smaller of the two is never computed as
 * 1 − (something near 1): tiny tail probabilities keep their relative accuracy.
 */
import { DistributionInputError, requireNumber, requirePositive } from './errors.js';

export const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
const EPSILON = Number.EPSILON;
/** Beyond any iteration count the series and fractions need for the df seen in practice. */
export const MAX_ITERATIONS = 1_000_000;
/** Where the Stirling series below is accurate to a double's precision. */
export const STIRLING_MIN = 10;
/** Lentz's stand-in for a zero denominator in a continued fraction. */
export const LENTZ_TINY = 1e-300;

/**
 * lnΓ(x) − [(x − ½)ln x − x + ½ln 2π] for x >= 10, from the Stirling series (Bernoulli
 * numbers). Kept apart so that lnΓ differences of large arguments cancel exactly.
 */
export function stirlingCorrection(x: number): number {
  const r = 1 / (x * x);
  const series =
    1 / 12 -
    r *
      (1 / 360 -
        r * (1 / 1260 - r * (1 / 1680 - r * (1 / 1188 - r * (691 / 360360 - r * (1 / 156))))));
  return series / x;
}

/**
 * ln Γ(x) for x > 0: the Stirling series for x >= 10, shifted up by the recurrence
 * Γ(x + 1) = x Γ(x) below. Absolute error ≈ 1e-15 (relative error larger only next to
 * the zeros at x = 1 and 2).
 */
export function logGamma(x: number): number {
  requirePositive('x', x, true);
  if (x === Infinity) return Infinity;
  if (x >= STIRLING_MIN)
    return (x - 0.5) * Math.log(x) - x + HALF_LOG_TWO_PI + stirlingCorrection(x);
  let product = 1;
  let shifted = x;
  while (shifted < STIRLING_MIN) {
    product *= shifted;
    shifted += 1;
  }
  return logGamma(shifted) - Math.log(product);
}

/**
 * ln(x^a e^(−x) / Γ(a)), the factor in front of both P's series and Q's fraction.
 * For large a it is written around x = a so that the large terms cancel analytically.
 */
function logGammaPrefactor(a: number, x: number): number {
  if (a < STIRLING_MIN) return a * Math.log(x) - x - logGamma(a);
  const u = (x - a) / a;
  // log1p only near u = 0: far from it, (x − a)/a would lose the digits of a small x/a.
  const logRatio = Math.abs(u) < 0.5 ? Math.log1p(u) : Math.log(x / a);
  return a * (logRatio - u) + 0.5 * Math.log(a / (2 * Math.PI)) - stirlingCorrection(a);
}

function lowerSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n += 1) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPSILON) break;
  }
  return Math.exp(logGammaPrefactor(a, x)) * sum;
}

/** Modified Lentz evaluation of Q's continued fraction, without the prefactor. */
function upperFractionValue(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / LENTZ_TINY;
  let d = 1 / b;
  let h = d;
  for (let n = 1; n < MAX_ITERATIONS; n += 1) {
    const an = -n * (n - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < LENTZ_TINY) d = LENTZ_TINY;
    c = b + an / c;
    if (Math.abs(c) < LENTZ_TINY) c = LENTZ_TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return h;
}

function upperFraction(a: number, x: number): number {
  return Math.exp(logGammaPrefactor(a, x)) * upperFractionValue(a, x);
}

function checkGammaArguments(a: number, x: number): void {
  requirePositive('a', a);
  requireNumber('x', x);
  if (x < 0) throw new DistributionInputError('x', x, '>= 0');
}

/**
 * Q(a, x) divided by its prefactor x^a e^(−x) / Γ(a): finite where both underflow
 * (the incomplete beta expansion needs the ratio, not the parts). Internal.
 */
export function scaledGammaQ(a: number, x: number): number {
  if (x >= a + 1) return upperFractionValue(a, x);
  return (1 - lowerSeries(a, x)) / Math.exp(logGammaPrefactor(a, x));
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a); a > 0, x >= 0. */
export function regularizedGammaP(a: number, x: number): number {
  checkGammaArguments(a, x);
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? lowerSeries(a, x) : 1 - upperFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate when tiny. */
export function regularizedGammaQ(a: number, x: number): number {
  checkGammaArguments(a, x);
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - lowerSeries(a, x) : upperFraction(a, x);
}
