/**
 * Sample size and MDE for a conversion metric, the normal approximation of Evan
 * Miller's calculator: the critical value uses the variance under H0 (both arms at
 * the baseline p), the power term the variance under H1 (p and p + δ):
 *   n_c = (z_(1−α/s)·√(p(1−p)(1 + 1/k)) + z_power·√(p(1−p) + (p+δ)(1−p−δ)/k))² / δ²
 * with k = n_t/n_c and s the number of sides. For k = 1 this is Evan Miller's
 * formula exactly (p = 0.10, δ = 0.02, α = 0.05, power 0.8 → 3,623 per arm).
 */
import { findRoot } from '../distributions/index.js';
import { requireOpenUnit, StatsInputError } from './errors.js';
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

/** Inputs of {@link sampleSizeForProportions}. */
export interface ProportionSampleSizeInput extends PlanningOptions {
  /** Control conversion rate, in (0, 1). */
  readonly baseline: number;
  /** Smallest increase worth detecting, > 0 (baseline + MDE must stay below 1). */
  readonly mde: number;
  /** Default `'absolute'` (percentage points); `'relative'` is a fraction of the baseline. */
  readonly mdeType?: MdeType;
}

function exactControlSize(baseline: number, delta: number, settings: PlanningSettings): number {
  const { zAlpha, zPower } = normalCriticalValues(settings);
  const k = settings.ratio;
  const treated = baseline + delta;
  const h0 = Math.sqrt(baseline * (1 - baseline) * (1 + 1 / k));
  const h1 = Math.sqrt(baseline * (1 - baseline) + (treated * (1 - treated)) / k);
  return (zAlpha * h0 + zPower * h1) ** 2 / (delta * delta);
}

/** Units per arm to detect `mde` on a conversion rate (Evan Miller's normal approximation). */
export function sampleSizeForProportions(input: ProportionSampleSizeInput): SampleSizePlan {
  const settings = planningSettings(input);
  requireOpenUnit('baseline', input.baseline);
  const delta = absoluteMde(input);
  if (input.baseline + delta >= 1) {
    throw new StatsInputError(
      'mde',
      `baseline + MDE = ${input.baseline + delta} must stay below 1`,
    );
  }
  return sampleSizePlan(exactControlSize(input.baseline, delta, settings), settings, delta);
}

/** Inputs of {@link mdeForProportions}. */
export interface ProportionMdeInput extends PlanningOptions {
  readonly baseline: number;
  /** Control units (treatments get ratio × this). */
  readonly sampleSize: number;
}

/** Smallest increase in the conversion rate detectable with `sampleSize` control units. */
export interface ProportionMde {
  readonly absolute: number;
  readonly relative: number;
}

/** Inverse of {@link sampleSizeForProportions}: the δ whose exact control size equals `sampleSize`. */
export function mdeForProportions(input: ProportionMdeInput): ProportionMde {
  const settings = planningSettings(input);
  const { baseline, sampleSize } = input;
  requireOpenUnit('baseline', baseline);
  if (!(sampleSize >= 2) || !Number.isFinite(sampleSize)) {
    throw new StatsInputError('sampleSize', `must be finite and >= 2, got ${sampleSize}`);
  }
  const f = (delta: number): number => exactControlSize(baseline, delta, settings) - sampleSize;
  const upper = (1 - baseline) * (1 - 1e-12);
  if (f(upper) > 0) {
    throw new StatsInputError('sampleSize', `too small to detect any increase from ${baseline}`);
  }
  const absolute = findRoot({ f, lower: upper * 1e-12, upper, tolerance: 1e-16 });
  return { absolute, relative: absolute / baseline };
}
