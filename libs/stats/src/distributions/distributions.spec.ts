// Distribution identities and closed forms that need no reference file (symmetry,
// Cauchy, df = 2, Mills ratio, round trips) and the domain errors.
import {
  chiSquareCdf,
  chiSquareSf,
  DistributionInputError,
  findRoot,
  noncentralTCdf,
  noncentralTSf,
  normalCdf,
  normalQuantile,
  normalSf,
  regularizedBeta,
  studentTCdf,
  studentTQuantile,
  studentTSf,
} from './index.js';

describe('normal', () => {
  it('keeps relative accuracy in the far upper tail (no 1 − cdf cancellation)', () => {
    // Mills ratio: sf(z) ≈ φ(z)/z · (1 − 1/z² + 3/z⁴ − 15/z⁶) for large z.
    const z = 30;
    const mills =
      (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI) / z) *
      (1 - 1 / z ** 2 + 3 / z ** 4 - 15 / z ** 6);
    expect(Math.abs(normalSf(z) / mills - 1)).toBeLessThan(1e-8);
    expect(normalCdf(-z)).toBe(normalSf(z));
  });

  it('quantile inverts the cdf and is antisymmetric', () => {
    for (const p of [1e-250, 1e-9, 0.01, 0.2, 0.5, 0.6, 0.99]) {
      // A quantile's last-bit error moves the cdf by a relative z·ε, ~1e-13 at p = 1e-250.
      expect(normalCdf(normalQuantile(p)) / p).toBeCloseTo(1, 12);
    }
    expect(normalQuantile(0.025)).toBeCloseTo(-normalQuantile(0.975), 15);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(normalQuantile(0.5)).toBe(0);
  });
});

describe('Student t', () => {
  it('is symmetric, has cdf + sf = 1, and tends to the normal as df grows', () => {
    for (const df of [0.7, 3, 41.5]) {
      for (const t of [-4, -0.3, 2]) {
        expect(studentTCdf(t, df)).toBeCloseTo(studentTSf(-t, df), 15);
        expect(studentTCdf(t, df) + studentTSf(t, df)).toBeCloseTo(1, 15);
      }
    }
    expect(studentTSf(2, Infinity)).toBe(normalSf(2));
    expect(studentTSf(2, 1e12) / normalSf(2)).toBeCloseTo(1, 10);
  });

  it('has the closed forms at df = 1 (Cauchy) and df = 2', () => {
    expect(studentTCdf(1.7, 1)).toBeCloseTo(0.5 + Math.atan(1.7) / Math.PI, 14);
    const t = -2.3;
    expect(studentTCdf(t, 2)).toBeCloseTo(0.5 + t / (2 * Math.sqrt(2 + t * t)), 14);
    expect(studentTQuantile(0.9, 1)).toBeCloseTo(Math.tan(Math.PI * 0.4), 12);
  });

  it('quantile inverts the cdf, including tiny tails and non-integer df', () => {
    for (const df of [0.5, 2.7, 18.3, 5000]) {
      for (const p of [1e-12, 0.003, 0.4, 0.975]) {
        expect(studentTCdf(studentTQuantile(p, df), df) / p).toBeCloseTo(1, 11);
      }
    }
    expect(studentTQuantile(0.5, 7)).toBe(0);
    expect(studentTQuantile(1, 7)).toBe(Infinity);
  });
});

describe('chi-square', () => {
  it('has the closed form at df = 2 and cdf + sf = 1', () => {
    expect(chiSquareSf(9, 2)).toBeCloseTo(Math.exp(-4.5), 16);
    expect(chiSquareSf(900, 2) / Math.exp(-450)).toBeCloseTo(1, 12);
    expect(chiSquareCdf(3, 5) + chiSquareSf(3, 5)).toBeCloseTo(1, 15);
    expect(chiSquareSf(0, 3)).toBe(1);
    expect(chiSquareCdf(-1, 3)).toBe(0);
  });
});

describe('noncentral t and incomplete beta', () => {
  it('reduces to the central t at noncentrality 0 and has cdf + sf = 1', () => {
    expect(noncentralTCdf({ t: 1.3, df: 9, noncentrality: 0 })).toBe(studentTCdf(1.3, 9));
    const options = { t: 2.1, df: 30.5, noncentrality: 2.8 };
    expect(noncentralTCdf(options) + noncentralTSf(options)).toBeCloseTo(1, 15);
  });

  it('has I_x(1, b) = 1 − (1 − x)^b', () => {
    expect(regularizedBeta(0.3, 1, 4.5)).toBeCloseTo(1 - 0.7 ** 4.5, 14);
  });
});

describe('root finding', () => {
  it('finds a bracketed root to machine precision and rejects a bracket without a sign change', () => {
    expect(findRoot({ f: (x) => x * x - 2, lower: 0, upper: 2 })).toBeCloseTo(Math.SQRT2, 15);
    expect(() => findRoot({ f: (x) => x * x + 1, lower: -1, upper: 1 })).toThrow(
      DistributionInputError,
    );
  });
});

describe('arguments outside the domain throw DistributionInputError', () => {
  it.each([
    ['df <= 0', () => studentTSf(1, 0)],
    ['p > 1', () => studentTQuantile(1.2, 3)],
    ['NaN statistic', () => normalCdf(Number.NaN)],
    ['negative df', () => chiSquareSf(3, -1)],
    ['x outside [0, 1]', () => regularizedBeta(1.5, 1, 1)],
    ['p < 0', () => normalQuantile(-0.1)],
  ])('%s', (_, run) => {
    expect(run).toThrow(DistributionInputError);
  });

  it('names the parameter and value', () => {
    expect(() => studentTSf(1, -2)).toThrow(
      expect.objectContaining({ parameter: 'df', value: -2 }),
    );
  });
});
