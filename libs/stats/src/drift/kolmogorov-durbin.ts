/**
 * P(D_n <= d) for the two-sided one-sample Kolmogorov–Smirnov statistic by Durbin's
 * matrix method as organised by Marsaglia, Tsang and Wang (2003), ported from
 * scipy's `_kolmogn_DMTW` (scipy/stats/_ksstats.py).
 *
 * Write d = (k - h)/n with k a positive integer and 0 <= h < 1; the answer is
 * n!/n^n times the (k, k) entry of H^n for an m×m matrix H, m = 2k - 1. The cost is
 * O(m³ log n), so scipy (and this port) use it only where n·d is small.
 * Intermediate powers are rescaled by 2^±128 with the exponent kept aside, because
 * H^n and n!/n^n over- and underflow long before their product does.
 */
import { clipProbability, ldexp } from './float.js';

const SCALE_EXPONENT = 128;
const SCALE_UP = 2 ** SCALE_EXPONENT;
const SCALE_DOWN = 2 ** -SCALE_EXPONENT;

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const ail = a[i * m + l] as number;
      if (ail === 0) continue;
      for (let j = 0; j < m; j++) {
        out[i * m + j] = (out[i * m + j] as number) + ail * (b[l * m + j] as number);
      }
    }
  }
  return out;
}

function initialMatrix(k: number, h: number): Float64Array {
  const m = 2 * k - 1;
  // v[j] = (1 - h^(j+1)) / (j+1)!, w[j] = 1 / j!
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let factorial = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = factorial;
    factorial /= j;
    v[j - 1] = (1 - h ** j) * factorial;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * factorial;

  const H = new Float64Array(m * m);
  for (let i = 1; i < m; i++) {
    for (let row = i - 1; row < m; row++) H[row * m + i] = w[row - i + 1] as number;
  }
  for (let row = 0; row < m; row++) H[row * m] = v[row] as number;
  for (let col = 0; col < m; col++) H[(m - 1) * m + col] = v[m - 1 - col] as number;
  return H;
}

/** P(D_n <= d); the caller keeps n·d > 0.5 and d < 1. */
export function durbinCdf(n: number, d: number): number {
  const nd = n * d;
  const k = Math.ceil(nd);
  const m = 2 * k - 1;
  const centre = (k - 1) * m + (k - 1);

  let H: Float64Array = initialMatrix(k, k - nd);
  let power: Float64Array = new Float64Array(m * m);
  for (let i = 0; i < m; i++) power[i * m + i] = 1;
  let exponent = 0;
  let hExponent = 0;
  for (let remaining = n; remaining > 0; remaining = Math.floor(remaining / 2)) {
    if (remaining % 2 === 1) {
      power = multiply(power, H, m);
      exponent += hExponent;
    }
    H = multiply(H, H, m);
    hExponent *= 2;
    if (Math.abs(H[centre] as number) > SCALE_UP) {
      for (let i = 0; i < H.length; i++) H[i] = (H[i] as number) * SCALE_DOWN;
      hExponent += SCALE_EXPONENT;
    }
  }

  let p = power[centre] as number;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < SCALE_DOWN) {
      p *= SCALE_UP;
      exponent -= SCALE_EXPONENT;
    }
  }
  return clipProbability(ldexp(p, exponent));
}
