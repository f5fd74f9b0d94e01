/**
 * Welch's t-test for a per-unit metric, and the same test on any pair of variants
 * already reduced to a mean and per-unit variance (ratio metrics, CUPED).
 *
 * t = (ȳ_t − ȳ_c) / √(s²_t/n_t + s²_c/n_c) with Welch–Satterthwaite df, matching
 * scipy `ttest_ind(treatment, control, equal_var=False, alternative=...)`; the
 * absolute lift's interval uses the same t quantile, the relative lift's the delta
 * method (as GrowthBook's frequentist engine).
 */
import {
  compareArms,
  comparisonSettings,
  welchDf,
  type Comparison,
  type ComparisonOptions,
} from './comparison.js';
import { insufficient, type InsufficientExperimentData } from './errors.js';
import { summarizeMean, type ArmSummary, type MeanStats } from './sufficient-stats.js';

/** Inputs of {@link compareMeans}. */
export interface MeansInput extends ComparisonOptions {
  readonly control: MeanStats;
  readonly treatment: MeanStats;
}

/** Variants already reduced (or found insufficient), compared by Welch's t-test. */
export function compareWelch(
  control: ArmSummary | InsufficientExperimentData,
  treatment: ArmSummary | InsufficientExperimentData,
  options: ComparisonOptions,
): Comparison | InsufficientExperimentData {
  const settings = comparisonSettings(options);
  if ('status' in control) return control;
  if ('status' in treatment) return treatment;
  if (control.variance === 0 && treatment.variance === 0) {
    return insufficient('both variants have zero variance');
  }
  return compareArms({
    control,
    treatment,
    test: 'welch-t',
    degreesOfFreedom: welchDf(control, treatment),
    ...settings,
  });
}

/**
 * Welch's t-test of treatment against control from { n, sum, sumSquares } per
 * variant: t, Welch df, p-value, absolute and relative lift with intervals.
 * Matches scipy `ttest_ind(equal_var=False)`.
 */
export function compareMeans(input: MeansInput): Comparison | InsufficientExperimentData {
  return compareWelch(
    summarizeMean('control', input.control),
    summarizeMean('treatment', input.treatment),
    input,
  );
}
