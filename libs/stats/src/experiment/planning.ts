/**
 * Settings shared by the sample-size and MDE calculators, and the calendar time an
 * experiment needs. Several treatments each compared with the control at level
 * alpha/(K − 1) (Bonferroni) keep the family-wise error at alpha.
 */
import { normalQuantile } from '../distributions/index.js';
import {
  requireFinite,
  requireIntegerAtLeast,
  requireOpenUnit,
  requirePositive,
  StatsInputError,
} from './errors.js';

/** Options every planning calculator takes. */
export interface PlanningOptions {
  /** Family-wise significance level; default 0.05. */
  readonly alpha?: number;
  /** Probability of detecting the MDE; default 0.8. */
  readonly power?: number;
  /** 2 (default) for a two-sided test, 1 for one-sided towards the MDE. */
  readonly sides?: 1 | 2;
  /** Variants including the control, K >= 2; default 2. */
  readonly variants?: number;
  /** Units in each treatment per unit in the control (n_t = ratio · n_c); default 1. */
  readonly ratio?: number;
}

/** How an MDE is stated: a difference in the metric, or a fraction of the baseline. */
export type MdeType = 'absolute' | 'relative';

export interface PlanningSettings {
  readonly alpha: number;
  /** alpha / (K − 1). */
  readonly alphaPerComparison: number;
  /** alphaPerComparison / sides: the upper-tail probability of the critical value. */
  readonly tailAlpha: number;
  readonly power: number;
  readonly sides: 1 | 2;
  readonly variants: number;
  readonly ratio: number;
}

export function planningSettings(options: PlanningOptions): PlanningSettings {
  const { alpha = 0.05, power = 0.8, sides = 2, variants = 2, ratio = 1 } = options;
  requireOpenUnit('alpha', alpha);
  requireOpenUnit('power', power);
  if (sides !== 1 && sides !== 2)
    throw new StatsInputError('sides', `must be 1 or 2, got ${sides}`);
  requireIntegerAtLeast('variants', variants, 2);
  requirePositive('ratio', ratio);
  const alphaPerComparison = alpha / (variants - 1);
  return {
    alpha,
    alphaPerComparison,
    tailAlpha: alphaPerComparison / sides,
    power,
    sides,
    variants,
    ratio,
  };
}

/** z quantiles of the critical value and of the power: z_(1 − tailAlpha), z_power. */
export function normalCriticalValues(settings: PlanningSettings): {
  zAlpha: number;
  zPower: number;
} {
  return { zAlpha: -normalQuantile(settings.tailAlpha), zPower: normalQuantile(settings.power) };
}

/** A sample-size plan: units per arm and in total. */
export interface SampleSizePlan {
  /** Control units, rounded up. */
  readonly control: number;
  /** Units in each treatment, rounded up (ratio × the unrounded control size). */
  readonly treatment: number;
  /** control + (K − 1) × treatment; per arm × K for an even split. */
  readonly total: number;
  /** The control size before rounding up. */
  readonly exactControl: number;
  readonly alphaPerComparison: number;
  /** The MDE as a difference in the metric. */
  readonly absoluteMde: number;
}

export function sampleSizePlan(
  exactControl: number,
  settings: PlanningSettings,
  absoluteMde: number,
): SampleSizePlan {
  const control = Math.ceil(exactControl);
  const treatment = Math.ceil(exactControl * settings.ratio);
  return {
    control,
    treatment,
    total: control + (settings.variants - 1) * treatment,
    exactControl,
    alphaPerComparison: settings.alphaPerComparison,
    absoluteMde,
  };
}

/** The MDE's absolute size from its stated type; the relative form needs a non-zero baseline. */
export function absoluteMde(options: {
  mde: number;
  mdeType?: MdeType;
  baseline?: number;
}): number {
  const { mde, mdeType = 'absolute', baseline } = options;
  requirePositive('mde', mde);
  if (mdeType === 'absolute') return mde;
  if (mdeType !== 'relative')
    throw new StatsInputError('mdeType', "must be 'absolute' or 'relative'");
  if (baseline === undefined || baseline === 0 || !Number.isFinite(baseline)) {
    throw new StatsInputError('baseline', 'a relative MDE needs a finite, non-zero baseline');
  }
  return mde * Math.abs(baseline);
}

/** Inputs of {@link daysToReachSampleSize}. */
export interface DurationInput {
  /** Units needed in total (all variants). */
  readonly sampleSize: number;
  /** Eligible units arriving per day. */
  readonly unitsPerDay: number;
  /** Share of eligible traffic enrolled in the experiment, in (0, 1]; default 1. */
  readonly trafficShare?: number;
}

/** Days until `sampleSize` units are enrolled: ⌈sampleSize / (unitsPerDay × trafficShare)⌉. */
export function daysToReachSampleSize(input: DurationInput): { days: number; exactDays: number } {
  const { sampleSize, unitsPerDay, trafficShare = 1 } = input;
  requireFinite('sampleSize', sampleSize);
  if (sampleSize < 0) throw new StatsInputError('sampleSize', `must be >= 0, got ${sampleSize}`);
  requirePositive('unitsPerDay', unitsPerDay);
  if (!(trafficShare > 0 && trafficShare <= 1)) {
    throw new StatsInputError('trafficShare', `must be in (0, 1], got ${trafficShare}`);
  }
  const exactDays = sampleSize / (unitsPerDay * trafficShare);
  return { days: Math.ceil(exactDays), exactDays };
}
