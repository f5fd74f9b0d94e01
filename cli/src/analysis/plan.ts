/**
 * Experiment sizing for `ballast experiment plan`, over @ballast/stats: a proportion
 * metric by Evan Miller's normal approximation, a mean metric (given its standard
 * deviation) by the two-sample t-test's power (statsmodels `tt_ind_solve_power`).
 * With K variants each treatment is compared with the control at alpha / (K − 1).
 * It solves either way: the units per arm that detect an MDE, or the MDE that a
 * number of units per arm (or of days at a daily rate) detects.
 * The lib rejects impossible inputs with StatsInputError naming its field; here that
 * becomes a usage error naming the flag.
 */
import {
  daysToReachSampleSize,
  mdeForMeans,
  mdeForProportions,
  planningSettings,
  sampleSizeForMeans,
  sampleSizeForProportions,
  StatsInputError,
  type SampleSizePlan,
} from '@ballast/stats';
import { CliError, EXIT, UsageError } from '../command';
import { formatTime } from '../format/time';
import { formatCount, formatNumber, formatPercent } from './numbers';

/**
 * What to solve for: the units that detect `mde`, or the MDE that `unitsPerArm` units
 * per arm, or `days` days of the daily units split over the variants, detect.
 */
export type PlanTarget =
  | { readonly mde: number; readonly relative: boolean }
  | { readonly unitsPerArm: number }
  | { readonly days: number };

type MdeTarget = Extract<PlanTarget, { mde: number }>;

/** The model traffic the daily units were read from (experiment-analytics GetTrafficRate). */
export interface TrafficSource {
  readonly model: string;
  readonly lookback_days: number;
  /** The window, ISO 8601 UTC: [from, to). */
  readonly from: string;
  readonly to: string;
  /** Distinct units and distinct requests over the whole window. */
  readonly units: number;
  readonly requests: number;
  /** units / lookback_days: what the plan uses as daily units. */
  readonly units_per_day: number;
  readonly requests_per_day: number;
}

export interface PlanInput {
  /** Conversion rate (proportions) or control mean (means; needed for a relative MDE). */
  readonly baseline?: number;
  /** Per-unit standard deviation: present for a mean metric. */
  readonly std?: number;
  readonly alpha: number;
  readonly power: number;
  readonly variants: number;
  readonly target: PlanTarget;
  /** Eligible units per day (--daily-units, or the traffic's units_per_day). */
  readonly dailyUnits?: number;
  /** Where dailyUnits came from, when read from the model's traffic. */
  readonly traffic?: TrafficSource;
}

/** The `--json` document (snake_case). */
export interface PlanReport {
  /** sample_size: units for --mde; mde: the MDE of the given units or days. */
  readonly solve_for: 'sample_size' | 'mde';
  readonly metric: 'proportion' | 'mean';
  readonly test: string;
  readonly baseline: number | null;
  /** As given (sample_size), or the detectable MDE, absolute (mde). */
  readonly mde: number;
  readonly mde_type: 'absolute' | 'relative';
  readonly absolute_mde: number;
  /** absolute_mde / |baseline|; null without a (non-zero) baseline. */
  readonly relative_mde: number | null;
  readonly std: number | null;
  readonly alpha: number;
  readonly alpha_per_comparison: number;
  readonly power: number;
  readonly variants: number;
  readonly per_arm: number;
  /** Per arm before rounding up (sample_size) or down (mde from days × daily units / K). */
  readonly exact_per_arm: number;
  readonly total: number;
  readonly daily_units: number | null;
  /** Days to enrol `total` at daily_units, or the days given (mde from --days). */
  readonly days: number | null;
  readonly traffic: TrafficSource | null;
}

/** The flag each lib field comes from. */
const FLAG_OF_FIELD: Readonly<Record<string, string>> = {
  baseline: '--baseline',
  baselineMean: '--baseline',
  mde: '--mde',
  alpha: '--alpha',
  power: '--power',
  variants: '--variants',
  standardDeviation: '--std',
  unitsPerDay: '--daily-units',
};

/** The flag the units per arm come from: the MDE calculators call it sampleSize. */
function sampleSizeFlag(target: PlanTarget): string {
  return 'days' in target ? '--days' : '--units-per-arm';
}

function withFlagNames<T>(target: PlanTarget, compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (!(error instanceof StatsInputError)) throw error;
    const flag =
      error.field === 'sampleSize'
        ? sampleSizeFlag(target)
        : (FLAG_OF_FIELD[error.field] ?? error.field);
    throw new CliError(`${flag}: ${error.reason}`, { exitCode: EXIT.usage, cause: error });
  }
}

function requireBaseline(input: PlanInput): number {
  if (input.baseline === undefined) {
    throw new UsageError(
      '--baseline is required for a proportion metric (or give --std for a mean)',
    );
  }
  return input.baseline;
}

function sampleSize(input: PlanInput, target: MdeTarget): SampleSizePlan {
  const common = {
    mde: target.mde,
    mdeType: target.relative ? ('relative' as const) : ('absolute' as const),
    alpha: input.alpha,
    power: input.power,
    variants: input.variants,
  };
  if (input.std !== undefined) {
    return sampleSizeForMeans({
      ...common,
      standardDeviation: input.std,
      baselineMean: input.baseline,
    });
  }
  return sampleSizeForProportions({ ...common, baseline: requireBaseline(input) });
}

function daysFor(total: number, dailyUnits: number | undefined): number | null {
  return dailyUnits === undefined
    ? null
    : daysToReachSampleSize({ sampleSize: total, unitsPerDay: dailyUnits }).days;
}

type Solution = Pick<
  PlanReport,
  'absolute_mde' | 'relative_mde' | 'per_arm' | 'exact_per_arm' | 'total' | 'days'
>;

function solveSampleSize(input: PlanInput, target: MdeTarget): Solution {
  const plan = sampleSize(input, target);
  const { baseline } = input;
  return {
    absolute_mde: plan.absoluteMde,
    relative_mde: baseline ? plan.absoluteMde / Math.abs(baseline) : null,
    per_arm: plan.control,
    exact_per_arm: plan.exactControl,
    total: plan.total,
    days: daysFor(plan.total, input.dailyUnits),
  };
}

/** Units per arm in `days` days, before rounding down; at least 2, as the tests need. */
function unitsPerArmIn(days: number, input: PlanInput): number {
  if (input.dailyUnits === undefined) {
    throw new UsageError('--days needs the daily units: give --daily-units N or --model M');
  }
  const exact = (days * input.dailyUnits) / input.variants;
  if (!(exact >= 2)) {
    throw new UsageError(
      `--days: ${days} day(s) at ${formatNumber(input.dailyUnits)} units/day give ` +
        `${formatNumber(exact)} units per arm over ${input.variants} variants; at least 2 are needed`,
    );
  }
  return exact;
}

function solveMde(input: PlanInput, target: Exclude<PlanTarget, MdeTarget>): Solution {
  const exact = 'days' in target ? unitsPerArmIn(target.days, input) : target.unitsPerArm;
  const perArm = Math.floor(exact);
  const options = {
    alpha: input.alpha,
    power: input.power,
    variants: input.variants,
    sampleSize: perArm,
  };
  const mde =
    input.std !== undefined
      ? mdeForMeans({ ...options, standardDeviation: input.std, baselineMean: input.baseline })
      : mdeForProportions({ ...options, baseline: requireBaseline(input) });
  const total = perArm * input.variants;
  return {
    absolute_mde: mde.absolute,
    relative_mde: mde.relative,
    per_arm: perArm,
    exact_per_arm: exact,
    total,
    days: 'days' in target ? target.days : daysFor(total, input.dailyUnits),
  };
}

export function planExperiment(input: PlanInput): PlanReport {
  const { target } = input;
  return withFlagNames(target, () => {
    const settings = planningSettings(input);
    const solution = 'mde' in target ? solveSampleSize(input, target) : solveMde(input, target);
    const mean = input.std !== undefined;
    return {
      solve_for: 'mde' in target ? 'sample_size' : 'mde',
      metric: mean ? 'mean' : 'proportion',
      test: mean
        ? 'two-sample t-test, two-sided'
        : 'two-proportion z-test (normal approximation), two-sided',
      baseline: input.baseline ?? null,
      mde: 'mde' in target ? target.mde : solution.absolute_mde,
      mde_type: 'mde' in target && target.relative ? 'relative' : 'absolute',
      std: input.std ?? null,
      alpha: input.alpha,
      alpha_per_comparison: settings.alphaPerComparison,
      power: input.power,
      variants: input.variants,
      daily_units: input.dailyUnits ?? null,
      traffic: input.traffic ?? null,
      ...solution,
    };
  });
}

function effectText(report: PlanReport): string {
  const absolute =
    report.metric === 'proportion' && report.baseline !== null
      ? `${formatNumber(report.absolute_mde)} absolute (${formatNumber(report.baseline)} → ${formatNumber(report.baseline + report.absolute_mde)})`
      : `${formatNumber(report.absolute_mde)} absolute (${formatNumber(report.absolute_mde / (report.std ?? 1))} standard deviations)`;
  return report.relative_mde === null
    ? absolute
    : `${absolute}, ${formatPercent(report.relative_mde)} relative`;
}

function trafficText(t: TrafficSource): string {
  return (
    `${t.model}: ${formatCount(t.units)} distinct units, ${formatCount(t.requests)} requests ` +
    `in the last ${t.lookback_days} day(s) (${formatTime(new Date(t.from))} → ${formatTime(new Date(t.to))})`
  );
}

export function renderPlanText(report: PlanReport): string {
  const rows: [string, string][] = [
    ['metric', `${report.metric} (${report.test})`],
    [report.solve_for === 'mde' ? 'detectable effect' : 'minimum effect', effectText(report)],
    [
      'alpha',
      `${report.alpha}${report.variants > 2 ? ` (per comparison ${formatNumber(report.alpha_per_comparison)}, Bonferroni)` : ''}`,
    ],
    ['power', String(report.power)],
    ['variants', `${report.variants} (control included)`],
    ['per arm', formatCount(report.per_arm)],
    ['total', formatCount(report.total)],
  ];
  if (report.days !== null && report.daily_units !== null) {
    rows.push([
      'duration',
      `${formatCount(report.days)} day(s) at ${formatCount(report.daily_units)} units/day`,
    ]);
  }
  if (report.traffic !== null) rows.push(['traffic', trafficText(report.traffic)]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}
