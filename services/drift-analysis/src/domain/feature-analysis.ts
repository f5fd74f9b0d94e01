/**
 * One feature in one window: the drift statistics against its reference and the
 * data-quality checks, as result rows (one per method) plus the feature's verdict.
 *
 * The verdict comes from the method {@link chooseDriftMethod} picks for the window's
 * size (KS / chi-square p-values for small windows, Wasserstein / PSI /
 * Jensen–Shannon distances for large ones). PSI is always reported besides, and is
 * exact in both cases (both windows are counted over the profile's decile bins).
 * Wasserstein and KS use raw values when ClickHouse handed them over, else the fine
 * histogram (see README "Approximations").
 */
import {
  categoricalChiSquare,
  categoricalJensenShannon,
  chooseDriftMethod,
  isDrift,
  ksFromCounts,
  ksTwoSample,
  psiFromCounts,
  unseenCategoryRate,
  wassersteinFromCounts,
  wassersteinFromSamples,
  type DriftMethodChoice,
  type DriftOutcome,
} from '@ballast/stats';
import type { MonitorDefinition, MonitorThresholds } from './monitor';
import type { CategoricalReference, FeatureReference, NumericReference } from './reference';
import type {
  CategoricalWindowStats,
  FeatureWindowStats,
  NumericWindowStats,
} from './window-stats';

/** 'warning' is a data-quality finding; only 'drift' counts as a drifted feature. */
export type ResultStatus = 'ok' | 'drift' | 'warning' | 'insufficient_data';

export interface MethodResult {
  readonly feature: string;
  readonly method: string;
  /** NaN only with status 'insufficient_data'. */
  readonly value: number;
  readonly threshold: number;
  readonly status: ResultStatus;
  readonly sampleSize: number;
  /** Why the data was insufficient, or extra detail (e.g. unseen categories). */
  readonly note?: string;
}

export interface FeatureVerdict {
  readonly feature: string;
  /** 'insufficient_data' when the window cannot support the statistic. */
  readonly verdict: 'ok' | 'drift' | 'insufficient_data';
  /** The method that decided the verdict. */
  readonly decidingMethod?: MethodResult;
  readonly results: readonly MethodResult[];
}

interface Settings {
  readonly thresholds: MonitorThresholds;
  readonly minSampleSize: number;
  readonly smallWindowMaxCount: number;
  readonly numericDistance: MonitorDefinition['numericDistance'];
}

function fromOutcome<T>(
  base: { feature: string; method: string; threshold: number; sampleSize: number },
  outcome: DriftOutcome<T>,
  value: (ok: T) => number,
  drifted: (v: number) => boolean,
): MethodResult {
  if (outcome.status !== 'ok') {
    return { ...base, value: NaN, status: 'insufficient_data', note: outcome.reason };
  }
  const v = value(outcome);
  return { ...base, value: v, status: drifted(v) ? 'drift' : 'ok' };
}

function qualityCheck(
  feature: string,
  method: string,
  value: number,
  threshold: number,
  sampleSize: number,
): MethodResult {
  return {
    feature,
    method,
    value,
    threshold,
    sampleSize,
    status: value > threshold ? 'warning' : 'ok',
  };
}

function numericDrift(
  ref: NumericReference,
  cur: NumericWindowStats,
  choice: DriftMethodChoice,
  s: Settings,
): MethodResult[] {
  const base = { feature: ref.name, sampleSize: cur.finite };
  const coarse = ref.coarseCounts.map(() => 0);
  cur.fineCounts.forEach((c, i) => (coarse[ref.fineToCoarse[i] as number]! += c));
  const psi = fromOutcome(
    { ...base, method: 'psi', threshold: s.thresholds.psi },
    psiFromCounts({ reference: ref.coarseCounts, current: coarse }),
    (r) => r.psi,
    (v) => v > s.thresholds.psi,
  );
  if (choice.method === 'psi') return [psi];
  const drifted = (v: number) => isDrift(choice, v);
  const at = { ...base, method: choice.method, threshold: choice.threshold };
  if (choice.method === 'ks') {
    const outcome = cur.values
      ? ksTwoSample({ reference: ref.sample, current: cur.values })
      : ksFromCounts({ reference: ref.fineCounts, current: cur.fineCounts });
    return [fromOutcome(at, outcome, (r) => r.pValue, drifted), psi];
  }
  const outcome = cur.values
    ? wassersteinFromSamples({ reference: ref.sample, current: cur.values })
    : wassersteinFromCounts({
        edges: ref.fineEdges,
        reference: ref.fineCounts,
        current: cur.fineCounts,
        min: Math.min(ref.min, cur.min),
        max: Math.max(ref.max, cur.max),
        referenceStd: ref.std,
      });
  return [fromOutcome(at, outcome, (r) => r.normed, drifted), psi];
}

function numericQuality(
  ref: NumericReference,
  cur: NumericWindowStats,
  s: Settings,
): MethodResult[] {
  const t = s.thresholds;
  const present = cur.finite;
  const results = [
    qualityCheck(
      ref.name,
      'missing_rate',
      cur.missing / cur.rows,
      ref.missingRate + t.missingRateIncrease,
      cur.rows,
    ),
    qualityCheck(ref.name, 'non_finite_rate', cur.infinite / cur.rows, t.nonFiniteRate, cur.rows),
  ];
  if (present > 0) {
    results.push(
      qualityCheck(
        ref.name,
        'out_of_range_rate',
        (cur.belowMin + cur.aboveMax) / present,
        t.outOfRangeRate,
        present,
      ),
    );
  }
  // A feature stuck at one value while the reference varies: a broken upstream.
  if (present >= 2 && ref.std > 0) {
    results.push(qualityCheck(ref.name, 'constant', cur.min === cur.max ? 1 : 0, 0.5, present));
  }
  return results;
}

function categoricalDrift(
  ref: CategoricalReference,
  cur: CategoricalWindowStats,
  choice: DriftMethodChoice,
): MethodResult {
  const input = { reference: ref.frequencies, current: cur.counts };
  const base = {
    feature: ref.name,
    method: choice.method,
    threshold: choice.threshold,
    sampleSize: cur.rows - cur.missing,
  };
  const drifted = (v: number) => isDrift(choice, v);
  return choice.method === 'chi_square'
    ? fromOutcome(base, categoricalChiSquare(input), (r) => r.pValue, drifted)
    : fromOutcome(base, categoricalJensenShannon(input), (r) => r.distance, drifted);
}

function categoricalQuality(
  ref: CategoricalReference,
  cur: CategoricalWindowStats,
  s: Settings,
): MethodResult[] {
  const present = cur.rows - cur.missing;
  const results = [
    qualityCheck(
      ref.name,
      'missing_rate',
      cur.missing / cur.rows,
      ref.missingRate + s.thresholds.missingRateIncrease,
      cur.rows,
    ),
  ];
  const unseen = unseenCategoryRate({ reference: ref.frequencies, current: cur.counts });
  if (unseen.status === 'ok') {
    results.push({
      ...qualityCheck(ref.name, 'unseen_rate', unseen.rate, s.thresholds.unseenRate, present),
      ...(unseen.unseenCount > 0
        ? { note: `unseen: ${unseen.unseenCategories.slice(0, 10).join(', ')}` }
        : {}),
    });
  }
  if (present >= 2 && Object.keys(ref.frequencies).length > 1) {
    const nonEmpty = Object.values(cur.counts).filter((c) => c > 0).length;
    results.push(qualityCheck(ref.name, 'constant', nonEmpty === 1 ? 1 : 0, 0.5, present));
  }
  return results;
}

function quality(
  ref: FeatureReference,
  cur: FeatureWindowStats | undefined,
  s: Settings,
): MethodResult[] {
  if (!cur || cur.rows === 0) return [];
  if (ref.type === 'numeric' && cur.type === 'numeric') return numericQuality(ref, cur, s);
  if (ref.type === 'categorical' && cur.type === 'categorical')
    return categoricalQuality(ref, cur, s);
  return [];
}

function present(cur: FeatureWindowStats): number {
  return cur.type === 'numeric' ? cur.finite : cur.rows - cur.missing;
}

/**
 * Analyses one feature. `current` is undefined when no event of the window carried
 * the feature; that, or fewer present values than the monitor's minimum, is
 * insufficient data (never an error).
 */
export function analyseFeature(
  ref: FeatureReference,
  current: FeatureWindowStats | undefined,
  settings: Settings,
): FeatureVerdict {
  const count = current ? present(current) : 0;
  const choice = chooseDriftMethod({
    featureType: ref.type,
    currentCount: count,
    smallWindowMaxCount: settings.smallWindowMaxCount,
    numericDistance: settings.numericDistance,
    thresholds: settings.thresholds,
  });
  const checks = quality(ref, current, settings);
  if (!current || count < settings.minSampleSize) {
    const insufficient: MethodResult = {
      feature: ref.name,
      method: choice.method,
      value: NaN,
      threshold: choice.threshold,
      status: 'insufficient_data',
      sampleSize: count,
      note: `${count} values, fewer than the minimum sample size ${settings.minSampleSize}`,
    };
    return { feature: ref.name, verdict: 'insufficient_data', results: [insufficient, ...checks] };
  }
  const drift =
    ref.type === 'numeric' && current.type === 'numeric'
      ? numericDrift(ref, current, choice, settings)
      : ref.type === 'categorical' && current.type === 'categorical'
        ? [categoricalDrift(ref, current, choice)]
        : [];
  const deciding = drift[0] as MethodResult;
  const verdict =
    deciding.status === 'drift' ? 'drift' : deciding.status === 'ok' ? 'ok' : 'insufficient_data';
  return { feature: ref.name, verdict, decidingMethod: deciding, results: [...drift, ...checks] };
}
