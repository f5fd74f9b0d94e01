// A second reference: the inputs and expected values GrowthBook publishes in its
// gbstats unit tests (packages/stats/tests/frequentist/test_tests.py, growthbook/
// growthbook at 8f1db44), whose frequentist engine uses the same Welch df, delta-
// method relative lift and normal-mixture sequential interval. Control is their
// stat_a, treatment stat_b. Their rounded values (5 decimals) are compared to
// ±5e-6, their full-precision ones to 1e-8 relative.
import { compareMeans } from './means.js';
import { sequentialCompareMeans, sequentialCompareProportions } from './sequential.js';

const TREATMENT = { sum: 2422.7, sumSquares: 134698.29, n: 3461 };
const control = (n: number) => ({ sum: 1396.87, sumSquares: 52377.9767, n });

function rounded(actual: number | undefined, expected: number): void {
  expect(Math.abs((actual ?? Number.NaN) - expected)).toBeLessThanOrEqual(5e-6 + 1e-12);
}

function precise(actual: number | undefined, expected: number): void {
  expect(Math.abs((actual ?? Number.NaN) - expected)).toBeLessThanOrEqual(
    1e-8 * Math.abs(expected),
  );
}

function ok<T extends { status: string }>(result: T): Extract<T, { status: 'ok' }> {
  expect(result.status).toBe('ok');
  return result as Extract<T, { status: 'ok' }>;
}

describe('GrowthBook gbstats published values', () => {
  it('TwoSidedTTest, relative and absolute', () => {
    const result = ok(compareMeans({ control: control(3407), treatment: TREATMENT }));
    rounded(result.relative?.estimate, 0.70732);
    rounded(result.relative?.lower, -0.03526);
    rounded(result.relative?.upper, 1.44989);
    rounded(result.relative?.standardError, 0.37879);
    rounded(result.absolute.estimate, 0.29);
    rounded(result.absolute.lower, 0.04538);
    rounded(result.absolute.upper, 0.53462);
    rounded(result.absolute.standardError, 0.12478);
    rounded(result.pValue, 0.02016);
  });

  it('OneSidedTreatmentGreaterTTest and OneSidedTreatmentLesserTTest', () => {
    const greater = ok(
      compareMeans({ control: control(3000), treatment: TREATMENT, alternative: 'greater' }),
    );
    precise(greater.relative?.estimate, 0.5033610858562358);
    precise(greater.relative?.standardError, 0.3334122146400735);
    precise(greater.relative?.lower, -0.045136675850396046);
    expect(greater.relative?.upper).toBe(Infinity);
    precise(greater.absolute.estimate, 0.23437666666666668);
    precise(greater.absolute.standardError, 0.12983081254184736);
    precise(greater.absolute.lower, 0.020791480063255735);
    precise(greater.pValue, 0.03554272489873023);

    const less = ok(
      compareMeans({ control: control(3000), treatment: TREATMENT, alternative: 'less' }),
    );
    precise(less.relative?.upper, 1.0518588475628676);
    expect(less.relative?.lower).toBe(-Infinity);
    precise(less.absolute.upper, 0.44796185327007765);
    precise(less.pValue, 0.9644572751012698);
  });

  it('SequentialTwoSidedTTest with sequential_tuning_parameter = 1000', () => {
    const result = ok(
      sequentialCompareMeans({
        control: control(3000),
        treatment: TREATMENT,
        tuningSampleSize: 1000,
      }),
    );
    rounded(result.relative?.estimate, 0.50336);
    rounded(result.relative?.lower, -0.55844);
    rounded(result.relative?.upper, 1.56516);
    rounded(result.relative?.standardError, 0.33341);
  });

  it('SequentialTwoSidedTTest on proportions with the default tuning (5000)', () => {
    const result = ok(
      sequentialCompareProportions({
        control: { n: 3000, successes: 1396 },
        treatment: { n: 3461, successes: 2422 },
      }),
    );
    rounded(result.relative?.estimate, 0.50386);
    rounded(result.relative?.lower, 0.40098);
    rounded(result.relative?.upper, 0.60675);
    rounded(result.relative?.standardError, 0.03386);
  });
});
