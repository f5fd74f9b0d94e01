/**
 * Experiment sizing for `ballast experiment plan`, over @ballast/stats: a proportion
 * metric by Evan Miller's normal approximation, a mean metric (given its standard
 * deviation) by the two-sample t-test's power (statsmodels `tt_ind_solve_power`).
 * With K variants each treatment is compared with the control at alpha / (K − 1).
 * The lib rejects impossible inputs with StatsInputError naming its field; here that
 * becomes a usage error naming the flag.
 */
import {
  daysToReachSampleSize,
  sampleSizeForMeans,
  sampleSizeForProportions,
  StatsInputError,
  type SampleSizePlan,
} from '@ballast/stats';
import { CliError, EXIT } from '../command';
import { formatCount, formatNumber } from './numbers';

export interface PlanInput {
  /** Conversion rate (proportions) or control mean (means; needed for --relative). */
  readonly baseline?: number;
  readonly mde: number;
  readonly relative: boolean;
  /** Per-unit standard deviation: present for a mean metric. */
  readonly std?: number;
  readonly alpha: number;
  readonly power: number;
  readonly variants: number;
  readonly dailyUnits?: number;
}

/** The `--json` document (snake_case). */
export interface PlanReport {
  readonly metric: 'proportion' | 'mean';
  readonly test: string;
  readonly baseline: number | null;
  readonly mde: number;
  readonly mde_type: 'absolute' | 'relative';
  readonly absolute_mde: number;
  readonly std: number | null;
  readonly alpha: number;
  readonly alpha_per_comparison: number;
  readonly power: number;
  readonly variants: number;
  readonly per_arm: number;
  /** Per arm before rounding up. */
  readonly exact_per_arm: number;
  readonly total: number;
  readonly daily_units: number | null;
  readonly days: number | null;
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

function withFlagNames<T>(compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (!(error instanceof StatsInputError)) throw error;
    const flag = FLAG_OF_FIELD[error.field] ?? error.field;
    throw new CliError(`${flag}: ${error.reason}`, { exitCode: EXIT.usage, cause: error });
  }
}

function sampleSize(input: PlanInput): SampleSizePlan {
  const common = {
    mde: input.mde,
    mdeType: input.relative ? ('relative' as const) : ('absolute' as const),
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
  if (input.baseline === undefined) {
    throw new CliError(
      '--baseline is required for a proportion metric (or give --std for a mean)',
      {
        exitCode: EXIT.usage,
      },
    );
  }
  return sampleSizeForProportions({ ...common, baseline: input.baseline });
}

export function planExperiment(input: PlanInput): PlanReport {
  return withFlagNames(() => {
    const plan = sampleSize(input);
    const days =
      input.dailyUnits === undefined
        ? null
        : daysToReachSampleSize({ sampleSize: plan.total, unitsPerDay: input.dailyUnits }).days;
    const mean = input.std !== undefined;
    return {
      metric: mean ? 'mean' : 'proportion',
      test: mean
        ? 'two-sample t-test, two-sided'
        : 'two-proportion z-test (normal approximation), two-sided',
      baseline: input.baseline ?? null,
      mde: input.mde,
      mde_type: input.relative ? 'relative' : 'absolute',
      absolute_mde: plan.absoluteMde,
      std: input.std ?? null,
      alpha: input.alpha,
      alpha_per_comparison: plan.alphaPerComparison,
      power: input.power,
      variants: input.variants,
      per_arm: plan.control,
      exact_per_arm: plan.exactControl,
      total: plan.total,
      daily_units: input.dailyUnits ?? null,
      days,
    };
  });
}

export function renderPlanText(report: PlanReport): string {
  const effect =
    report.metric === 'proportion' && report.baseline !== null
      ? `${formatNumber(report.absolute_mde)} absolute (${formatNumber(report.baseline)} → ${formatNumber(report.baseline + report.absolute_mde)})`
      : `${formatNumber(report.absolute_mde)} absolute (${formatNumber(report.absolute_mde / (report.std ?? 1))} standard deviations)`;
  const rows: [string, string][] = [
    ['metric', `${report.metric} (${report.test})`],
    ['minimum effect', effect],
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
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}
