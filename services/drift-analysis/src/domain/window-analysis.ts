/**
 * One monitor window: every feature's verdict and checks, the share of drifted
 * features (dataset drift), and the window's volume against recent windows.
 *
 * Features judged by a p-value (small windows) are judged together: their p-values
 * are Holm-adjusted across the window's p-value tests before the comparison with
 * `pValue`, so that a model with many features does not drift by chance in most
 * windows (30 features tested at 0.05 each: at least one false drift in 79% of
 * windows; Holm keeps that at 5%).
 */
import { adjustPValues } from '@ballast/stats';
import { analyseFeature, type FeatureVerdict, type MethodResult } from './feature-analysis';
import type { MonitorDefinition } from './monitor';
import type { FeatureReference } from './reference';
import type { WindowStats } from './window-stats';

/** Volume is judged only once this many earlier windows are known. */
export const MIN_VOLUME_HISTORY = 3;

export interface WindowAnalysis {
  readonly windowStart: Date;
  readonly windowEnd: Date;
  readonly rows: number;
  readonly features: readonly FeatureVerdict[];
  /** Dataset-level results (feature ''): drifted_share and volume_ratio. */
  readonly dataset: readonly MethodResult[];
  /** Every result row of the window, features first. */
  readonly results: readonly MethodResult[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function driftedShare(features: readonly FeatureVerdict[], threshold: number): MethodResult {
  const analysed = features.filter((f) => f.verdict !== 'insufficient_data');
  const base = { feature: '', method: 'drifted_share', threshold, sampleSize: analysed.length };
  if (analysed.length === 0) {
    return { ...base, value: NaN, status: 'insufficient_data', note: 'no feature had enough data' };
  }
  const drifted = analysed.filter((f) => f.verdict === 'drift');
  const value = drifted.length / analysed.length;
  return {
    ...base,
    value,
    status: value >= threshold ? 'drift' : 'ok',
    ...(drifted.length > 0 ? { note: `drifted: ${drifted.map((f) => f.feature).join(', ')}` } : {}),
  };
}

/**
 * Rows in this window over the median of recent windows. A ratio past `ratio` either
 * way (e.g. 3: above 3x or below a third) is a warning: traffic lost or flooded.
 */
function volume(rows: number, recent: readonly number[], ratio: number): MethodResult {
  const base = { feature: '', method: 'volume_ratio', threshold: ratio, sampleSize: rows };
  const typical = recent.length >= MIN_VOLUME_HISTORY ? median(recent) : 0;
  if (typical <= 0) {
    return {
      ...base,
      value: NaN,
      status: 'insufficient_data',
      note: `needs ${MIN_VOLUME_HISTORY} earlier windows with traffic`,
    };
  }
  const value = rows / typical;
  return { ...base, value, status: value > ratio || value < 1 / ratio ? 'warning' : 'ok' };
}

/** Methods whose value is a p-value: drift below the threshold. */
const P_VALUE_METHODS: ReadonlySet<string> = new Set(['ks', 'chi_square']);

/**
 * The features decided by a p-value, re-decided on their Holm-adjusted p-values
 * (statsmodels `multipletests(method='holm')`). The deciding result's value becomes
 * the adjusted p-value; its note keeps the unadjusted one.
 */
function holmAcrossFeatures(features: readonly FeatureVerdict[]): FeatureVerdict[] {
  const tested = features.filter(
    (f) =>
      f.decidingMethod !== undefined &&
      P_VALUE_METHODS.has(f.decidingMethod.method) &&
      f.decidingMethod.status !== 'insufficient_data',
  );
  if (tested.length < 2) return [...features];
  const { adjusted } = adjustPValues({
    pValues: tested.map((f) => (f.decidingMethod as MethodResult).value),
    method: 'holm',
  });
  const adjustedOf = new Map(tested.map((f, i) => [f, adjusted[i] as number]));
  return features.map((f) => {
    const p = adjustedOf.get(f);
    const deciding = f.decidingMethod;
    if (p === undefined || deciding === undefined) return f;
    const status = p < deciding.threshold ? 'drift' : 'ok';
    const decided: MethodResult = {
      ...deciding,
      value: p,
      status,
      note: `Holm-adjusted over ${tested.length} p-value tests; unadjusted p = ${deciding.value.toPrecision(6)}`,
    };
    return {
      ...f,
      verdict: status,
      decidingMethod: decided,
      results: f.results.map((r) => (r === deciding ? decided : r)),
    };
  });
}

export function analyseWindow(input: {
  readonly monitor: MonitorDefinition;
  readonly references: readonly FeatureReference[];
  readonly stats: WindowStats;
  /** Row counts of the windows before this one, any order. */
  readonly recentVolumes: readonly number[];
}): WindowAnalysis {
  const { monitor, stats } = input;
  const features = holmAcrossFeatures(
    input.references.map((ref) => analyseFeature(ref, stats.features.get(ref.name), monitor)),
  );
  const dataset = [
    driftedShare(features, monitor.thresholds.datasetDriftShare),
    volume(stats.rows, input.recentVolumes, monitor.thresholds.volumeRatio),
  ];
  return {
    windowStart: stats.windowStart,
    windowEnd: stats.windowEnd,
    rows: stats.rows,
    features,
    dataset,
    results: [...features.flatMap((f) => f.results), ...dataset],
  };
}
