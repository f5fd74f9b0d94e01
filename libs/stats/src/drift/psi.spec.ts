import { binCounts, fitBinEdges } from './bins.js';
import { DEFAULT_DRIFT_EPSILON, psiFromCounts, psiFromSamples } from './psi.js';

describe('bins fitted on the reference', () => {
  it('puts edges at the reference deciles, interpolated like numpy.quantile', () => {
    const reference = Array.from({ length: 11 }, (_, i) => 10 - i);
    expect(fitBinEdges({ reference })).toEqual({
      status: 'ok',
      edges: [1, 2, 3, 4, 5, 6, 7, 8, 9],
    });
    expect(fitBinEdges({ reference: [0, 1], bins: 4 })).toEqual({
      status: 'ok',
      edges: [0.25, 0.5, 0.75],
    });
  });

  it('merges repeated quantiles, down to one edge for a constant reference', () => {
    // numpy.quantile gives these same roundings of 0.3, 1.2 and 2.1.
    expect(fitBinEdges({ reference: [0, 0, 0, 0, 0, 0, 0, 1, 2, 3] })).toEqual({
      status: 'ok',
      edges: [0, 0.2999999999999998, 1.2000000000000002, 2.0999999999999996],
    });
    expect(fitBinEdges({ reference: [4, 4, 4] })).toEqual({ status: 'ok', edges: [4] });
  });

  it('bins [e_i, e_i+1) with open tails: a value on an edge goes up', () => {
    expect(binCounts({ values: [-1e9, 0, 0.5, 1, 2, 1e9, NaN], edges: [0, 1] })).toEqual({
      counts: [1, 2, 3],
      nonFinite: 1,
    });
  });
});

describe('PSI', () => {
  it('is Σ (c - r)·ln(c/r) over proportions floored at ε = 1e-4', () => {
    expect(DEFAULT_DRIFT_EPSILON).toBe(1e-4);
    const result = psiFromCounts({ reference: [50, 50], current: [100, 0] });
    const expected = 0.5 * Math.log(2) + (1e-4 - 0.5) * Math.log(1e-4 / 0.5);
    expect(result).toEqual({ status: 'ok', psi: expect.closeTo(expected, 12) });
    const looser = psiFromCounts({ reference: [50, 50], current: [100, 0], epsilon: 0.01 });
    expect(looser.status === 'ok' && looser.psi).toBeLessThan(expected);
  });

  it('is 0 for equal proportions and symmetric in the two windows', () => {
    expect(psiFromCounts({ reference: [1, 2, 3], current: [10, 20, 30] })).toEqual({
      status: 'ok',
      psi: 0,
    });
    const ab = psiFromCounts({ reference: [5, 1, 9], current: [2, 7, 3] });
    const ba = psiFromCounts({ reference: [2, 7, 3], current: [5, 1, 9] });
    expect(ab.status === 'ok' && ba.status === 'ok' && ab.psi - ba.psi).toBeCloseTo(0, 14);
  });

  it('fits decile bins on raw reference values, or uses the given edges', () => {
    const reference = Array.from({ length: 1000 }, (_, i) => i);
    const shifted = reference.map((x) => x + 300);
    const fitted = psiFromSamples({ reference, current: shifted });
    expect(fitted).toMatchObject({ status: 'ok', referenceCounts: Array(10).fill(100) });
    expect(fitted.status === 'ok' && fitted.psi).toBeGreaterThan(0.2);
    const given = psiFromSamples({ reference, current: shifted, edges: [500] });
    expect(given).toMatchObject({
      edges: [500],
      referenceCounts: [500, 500],
      currentCounts: [200, 800],
    });
  });
});
