/**
 * P(D_n <= d) for the two-sided one-sample Kolmogorov–Smirnov statistic by
 * Pomeranz's recursion (1974), ported from scipy's `_kolmogn_Pomeranz`
 * (scipy/stats/_ksstats.py). scipy uses it for n <= 140 in the middle of the
 * distribution, where Durbin's matrix would be large and the asymptotic series are
 * not yet accurate.
 *
 * Row i of a 2n+2 step recursion is the previous row convolved with one of three
 * truncated Poisson weight vectors; only a short window of each row is non-zero, so
 * two window buffers are kept with their start offsets. The answer is n! times the
 * last entry, with the same 2^±128 rescaling as the matrix method.
 */
import { clipProbability, ldexp } from './float.js';

const SCALE_EXPONENT = 128;
const SCALE_UP = 2 ** SCALE_EXPONENT;
const SCALE_DOWN = 2 ** -SCALE_EXPONENT;
// Bound once: a global `Math` lookup per entry is slow in sandboxed runtimes (Jest's vm contexts).
const { max, min } = Math;

interface Grid {
  readonly n: number;
  readonly ll: number;
  readonly ceilF: number;
  readonly roundF: number;
}

/** The non-zero window [j1, j2] of row i (scipy's `_pomeranz_compute_j1j2`). */
function window(i: number, { n, ll, ceilF, roundF }: Grid): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilF - 1;
    j2 = ll + ceilF - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilF - 1;
        j2 = n + ll + ceilF - 1;
      } else {
        j1 = half - 1 - ll - roundF - 1;
        j2 = half + ll - 1 + ceilF - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundF - 1;
    }
  }
  return [max(j1 + 2, 0), min(j2, n)];
}

/** (rate)^m / m! for m < count. */
function poissonWeights(rate: number, count: number): Float64Array {
  const out = new Float64Array(count);
  out[0] = 1;
  for (let m = 1; m < count; m++) out[m] = ((out[m - 1] as number) * rate) / m;
  return out;
}

/** P(D_n <= d); the caller keeps 1 < n·d and d < 0.5. */
export function pomeranzCdf(n: number, d: number): number {
  const t = n * d;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = min(f, 1 - f);
  const grid: Grid = { n, ll, ceilF: f > 0 ? 1 : 0, roundF: f > 0.5 ? 1 : 0 };
  const size = 2 * (ll + 1);
  const gPower = poissonWeights(g / n, size);
  const twoGPower = poissonWeights((2 * g) / n, size);
  const oneMinusTwoGPower = poissonWeights((1 - 2 * g) / n, size);

  let previous = new Float64Array(size);
  let row = new Float64Array(size);
  row[0] = 1;
  let previousStart = 0;
  let rowStart = 0;
  let exponent = 0;
  let [j1, j2] = window(0, grid);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [previous, row] = [row, previous];
    [previousStart, rowStart] = [rowStart, previousStart];
    row.fill(0);
    [j1, j2] = window(i, grid);
    const weights =
      i === 1 || i === 2 * n + 1 ? gPower : i % 2 === 1 ? twoGPower : oneMinusTwoGPower;
    const span = j2 - k1 + 1;
    if (span <= 0) continue;
    // Entries [j1 - k1, j2 - k1] of the full convolution of the previous row's window
    // (from k1, `span` long, cut at the buffer end) with the first `span` weights.
    const offset = k1 - previousStart;
    const sourceLength = min(span, size - offset);
    let largest = 0;
    for (let c = j1 - k1; c <= j2 - k1; c++) {
      let acc = 0;
      for (let a = max(0, c - span + 1); a <= min(c, sourceLength - 1); a++) {
        acc += (previous[offset + a] as number) * (weights[c - a] as number);
      }
      row[c - (j1 - k1)] = acc;
      largest = max(largest, acc);
    }
    if (largest > 0 && largest < SCALE_DOWN) {
      for (let c = 0; c < size; c++) row[c] = (row[c] as number) * SCALE_UP;
      exponent -= SCALE_EXPONENT;
    }
    rowStart = previousStart + j1 - k1;
  }

  let answer = row[n - rowStart] as number;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(answer) > SCALE_UP) {
      answer *= SCALE_DOWN;
      exponent += SCALE_EXPONENT;
    }
    answer *= m;
  }
  return clipProbability(ldexp(answer, exponent));
}
