// CUPED's behaviour on small hand-made variants; its numbers against SciPy are in
// reference.spec.ts.
import { compareMeansCuped, cupedTheta } from './cuped.js';
import { compareMeans } from './means.js';

// Hand-made variants: the metric follows the covariate closely.
const control = {
  n: 4,
  sum: 10,
  sumSquares: 30.5,
  covariateSum: 10,
  covariateSumSquares: 30,
  sumProducts: 30.2,
};
const treatment = {
  n: 4,
  sum: 14,
  sumSquares: 54.5,
  covariateSum: 10.4,
  covariateSumSquares: 31.5,
  sumProducts: 40.1,
};

describe('CUPED', () => {
  it('narrows the interval when the covariate predicts the metric', () => {
    const adjusted = compareMeansCuped({ control, treatment });
    const plain = compareMeans({ control, treatment });
    if (adjusted.status !== 'ok' || plain.status !== 'ok') throw new Error('unexpected');
    expect(adjusted.absolute.standardError).toBeLessThan(plain.absolute.standardError);
    expect(adjusted.theta).toBeGreaterThan(0);
  });

  it('is the plain test when the covariate is constant (theta = 0)', () => {
    const flat = (s: typeof control) => ({
      ...s,
      covariateSum: s.n,
      covariateSumSquares: s.n,
      sumProducts: s.sum,
    });
    const adjusted = compareMeansCuped({ control: flat(control), treatment: flat(treatment) });
    const plain = compareMeans({ control, treatment });
    expect(adjusted).toMatchObject({
      theta: 0,
      statistic: plain.status === 'ok' ? plain.statistic : 0,
    });
  });

  it('pools theta over every variant given in `pool`', () => {
    const third = { ...treatment, sum: 12, sumProducts: 35 };
    const pooled = cupedTheta([control, treatment, third]);
    const result = compareMeansCuped({ control, treatment, pool: [control, treatment, third] });
    expect(result).toMatchObject(pooled);
  });
});
