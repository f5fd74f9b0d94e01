/**
 * The standard normal distribution: CDF, upper tail and quantile.
 *
 * The tails go through erfc(x) = Q(½, x²) (regularized upper incomplete gamma), so
 * normalSf(40) ≈ 3.7e-350 underflows only where a double must, and every tail keeps
 * its relative accuracy. The quantile is Wichura's AS241 (PPND16), relative error
 * about 1e-16.
 */
import { requireNumber, requireProbability } from './errors.js';
import { regularizedGammaQ } from './gamma.js';

/** Upper tail P(Z > z) of the standard normal; accurate relative to itself in the far tail. */
export function normalSf(z: number): number {
  requireNumber('z', z);
  if (z === Infinity) return 0;
  if (z === -Infinity) return 1;
  const tail = 0.5 * regularizedGammaQ(0.5, 0.5 * z * z);
  return z >= 0 ? tail : 1 - tail;
}

/** CDF P(Z <= z) of the standard normal (scipy `stats.norm.cdf`). */
export function normalCdf(z: number): number {
  requireNumber('z', z);
  return normalSf(-z);
}

/** Density of the standard normal. */
export function normalPdf(z: number): number {
  requireNumber('z', z);
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}

function polynomial(coefficients: readonly number[], x: number): number {
  return coefficients.reduceRight((acc, c) => acc * x + c, 0);
}

// AS241 coefficients (Wichura 1988, Applied Statistics 37, 477–484), lowest order first,
// as the nearest doubles of the published 20-digit values.
const CENTRAL_NUMERATOR = [
  3.3871328727963665, 133.14166789178438, 1971.5909503065513, 13731.69376550946, 45921.95393154987,
  67265.7709270087, 33430.57558358813, 2509.0809287301227,
];
const CENTRAL_DENOMINATOR = [
  1, 42.31333070160091, 687.1870074920579, 5394.196021424751, 21213.794301586597, 39307.89580009271,
  28729.085735721943, 5226.495278852854,
];
const NEAR_NUMERATOR = [
  1.4234371107496835, 4.630337846156546, 5.769497221460691, 3.6478483247632045, 1.2704582524523684,
  0.2417807251774506, 0.022723844989269184, 0.0007745450142783414,
];
const NEAR_DENOMINATOR = [
  1, 2.053191626637759, 1.6763848301838038, 0.6897673349851, 0.14810397642748008,
  0.015198666563616457, 0.0005475938084995345, 1.0507500716444169e-9,
];
const FAR_NUMERATOR = [
  6.657904643501103, 5.463784911164114, 1.7848265399172913, 0.29656057182850487,
  0.026532189526576124, 0.0012426609473880784, 0.000027115555687434876, 2.0103343992922881e-7,
];
const FAR_DENOMINATOR = [
  1, 0.599832206555888, 0.1369298809227358, 0.014875361290850615, 0.0007868691311456133,
  0.000018463183175100548, 1.421511758316446e-7, 2.0442631033899397e-15,
];

/**
 * Quantile (inverse CDF) of the standard normal, Wichura's AS241: z with
 * P(Z <= z) = p. ±Infinity at p = 0 and 1 (scipy `stats.norm.ppf`).
 */
export function normalQuantile(p: number): number {
  requireProbability('p', p);
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * polynomial(CENTRAL_NUMERATOR, r)) / polynomial(CENTRAL_DENOMINATOR, r);
  }
  let r = Math.sqrt(-Math.log(q < 0 ? p : 1 - p));
  let z: number;
  if (r <= 5) {
    r -= 1.6;
    z = polynomial(NEAR_NUMERATOR, r) / polynomial(NEAR_DENOMINATOR, r);
  } else {
    r -= 5;
    z = polynomial(FAR_NUMERATOR, r) / polynomial(FAR_DENOMINATOR, r);
  }
  return q < 0 ? -z : z;
}
