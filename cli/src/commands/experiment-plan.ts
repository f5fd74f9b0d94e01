import type { GetTrafficRateResponse } from '@ballast/contracts';
import { timestampDate, type Timestamp } from '@bufbuild/protobuf/wkt';
import { atMostOne, parseCommandArgs, parseCount, parseNumber, type ParsedArgs } from '../args';
import { CliError, EXIT, UsageError, type CliIo, type Command } from '../command';
import {
  planExperiment,
  renderPlanText,
  type PlanTarget,
  type TrafficSource,
} from '../analysis/plan';
import { fetchTrafficRate } from '../experiment-report/client';

const OPTIONS = {
  baseline: { type: 'string' },
  mde: { type: 'string' },
  relative: { type: 'boolean' },
  'units-per-arm': { type: 'string' },
  days: { type: 'string' },
  std: { type: 'string' },
  alpha: { type: 'string' },
  power: { type: 'string' },
  variants: { type: 'string' },
  'daily-units': { type: 'string' },
  model: { type: 'string' },
  'lookback-days': { type: 'string' },
  address: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Values = ParsedArgs<typeof OPTIONS>['values'];

const USAGE = `usage: ballast experiment plan --baseline RATE --mde DELTA [options]
       ballast experiment plan --baseline RATE --units-per-arm N [options]
       ballast experiment plan --baseline RATE --days D (--daily-units N | --model M) [options]
       ballast experiment plan --std SIGMA ... [--baseline MEAN] [options]

With --mde: the units needed per arm and in total to detect an effect of at least
--mde. With --units-per-arm or --days instead: the smallest effect (MDE) those units
detect, absolute and relative to --baseline. Give exactly one of the three.
Without --std the metric is a conversion rate (two-proportion z-test, Evan Miller's
normal approximation); with --std it is a mean (two-sample t-test, as statsmodels'
tt_ind_solve_power). Tests are two-sided.

options:
  --baseline X          control conversion rate in (0, 1); with --std the control mean
                        (needed only for a relative MDE)
  --mde X               smallest increase worth detecting (absolute; see --relative)
  --relative            --mde is a fraction of --baseline (0.1 = +10%)
  --units-per-arm N     units in each arm: print the MDE they detect
  --days D              days of enrolment: print the MDE detectable with the daily units
                        (--daily-units or --model) split evenly over the variants
  --std SIGMA           per-unit standard deviation of a mean metric
  --alpha A             family-wise significance level (default 0.05)
  --power P             probability of detecting the MDE (default 0.8)
  --variants K          variants including the control (default 2); each treatment is
                        compared with the control at alpha / (K - 1)
  --daily-units N       eligible units per day: also print the days needed
  --model M             read the daily units from M's traffic in ClickHouse, through the
                        experiment-analytics service: distinct units over the window /
                        its days (exact for an experiment as long as the window; for a
                        longer one it overstates new units, as units that come back
                        enter only once)
  --lookback-days N     the window for --model, 1 to 31 days (default 7)
  --address host:port   experiment-analytics' gRPC address for --model (else
                        BALLAST_EXPERIMENTS, else services["experiment-analytics"].grpc
                        in .data/endpoints.json)
  --json                print the plan as JSON

examples:
  ballast experiment plan --baseline 0.10 --mde 0.02                 → 3,623 per arm
  ballast experiment plan --baseline 0.10 --units-per-arm 3623       → MDE 0.02 (+20%)
  ballast experiment plan --baseline 0.10 --days 14 --model breast-cancer`;

function optionalNumber(text: string | undefined, flag: string): number | undefined {
  return text === undefined ? undefined : parseNumber(text, flag);
}

function planTarget(values: Values): PlanTarget {
  const given = atMostOne({
    mde: values.mde,
    'units-per-arm': values['units-per-arm'],
    days: values.days,
  });
  if (given === undefined) {
    throw new UsageError(
      'one of --mde (units to detect it), --units-per-arm or --days (the MDE they detect) is required',
    );
  }
  if (values.relative === true && given !== 'mde') {
    throw new UsageError('--relative applies to --mde only (the MDE is printed both ways)');
  }
  if (given === 'mde') {
    return { mde: parseNumber(values.mde as string, 'mde'), relative: values.relative === true };
  }
  if (given === 'units-per-arm') {
    return { unitsPerArm: Number(parseCount(values['units-per-arm'] as string, 'units-per-arm')) };
  }
  return { days: parseNumber(values.days as string, 'days') };
}

function iso(time: Timestamp | undefined): string {
  return time ? timestampDate(time).toISOString() : '';
}

/** The rate the plan uses; a model without units in the window cannot size anything. */
function trafficSource(r: GetTrafficRateResponse): TrafficSource {
  const window = `in the last ${r.lookbackDays} day(s)`;
  if (r.requests === 0n) {
    throw new CliError(`no traffic for model ${r.model} ${window}; give --daily-units N instead`);
  }
  if (r.units === 0n) {
    throw new CliError(
      `model ${r.model} served ${r.requests} request(s) ${window}, none with a unit id ` +
        '(is its deployment an experiment with a unit field?); give --daily-units N instead',
    );
  }
  return {
    model: r.model,
    lookback_days: r.lookbackDays,
    from: iso(r.fromTime),
    to: iso(r.toTime),
    units: Number(r.units),
    requests: Number(r.requests),
    units_per_day: r.unitsPerDay,
    requests_per_day: r.requestsPerDay,
  };
}

/** The daily units: --daily-units, or --model's traffic from experiment-analytics. */
async function dailyUnits(
  values: Values,
  io: CliIo,
): Promise<{ dailyUnits?: number; traffic?: TrafficSource }> {
  const source = atMostOne({ 'daily-units': values['daily-units'], model: values.model });
  for (const flag of ['lookback-days', 'address'] as const) {
    if (values[flag] !== undefined && source !== 'model') {
      throw new UsageError(`--${flag} applies to --model only`);
    }
  }
  if (source === undefined) return {};
  if (source === 'daily-units') {
    return { dailyUnits: parseNumber(values['daily-units'] as string, 'daily-units') };
  }
  const lookback = values['lookback-days'];
  const lookbackDays = lookback === undefined ? 0 : Number(parseCount(lookback, 'lookback-days'));
  if (lookback !== undefined && lookbackDays < 1) {
    throw new UsageError('--lookback-days must be at least 1');
  }
  const traffic = trafficSource(
    await fetchTrafficRate({
      model: values.model as string,
      lookbackDays,
      address: values.address,
      io,
    }),
  );
  return { dailyUnits: traffic.units_per_day, traffic };
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { options: OPTIONS });
  const target = planTarget(values);
  const report = planExperiment({
    baseline: optionalNumber(values.baseline, 'baseline'),
    std: optionalNumber(values.std, 'std'),
    alpha: optionalNumber(values.alpha, 'alpha') ?? 0.05,
    power: optionalNumber(values.power, 'power') ?? 0.8,
    variants: optionalNumber(values.variants, 'variants') ?? 2,
    target,
    ...(await dailyUnits(values, io)),
  });
  io.stdout.write(
    values.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderPlanText(report),
  );
  return EXIT.ok;
}

export const experimentPlan: Command = {
  path: ['experiment', 'plan'],
  summary: 'sample size, MDE and duration of an A/B experiment (rate from ClickHouse with --model)',
  usage: USAGE,
  run,
};
