/**
 * `ballast experiment plan` against the statsmodels / Evan Miller values committed in
 * libs/stats/reference/experiment.json (make_experiment_reference.py).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ballast } from './run-command';

interface PlanningCase {
  input: Record<string, number | string>;
  exactControl: number;
  control: number;
}
// Data, not code: read from libs/stats so both projects check the same statsmodels values.
const REFERENCE = join(__dirname, '../../../libs/stats/reference/experiment.json');
const { proportions, means } = (
  JSON.parse(readFileSync(REFERENCE, 'utf8')) as {
    planning: { proportions: PlanningCase[]; means: PlanningCase[] };
  }
).planning;

async function planJson(...args: string[]): Promise<Record<string, unknown>> {
  const result = await ballast(['experiment', 'plan', ...args, '--json']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as Record<string, unknown>;
}

describe('experiment plan', () => {
  it("gives Evan Miller's 3,623 per arm for 10% + 2 points", async () => {
    const expected = proportions[0]!;
    expect(expected.input).toMatchObject({ baseline: 0.1, mde: 0.02, variants: 2 });
    const plan = await planJson('--baseline', '0.10', '--mde', '0.02', '--daily-units', '1000');
    expect(plan).toMatchObject({
      metric: 'proportion',
      per_arm: 3623,
      total: 7246,
      alpha: 0.05,
      alpha_per_comparison: 0.05,
      power: 0.8,
      days: 8,
    });
    expect(plan['exact_per_arm']).toBeCloseTo(expected.exactControl, 6);
    const text = await ballast(['experiment', 'plan', '--baseline', '0.10', '--mde', '0.02']);
    expect(text.stdout).toMatch(/^per arm\s+3,623$/m);
    expect(text.stdout).toMatch(/^total\s+7,246$/m);
  });

  it('sizes a relative MDE on the baseline', async () => {
    const expected = proportions[1]!;
    expect(expected.input).toMatchObject({ baseline: 0.1, mde: 0.1, mdeType: 'relative' });
    const plan = await planJson('--baseline', '0.1', '--mde', '0.1', '--relative');
    expect(plan).toMatchObject({ per_arm: expected.control, mde_type: 'relative' });
  });

  it('sizes a mean metric like statsmodels tt_ind_solve_power', async () => {
    const expected = means[0]!;
    expect(expected.input).toMatchObject({ effectSize: 0.2, alpha: 0.05, power: 0.8, variants: 2 });
    // effect size 1 / 5 = 0.2 standard deviations
    const plan = await planJson('--std', '5', '--mde', '1');
    expect(plan).toMatchObject({
      metric: 'mean',
      per_arm: expected.control,
      total: 2 * expected.control,
    });
  });

  it('splits alpha over K - 1 comparisons and multiplies the arms by K', async () => {
    const props = proportions[2]!;
    expect(props.input).toMatchObject({ baseline: 0.03, mde: 0.005, power: 0.9, variants: 3 });
    const plan = await planJson(
      '--baseline',
      '0.03',
      '--mde',
      '0.005',
      '--power',
      '0.9',
      '--variants',
      '3',
    );
    expect(plan).toMatchObject({
      per_arm: props.control,
      total: 3 * props.control,
      alpha_per_comparison: 0.025,
    });
    const mean = means[5]!;
    expect(mean.input).toMatchObject({ effectSize: 0.03, variants: 3 });
    const meanPlan = await planJson('--std', '100', '--mde', '3', '--variants', '3');
    expect(meanPlan).toMatchObject({ per_arm: mean.control, total: 3 * mean.control });
  });

  it('inverts: the MDE of the units --mde needs is --mde', async () => {
    const expected = proportions[0]!;
    const plan = await planJson('--baseline', '0.1', '--units-per-arm', String(expected.control));
    expect(plan).toMatchObject({
      solve_for: 'mde',
      per_arm: expected.control,
      total: 2 * expected.control,
      traffic: null,
    });
    expect(plan['absolute_mde']).toBeCloseTo(0.02, 4);
    const days = await planJson('--baseline', '0.1', '--days', '8', '--daily-units', '1000');
    expect(days).toMatchObject({ per_arm: 4000, days: 8, daily_units: 1000 });
    const text = await ballast(['experiment', 'plan', '--std', '5', '--units-per-arm', '500']);
    // statsmodels: tt_ind_solve_power(nobs1=500, alpha=0.05, power=0.8) = 0.17736 → 0.8868
    expect(text.stdout).toMatch(
      /^detectable effect +0\.8868 absolute \(0\.1774 standard deviations\)$/m,
    );
  });

  it.each([
    [['--baseline', '1.2', '--mde', '0.02'], /--baseline: must be in \(0, 1\)/],
    [['--baseline', '0.1', '--mde', '0'], /--mde: must be > 0/],
    [['--baseline', '0.5', '--mde', '0.6'], /--mde: baseline \+ MDE = 1\.1 must stay below 1/],
    [['--baseline', '0.1', '--mde', '0.02', '--alpha', '1.5'], /--alpha: must be in \(0, 1\)/],
    [['--baseline', '0.1', '--mde', '0.02', '--power', '0'], /--power: must be in \(0, 1\)/],
    [['--baseline', '0.1', '--mde', '0.02', '--variants', '1'], /--variants: /],
    [['--std', '0', '--mde', '1'], /--std: must be > 0/],
    [['--mde', '0.02'], /--baseline is required/],
    [['--baseline', '0.1'], /one of --mde .*, --units-per-arm or --days .* is required/],
    [['--baseline', 'ten', '--mde', '0.02'], /--baseline must be a number/],
    [
      ['--baseline', '0.1', '--mde', '0.02', '--units-per-arm', '100'],
      /--mde and --units-per-arm cannot be used together/,
    ],
    [['--baseline', '0.1', '--units-per-arm', '9', '--days', '3'], /cannot be used together/],
    [['--baseline', '0.1', '--units-per-arm', '1.5'], /--units-per-arm must be a whole number/],
    [['--baseline', '0.1', '--units-per-arm', '100', '--relative'], /--relative applies to --mde/],
    [['--baseline', '0.1', '--days', '14'], /--days needs the daily units/],
    [
      ['--baseline', '0.1', '--days', '14', '--daily-units', '9', '--model', 'm'],
      /--daily-units and --model cannot be used together/,
    ],
    [['--baseline', '0.1', '--mde', '0.02', '--lookback-days', '7'], /--lookback-days applies/],
    [['--baseline', '0.1', '--mde', '0.02', '--model', 'm', '--lookback-days', '0'], /at least 1/],
  ])('rejects %j naming the flag, exit 2', async (args, message) => {
    const result = await ballast(['experiment', 'plan', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });
});
