/**
 * CUPED (Deng et al. 2013): variance reduction with a pre-period covariate X of the
 * metric Y. Each unit's metric is replaced by y − θ(x − x̄), θ = Cov(Y, X) / Var(X),
 * which keeps the expected difference between variants (X is pre-treatment) and
 * removes the part of the variance X explains.
 *
 * θ and x̄ are pooled over the variants, ignoring assignment (GrowthBook's
 * `compute_theta`), so one θ serves every variant. From sufficient statistics per
 * variant the adjusted mean is ȳ − θ(x̄_v − x̄) and the adjusted per-unit variance
 * s²_Y + θ²s²_X − 2θ·s_XY; Welch's t-test then runs on those, exactly as
 * scipy `ttest_ind(equal_var=False)` on the per-unit adjusted values.
 */
import { comparisonSettings, type Comparison, type ComparisonOptions } from './comparison.js';
import { insufficient, requireFinite, type InsufficientExperimentData } from './errors.js';
import { compareWelch } from './means.js';
import {
  sampleCovariance,
  summarizeMean,
  type ArmSummary,
  type MeanStats,
} from './sufficient-stats.js';

/** A per-unit metric with its pre-period covariate: the mean statistics plus Σx, Σx², Σxy. */
export interface CupedStats extends MeanStats {
  readonly covariateSum: number;
  readonly covariateSumSquares: number;
  /** Σ metric × covariate over units. */
  readonly sumProducts: number;
}

/** Inputs of {@link compareMeansCuped}. */
export interface CupedInput extends ComparisonOptions {
  readonly control: CupedStats;
  readonly treatment: CupedStats;
  /** Variants to pool θ and x̄ over (all of the experiment's, for one θ); default [control, treatment]. */
  readonly pool?: readonly CupedStats[];
}

/** A CUPED comparison: the Welch comparison of adjusted means, and the θ used. */
export type CupedComparison = Comparison & {
  readonly theta: number;
  readonly covariateMean: number;
};

function total(stats: readonly CupedStats[], key: keyof CupedStats): number {
  return stats.reduce((acc, s) => acc + s[key], 0);
}

/**
 * θ = Cov(Y, X) / Var(X) and x̄ over the pooled units of `variants`; θ = 0 when X is
 * constant (it explains nothing). Insufficient with fewer than 2 units in all.
 */
export function cupedTheta(
  variants: readonly CupedStats[],
): { theta: number; covariateMean: number } | InsufficientExperimentData {
  for (const [i, v] of variants.entries()) {
    for (const key of ['covariateSum', 'covariateSumSquares', 'sumProducts', 'sum'] as const) {
      requireFinite(`pool[${i}].${key}`, v[key]);
    }
  }
  const n = total(variants, 'n');
  if (n < 2) return insufficient(`the pooled variants have ${n} unit(s); at least 2 are needed`);
  const sumX = total(variants, 'covariateSum');
  const varX = sampleCovariance({
    field: 'covariateSumSquares',
    n,
    sumA: sumX,
    sumB: sumX,
    sumProducts: total(variants, 'covariateSumSquares'),
    isVariance: true,
  });
  const covXY = sampleCovariance({
    field: 'sumProducts',
    n,
    sumA: total(variants, 'sum'),
    sumB: sumX,
    sumProducts: total(variants, 'sumProducts'),
  });
  return { theta: varX === 0 ? 0 : covXY / varX, covariateMean: sumX / n };
}

function adjust(
  field: string,
  stats: CupedStats,
  pooled: { theta: number; covariateMean: number },
): ArmSummary | InsufficientExperimentData {
  const metric = summarizeMean(field, stats);
  if ('status' in metric) return metric;
  const covariate = summarizeMean(`${field}.covariate`, {
    n: stats.n,
    sum: stats.covariateSum,
    sumSquares: stats.covariateSumSquares,
  });
  if ('status' in covariate) return covariate;
  const covXY = sampleCovariance({
    field: `${field}.sumProducts`,
    n: stats.n,
    sumA: stats.sum,
    sumB: stats.covariateSum,
    sumProducts: stats.sumProducts,
  });
  const { theta, covariateMean } = pooled;
  const variance = metric.variance + theta * theta * covariate.variance - 2 * theta * covXY;
  return {
    n: stats.n,
    mean: metric.mean - theta * (covariate.mean - covariateMean),
    variance: Math.max(variance, 0),
  };
}

/**
 * Welch's t-test on CUPED-adjusted means: absolute lift (unbiased, smaller interval
 * than {@link compareMeans} when X predicts Y) and relative lift against the
 * control's adjusted mean.
 */
export function compareMeansCuped(input: CupedInput): CupedComparison | InsufficientExperimentData {
  comparisonSettings(input);
  const pooled = cupedTheta(input.pool ?? [input.control, input.treatment]);
  if ('status' in pooled) return pooled;
  const result = compareWelch(
    adjust('control', input.control, pooled),
    adjust('treatment', input.treatment, pooled),
    input,
  );
  return result.status === 'ok' ? { ...result, ...pooled } : result;
}
