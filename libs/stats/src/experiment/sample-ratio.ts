/**
 * Sample-ratio mismatch (SRM): are units split across variants as configured? A
 * mismatch means assignment or logging is broken and the comparison is biased, so
 * it is checked before any lift is trusted.
 *
 * Pearson chi-square goodness of fit of the observed units per variant against
 * total × weight, k − 1 df, matching scipy `chisquare(observed, total * weights)`.
 * Flagged at p < 0.001 by default: the check runs on every experiment at every
 * look, so a loose threshold would raise false alarms.
 */
import { chiSquareSf } from '../distributions/index.js';
import {
  insufficient,
  requireCount,
  requireOpenUnit,
  StatsInputError,
  type InsufficientExperimentData,
} from './errors.js';

/** Default p-value threshold below which a split is flagged. */
export const DEFAULT_SRM_THRESHOLD = 0.001;
/** How far the configured weights may sum from 1. */
export const WEIGHT_SUM_TOLERANCE = 1e-9;

/** Inputs of {@link sampleRatioMismatch}. */
export interface SampleRatioInput {
  /** Units observed per variant. */
  readonly observed: readonly number[];
  /** Configured traffic share per variant, each > 0, summing to 1 (±1e-9). */
  readonly weights: readonly number[];
  /** Flag when p < threshold; default 0.001. */
  readonly threshold?: number;
}

export interface SampleRatioResult {
  readonly status: 'ok';
  readonly statistic: number;
  readonly degreesOfFreedom: number;
  readonly pValue: number;
  /** pValue < threshold. */
  readonly mismatch: boolean;
  /** Units expected per variant: total × weight. */
  readonly expected: readonly number[];
}

function checkWeights(observed: readonly number[], weights: readonly number[]): void {
  if (weights.length !== observed.length) {
    throw new StatsInputError(
      'weights',
      `has ${weights.length} entries for ${observed.length} variants`,
    );
  }
  if (observed.length < 2) throw new StatsInputError('observed', 'needs at least 2 variants');
  weights.forEach((w, i) => {
    if (!(w > 0 && w < 1))
      throw new StatsInputError(`weights[${i}]`, `must be in (0, 1), got ${w}`);
  });
  const sum = weights.reduce((a, b) => a + b, 0);
  if (Math.abs(sum - 1) > WEIGHT_SUM_TOLERANCE) {
    throw new StatsInputError('weights', `must sum to 1 (±${WEIGHT_SUM_TOLERANCE}), sum to ${sum}`);
  }
}

/** Chi-square test of the observed split against the configured weights. */
export function sampleRatioMismatch(
  input: SampleRatioInput,
): SampleRatioResult | InsufficientExperimentData {
  const { observed, weights, threshold = DEFAULT_SRM_THRESHOLD } = input;
  observed.forEach((n, i) => requireCount(`observed[${i}]`, n));
  checkWeights(observed, weights);
  requireOpenUnit('threshold', threshold);
  const total = observed.reduce((a, b) => a + b, 0);
  if (total === 0) return insufficient('no units observed in any variant');
  const expected = weights.map((w) => w * total);
  const statistic = observed.reduce((acc, o, i) => {
    const e = expected[i] as number;
    return acc + ((o - e) * (o - e)) / e;
  }, 0);
  const degreesOfFreedom = observed.length - 1;
  const pValue = chiSquareSf(statistic, degreesOfFreedom);
  return {
    status: 'ok',
    statistic,
    degreesOfFreedom,
    pValue,
    mismatch: pValue < threshold,
    expected,
  };
}
