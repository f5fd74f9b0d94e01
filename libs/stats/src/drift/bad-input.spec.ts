// The bad-input rule, for every public drift function: data that cannot support the
// statistic gives { status: 'insufficient_data', reason }, NaN/±Infinity are dropped
// and counted, a broken contract throws DriftInputError, and no output holds NaN.
import {
  binCounts,
  categoricalChiSquare,
  categoricalHomogeneity,
  categoricalJensenShannon,
  categoricalPsi,
  DriftInputError,
  fitBinEdges,
  jensenShannonFromCounts,
  ksFromCounts,
  ksTwoSample,
  psiFromCounts,
  psiFromSamples,
  unseenCategoryRate,
  wassersteinFromCounts,
  wassersteinFromSamples,
} from './index.js';

function hasNaN(value: unknown): boolean {
  if (typeof value === 'number') return Number.isNaN(value);
  if (value !== null && typeof value === 'object') return Object.values(value).some(hasNaN);
  return false;
}

const sampleFunctions = { ksTwoSample, psiFromSamples, wassersteinFromSamples };
const countFunctions = { ksFromCounts, psiFromCounts, jensenShannonFromCounts };
const categoricalFunctions = {
  categoricalChiSquare,
  categoricalHomogeneity,
  categoricalJensenShannon,
  categoricalPsi,
  unseenCategoryRate,
};

describe.each(Object.entries(sampleFunctions))('%s on raw samples', (_, fn) => {
  it('reports a window without finite values as insufficient, with the dropped count', () => {
    expect(fn({ reference: [], current: [1, 2] })).toEqual({
      status: 'insufficient_data',
      reason: 'the reference window has no finite values',
      nonFinite: { reference: 0, current: 0 },
    });
    expect(fn({ reference: [1, 2, 3], current: [NaN, Infinity] })).toEqual({
      status: 'insufficient_data',
      reason: 'the current window has no finite values',
      nonFinite: { reference: 0, current: 2 },
    });
  });

  it('drops NaN and ±Infinity, counts them, and otherwise ignores them', () => {
    const reference = [0.3, 1.2, 2.5, 3.1, 4.8, 5.5];
    const current = [1.1, 2.2, 3.3, 6.6];
    const dirty = fn({
      reference: [NaN, ...reference, -Infinity],
      current: [...current, Infinity],
    });
    expect(dirty).toEqual({
      ...fn({ reference, current }),
      nonFinite: { reference: 2, current: 1 },
    });
    expect(hasNaN(dirty)).toBe(false);
  });
});

describe.each(Object.entries(countFunctions))('%s on counts', (_, fn) => {
  it('reports an all-zero window as insufficient', () => {
    expect(fn({ reference: [0, 0], current: [1, 2] })).toEqual({
      status: 'insufficient_data',
      reason: 'the reference counts sum to 0',
    });
    expect(fn({ reference: [1, 2], current: [0, 0] }).status).toBe('insufficient_data');
  });

  it('throws DriftInputError for mismatched, negative or non-finite counts', () => {
    expect(() => fn({ reference: [1, 2], current: [1, 2, 3] })).toThrow(DriftInputError);
    expect(() => fn({ reference: [], current: [] })).toThrow(DriftInputError);
    expect(() => fn({ reference: [1, -1], current: [1, 2] })).toThrow(DriftInputError);
    expect(() => fn({ reference: [1, NaN], current: [1, 2] })).toThrow(DriftInputError);
    expect(() => fn({ reference: [1, 2], current: [Infinity, 2] })).toThrow(DriftInputError);
  });

  it('never returns NaN, even for disjoint or extreme counts', () => {
    for (const [reference, current] of [
      [
        [5, 0],
        [0, 5],
      ],
      [
        [1e300, 1],
        [1, 1e300],
      ],
      [
        [1, 0, 0],
        [1, 0, 0],
      ],
    ]) {
      expect(hasNaN(fn({ reference: reference as number[], current: current as number[] }))).toBe(
        false,
      );
    }
  });
});

describe.each(Object.entries(categoricalFunctions))('%s on category counts', (_, fn) => {
  it('reports an empty window as insufficient and throws for a negative count', () => {
    expect(fn({ reference: {}, current: { a: 1 } })).toEqual({
      status: 'insufficient_data',
      reason: 'the reference window has no values',
    });
    expect(fn({ reference: { a: 3 }, current: { a: 0 } }).status).toBe('insufficient_data');
    expect(() => fn({ reference: { a: -1 }, current: { a: 1 } })).toThrow(DriftInputError);
  });

  it('never returns NaN, even with only unseen categories', () => {
    expect(hasNaN(fn({ reference: { a: 10 }, current: { z: 5 } }))).toBe(false);
  });
});

describe('contract checks of the binning and binned-Wasserstein helpers', () => {
  it('throws DriftInputError for bad edges, bin counts, ranges and options', () => {
    expect(() => binCounts({ values: [1], edges: [1, 1] })).toThrow(DriftInputError);
    expect(() => binCounts({ values: [1], edges: [NaN] })).toThrow(DriftInputError);
    expect(() => fitBinEdges({ reference: [1, 2], bins: 1 })).toThrow(DriftInputError);
    expect(() => psiFromCounts({ reference: [1], current: [1], epsilon: 0 })).toThrow(
      DriftInputError,
    );
    expect(() => ksFromCounts({ reference: [1.5, 1], current: [1, 1] })).toThrow(DriftInputError);
    const binned = {
      edges: [0],
      reference: [1, 1],
      current: [1, 1],
      min: -1,
      max: 1,
      referenceStd: 1,
    };
    expect(() => wassersteinFromCounts({ ...binned, reference: [1, 1, 1] })).toThrow(
      DriftInputError,
    );
    expect(() => wassersteinFromCounts({ ...binned, min: 2 })).toThrow(DriftInputError);
    expect(() => wassersteinFromCounts({ ...binned, referenceStd: NaN })).toThrow(DriftInputError);
  });

  it('reports an empty reference or a constant one as insufficient', () => {
    expect(fitBinEdges({ reference: [NaN] }).status).toBe('insufficient_data');
    const binned = {
      edges: [0],
      reference: [1, 1],
      current: [1, 1],
      min: -1,
      max: 1,
      referenceStd: 0,
    };
    expect(wassersteinFromCounts(binned)).toEqual({
      status: 'insufficient_data',
      reason: 'the reference window is constant (standard deviation 0)',
    });
    expect(wassersteinFromSamples({ reference: [2, 2, 2], current: [1] }).status).toBe(
      'insufficient_data',
    );
    expect(wassersteinFromSamples({ reference: [2], current: [1] }).status).toBe(
      'insufficient_data',
    );
  });
});
