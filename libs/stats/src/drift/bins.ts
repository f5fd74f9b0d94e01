/**
 * Bins fitted on the reference window, shared by PSI, binned KS, binned
 * Jensen–Shannon and binned Wasserstein.
 *
 * Edges e_1 < … < e_k are interior cut points; the bins are
 *   (-∞, e_1), [e_1, e_2), …, [e_k, +∞)
 * so bin i holds the values with exactly i edges <= x (`numpy.digitize(x, edges)`;
 * in ClickHouse `arrayCount(e -> e <= x, edges)`). Open tails mean every finite
 * value of any later window lands in some bin.
 */
import { DriftInputError, finiteOnly, insufficient, type DriftOutcome } from './result.js';

/** Default number of quantile bins: deciles of the reference. */
export const DEFAULT_DRIFT_BINS = 10;

/**
 * The q-quantile of an ascending sample by linear interpolation between order
 * statistics (Hyndman–Fan type 7: numpy's default 'linear', R's default), with
 * numpy's arithmetic so edges are bit-identical to `numpy.quantile`.
 */
function quantileSorted(sorted: Float64Array, q: number): number {
  const index = (sorted.length - 1) * q;
  const below = Math.floor(index);
  const above = Math.min(below + 1, sorted.length - 1);
  const t = index - below;
  const a = sorted[below] as number;
  const b = sorted[above] as number;
  const diff = b - a;
  // numpy interpolates from the nearer end, which keeps the result within [a, b].
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * Edges at the j/bins quantiles of an ascending sample, j = 1..bins-1, duplicates
 * removed (so a reference with repeated values gets fewer, wider bins; a constant
 * one gets a single edge and two bins).
 */
export function quantileEdges(sorted: Float64Array, bins: number = DEFAULT_DRIFT_BINS): number[] {
  if (!Number.isInteger(bins) || bins < 2) {
    throw new DriftInputError(`bins must be an integer >= 2, got ${bins}`);
  }
  const edges: number[] = [];
  for (let j = 1; j < bins; j++) {
    const edge = quantileSorted(sorted, j / bins);
    if (edges.length === 0 || edge > (edges[edges.length - 1] as number)) edges.push(edge);
  }
  return edges;
}

/**
 * Bin edges fitted on a reference sample: its deciles by default (see
 * {@link quantileEdges}). Non-finite reference values are ignored.
 */
export function fitBinEdges(input: {
  readonly reference: readonly number[];
  /** Number of quantile bins before duplicate edges merge; default 10. */
  readonly bins?: number;
}): DriftOutcome<{ readonly edges: number[] }> {
  const sorted = Float64Array.from(finiteOnly(input.reference).values).sort();
  if (sorted.length === 0) return insufficient('the reference window has no finite values');
  return { status: 'ok', edges: quantileEdges(sorted, input.bins) };
}

/** Throws unless `edges` are finite and strictly increasing. */
export function checkEdges(edges: readonly number[]): void {
  edges.forEach((e, i) => {
    if (!Number.isFinite(e) || (i > 0 && e <= (edges[i - 1] as number))) {
      throw new DriftInputError('edges must be finite and strictly increasing');
    }
  });
}

/** Index of the bin holding x: the number of edges <= x (binary search). */
function binIndex(edges: readonly number[], x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((edges[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Counts of `values` in the bins of `edges` (edges.length + 1 counts). NaN and
 * ±Infinity are not binned; they are counted in `nonFinite`.
 */
export function binCounts(input: {
  readonly values: ArrayLike<number>;
  readonly edges: readonly number[];
}): {
  counts: number[];
  nonFinite: number;
} {
  checkEdges(input.edges);
  const counts = new Array<number>(input.edges.length + 1).fill(0);
  let nonFinite = 0;
  for (let i = 0; i < input.values.length; i++) {
    const x = input.values[i] as number;
    if (Number.isFinite(x)) {
      const bin = binIndex(input.edges, x);
      counts[bin] = (counts[bin] as number) + 1;
    } else {
      nonFinite++;
    }
  }
  return { counts, nonFinite };
}
