/**
 * The fixed-horizon comparison every metric kind shares, once its variants are
 * reduced to {@link ArmSummary}s: the difference treatment − control, its p-value
 * for the chosen alternative, and confidence intervals for the absolute and the
 * relative lift. Metric kinds differ only in the reference distribution (Student t
 * with Welch–Satterthwaite df, or the normal) and, for proportions, the standard
 * error of the test statistic (pooled under H0).
 */
import { normalQuantile, normalSf, studentTQuantile, studentTSf } from '../distributions/index.js';
import { requireOpenUnit, StatsInputError } from './errors.js';
import type { ArmSummary } from './sufficient-stats.js';

/**
 * `'greater'`: H1 is treatment > control; `'less'`: treatment < control (scipy's
 * `alternative`, with the treatment as the first sample).
 */
export type Alternative = 'two-sided' | 'greater' | 'less';

/** Options every fixed-horizon comparison takes. */
export interface ComparisonOptions {
  /** Significance level, in (0, 1); default 0.05. */
  readonly alpha?: number;
  /** Default `'two-sided'`. */
  readonly alternative?: Alternative;
}

/** A lift with its standard error and confidence interval (±Infinity on the open side of a one-sided interval). */
export interface Lift {
  readonly estimate: number;
  readonly standardError: number;
  readonly lower: number;
  readonly upper: number;
}

/** Result of comparing one treatment with the control. */
export interface Comparison {
  readonly status: 'ok';
  /** `'welch-t'` (means, ratios, CUPED) or `'z'` (proportions). */
  readonly test: 'welch-t' | 'z';
  /** t or z statistic of treatment − control. */
  readonly statistic: number;
  /** Welch–Satterthwaite df for a t-test; null for a z-test. */
  readonly degreesOfFreedom: number | null;
  readonly pValue: number;
  readonly alpha: number;
  readonly alternative: Alternative;
  /** pValue < alpha. */
  readonly significant: boolean;
  readonly control: ArmSummary;
  readonly treatment: ArmSummary;
  /** treatment − control. */
  readonly absolute: Lift;
  /** treatment / control − 1 (delta method); null when the control estimate is 0. */
  readonly relative: Lift | null;
}

/** A symmetric reference distribution: its upper tail and inverse upper tail. */
interface Reference {
  readonly sf: (x: number) => number;
  readonly isf: (q: number) => number;
}

const NORMAL: Reference = { sf: normalSf, isf: (q) => -normalQuantile(q) };

function studentT(df: number): Reference {
  return { sf: (x) => studentTSf(x, df), isf: (q) => -studentTQuantile(q, df) };
}

const ALTERNATIVES: readonly Alternative[] = ['two-sided', 'greater', 'less'];

/** Validated alpha and alternative with their defaults. */
export function comparisonSettings(options: ComparisonOptions): {
  alpha: number;
  alternative: Alternative;
} {
  const { alpha = 0.05, alternative = 'two-sided' } = options;
  requireOpenUnit('alpha', alpha);
  if (!ALTERNATIVES.includes(alternative)) {
    throw new StatsInputError('alternative', `must be one of ${ALTERNATIVES.join(', ')}`);
  }
  return { alpha, alternative };
}

function pValueFor(statistic: number, reference: Reference, alternative: Alternative): number {
  if (alternative === 'greater') return reference.sf(statistic);
  if (alternative === 'less') return reference.sf(-statistic);
  return Math.min(1, 2 * reference.sf(Math.abs(statistic)));
}

/** Estimate ± quantile·se, one- or two-sided as the alternative says. */
function liftInterval(
  estimate: number,
  standardError: number,
  settings: { reference: Reference; alpha: number; alternative: Alternative },
): Lift {
  const { reference, alpha, alternative } = settings;
  const halfWidth = standardError * reference.isf(alternative === 'two-sided' ? alpha / 2 : alpha);
  return {
    estimate,
    standardError,
    lower: alternative === 'less' ? -Infinity : estimate - halfWidth,
    upper: alternative === 'greater' ? Infinity : estimate + halfWidth,
  };
}

/** Standard errors of treatment − control and of treatment / control − 1 (delta method). */
export function liftStandardErrors(
  control: ArmSummary,
  treatment: ArmSummary,
): { absolute: number; relative: number | null } {
  const vc = control.variance / control.n;
  const vt = treatment.variance / treatment.n;
  const mc = control.mean;
  const mt = treatment.mean;
  const relative = mc === 0 ? null : Math.sqrt(vt / (mc * mc) + (mt * mt * vc) / mc ** 4);
  return { absolute: Math.sqrt(vt + vc), relative };
}

/** Welch–Satterthwaite df: (v_t + v_c)² / (v_t²/(n_t − 1) + v_c²/(n_c − 1)), v = variance / n. */
export function welchDf(control: ArmSummary, treatment: ArmSummary): number {
  const vc = control.variance / control.n;
  const vt = treatment.variance / treatment.n;
  return (vt + vc) ** 2 / ((vt * vt) / (treatment.n - 1) + (vc * vc) / (control.n - 1));
}

/** Inputs of {@link compareArms}. */
export interface ArmComparison {
  readonly control: ArmSummary;
  readonly treatment: ArmSummary;
  readonly test: Comparison['test'];
  /** Welch df for a t-test; null for a z-test. */
  readonly degreesOfFreedom: number | null;
  /** Standard error of the test statistic when it differs from the interval's (pooled z-test). */
  readonly testStandardError?: number;
  readonly alpha: number;
  readonly alternative: Alternative;
}

/** The comparison for two reduced variants whose difference has a positive standard error. */
export function compareArms(input: ArmComparison): Comparison {
  const { control, treatment, degreesOfFreedom, alpha, alternative } = input;
  const reference = degreesOfFreedom === null ? NORMAL : studentT(degreesOfFreedom);
  const errors = liftStandardErrors(control, treatment);
  const difference = treatment.mean - control.mean;
  const statistic = difference / (input.testStandardError ?? errors.absolute);
  const pValue = pValueFor(statistic, reference, alternative);
  const settings = { reference, alpha, alternative };
  return {
    status: 'ok',
    test: input.test,
    statistic,
    degreesOfFreedom,
    pValue,
    alpha,
    alternative,
    significant: pValue < alpha,
    control,
    treatment,
    absolute: liftInterval(difference, errors.absolute, settings),
    relative:
      errors.relative === null
        ? null
        : liftInterval(treatment.mean / control.mean - 1, errors.relative, settings),
  };
}
