/**
 * Drift statistics: compare a feature's current window with its reference window,
 * over raw values (small windows) or over counts the drift service aggregates in
 * ClickHouse (large windows). Definitions, defaults and bad-input rules are in
 * libs/stats/README.md, section "Drift".
 */
export { fitBinEdges, binCounts, DEFAULT_DRIFT_BINS } from './bins.js';
export {
  categoricalChiSquare,
  categoricalHomogeneity,
  categoricalJensenShannon,
  categoricalPsi,
} from './categorical.js';
export { unseenCategoryRate, type CategoryCounts } from './categories.js';
export type { ChiSquareDriftResult } from './chi-square.js';
export { jensenShannonFromCounts } from './jensen-shannon.js';
export { ksFromCounts } from './ks-binned.js';
export { ksTwoSample, KS_EXACT_MAX_N, type KsTestResult } from './ks.js';
export {
  chooseDriftMethod,
  isDrift,
  DEFAULT_DRIFT_THRESHOLDS,
  DEFAULT_SMALL_WINDOW_MAX_COUNT,
  type DriftMethod,
  type DriftMethodChoice,
  type DriftThresholds,
  type DriftFeatureType,
} from './method.js';
export { psiFromCounts, psiFromSamples, DEFAULT_DRIFT_EPSILON, type PsiResult } from './psi.js';
export {
  DriftInputError,
  type DriftOutcome,
  type InsufficientData,
  type NonFiniteCounts,
  type SampleDriftOutcome,
} from './result.js';
export { wassersteinFromCounts, type BinnedWassersteinResult } from './wasserstein-binned.js';
export { wassersteinFromSamples, type WassersteinResult } from './wasserstein.js';
