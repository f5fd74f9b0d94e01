/**
 * Ratio metrics (e.g. revenue per session when units are users): R = ΣX / ΣY per
 * variant, whose per-unit variance comes from the delta method, then compared like
 * a mean with Welch's t-test (as GrowthBook's RatioStatistic).
 */
import type { Comparison, ComparisonOptions } from './comparison.js';
import type { InsufficientExperimentData } from './errors.js';
import { compareWelch } from './means.js';
import { summarizeRatio, type RatioStats } from './sufficient-stats.js';

/** Inputs of {@link compareRatios}. */
export interface RatiosInput extends ComparisonOptions {
  readonly control: RatioStats;
  readonly treatment: RatioStats;
}

/**
 * Compares R_t = ΣX_t/ΣY_t with R_c. Var(R) = (s²_X − 2R·s_XY + R²·s²_Y) / (n·Ȳ²);
 * t = (R_t − R_c)/√(Var R_t + Var R_c) with Welch df from those variances.
 */
export function compareRatios(input: RatiosInput): Comparison | InsufficientExperimentData {
  return compareWelch(
    summarizeRatio('control', input.control),
    summarizeRatio('treatment', input.treatment),
    input,
  );
}
