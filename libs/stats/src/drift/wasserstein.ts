/**
 * Wasserstein-1 (earth mover's) distance between the reference and current
 * windows, on raw values, and the same normed by the reference's spread:
 *
 *   W1 = ∫ |F_ref(x) - F_cur(x)| dx          (scipy `stats.wasserstein_distance(ref, cur)`)
 *   normed = W1 / sd_ref,   sd_ref = sample standard deviation of the reference
 *            (ddof = 1: numpy `std(ref, ddof=1)`, ClickHouse `stddevSamp`)
 *
 * W1 is in the feature's units (how far, on average, mass had to move); dividing by
 * sd_ref makes one threshold fit every feature: 0.1 means the distributions moved
 * about a tenth of a reference standard deviation.
 */
import { insufficient, sortedSamples, type SampleDriftOutcome } from './result.js';

export interface WassersteinResult {
  /** W1 in the feature's units. */
  readonly distance: number;
  /** Sample standard deviation (ddof = 1) of the finite reference values. */
  readonly referenceStd: number;
  /** distance / referenceStd. */
  readonly normed: number;
}

/** ∫|F_a - F_b| between two ascending samples, walking the pooled order statistics. */
function cdfGapArea(a: Float64Array, b: Float64Array): number {
  let i = 0;
  let j = 0;
  let area = 0;
  let x = Math.min(a[0] as number, b[0] as number);
  while (i < a.length || j < b.length) {
    while (i < a.length && (a[i] as number) <= x) i++;
    while (j < b.length && (b[j] as number) <= x) j++;
    const next = Math.min(
      i < a.length ? (a[i] as number) : Infinity,
      j < b.length ? (b[j] as number) : Infinity,
    );
    if (next === Infinity) break;
    area += Math.abs(i / a.length - j / b.length) * (next - x);
    x = next;
  }
  return area;
}

/** Sample standard deviation with ddof = 1 (two-pass, as numpy). */
export function sampleStd(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let squares = 0;
  for (const v of values) squares += (v - mean) ** 2;
  return Math.sqrt(squares / (values.length - 1));
}

/**
 * W1 and W1 normed by the reference standard deviation, over raw values. NaN and
 * ±Infinity are dropped and counted. Insufficient data: an empty window, fewer than
 * two reference values, or a constant reference (the normed distance is undefined;
 * compare such a feature with PSI or as a categorical one).
 */
export function wassersteinFromSamples(input: {
  readonly reference: readonly number[];
  readonly current: readonly number[];
}): SampleDriftOutcome<WassersteinResult> {
  const { samples, emptyReason } = sortedSamples(input);
  const nonFinite = samples.nonFinite;
  if (emptyReason !== undefined) return { ...insufficient(emptyReason), nonFinite };
  if (samples.reference.length < 2) {
    return {
      ...insufficient(
        'the reference window needs at least 2 finite values for its standard deviation',
      ),
      nonFinite,
    };
  }
  const referenceStd = sampleStd(samples.reference);
  if (!(referenceStd > 0)) {
    return {
      ...insufficient('the reference window is constant (standard deviation 0)'),
      nonFinite,
    };
  }
  const distance = cdfGapArea(samples.reference, samples.current);
  if (!Number.isFinite(distance) || !Number.isFinite(referenceStd)) {
    return { ...insufficient('the values are too large for double precision'), nonFinite };
  }
  return { status: 'ok', distance, referenceStd, normed: distance / referenceStd, nonFinite };
}
