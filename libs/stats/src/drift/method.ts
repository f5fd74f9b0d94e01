/**
 * Which drift statistic to use for a feature, and when it means drift.
 *
 * A p-value answers "could these two windows come from one distribution?". With
 * tens of thousands of values per window it says no to differences far too small to
 * matter, and every feature would be flagged. So p-value tests are used only for
 * small current windows, where they are the honest tool, and an effect size (a
 * distance with a fixed threshold) for larger ones:
 *
 * | feature     | current window n  | statistic                | drift when |
 * |-------------|-------------------|--------------------------|------------|
 * | numeric     | n <= 1000         | KS two-sample p-value    | p < 0.05   |
 * | numeric     | n > 1000          | Wasserstein-1 / sd_ref   | > 0.1      |
 * |             |  (or, by option)  | PSI on reference deciles | > 0.2      |
 * | categorical | n <= 1000         | chi-square GOF p-value   | p < 0.05   |
 * | categorical | n > 1000          | Jensen–Shannon (base 2)  | > 0.1      |
 */

export type DriftFeatureType = 'numeric' | 'categorical';

export type DriftMethod = 'ks' | 'chi_square' | 'wasserstein_normed' | 'psi' | 'jensen_shannon';

export interface DriftThresholds {
  /** Significance level for the p-value tests. */
  readonly pValue: number;
  readonly wassersteinNormed: number;
  readonly psi: number;
  readonly jensenShannon: number;
}

export const DEFAULT_DRIFT_THRESHOLDS: DriftThresholds = {
  pValue: 0.05,
  wassersteinNormed: 0.1,
  psi: 0.2,
  jensenShannon: 0.1,
};

/** Current windows with at most this many values get a p-value test. */
export const DEFAULT_SMALL_WINDOW_MAX_COUNT = 1000;

export interface DriftMethodChoice {
  readonly method: DriftMethod;
  /** 'p_value': drift when the value is below the threshold; 'distance': above it. */
  readonly kind: 'p_value' | 'distance';
  readonly threshold: number;
}

export function chooseDriftMethod(input: {
  readonly featureType: DriftFeatureType;
  /** Finite values (numeric) or values (categorical) in the current window. */
  readonly currentCount: number;
  /** Default {@link DEFAULT_SMALL_WINDOW_MAX_COUNT}. */
  readonly smallWindowMaxCount?: number;
  /** Distance for large numeric windows; default 'wasserstein_normed'. */
  readonly numericDistance?: 'wasserstein_normed' | 'psi';
  readonly thresholds?: Partial<DriftThresholds>;
}): DriftMethodChoice {
  const thresholds = { ...DEFAULT_DRIFT_THRESHOLDS, ...input.thresholds };
  const small = input.currentCount <= (input.smallWindowMaxCount ?? DEFAULT_SMALL_WINDOW_MAX_COUNT);
  if (input.featureType === 'categorical') {
    return small
      ? { method: 'chi_square', kind: 'p_value', threshold: thresholds.pValue }
      : { method: 'jensen_shannon', kind: 'distance', threshold: thresholds.jensenShannon };
  }
  if (small) return { method: 'ks', kind: 'p_value', threshold: thresholds.pValue };
  return input.numericDistance === 'psi'
    ? { method: 'psi', kind: 'distance', threshold: thresholds.psi }
    : { method: 'wasserstein_normed', kind: 'distance', threshold: thresholds.wassersteinNormed };
}

/** Whether `value` of the chosen statistic signals drift. */
export function isDrift(choice: DriftMethodChoice, value: number): boolean {
  return choice.kind === 'p_value' ? value < choice.threshold : value > choice.threshold;
}
