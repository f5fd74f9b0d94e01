/**
 * The drift statistics of one feature, each from @ballast/stats, as report entries:
 * the value(s), the threshold and the verdict. The statistics themselves live in the
 * lib (checked there against scipy); this file only picks and labels them.
 */
import {
  categoricalChiSquare,
  categoricalJensenShannon,
  categoricalPsi,
  ksTwoSample,
  psiFromSamples,
  unseenCategoryRate,
  wassersteinFromSamples,
  type DriftOutcome,
  type DriftThresholds,
  type PsiResult,
} from '@ballast/stats';
import type { FeatureColumns } from './features';

/** The lib's thresholds plus the unseen-category rate, which has none there. */
export interface CompareThresholds extends DriftThresholds {
  /** Drift when more than this share of current values is in unseen categories. */
  readonly unseenRate: number;
}

export const DEFAULT_UNSEEN_RATE_THRESHOLD = 0.05;

export type Verdict = 'drift' | 'no_drift' | 'insufficient_data';

/** One method's result in the report (snake_case: it is the --json shape). */
export type MethodEntry = {
  readonly threshold: number;
  readonly verdict: Verdict;
  /** Why the statistic could not be computed (verdict insufficient_data). */
  readonly reason?: string;
} & Readonly<Record<string, number | string | string[] | undefined>>;

export type MethodName =
  'ks' | 'wasserstein_normed' | 'psi' | 'jensen_shannon' | 'chi_square' | 'unseen_rate';

export type MethodEntries = Partial<Record<MethodName, MethodEntry>>;

/** What a method computed: the fields to report and the value its verdict is taken on. */
interface Measured {
  fields: Record<string, number | string | string[]>;
  value: number;
}

function entry<T>(options: {
  outcome: DriftOutcome<T>;
  threshold: number;
  kind: 'p_value' | 'distance';
  measure: (result: T) => Measured;
}): MethodEntry {
  const { outcome, threshold } = options;
  if (outcome.status !== 'ok') {
    return { threshold, verdict: 'insufficient_data', reason: outcome.reason };
  }
  const { fields, value } = options.measure(outcome);
  const drift = options.kind === 'p_value' ? value < threshold : value > threshold;
  return { ...fields, threshold, verdict: drift ? 'drift' : 'no_drift' };
}

/** Numeric feature: KS, normed Wasserstein, PSI; and the PSI bins for the histogram. */
export function numericMethods(
  feature: FeatureColumns,
  thresholds: CompareThresholds,
): { methods: MethodEntries; psi: DriftOutcome<PsiResult> } {
  const windows = { reference: feature.reference.numbers, current: feature.current.numbers };
  const psi = psiFromSamples(windows);
  const methods: MethodEntries = {
    ks: entry({
      outcome: ksTwoSample(windows),
      threshold: thresholds.pValue,
      kind: 'p_value',
      measure: (r) => ({
        fields: { statistic: r.statistic, p_value: r.pValue, p_value_method: r.method },
        value: r.pValue,
      }),
    }),
    wasserstein_normed: entry({
      outcome: wassersteinFromSamples(windows),
      threshold: thresholds.wassersteinNormed,
      kind: 'distance',
      measure: (r) => ({
        fields: { value: r.normed, distance: r.distance, reference_std: r.referenceStd },
        value: r.normed,
      }),
    }),
    psi: entry({
      outcome: psi,
      threshold: thresholds.psi,
      kind: 'distance',
      measure: (r) => ({ fields: { value: r.psi }, value: r.psi }),
    }),
  };
  return { methods, psi };
}

/** Categorical feature: chi-square goodness of fit, Jensen–Shannon, PSI, unseen rate. */
export function categoricalMethods(
  feature: FeatureColumns,
  thresholds: CompareThresholds,
): MethodEntries {
  const windows = {
    reference: feature.reference.categories,
    current: feature.current.categories,
  };
  return {
    chi_square: entry({
      outcome: categoricalChiSquare(windows),
      threshold: thresholds.pValue,
      kind: 'p_value',
      measure: (r) => ({
        fields: {
          statistic: r.statistic,
          p_value: r.pValue,
          degrees_of_freedom: r.degreesOfFreedom,
        },
        value: r.pValue,
      }),
    }),
    jensen_shannon: entry({
      outcome: categoricalJensenShannon(windows),
      threshold: thresholds.jensenShannon,
      kind: 'distance',
      measure: (r) => ({ fields: { value: r.distance }, value: r.distance }),
    }),
    psi: entry({
      outcome: categoricalPsi(windows),
      threshold: thresholds.psi,
      kind: 'distance',
      measure: (r) => ({ fields: { value: r.psi }, value: r.psi }),
    }),
    unseen_rate: entry({
      outcome: unseenCategoryRate(windows),
      threshold: thresholds.unseenRate,
      kind: 'distance',
      measure: (r) => ({
        fields: {
          value: r.rate,
          unseen_count: r.unseenCount,
          unseen_categories: r.unseenCategories,
        },
        value: r.rate,
      }),
    }),
  };
}
