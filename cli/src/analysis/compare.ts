/**
 * The drift comparison of two files: per shared feature, every statistic that applies
 * to its type, the default method's verdict as the feature's status, missing and
 * non-finite counts per window, and the histogram the HTML report draws. The result
 * is the `ballast drift compare --json` document (snake_case keys).
 */
import {
  chooseDriftMethod,
  DEFAULT_DRIFT_THRESHOLDS,
  DEFAULT_SMALL_WINDOW_MAX_COUNT,
  type DriftMethod,
} from '@ballast/stats';
import type { Dataset } from './dataset';
import {
  splitFeatures,
  type FeatureColumns,
  type FeatureType,
  type FeatureWindow,
} from './features';
import { categoricalHistogram, numericHistogram, type Histogram } from './histogram';
import {
  categoricalMethods,
  DEFAULT_UNSEEN_RATE_THRESHOLD,
  numericMethods,
  type CompareThresholds,
  type MethodEntries,
  type Verdict,
} from './methods';

export interface CompareSettings {
  readonly thresholds: CompareThresholds;
  /** Current windows with at most this many values get a p-value test. */
  readonly smallWindowMaxCount: number;
  /** Default method for large numeric windows. */
  readonly numericDistance: 'wasserstein_normed' | 'psi';
}

export const DEFAULT_COMPARE_SETTINGS: CompareSettings = {
  thresholds: { ...DEFAULT_DRIFT_THRESHOLDS, unseenRate: DEFAULT_UNSEEN_RATE_THRESHOLD },
  smallWindowMaxCount: DEFAULT_SMALL_WINDOW_MAX_COUNT,
  numericDistance: 'wasserstein_normed',
};

interface WindowQuality {
  readonly rows: number;
  /** Values the statistics used. */
  readonly values: number;
  readonly missing: number;
  readonly missing_rate: number;
  /** ±Infinity in a numeric feature. */
  readonly non_finite: number;
  readonly non_finite_rate: number;
}

export interface FeatureReport {
  readonly name: string;
  readonly type: FeatureType;
  readonly type_source: 'inferred' | 'flag';
  /** The default method's verdict (see README: method table). */
  readonly status: Verdict;
  readonly default_method: DriftMethod;
  /** Set when status is insufficient_data. */
  readonly reason?: string;
  readonly reference: WindowQuality;
  readonly current: WindowQuality;
  readonly methods: MethodEntries;
  readonly histogram?: Histogram;
}

export interface CompareReport {
  readonly features: FeatureReport[];
  readonly summary: {
    readonly reference: { readonly file: string; readonly rows: number };
    readonly current: { readonly file: string; readonly rows: number };
    readonly features_compared: number;
    readonly drifted: number;
    readonly drifted_features: string[];
    readonly insufficient_data_features: string[];
    /** Columns the current file lacks: not compared. */
    readonly only_in_reference: string[];
    /** Columns the reference file lacks: not compared. */
    readonly only_in_current: string[];
    /** Any compared feature drifted. */
    readonly drift: boolean;
    readonly settings: {
      readonly thresholds: Record<string, number>;
      readonly small_window_max_count: number;
      readonly numeric_distance: string;
    };
  };
}

function quality(window: FeatureWindow, type: FeatureType): WindowQuality {
  const values =
    type === 'numeric'
      ? window.numbers.length
      : Object.values(window.categories).reduce((a, b) => a + b, 0);
  const rate = (n: number): number => (window.rows === 0 ? 0 : n / window.rows);
  return {
    rows: window.rows,
    values,
    missing: window.missing,
    missing_rate: rate(window.missing),
    non_finite: window.nonFinite,
    non_finite_rate: rate(window.nonFinite),
  };
}

function featureReport(feature: FeatureColumns, settings: CompareSettings): FeatureReport {
  const reference = quality(feature.reference, feature.type);
  const current = quality(feature.current, feature.type);
  let methods: MethodEntries;
  let histogram: Histogram | undefined;
  if (feature.type === 'numeric') {
    const numeric = numericMethods(feature, settings.thresholds);
    methods = numeric.methods;
    histogram = numericHistogram(feature, numeric.psi);
  } else {
    methods = categoricalMethods(feature, settings.thresholds);
    histogram = categoricalHistogram(feature);
  }
  const choice = chooseDriftMethod({
    featureType: feature.type,
    currentCount: current.values,
    smallWindowMaxCount: settings.smallWindowMaxCount,
    numericDistance: settings.numericDistance,
    thresholds: settings.thresholds,
  });
  const chosen = methods[choice.method];
  const status = chosen?.verdict ?? 'insufficient_data';
  return {
    name: feature.name,
    type: feature.type,
    type_source: feature.typeSource,
    status,
    default_method: choice.method,
    ...(chosen?.reason === undefined ? {} : { reason: chosen.reason }),
    reference,
    current,
    methods,
    ...(histogram === undefined ? {} : { histogram }),
  };
}

/** Compares every feature the two datasets share. */
export function compareDatasets(options: {
  reference: Dataset;
  current: Dataset;
  numeric?: readonly string[];
  categorical?: readonly string[];
  settings?: CompareSettings;
}): CompareReport {
  const settings = options.settings ?? DEFAULT_COMPARE_SETTINGS;
  const split = splitFeatures(options);
  const features = split.features.map((f) => featureReport(f, settings));
  const drifted = features.filter((f) => f.status === 'drift').map((f) => f.name);
  const { reference, current } = options;
  return {
    features,
    summary: {
      reference: { file: reference.file, rows: reference.lines.length },
      current: { file: current.file, rows: current.lines.length },
      features_compared: features.length,
      drifted: drifted.length,
      drifted_features: drifted,
      insufficient_data_features: features
        .filter((f) => f.status === 'insufficient_data')
        .map((f) => f.name),
      only_in_reference: split.onlyInReference,
      only_in_current: split.onlyInCurrent,
      drift: drifted.length > 0,
      settings: {
        thresholds: {
          p_value: settings.thresholds.pValue,
          wasserstein_normed: settings.thresholds.wassersteinNormed,
          psi: settings.thresholds.psi,
          jensen_shannon: settings.thresholds.jensenShannon,
          unseen_rate: settings.thresholds.unseenRate,
        },
        small_window_max_count: settings.smallWindowMaxCount,
        numeric_distance: settings.numericDistance,
      },
    },
  };
}
