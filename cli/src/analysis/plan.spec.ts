// The inverse plans (the MDE of given units or days) against the statsmodels /
// Evan Miller values in libs/stats/reference/experiment.json, and round trips through
// the sample-size plan.
import { mdeForProportions } from '@ballast/stats';
import { CliError } from '../command';
import { planExperiment, renderPlanText, type PlanInput, type TrafficSource } from './plan';

const DEFAULTS = { alpha: 0.05, power: 0.8, variants: 2 };

function plan(input: Partial<PlanInput> & Pick<PlanInput, 'target'>) {
  return planExperiment({ ...DEFAULTS, ...input });
}

const TRAFFIC: TrafficSource = {
  model: 'breast-cancer',
  lookback_days: 7,
  from: '2024-01-01T00:00:00.000Z',
  to: '2024-01-08T00:00:00.000Z',
  units: 7000,
  requests: 21000,
  units_per_day: 1000,
  requests_per_day: 3000,
};

describe('planExperiment: the MDE of a sample', () => {
  it("inverts Evan Miller's 3,623 per arm: the MDE of 3,623 units needs 3,623 units", () => {
    const inverse = plan({ baseline: 0.1, target: { unitsPerArm: 3623 } });
    expect(inverse).toMatchObject({
      solve_for: 'mde',
      mde_type: 'absolute',
      per_arm: 3623,
      total: 7246,
      days: null,
    });
    // 3,623 is 3,622.6 rounded up: a little more than the units 0.02 needs.
    expect(inverse.absolute_mde).toBeLessThan(0.02);
    expect(inverse.absolute_mde).toBeCloseTo(0.02, 4);
    expect(inverse.relative_mde).toBeCloseTo(inverse.absolute_mde / 0.1, 12);
    const sized = plan({ baseline: 0.1, target: { mde: inverse.absolute_mde, relative: false } });
    expect(sized.exact_per_arm).toBeCloseTo(3623, 6);
  });

  it('gives the effect size statsmodels tt_ind_solve_power finds for 500 units per arm', () => {
    // meanMde[0] of the reference: nobs1 = 500, alpha 0.05, power 0.8 → d = 0.177358...
    const inverse = plan({ std: 5, baseline: 20, target: { unitsPerArm: 500 } });
    expect(inverse.absolute_mde / 5).toBeCloseTo(0.17735832231863896, 8);
    expect(inverse.relative_mde).toBeCloseTo(inverse.absolute_mde / 20, 12);
    expect(plan({ std: 5, target: { unitsPerArm: 500 } }).relative_mde).toBeNull();
  });

  it('splits days × daily units over the variants, rounded down, and keeps the traffic', () => {
    const inverse = plan({
      baseline: 0.1,
      variants: 3,
      target: { days: 14 },
      dailyUnits: 1000,
      traffic: TRAFFIC,
    });
    expect(inverse).toMatchObject({
      per_arm: 4666,
      total: 3 * 4666,
      days: 14,
      daily_units: 1000,
      alpha_per_comparison: 0.025,
      traffic: TRAFFIC,
    });
    expect(inverse.exact_per_arm).toBeCloseTo(14000 / 3, 9);
    const direct = mdeForProportions({ baseline: 0.1, sampleSize: 4666, variants: 3 });
    expect(inverse.absolute_mde).toBe(direct.absolute);
    const text = renderPlanText(inverse);
    expect(text).toMatch(
      /^detectable effect {2}0\.0\d+ absolute \(0\.1 → 0\.1\d+\), \d+\.\d% relative$/m,
    );
    expect(text).toMatch(/^duration +14 day\(s\) at 1,000 units\/day$/m);
    expect(text).toMatch(
      /^traffic +breast-cancer: 7,000 distinct units, 21,000 requests in the last 7 day\(s\) \(2024-01-01 00:00:00Z → 2024-01-08 00:00:00Z\)$/m,
    );
  });

  it('adds the days a given sample takes at the daily units', () => {
    expect(plan({ baseline: 0.1, target: { unitsPerArm: 3623 }, dailyUnits: 1000 }).days).toBe(8);
  });

  it.each([
    [{ baseline: 0.1, target: { days: 14 } }, '--days needs the daily units'],
    [
      { baseline: 0.1, target: { days: 1 }, dailyUnits: 3 },
      '--days: 1 day(s) at 3 units/day give 1.5 units per arm over 2 variants; at least 2 are needed',
    ],
    [{ baseline: 0.1, target: { unitsPerArm: 1 } }, '--units-per-arm: must be finite and >= 2'],
    [{ baseline: 0.5, target: { unitsPerArm: 2 } }, '--units-per-arm: too small to detect'],
    [{ baseline: 0.5, target: { days: 1 }, dailyUnits: 4 }, '--days: too small to detect'],
    [{ target: { unitsPerArm: 100 } }, '--baseline is required'],
    [{ baseline: 0.1, variants: 1, target: { unitsPerArm: 100 } }, '--variants: '],
  ])('rejects %j naming the flag', (input, message) => {
    expect(() => plan(input as PlanInput)).toThrow(CliError);
    expect(() => plan(input as PlanInput)).toThrow(message);
  });
});
