/**
 * DiDonato & Morris's asymptotic expansion (BGRAT, ACM TOMS 708, eq. 9–9.6) of the
 * incomplete beta I_x(a, b) for a >= 15, b <= 1 and x near 1: the Student t tail with large df.
 * There the continued fraction loses digits (df = 1e9 gives ~1e-8 relative error),
 * while this series converges to machine precision in a few terms. Its leading term is
 * Q(b, u) with u = −(a + (b − 1)/2)·ln x, the normal limit of the t tail.
 */
import { logGamma, scaledGammaQ } from './gamma.js';

/** Smallest a for which the expansion is accurate to a double (TOMS 708's bound). */
export const ASYMPTOTIC_MIN_A = 15;
/** Largest 1 − x for which it is used: further from x = 1 the fraction is accurate and the expansion is not. */
export const ASYMPTOTIC_MAX_Y = 0.3;
const TERMS = 30;

// (2n + 1)! for n = 0 … TERMS: the Taylor coefficients of sinh, which eq. 9.4 needs.
const ODD_FACTORIALS: readonly number[] = Array.from({ length: TERMS + 1 }, (_, n) => {
  let f = 1;
  for (let k = 2; k <= 2 * n + 1; k += 1) f *= k;
  return f;
});

function oddFactorial(n: number): number {
  return ODD_FACTORIALS[n] as number;
}

/**
 * I_x(a, b) for a >= 15, b <= 1, given x and y = 1 − x, and `logBetaAB` = ln B(a, b).
 */
export function incompleteBetaLargeA(
  x: number,
  y: number,
  a: number,
  b: number,
  logBetaAB: number,
): number {
  const t = a + (b - 1) / 2;
  const logX = y < 0.35 ? Math.log1p(-y) : Math.log(x);
  const u = -t * logX;
  // h = u^b e^(−u) / Γ(b); prefix = h · Γ(a + b) / (Γ(a) · t^b).
  const logH = b * Math.log(u) - u - logGamma(b);
  const prefix = Math.exp(logH + logGamma(b) - logBetaAB - b * Math.log(t));
  const p: number[] = [1];
  // J_0 = Q(b, u) / h, taken as one ratio: both parts underflow in the far tail.
  let j = scaledGammaQ(b, u);
  let sum = prefix * j;
  const halfLogSquared = (logX / 2) ** 2;
  let logPower = 1;
  let b2n = b;
  for (let n = 1; n <= TERMS; n += 1) {
    // Eq. 9.4: p_n from all earlier p's.
    let pn = 0;
    for (let m = 1; m < n; m += 1) pn += ((m * b - n) * (p[n - m] as number)) / oddFactorial(m);
    pn = pn / n + (b - 1) / oddFactorial(n);
    p.push(pn);
    // Eq. 9.6: J_n from J_(n−1).
    j = (b2n * (b2n + 1) * j + (u + b2n + 1) * logPower) / (4 * t * t);
    logPower *= halfLogSquared;
    b2n += 2;
    const term = prefix * pn * j;
    sum += term;
    if (Math.abs(term) <= Number.EPSILON * Math.abs(sum)) break;
  }
  return sum;
}
