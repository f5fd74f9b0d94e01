/**
 * Exact two-sided p-value of the two-sample Kolmogorov–Smirnov statistic, ported
 * from scipy 1.10 (`_compute_prob_outside_square` in scipy/stats/_stats_py.py and
 * `_compute_outer_prob_inside_method` in scipy/stats/_stats_pythran.py).
 *
 * Under the null hypothesis every interleaving of the two sorted samples is equally
 * likely: a lattice path from (0, 0) to (m, n). D >= h/lcm(m, n) exactly when the
 * path leaves the band |x/m - y/n| < h/lcm. The p-value is the fraction of paths
 * that leave it (Hodges 1958).
 */

/**
 * Equal sizes (m = n): the fraction of paths leaving the band, from the reflection
 * formula 2·Σ_k (-1)^(k+1) C(2n, n - kh) / C(2n, n). Each ratio is built as a
 * product of h simple factors and nested Horner-fashion,
 * P = 2·A1·(1 - A2·(1 - A3·(...))), which avoids the alternating sum's cancellation.
 */
export function probabilityOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let ratio = 1;
    for (let j = 0; j < h; j++) ratio = ((n - k * h - j) * ratio) / (n + k * h + j + 1);
    p = ratio * (1 - p);
  }
  return 2 * p;
}

/**
 * Unequal sizes: Viehmann's (2021) form of the "inside" recursion, which carries
 * 1 - (fraction of paths still inside) column by column so that small p-values are
 * not lost to 1 - (1 - p). Only the band's sliding window of one column is kept.
 *
 * @param g gcd(m, n)
 * @param h the statistic times lcm(m, n), an integer
 */
export function probabilityOutsideBand(sizeA: number, sizeB: number, g: number, h: number): number {
  const m = Math.max(sizeA, sizeB);
  const n = Math.min(sizeA, sizeB);
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const lenA = Math.min(2 * maxj + 2, n + 1);
  const A = new Float64Array(lenA).fill(1);
  A.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    // The band closed: every path has left it.
    if (maxj <= minj) return 1;
    let val = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      val = ((A[jj + minj - lastminj] as number) * i + val * j) / (i + j);
      A[jj] = val;
    }
    curlen = maxj - minj;
    // Cells that slid out of the window are outside the band: probability 1.
    if (lastlen > curlen) A.fill(1, curlen, Math.min(lastlen, lenA));
  }
  return A[maxj - minj - 1] as number;
}
