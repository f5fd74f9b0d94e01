/**
 * Survival function P(D_n >= d) of the two-sided one-sample Kolmogorov–Smirnov
 * statistic for finite n: scipy's `stats.kstwo.sf(d, n)`. The two-sample test uses
 * it, with n = round(n1·n2/(n1+n2)), for its asymptotic p-value.
 *
 * Which algorithm answers depends on n and n·d², following Simard and L'Ecuyer
 * (2011) exactly as scipy's `_kolmogn` does (scipy/stats/_ksstats.py), so the
 * p-values agree with scipy's and not just with the true value:
 * - n·d <= 1 and n·d >= n - 1: Ruben–Gambino closed forms;
 * - d >= 0.5: 2 · Smirnov's one-sided tail (the two tails are disjoint);
 * - n <= 140: Durbin's matrix, Pomeranz's recursion or 2 · Smirnov by n·d²;
 * - n > 140: 0, 2 · Smirnov, Durbin or the Pelz–Good series by n·d² and n·d^1.5.
 */
import { clipProbability } from './float.js';
import { durbinCdf } from './kolmogorov-durbin.js';
import { pelzGoodCdf } from './kolmogorov-pelz-good.js';
import { pomeranzCdf } from './kolmogorov-pomeranz.js';
import { smirnovSf } from './smirnov.js';

const LOG_2PI = Math.log(2 * Math.PI);
/** Bernoulli-number coefficients B_2j/(2j(2j-1)) of Stirling's series, j = 8..1. */
const STIRLING = [
  -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417,
  -0.0005952380952380953, 0.0007936507936507937, -0.002777777777777778, 0.08333333333333333,
];

/** log(n!/n^n) by Stirling's series, with n·log(n) removed analytically to avoid cancellation. */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  const x = rn / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * x + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/** P(D_n <= d) for 1/(2n) < d <= 1/n: n!/n^n · (2nd - 1)^n (Ruben–Gambino). */
function lowerTailCdf(n: number, t: number): number {
  if (n > 140) return Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
  let p = 1;
  for (let i = 1; i <= n; i++) p *= i * (1 / n) * (2 * t - 1);
  return p;
}

/** P(D_n >= d), n a positive integer. */
export function kolmogorovSf(n: number, d: number): number {
  if (d >= 1) return 0;
  if (d <= 0) return 1;
  const t = n * d;
  if (t <= 1) return t <= 0.5 ? 1 : clipProbability(1 - lowerTailCdf(n, t));
  if (t >= n - 1) return clipProbability(2 * (1 - d) ** n);
  if (d >= 0.5) return clipProbability(2 * smirnovSf(n, d));
  const nd2 = t * d;
  if (n <= 140) {
    if (nd2 <= 0.754693) return clipProbability(1 - durbinCdf(n, d));
    if (nd2 <= 4) return clipProbability(1 - pomeranzCdf(n, d));
    return clipProbability(2 * smirnovSf(n, d));
  }
  if (nd2 >= 370) return 0;
  if (nd2 >= 2.2) return clipProbability(2 * smirnovSf(n, d));
  const cdf = n <= 100_000 && n * d ** 1.5 <= 1.4 ? durbinCdf(n, d) : pelzGoodCdf(n, d);
  return clipProbability(1 - cdf);
}
