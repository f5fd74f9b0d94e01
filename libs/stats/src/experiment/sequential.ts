/**
 * Sequential testing with the mixture sequential probability ratio test (mSPRT,
 * Johari et al. 2017, "Peeking at A/B tests"; the normal-mixture confidence sequence
 * of Waudby-Smith et al. 2023, eq. 9, that GrowthBook's "sequential" engine uses).
 * Its p-values and intervals stay valid however often the experiment is looked at,
 * so it can be stopped as soon as p < alpha.
 *
 * With the difference estimate d̂ (treatment − control), its variance V, N units in
 * both variants and the mixture prior d ~ N(0, τ²) under H1, the likelihood ratio
 * against d = 0 is Λ = √(V/(V + τ²))·exp(d̂²τ² / (2V(V + τ²))); p = min(1, 1/Λ), and
 * the confidence sequence is d̂ ± √(V(V + τ²)/τ² · (2 ln(1/α) + ln((V + τ²)/V))).
 *
 * τ² = ρ²·N·V (the per-unit variance scaled by ρ²) with
 * ρ² = (−2 ln α + ln(−2 ln α + 1)) / N*, which makes the interval narrowest when the
 * experiment holds N* units in total (GrowthBook's `sequential_tuning_parameter`,
 * default 5000); with it the interval equals GrowthBook's `SequentialTwoSidedTTest`.
 */
import { liftStandardErrors, type Lift } from './comparison.js';
import {
  insufficient,
  requireOpenUnit,
  requirePositive,
  StatsInputError,
  type InsufficientExperimentData,
} from './errors.js';
import {
  summarizeMean,
  summarizeProportion,
  summarizeRatio,
  type ArmSummary,
  type MeanStats,
  type ProportionStats,
  type RatioStats,
} from './sufficient-stats.js';

/** GrowthBook's default `sequential_tuning_parameter`: total units where the interval is tightest. */
export const DEFAULT_TUNING_SAMPLE_SIZE = 5000;

/** Options of the sequential comparisons (always two-sided). */
export interface SequentialOptions {
  /** Default 0.05. */
  readonly alpha?: number;
  /** N*, total units (both variants) at which the interval is narrowest; default 5000. */
  readonly tuningSampleSize?: number;
  /**
   * The p-value returned at the previous look: the always-valid p-value is the
   * running minimum over looks (Johari et al.), so pass it back in at each look.
   */
  readonly previousPValue?: number;
}

export interface SequentialComparison {
  readonly status: 'ok';
  /** Always-valid p-value against no difference (running minimum with previousPValue). */
  readonly pValue: number;
  readonly alpha: number;
  /** pValue < alpha: the experiment may stop. */
  readonly significant: boolean;
  /** ρ² from alpha and N*; the mixture variance of the absolute difference is ρ²·N·V. */
  readonly rhoSquared: number;
  readonly control: ArmSummary;
  readonly treatment: ArmSummary;
  /** treatment − control with its confidence sequence at this look. */
  readonly absolute: Lift;
  /** treatment / control − 1 (delta method) with its confidence sequence; null when control is 0. */
  readonly relative: Lift | null;
}

/** ρ² = (−2 ln α + ln(−2 ln α + 1)) / N* (Waudby-Smith et al. 2023, eq. 161). */
export function sequentialRhoSquared(alpha: number, tuningSampleSize: number): number {
  const l = -2 * Math.log(alpha);
  return (l + Math.log(l + 1)) / tuningSampleSize;
}

/** Confidence sequence of an estimate with standard error se after N units in total. */
function confidenceSequence(
  estimate: number,
  standardError: number,
  shape: { n: number; rhoSquared: number; alpha: number },
): Lift {
  const { n, rhoSquared, alpha } = shape;
  const nr2 = n * rhoSquared + 1;
  // s² = N·se²; half-width² = s²·2(Nρ² + 1)/(N²ρ²)·ln(√(Nρ² + 1)/α).
  const halfWidth =
    standardError * Math.sqrt((2 * nr2 * Math.log(Math.sqrt(nr2) / alpha)) / (n * rhoSquared));
  return { estimate, standardError, lower: estimate - halfWidth, upper: estimate + halfWidth };
}

/** 1/Λ at d = 0, from z² = d̂²/V: √(Nρ² + 1)·exp(−ρ²·N·z² / (2(Nρ² + 1))). */
function mixturePValue(z: number, n: number, rhoSquared: number): number {
  const nr2 = n * rhoSquared + 1;
  return Math.min(1, Math.sqrt(nr2) * Math.exp((-rhoSquared * n * z * z) / (2 * nr2)));
}

function sequentialCompare(
  control: ArmSummary | InsufficientExperimentData,
  treatment: ArmSummary | InsufficientExperimentData,
  options: SequentialOptions,
): SequentialComparison | InsufficientExperimentData {
  const {
    alpha = 0.05,
    tuningSampleSize = DEFAULT_TUNING_SAMPLE_SIZE,
    previousPValue = 1,
  } = options;
  requireOpenUnit('alpha', alpha);
  requirePositive('tuningSampleSize', tuningSampleSize);
  if (!(previousPValue > 0 && previousPValue <= 1)) {
    throw new StatsInputError('previousPValue', `must be in (0, 1], got ${previousPValue}`);
  }
  if ('status' in control) return control;
  if ('status' in treatment) return treatment;
  const errors = liftStandardErrors(control, treatment);
  if (errors.absolute === 0) return insufficient('both variants have zero variance');
  const rhoSquared = sequentialRhoSquared(alpha, tuningSampleSize);
  const shape = { n: control.n + treatment.n, rhoSquared, alpha };
  const difference = treatment.mean - control.mean;
  const pValue = Math.min(
    previousPValue,
    mixturePValue(difference / errors.absolute, shape.n, rhoSquared),
  );
  return {
    status: 'ok',
    pValue,
    alpha,
    significant: pValue < alpha,
    rhoSquared,
    control,
    treatment,
    absolute: confidenceSequence(difference, errors.absolute, shape),
    relative:
      errors.relative === null
        ? null
        : confidenceSequence(treatment.mean / control.mean - 1, errors.relative, shape),
  };
}

/** Inputs of {@link sequentialCompareMeans}. */
export interface SequentialMeansInput extends SequentialOptions {
  readonly control: MeanStats;
  readonly treatment: MeanStats;
}

/** mSPRT for a difference in means (sample variances, ddof = 1). */
export function sequentialCompareMeans(
  input: SequentialMeansInput,
): SequentialComparison | InsufficientExperimentData {
  return sequentialCompare(
    summarizeMean('control', input.control),
    summarizeMean('treatment', input.treatment),
    input,
  );
}

/** Inputs of {@link sequentialCompareProportions}. */
export interface SequentialProportionsInput extends SequentialOptions {
  readonly control: ProportionStats;
  readonly treatment: ProportionStats;
}

/** mSPRT for a difference in conversion rates, normal approximation with variance p(1 − p)/n per variant. */
export function sequentialCompareProportions(
  input: SequentialProportionsInput,
): SequentialComparison | InsufficientExperimentData {
  return sequentialCompare(
    summarizeProportion('control', input.control),
    summarizeProportion('treatment', input.treatment),
    input,
  );
}

/** Inputs of {@link sequentialCompareRatios}. */
export interface SequentialRatiosInput extends SequentialOptions {
  readonly control: RatioStats;
  readonly treatment: RatioStats;
}

/**
 * mSPRT for a difference in ratio metrics (ΣX/ΣY per variant), the ratio's variance
 * by the delta method, as in the fixed-horizon ratio comparison: the mixture test
 * needs an asymptotically normal estimate with a known variance, which it is.
 */
export function sequentialCompareRatios(
  input: SequentialRatiosInput,
): SequentialComparison | InsufficientExperimentData {
  return sequentialCompare(
    summarizeRatio('control', input.control),
    summarizeRatio('treatment', input.treatment),
    input,
  );
}
