/**
 * Sample size, power and MDE for a per-unit metric compared by a two-sample t-test,
 * matching statsmodels `TTestIndPower` (`tt_ind_solve_power`): with effect size
 * d = MDE / σ, n_t = ratio · n_c, df = n_c + n_t − 2 and noncentrality
 * d·√(n_c·n_t/(n_c + n_t)), the power is the noncentral t mass beyond the central t
 * critical value(s); the sample size is the root of power(n_c) = target, rounded up.
 */
import {
  findRoot,
  noncentralTCdf,
  noncentralTSf,
  studentTQuantile,
} from '../distributions/index.js';
import { requireFinite, requirePositive, StatsInputError } from './errors.js';
import {
  absoluteMde,
  normalCriticalValues,
  planningSettings,
  sampleSizePlan,
  type MdeType,
  type PlanningOptions,
  type PlanningSettings,
  type SampleSizePlan,
} from './planning.js';

/** Smallest control size searched: a t-test needs 2 units per arm. */
const MIN_CONTROL = 2;

/** Power of the two-sample t-test for effect size d with n_c control units (statsmodels `TTestIndPower.power`). */
export function tTestPower(
  effectSize: number,
  controlSize: number,
  settings: PlanningSettings,
): number {
  const treatmentSize = settings.ratio * controlSize;
  const df = controlSize + treatmentSize - 2;
  const noncentrality =
    effectSize * Math.sqrt((controlSize * treatmentSize) / (controlSize + treatmentSize));
  const critical = -studentTQuantile(settings.tailAlpha, df);
  const upper = noncentralTSf({ t: critical, df, noncentrality });
  if (settings.sides === 1) return upper;
  return upper + noncentralTCdf({ t: -critical, df, noncentrality });
}

/** Inputs of {@link sampleSizeForMeans}. */
export interface MeanSampleSizeInput extends PlanningOptions {
  /** Smallest change worth detecting, > 0. */
  readonly mde: number;
  /** Default `'absolute'`; `'relative'` is a fraction of `baselineMean`. */
  readonly mdeType?: MdeType;
  /** Control mean; needed for a relative MDE. */
  readonly baselineMean?: number;
  /** Per-unit standard deviation of the metric, > 0. */
  readonly standardDeviation: number;
}

/** Units per arm for a t-test to detect `mde` (statsmodels `tt_ind_solve_power`, rounded up). */
export function sampleSizeForMeans(input: MeanSampleSizeInput): SampleSizePlan {
  const settings = planningSettings(input);
  requirePositive('standardDeviation', input.standardDeviation);
  const delta = absoluteMde({ ...input, baseline: input.baselineMean });
  const effectSize = delta / input.standardDeviation;
  const f = (n: number): number => tTestPower(effectSize, n, settings) - settings.power;
  if (f(MIN_CONTROL) >= 0) return sampleSizePlan(MIN_CONTROL, settings, delta);
  // Start above the normal approximation, which slightly underestimates the t-test's n.
  const { zAlpha, zPower } = normalCriticalValues(settings);
  let upper = Math.max(
    2 * MIN_CONTROL,
    (1.5 * (zAlpha + zPower) ** 2 * (1 + 1 / settings.ratio)) / effectSize ** 2,
  );
  while (f(upper) < 0) upper *= 2;
  const exact = findRoot({ f, lower: MIN_CONTROL, upper, tolerance: 1e-9 });
  return sampleSizePlan(exact, settings, delta);
}

/** Inputs of {@link mdeForMeans}. */
export interface MeanMdeInput extends PlanningOptions {
  /** Control units (treatments get ratio × this), >= 2. */
  readonly sampleSize: number;
  readonly standardDeviation: number;
  /** Control mean, to state the MDE relative to it. */
  readonly baselineMean?: number;
}

/** Smallest detectable change in a mean: absolute, as effect size d, and relative when a baseline is given. */
export interface MeanMde {
  readonly absolute: number;
  readonly effectSize: number;
  readonly relative: number | null;
}

/** Inverse of {@link sampleSizeForMeans}: the effect size with the target power at `sampleSize`. */
export function mdeForMeans(input: MeanMdeInput): MeanMde {
  const settings = planningSettings(input);
  requirePositive('standardDeviation', input.standardDeviation);
  const { sampleSize, baselineMean } = input;
  if (!(sampleSize >= MIN_CONTROL) || !Number.isFinite(sampleSize)) {
    throw new StatsInputError(
      'sampleSize',
      `must be finite and >= ${MIN_CONTROL}, got ${sampleSize}`,
    );
  }
  if (baselineMean !== undefined) requireFinite('baselineMean', baselineMean);
  const f = (d: number): number => tTestPower(d, sampleSize, settings) - settings.power;
  let upper = 1;
  while (f(upper) < 0) upper *= 2;
  const effectSize = findRoot({ f, lower: 0, upper, tolerance: 1e-14 });
  const absolute = effectSize * input.standardDeviation;
  const relative =
    baselineMean === undefined || baselineMean === 0 ? null : absolute / Math.abs(baselineMean);
  return { absolute, effectSize, relative };
}
