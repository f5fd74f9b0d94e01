// The bad-input rule (README "Experiments › Bad input"): data that cannot support a
// statistic comes back as { status: 'insufficient_data', reason }; a broken contract
// throws StatsInputError naming the field. Nothing ever returns NaN.
import { compareMeansCuped } from './cuped.js';
import { StatsInputError } from './errors.js';
import { compareMeans } from './means.js';
import { adjustPValues } from './multiple-testing.js';
import { mdeForMeans, sampleSizeForMeans } from './planning-means.js';
import { mdeForProportions, sampleSizeForProportions } from './planning-proportions.js';
import { daysToReachSampleSize } from './planning.js';
import { compareProportions } from './proportions.js';
import { compareRatios } from './ratio.js';
import { sampleRatioMismatch } from './sample-ratio.js';
import { sequentialCompareMeans, sequentialCompareProportions } from './sequential.js';

const MEAN = { n: 100, sum: 250, sumSquares: 800 };
const PROPORTION = { n: 100, successes: 10 };
const RATIO = { n: 50, sumX: 120, sumY: 80, sumX2: 400, sumY2: 150, sumXY: 230 };
const CUPED = { ...MEAN, covariateSum: 240, covariateSumSquares: 700, sumProducts: 690 };

/** The thrown error's field, or a failure if nothing (or something else) is thrown. */
function thrownField(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof StatsInputError) return error.field;
    throw error;
  }
  throw new Error('expected a StatsInputError');
}

/** Every number reachable in a result, to check none is NaN. */
function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(numbersIn);
}

describe('insufficient data is a value', () => {
  it.each([0, 1])('a variant with %i unit(s)', (n) => {
    const few = { n, sum: n, sumSquares: n };
    for (const result of [
      compareMeans({ control: few, treatment: MEAN }),
      compareMeans({ control: MEAN, treatment: few }),
      compareProportions({ control: { n, successes: 0 }, treatment: PROPORTION }),
      compareRatios({ control: RATIO, treatment: { ...RATIO, n } }),
      compareMeansCuped({
        control: CUPED,
        treatment: { ...few, covariateSum: n, covariateSumSquares: n, sumProducts: n },
      }),
      sequentialCompareMeans({ control: few, treatment: MEAN }),
      sequentialCompareProportions({ control: PROPORTION, treatment: { n, successes: 0 } }),
    ]) {
      expect(result).toEqual({
        status: 'insufficient_data',
        reason: expect.stringContaining('unit'),
      });
    }
  });

  it('zero variance in both variants, but not in one', () => {
    const constant = { n: 10, sum: 30, sumSquares: 90 };
    expect(compareMeans({ control: constant, treatment: constant }).status).toBe(
      'insufficient_data',
    );
    expect(sequentialCompareMeans({ control: constant, treatment: constant }).status).toBe(
      'insufficient_data',
    );
    expect(compareMeans({ control: constant, treatment: MEAN })).toMatchObject({
      status: 'ok',
      degreesOfFreedom: 99,
    });
  });

  it('no conversions or only conversions in both variants', () => {
    for (const successes of [0, 100]) {
      const same = { n: 100, successes };
      expect(compareProportions({ control: same, treatment: same }).status).toBe(
        'insufficient_data',
      );
    }
  });

  it('a ratio whose denominator sums to 0; no units at all for SRM', () => {
    const zero = { ...RATIO, sumY: 0, sumY2: 0, sumXY: 0 };
    expect(compareRatios({ control: zero, treatment: RATIO }).status).toBe('insufficient_data');
    expect(sampleRatioMismatch({ observed: [0, 0], weights: [0.5, 0.5] }).status).toBe(
      'insufficient_data',
    );
  });

  it('a zero control mean leaves the relative lift null, not NaN', () => {
    const result = compareMeans({ control: { n: 10, sum: 0, sumSquares: 5 }, treatment: MEAN });
    expect(result).toMatchObject({ status: 'ok', relative: null });
  });
});

describe('a broken contract throws StatsInputError with the field', () => {
  it.each([0, 1, -0.1, 1.5, Number.NaN])('alpha = %p', (alpha) => {
    expect(thrownField(() => compareMeans({ control: MEAN, treatment: MEAN, alpha }))).toBe(
      'alpha',
    );
    expect(
      thrownField(() => sequentialCompareMeans({ control: MEAN, treatment: MEAN, alpha })),
    ).toBe('alpha');
    expect(thrownField(() => sampleSizeForProportions({ baseline: 0.1, mde: 0.02, alpha }))).toBe(
      'alpha',
    );
  });

  it.each([0, 1, 2])('power = %p', (power) => {
    expect(thrownField(() => sampleSizeForMeans({ mde: 1, standardDeviation: 5, power }))).toBe(
      'power',
    );
    expect(thrownField(() => mdeForProportions({ baseline: 0.1, sampleSize: 1000, power }))).toBe(
      'power',
    );
  });

  it.each([0, 1, -0.2, 1.3])('baseline = %p', (baseline) => {
    expect(thrownField(() => sampleSizeForProportions({ baseline, mde: 0.02 }))).toBe('baseline');
  });

  it.each([0, -0.01, Number.NaN])('MDE = %p', (mde) => {
    expect(thrownField(() => sampleSizeForProportions({ baseline: 0.1, mde }))).toBe('mde');
    expect(thrownField(() => sampleSizeForMeans({ mde, standardDeviation: 1 }))).toBe('mde');
  });

  it('an MDE that pushes the rate to 1, a relative MDE without baseline', () => {
    expect(thrownField(() => sampleSizeForProportions({ baseline: 0.9, mde: 0.1 }))).toBe('mde');
    expect(
      thrownField(() =>
        sampleSizeForMeans({ mde: 0.1, mdeType: 'relative', standardDeviation: 1 }),
      ),
    ).toBe('baseline');
  });

  it('weights not summing to 1 within 1e-9, or not positive', () => {
    expect(
      thrownField(() => sampleRatioMismatch({ observed: [10, 10], weights: [0.5, 0.6] })),
    ).toBe('weights');
    expect(
      thrownField(() => sampleRatioMismatch({ observed: [10, 10], weights: [0.5, 0.5 + 2e-9] })),
    ).toBe('weights');
    expect(thrownField(() => sampleRatioMismatch({ observed: [10, 10], weights: [1, 0] }))).toBe(
      'weights[0]',
    );
    expect(
      sampleRatioMismatch({ observed: [10, 10, 10], weights: [1 / 3, 1 / 3, 1 / 3] }).status,
    ).toBe('ok');
  });

  it('counts that are negative, fractional or impossible; inconsistent sums; NaN', () => {
    expect(thrownField(() => compareMeans({ control: { ...MEAN, n: -1 }, treatment: MEAN }))).toBe(
      'control.n',
    );
    expect(
      thrownField(() =>
        compareProportions({ control: { n: 10.5, successes: 1 }, treatment: PROPORTION }),
      ),
    ).toBe('control.n');
    expect(
      thrownField(() =>
        compareProportions({ control: { n: 10, successes: 11 }, treatment: PROPORTION }),
      ),
    ).toBe('control.successes');
    expect(
      thrownField(() =>
        compareMeans({ control: MEAN, treatment: { n: 10, sum: 100, sumSquares: 5 } }),
      ),
    ).toBe('treatment.sumSquares');
    expect(
      thrownField(() => compareMeans({ control: { ...MEAN, sum: Number.NaN }, treatment: MEAN })),
    ).toBe('control.sum');
    expect(
      thrownField(() => sampleRatioMismatch({ observed: [1.5, 2], weights: [0.5, 0.5] })),
    ).toBe('observed[0]');
  });

  it('bad planning and correction settings', () => {
    expect(thrownField(() => sampleSizeForMeans({ mde: 1, standardDeviation: 0 }))).toBe(
      'standardDeviation',
    );
    expect(
      thrownField(() => sampleSizeForMeans({ mde: 1, standardDeviation: 1, variants: 1 })),
    ).toBe('variants');
    expect(thrownField(() => mdeForMeans({ sampleSize: 1, standardDeviation: 1 }))).toBe(
      'sampleSize',
    );
    expect(thrownField(() => mdeForProportions({ baseline: 0.5, sampleSize: 2 }))).toBe(
      'sampleSize',
    );
    expect(thrownField(() => daysToReachSampleSize({ sampleSize: 10, unitsPerDay: 0 }))).toBe(
      'unitsPerDay',
    );
    expect(
      thrownField(() => daysToReachSampleSize({ sampleSize: 10, unitsPerDay: 5, trafficShare: 0 })),
    ).toBe('trafficShare');
    expect(thrownField(() => adjustPValues({ pValues: [0.1, 1.2], method: 'holm' }))).toBe(
      'pValues[1]',
    );
  });
});

describe('no NaN anywhere', () => {
  it('in every result over edge-case inputs', () => {
    const arms = [
      { n: 2, sum: 0, sumSquares: 0 },
      { n: 2, sum: 1, sumSquares: 1 },
      { n: 3, sum: -3, sumSquares: 3 },
      { n: 1e7, sum: 1e7, sumSquares: 1e7 + 5 },
      MEAN,
    ];
    const results: unknown[] = [];
    for (const control of arms) {
      for (const treatment of arms) {
        results.push(compareMeans({ control, treatment, alternative: 'less' }));
        results.push(sequentialCompareMeans({ control, treatment }));
      }
    }
    for (const [a, b] of [
      [0, 1],
      [2, 2],
      [1, 0],
      [2, 0],
    ] as const) {
      results.push(
        compareProportions({ control: { n: 2, successes: a }, treatment: { n: 2, successes: b } }),
      );
    }
    results.push(sampleRatioMismatch({ observed: [0, 7], weights: [0.5, 0.5] }));
    results.push(adjustPValues({ pValues: [0, 1, 0, 1], method: 'benjamini-hochberg' }));
    results.push(adjustPValues({ pValues: [], method: 'holm' }));
    const numbers = results.flatMap(numbersIn);
    expect(numbers.length).toBeGreaterThan(100);
    expect(numbers.filter(Number.isNaN)).toEqual([]);
  });
});
