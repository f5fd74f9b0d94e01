// Planning: the fixed points the brief pins (Evan Miller's 3,623, statsmodels' 394),
// Bonferroni and uneven splits, and that each MDE calculator inverts its sample size.
import { mdeForMeans, sampleSizeForMeans } from './planning-means.js';
import { mdeForProportions, sampleSizeForProportions } from './planning-proportions.js';
import { daysToReachSampleSize } from './planning.js';

describe('sample size for proportions', () => {
  it("gives Evan Miller's 3,623 per arm for 10% baseline, +2 points, alpha 0.05, power 0.8", () => {
    expect(sampleSizeForProportions({ baseline: 0.1, mde: 0.02 })).toMatchObject({
      control: 3623,
      treatment: 3623,
      total: 7246,
      absoluteMde: 0.02,
    });
  });

  it('reads a relative MDE as a fraction of the baseline', () => {
    const relative = sampleSizeForProportions({ baseline: 0.1, mde: 0.2, mdeType: 'relative' });
    expect(relative.control).toBe(3623);
    expect(relative.absoluteMde).toBeCloseTo(0.02, 15);
  });

  it('splits alpha over K − 1 comparisons (Bonferroni) and totals per arm × K', () => {
    const two = sampleSizeForProportions({ baseline: 0.1, mde: 0.02 });
    const four = sampleSizeForProportions({ baseline: 0.1, mde: 0.02, variants: 4 });
    expect(four.alphaPerComparison).toBeCloseTo(0.05 / 3, 15);
    expect(four.control).toBeGreaterThan(two.control);
    expect(four.total).toBe(4 * four.control);
  });

  it('gives the treatment ratio × the control size for an uneven split', () => {
    const plan = sampleSizeForProportions({ baseline: 0.1, mde: 0.02, ratio: 3, variants: 3 });
    expect(plan.treatment).toBe(Math.ceil(3 * plan.exactControl));
    expect(plan.total).toBe(plan.control + 2 * plan.treatment);
  });

  it('inverts: the MDE for the exact sample size is the MDE', () => {
    const plan = sampleSizeForProportions({ baseline: 0.1, mde: 0.02 });
    const mde = mdeForProportions({ baseline: 0.1, sampleSize: plan.exactControl });
    expect(mde.absolute).toBeCloseTo(0.02, 12);
    expect(mde.relative).toBeCloseTo(0.2, 11);
  });
});

describe('sample size for means', () => {
  it('matches tt_ind_solve_power(effect_size=0.2) = 393.4057 → 394 per arm', () => {
    const plan = sampleSizeForMeans({ mde: 1, standardDeviation: 5 });
    expect(plan.control).toBe(394);
    expect(plan.exactControl).toBeCloseTo(393.4057, 3);
  });

  it('takes a relative MDE against the baseline mean', () => {
    const plan = sampleSizeForMeans({
      mde: 0.05,
      mdeType: 'relative',
      baselineMean: 20,
      standardDeviation: 5,
    });
    expect(plan.control).toBe(394);
  });

  it('inverts: the MDE for the exact sample size is the MDE', () => {
    const plan = sampleSizeForMeans({ mde: 0.3, standardDeviation: 2, ratio: 2, variants: 3 });
    const mde = mdeForMeans({
      sampleSize: plan.exactControl,
      standardDeviation: 2,
      ratio: 2,
      variants: 3,
      baselineMean: 10,
    });
    expect(mde.absolute).toBeCloseTo(0.3, 8);
    expect(mde.effectSize).toBeCloseTo(0.15, 8);
    expect(mde.relative).toBeCloseTo(0.03, 8);
  });
});

describe('days to reach a sample size', () => {
  it('divides by the enrolled traffic and rounds up', () => {
    expect(
      daysToReachSampleSize({ sampleSize: 7246, unitsPerDay: 1000, trafficShare: 0.5 }),
    ).toEqual({
      days: 15,
      exactDays: 14.492,
    });
    expect(daysToReachSampleSize({ sampleSize: 3000, unitsPerDay: 1000 }).days).toBe(3);
  });
});
