// Every distribution function against SciPy for the same arguments:
// ../../reference/distributions.json, written by
// ../../reference/make_experiment_reference.py. Values must agree to 1e-6 relative,
// or 1e-12 absolute when tiny (the brief's tolerance); the measured agreement is far
// tighter and is pinned by TIGHT below so a regression in accuracy shows up.
import reference from '../../reference/distributions.json';
import {
  chiSquareCdf,
  chiSquareSf,
  logGamma,
  noncentralTCdf,
  normalCdf,
  normalQuantile,
  normalSf,
  regularizedBeta,
  regularizedGammaP,
  regularizedGammaQ,
  studentTCdf,
  studentTQuantile,
  studentTSf,
} from './index.js';

type Check = [label: string, actual: number, expected: number];

const TOLERANCE = { relative: 1e-6, absolute: 1e-12 };

/** Checks outside `relative` (or `absolute` when the expected value is that small). */
function failures(checks: Check[], tolerance = TOLERANCE): string[] {
  return checks
    .filter(([, actual, expected]) => {
      const error = Math.abs(actual - expected);
      return !(error <= tolerance.absolute || error <= tolerance.relative * Math.abs(expected));
    })
    .map(([label, actual, expected]) => `${label}: ${actual} vs scipy ${expected}`);
}

describe('distributions against scipy', () => {
  it('normal cdf, sf and quantile', () => {
    const checks: Check[] = reference.normal.flatMap(({ z, cdf, sf }): Check[] => [
      [`normalCdf(${z})`, normalCdf(z), cdf],
      [`normalSf(${z})`, normalSf(z), sf],
    ]);
    for (const { p, quantile } of reference.normalQuantile) {
      checks.push([`normalQuantile(${p})`, normalQuantile(p), quantile]);
    }
    expect(failures(checks)).toEqual([]);
    // Far tails keep relative accuracy, not just absolute.
    expect(failures(checks, { relative: 1e-13, absolute: 0 })).toEqual([]);
  });

  it('Student t cdf, sf and quantile, including non-integer and tiny df', () => {
    const checks: Check[] = reference.studentT.flatMap(({ t, df, cdf, sf }): Check[] => [
      [`studentTCdf(${t}, ${df})`, studentTCdf(t, df), cdf],
      [`studentTSf(${t}, ${df})`, studentTSf(t, df), sf],
    ]);
    for (const { p, df, quantile } of reference.studentTQuantile) {
      checks.push([`studentTQuantile(${p}, ${df})`, studentTQuantile(p, df), quantile]);
    }
    expect(failures(checks)).toEqual([]);
  });

  it('chi-square cdf and sf down to tiny upper tails', () => {
    const checks: Check[] = reference.chiSquare.flatMap(({ x, df, cdf, sf }): Check[] => [
      [`chiSquareCdf(${x}, ${df})`, chiSquareCdf(x, df), cdf],
      [`chiSquareSf(${x}, ${df})`, chiSquareSf(x, df), sf],
    ]);
    expect(failures(checks)).toEqual([]);
    // scipy flushes subnormal tails to 0; those are compared in absolute terms.
    expect(failures(checks, { relative: 1e-12, absolute: 1e-300 })).toEqual([]);
  });

  it('incomplete gamma, incomplete beta and log-gamma', () => {
    const checks: Check[] = reference.gamma.flatMap(({ a, x, p, q }): Check[] => [
      [`regularizedGammaP(${a}, ${x})`, regularizedGammaP(a, x), p],
      [`regularizedGammaQ(${a}, ${x})`, regularizedGammaQ(a, x), q],
    ]);
    for (const { x, a, b, value } of reference.beta) {
      checks.push([`regularizedBeta(${x}, ${a}, ${b})`, regularizedBeta(x, a, b), value]);
    }
    expect(failures(checks)).toEqual([]);
    // lnΓ is accurate in absolute terms: it crosses 0 at x = 1 and 2.
    const logGammaChecks: Check[] = reference.logGamma.map(({ x, value }) => [
      `logGamma(${x})`,
      logGamma(x),
      value,
    ]);
    expect(failures(logGammaChecks, { relative: 1e-14, absolute: 1e-14 })).toEqual([]);
  });

  it('noncentral t cdf', () => {
    const checks: Check[] = reference.noncentralT.map(({ t, df, noncentrality, cdf }) => [
      `noncentralTCdf(${t}, ${df}, ${noncentrality})`,
      noncentralTCdf({ t, df, noncentrality }),
      cdf,
    ]);
    expect(failures(checks)).toEqual([]);
  });
});
