import { parseCommandArgs, parseNumber, requireOption } from '../args';
import { EXIT, type CliIo, type Command } from '../command';
import { planExperiment, renderPlanText } from '../analysis/plan';

const OPTIONS = {
  baseline: { type: 'string' },
  mde: { type: 'string' },
  relative: { type: 'boolean' },
  std: { type: 'string' },
  alpha: { type: 'string' },
  power: { type: 'string' },
  variants: { type: 'string' },
  'daily-units': { type: 'string' },
  json: { type: 'boolean' },
} as const;

const USAGE = `usage: ballast experiment plan --baseline RATE --mde DELTA [options]
       ballast experiment plan --std SIGMA --mde DELTA [--baseline MEAN] [options]

Units needed per arm and in total to detect an effect of at least --mde.
Without --std the metric is a conversion rate (two-proportion z-test, Evan Miller's
normal approximation); with --std it is a mean (two-sample t-test, as statsmodels'
tt_ind_solve_power). Tests are two-sided.

options:
  --baseline X        control conversion rate in (0, 1); with --std the control mean
                      (needed only with --relative)
  --mde X             smallest increase worth detecting (absolute; see --relative)
  --relative          --mde is a fraction of --baseline (0.1 = +10%)
  --std SIGMA         per-unit standard deviation of a mean metric
  --alpha A           family-wise significance level (default 0.05)
  --power P           probability of detecting the MDE (default 0.8)
  --variants K        variants including the control (default 2); each treatment is
                      compared with the control at alpha / (K - 1)
  --daily-units N     eligible units per day: also print the days needed
  --json              print the plan as JSON

example: ballast experiment plan --baseline 0.10 --mde 0.02   → 3,623 per arm`;

function optionalNumber(text: string | undefined, flag: string): number | undefined {
  return text === undefined ? undefined : parseNumber(text, flag);
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { options: OPTIONS });
  const report = planExperiment({
    baseline: optionalNumber(values.baseline, 'baseline'),
    mde: parseNumber(requireOption(values.mde, 'mde'), 'mde'),
    relative: values.relative === true,
    std: optionalNumber(values.std, 'std'),
    alpha: optionalNumber(values.alpha, 'alpha') ?? 0.05,
    power: optionalNumber(values.power, 'power') ?? 0.8,
    variants: optionalNumber(values.variants, 'variants') ?? 2,
    dailyUnits: optionalNumber(values['daily-units'], 'daily-units'),
  });
  io.stdout.write(
    values.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderPlanText(report),
  );
  return EXIT.ok;
}

export const experimentPlan: Command = {
  path: ['experiment', 'plan'],
  summary: 'sample size and duration of an A/B experiment',
  usage: USAGE,
  run,
};
