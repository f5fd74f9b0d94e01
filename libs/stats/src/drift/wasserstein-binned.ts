/**
 * Wasserstein-1 distance estimated from histograms, for windows too large to pull
 * raw values: both windows' counts over the same bins (see ./bins.ts), plus the
 * smallest and largest finite value of the two windows together (ClickHouse
 * `min`/`max`) to close the open tail bins.
 *
 * The CDFs are known exactly at the edges; inside a bin each is only known to rise
 * from its value at the bin's left end to its value at the right end. So:
 * - estimate: both CDFs linear inside each bin (values spread uniformly), giving
 *   ∫|F - G| per bin in closed form;
 * - guaranteed bounds: in bin i of width w_i,
 *     lower_i = w_i · max(0, F_i - G_{i+1}, G_i - F_{i+1})
 *     upper_i = w_i · max(F_{i+1} - G_i, G_{i+1} - F_i)
 *   and the true raw-sample W1 lies in [Σ lower_i, Σ upper_i], as does the estimate.
 * The bounds are a worst case (all of a bin's mass at one end) and shrink with the
 * bins; the estimate is usually far closer than they suggest. On the reference data
 * (normal, 5000 vs 4000 values, sd ≈ 1, raw W1 = 0.215): 99 percentile edges give
 * 0.227 within [0.162, 0.330]; 9 decile edges give 0.271 within [0, 1.16]. Use percentile
 * (or finer) edges for this statistic, not PSI's deciles.
 */
import { checkEdges } from './bins.js';
import { checkedPair, DriftInputError, insufficient, type DriftOutcome } from './result.js';

export interface BinnedWassersteinResult {
  /** Estimate of W1 in the feature's units (linear CDFs inside bins). */
  readonly distance: number;
  /** W1 of the raw values is at least this. */
  readonly lowerBound: number;
  /** W1 of the raw values is at most this. */
  readonly upperBound: number;
  /** distance / referenceStd; divide the bounds by referenceStd for its bounds. */
  readonly normed: number;
}

/** Mean of |d| over a bin where d runs linearly from da to db. */
function meanLinearGap(da: number, db: number): number {
  if (da * db >= 0) return (Math.abs(da) + Math.abs(db)) / 2;
  // d crosses 0 inside the bin: two triangles.
  return (da * da + db * db) / (2 * (Math.abs(da) + Math.abs(db)));
}

/** CDF at each bin boundary: 0, then cumulative proportions, ending exactly at 1. */
function cdfAtBoundaries(counts: readonly number[], total: number): number[] {
  const cdf = [0];
  let running = 0;
  for (const c of counts) {
    running += c;
    cdf.push(running / total);
  }
  cdf[cdf.length - 1] = 1;
  return cdf;
}

export function wassersteinFromCounts(input: {
  /** Interior edges; counts have edges.length + 1 entries. */
  readonly edges: readonly number[];
  readonly reference: readonly number[];
  readonly current: readonly number[];
  /** Smallest finite value in either window. */
  readonly min: number;
  /** Largest finite value in either window. */
  readonly max: number;
  /** Reference sample standard deviation (ddof = 1), for the normed distance. */
  readonly referenceStd: number;
}): DriftOutcome<BinnedWassersteinResult> {
  checkEdges(input.edges);
  if (input.reference.length !== input.edges.length + 1) {
    throw new DriftInputError(
      `expected ${input.edges.length + 1} counts (edges + 1), got ${input.reference.length}`,
    );
  }
  const { min, max, referenceStd } = input;
  if (
    !Number.isFinite(min) ||
    !Number.isFinite(max) ||
    min > max ||
    !Number.isFinite(referenceStd) ||
    referenceStd < 0
  ) {
    throw new DriftInputError('min <= max and referenceStd >= 0 must be finite numbers');
  }
  const totals = checkedPair(input);
  if ('status' in totals) return totals;
  if (referenceStd === 0)
    return insufficient('the reference window is constant (standard deviation 0)');

  const points = [min, ...input.edges.map((e) => Math.min(Math.max(e, min), max)), max];
  const F = cdfAtBoundaries(input.reference, totals.referenceTotal);
  const G = cdfAtBoundaries(input.current, totals.currentTotal);
  let distance = 0;
  let lowerBound = 0;
  let upperBound = 0;
  for (let i = 0; i + 1 < points.length; i++) {
    const width = (points[i + 1] as number) - (points[i] as number);
    if (width === 0) continue;
    const [fa, fb, ga, gb] = [F[i], F[i + 1], G[i], G[i + 1]] as [number, number, number, number];
    distance += width * meanLinearGap(fa - ga, fb - gb);
    lowerBound += width * Math.max(0, fa - gb, ga - fb);
    upperBound += width * Math.max(fb - ga, gb - fa);
  }
  return { status: 'ok', distance, lowerBound, upperBound, normed: distance / referenceStd };
}
