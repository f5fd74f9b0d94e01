/**
 * The regularized incomplete beta function I_x(a, b), the base of the Student t
 * (and noncentral t) distribution.
 *
 * Continued fraction (Numerical Recipes 6.4, modified Lentz) on whichever side
 * converges, so the smaller tail is computed directly and keeps its relative
 * accuracy; for a large first parameter and b <= 1 (the t tail at large df) an
 * asymptotic expansion replaces the fraction. Callers that know 1 − x exactly (the t distribution does) pass it in,
 * because forming 1 − x from x near 1 would lose digits.
 */
import { DistributionInputError, requireNumber, requirePositive } from './errors.js';
import { ASYMPTOTIC_MAX_Y, ASYMPTOTIC_MIN_A, incompleteBetaLargeA } from './beta-asymptotic.js';
import {
  HALF_LOG_TWO_PI,
  LENTZ_TINY,
  logGamma,
  MAX_ITERATIONS,
  STIRLING_MIN,
  stirlingCorrection,
} from './gamma.js';

const EPSILON = Number.EPSILON;

/**
 * lnΓ(a) − lnΓ(a + b) for a >= 10, written so that the two large log-gammas cancel
 * analytically (a t distribution with df = 1e9 has a = 5e8).
 */
function logGammaRatio(a: number, b: number): number {
  const ab = a + b;
  return (
    -(a - 0.5) * Math.log1p(b / a) -
    b * Math.log(ab) +
    b +
    stirlingCorrection(a) -
    stirlingCorrection(ab)
  );
}

/** ln B(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a + b), accurate when either argument is large. */
export function logBeta(a: number, b: number): number {
  const large = Math.max(a, b);
  const small = Math.min(a, b);
  if (small >= STIRLING_MIN) {
    // Stirling for all three: h + (a − ½)ln(a/s) + (b − ½)ln(b/s) − ½ln s + corrections.
    const sum = a + b;
    return (
      HALF_LOG_TWO_PI +
      (small - 0.5) * Math.log(small / sum) +
      (large - 0.5) * Math.log1p(-small / sum) -
      0.5 * Math.log(sum) +
      stirlingCorrection(small) +
      stirlingCorrection(large) -
      stirlingCorrection(sum)
    );
  }
  if (large >= STIRLING_MIN) return logGamma(small) + logGammaRatio(large, small);
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** Modified Lentz evaluation of the incomplete beta continued fraction. */
function betaFraction(x: number, a: number, b: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < LENTZ_TINY) d = LENTZ_TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITERATIONS; m += 1) {
    const m2 = 2 * m;
    // Each iteration takes the fraction's even then its odd partial numerator.
    const even = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    const odd = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    let delta = 1;
    for (const numerator of [even, odd]) {
      d = 1 + numerator * d;
      if (Math.abs(d) < LENTZ_TINY) d = LENTZ_TINY;
      c = 1 + numerator / c;
      if (Math.abs(c) < LENTZ_TINY) c = LENTZ_TINY;
      d = 1 / d;
      delta = d * c;
      h *= delta;
    }
    if (Math.abs(delta - 1) < EPSILON) break;
  }
  return h;
}

/** ln x, from whichever of x and y = 1 − x is known without cancellation. */
function logOf(x: number, y: number): number {
  return x < 0.5 ? Math.log(x) : Math.log1p(-y);
}

/**
 * I_x(a, b) given both x and y = 1 − x (each to full relative precision). Internal:
 * the public {@link regularizedBeta} checks arguments and forms y itself.
 */
export function incompleteBeta(x: number, y: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (y <= 0) return 1;
  // Compute the smaller side directly (where the fraction converges); the other is 1 − it.
  const direct = x < (a + 1) / (a + b + 2);
  const [u, v, p, q] = direct ? [x, y, a, b] : [y, x, b, a];
  const logBetaPQ = logBeta(p, q);
  const side =
    p >= ASYMPTOTIC_MIN_A && q <= 1 && v <= ASYMPTOTIC_MAX_Y
      ? incompleteBetaLargeA(u, v, p, q, logBetaPQ)
      : (Math.exp(p * logOf(u, v) + q * logOf(v, u) - logBetaPQ) * betaFraction(u, p, q)) / p;
  return direct ? side : 1 - side;
}

/**
 * Regularized incomplete beta I_x(a, b) = B(x; a, b) / B(a, b) for 0 <= x <= 1,
 * a, b > 0 (scipy `special.betainc(a, b, x)`).
 */
export function regularizedBeta(x: number, a: number, b: number): number {
  requirePositive('a', a);
  requirePositive('b', b);
  requireNumber('x', x);
  if (x < 0 || x > 1) throw new DistributionInputError('x', x, 'a value in [0, 1]');
  return incompleteBeta(x, 1 - x, a, b);
}
