/**
 * Experiment statistics over per-variant sufficient statistics: fixed-horizon
 * comparisons, CUPED, multiple-testing corrections, sequential (mSPRT) tests,
 * sample-ratio mismatch and planning. Definitions and the references each matches
 * are in libs/stats/README.md, section "Experiments".
 */
export {
  type Alternative,
  type Comparison,
  type ComparisonOptions,
  type Lift,
} from './comparison.js';
export {
  compareMeansCuped,
  cupedTheta,
  type CupedComparison,
  type CupedInput,
  type CupedStats,
} from './cuped.js';
export { StatsInputError, type InsufficientExperimentData } from './errors.js';
export { compareMeans, type MeansInput } from './means.js';
export {
  adjustPValues,
  type PValueAdjustment,
  type PValueAdjustmentInput,
  type PValueCorrection,
} from './multiple-testing.js';
export {
  daysToReachSampleSize,
  planningSettings,
  type DurationInput,
  type MdeType,
  type PlanningOptions,
  type PlanningSettings,
  type SampleSizePlan,
} from './planning.js';
export {
  mdeForMeans,
  sampleSizeForMeans,
  type MeanMde,
  type MeanMdeInput,
  type MeanSampleSizeInput,
} from './planning-means.js';
export {
  mdeForProportions,
  sampleSizeForProportions,
  type ProportionMde,
  type ProportionMdeInput,
  type ProportionSampleSizeInput,
} from './planning-proportions.js';
export { compareProportions, type ProportionsInput } from './proportions.js';
export { compareRatios, type RatiosInput } from './ratio.js';
export {
  DEFAULT_SRM_THRESHOLD,
  sampleRatioMismatch,
  type SampleRatioInput,
  type SampleRatioResult,
} from './sample-ratio.js';
export {
  DEFAULT_TUNING_SAMPLE_SIZE,
  sequentialCompareMeans,
  sequentialCompareProportions,
  sequentialCompareRatios,
  sequentialRhoSquared,
  type SequentialComparison,
  type SequentialMeansInput,
  type SequentialOptions,
  type SequentialProportionsInput,
  type SequentialRatiosInput,
} from './sequential.js';
export {
  type ArmSummary,
  type MeanStats,
  type ProportionStats,
  type RatioStats,
} from './sufficient-stats.js';
