/**
 * Pelz–Good (1976) approximation of P(D_n <= d) for the two-sided one-sample
 * Kolmogorov–Smirnov statistic, ported from scipy's `_kolmogn_PelzGood`
 * (scipy/stats/_ksstats.py). scipy uses it for large n in the body of the
 * distribution, where the exact methods are too slow.
 *
 * It is the Li-Chien/Korolyuk expansion K0(z) + K1(z)/√n + K2(z)/n + K3(z)/n^1.5,
 * z = d√n, with each Kj rewritten through Jacobi theta identities into sums over
 * q = exp(-π²/(8z²)) that converge fast for small z.
 */

const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const SQRT3 = Math.sqrt(3);
/** exp() of anything below this is 0 in double precision (scipy's _MIN_LOG). */
const MIN_LOG = -708;

/** P(D_n <= d); the caller keeps 0 < d < 1. */
export function pelzGoodCdf(n: number, d: number): number {
  const z = Math.sqrt(n) * d;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qLog = -PI2 / 8 / z2;
  if (qLog < MIN_LOG) return 0;
  let q = Math.exp(qLog);

  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;

  // Horner scheme over the odd m = 2k - 1 terms c_m q^(m²).
  const K = [0, 0, 0, 0];
  const maxK = Math.ceil((16 * z) / Math.PI);
  for (let k = maxK; k >= 1; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qPower = q ** (8 * k);
    const coefficients = [
      1,
      k1a + k1b * m2,
      k2a + k2b * m2 + k2c * m4,
      k3a + k3b * m2 + k3c * m4 + k3d * m6,
    ];
    for (let j = 0; j < 4; j++) K[j] = (K[j] as number) * qPower + (coefficients[j] as number);
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let j = 0; j < 4; j++) {
    K[j] = ((K[j] as number) * q * SQRT_2PI) / (divisors[j] as number);
  }

  // The remaining terms of K2 and K3 run over all integers k with q' = exp(-π²/(2z²)).
  q = Math.exp(-PI2 / 2 / z2);
  const sqrt3z = SQRT3 * z;
  let k2Extra = 0;
  let k3Extra = 0;
  for (let k = maxK; k >= 1; k--) {
    const k2 = k * k;
    const qk = q ** k2;
    const kPi = Math.PI * k;
    k2Extra += k2 * qk;
    k3Extra += (sqrt3z + kPi) * (sqrt3z - kPi) * k2 * qk;
  }
  K[2] = (K[2] as number) + (k2Extra * PI2 * SQRT_2PI) / (-36 * z ** 3);
  K[3] = (K[3] as number) + (k3Extra * PI2 * SQRT_2PI) / (216 * z6);

  let cdf = 0;
  for (let j = 0; j < 4; j++) cdf += (K[j] as number) / n ** (j / 2);
  return cdf;
}
