/**
 * One metric, one treatment against the control: the fixed-horizon comparison (and
 * the mSPRT one when the experiment is sequential) from libs/stats, fed with the
 * sums ClickHouse aggregated. Statistics are libs/stats's; this file only picks the
 * test for the metric kind and maps the sums onto its inputs.
 */
import {
  compareMeans,
  compareMeansCuped,
  compareProportions,
  compareRatios,
  sequentialCompareMeans,
  sequentialCompareProportions,
  sequentialCompareRatios,
  type Comparison,
  type CupedStats,
  type InsufficientExperimentData,
  type Lift,
  type MeanStats,
  type ProportionStats,
  type RatioStats,
  type SequentialComparison,
} from '@ballast/stats';
import type { ExperimentDefinition, MetricDefinition } from '../domain/experiment-definition';
import { usesCuped, type MetricSums } from '../queries/metric-stats';

export type Insufficient = InsufficientExperimentData;

/** A variant's metric estimate: the mean, the conversion rate or ΣX/ΣY; null without units. */
export function pointEstimate(metric: MetricDefinition, sums: MetricSums): number | null {
  if (metric.kind === 'ratio') return sums.sumY === 0 ? null : sums.sumX / sums.sumY;
  return sums.n === 0 ? null : sums.sumX / sums.n;
}

export function emptySums(variant: string): MetricSums {
  return {
    variant,
    n: 0,
    sumX: 0,
    sumX2: 0,
    sumY: 0,
    sumY2: 0,
    sumXY: 0,
    sumC: 0,
    sumC2: 0,
    sumXC: 0,
  };
}

const meanStats = (s: MetricSums): MeanStats => ({ n: s.n, sum: s.sumX, sumSquares: s.sumX2 });
// x is 0 or 1 per unit, so Σx is an exact integer count of converted units.
const proportionStats = (s: MetricSums): ProportionStats => ({
  n: s.n,
  successes: Math.round(s.sumX),
});
const ratioStats = (s: MetricSums): RatioStats => ({
  n: s.n,
  sumX: s.sumX,
  sumY: s.sumY,
  sumX2: s.sumX2,
  sumY2: s.sumY2,
  sumXY: s.sumXY,
});
const cupedStats = (s: MetricSums): CupedStats => ({
  ...meanStats(s),
  covariateSum: s.sumC,
  covariateSumSquares: s.sumC2,
  sumProducts: s.sumXC,
});

export interface ComparisonInput {
  readonly def: ExperimentDefinition;
  readonly metric: MetricDefinition;
  readonly control: MetricSums;
  readonly treatment: MetricSums;
  /** Every variant's sums: CUPED pools θ over all of them. */
  readonly all: readonly MetricSums[];
}

/** The fixed-horizon test of the metric's kind (CUPED-adjusted when configured). */
export function fixedHorizon(input: ComparisonInput): Comparison | Insufficient {
  const { def, metric, control, treatment } = input;
  const options = { alpha: def.alpha };
  switch (metric.kind) {
    case 'binary':
      return compareProportions({
        ...options,
        control: proportionStats(control),
        treatment: proportionStats(treatment),
      });
    case 'ratio':
      return compareRatios({
        ...options,
        control: ratioStats(control),
        treatment: ratioStats(treatment),
      });
    case 'continuous':
      return usesCuped(def, metric)
        ? compareMeansCuped({
            ...options,
            control: cupedStats(control),
            treatment: cupedStats(treatment),
            pool: input.all.map(cupedStats),
          })
        : compareMeans({
            ...options,
            control: meanStats(control),
            treatment: meanStats(treatment),
          });
  }
}

/**
 * mSPRT (always-valid p-value and confidence sequence) from libs/stats: proportions,
 * means, and ratios (delta-method variance). CUPED metrics are tested sequentially
 * on the unadjusted means.
 */
export function sequential(
  input: ComparisonInput & { previousPValue: number | undefined },
): SequentialComparison | Insufficient {
  const { def, metric, control, treatment } = input;
  const options = {
    alpha: def.alpha,
    tuningSampleSize: def.sequential.tuningSampleSize,
    previousPValue: input.previousPValue,
  };
  if (metric.kind === 'binary') {
    return sequentialCompareProportions({
      ...options,
      control: proportionStats(control),
      treatment: proportionStats(treatment),
    });
  }
  if (metric.kind === 'continuous') {
    return sequentialCompareMeans({
      ...options,
      control: meanStats(control),
      treatment: meanStats(treatment),
    });
  }
  return sequentialCompareRatios({
    ...options,
    control: ratioStats(control),
    treatment: ratioStats(treatment),
  });
}

/** Lift bounds without the standard error, for reports. */
export function interval(
  lift: Lift | null,
): { estimate: number; lower: number; upper: number } | null {
  return lift && { estimate: lift.estimate, lower: lift.lower, upper: lift.upper };
}
