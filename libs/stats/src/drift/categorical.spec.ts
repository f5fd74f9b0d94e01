import {
  categoricalChiSquare,
  categoricalHomogeneity,
  categoricalJensenShannon,
  categoricalPsi,
} from './categorical.js';
import { alignCategories, unseenCategoryRate } from './categories.js';

describe('category alignment', () => {
  it('pools categories the reference never saw into one trailing bucket', () => {
    const aligned = alignCategories({
      reference: { a: 6, b: 4, c: 0 },
      current: { b: 5, x: 2, c: 1, y: 3, z: 0 },
    });
    expect(aligned).toEqual({
      status: 'ok',
      reference: [6, 4, 0, 0],
      current: [0, 5, 1, 5],
      unseenCount: 5,
      unseenCategories: ['x', 'y'],
      referenceTotal: 10,
      currentTotal: 11,
    });
    expect(
      unseenCategoryRate({ reference: { a: 6, b: 4, c: 0 }, current: { b: 5, x: 2, c: 1, y: 3 } }),
    ).toEqual({
      status: 'ok',
      rate: 5 / 11,
      unseenCount: 5,
      unseenCategories: ['x', 'y'],
    });
  });

  it('adds no bucket when every current category is known', () => {
    expect(alignCategories({ reference: { a: 1, b: 1 }, current: { a: 2 } })).toMatchObject({
      reference: [1, 1],
      current: [2, 0],
      unseenCount: 0,
    });
  });
});

describe('categorical statistics', () => {
  it('chi-square GOF expects ε-floored, renormalised reference proportions × current total', () => {
    // Reference proportions (0.5, 0.5, ε) renormalised; 10 current values.
    const result = categoricalChiSquare({
      reference: { a: 5, b: 5 },
      current: { a: 4, b: 5, new: 1 },
    });
    const norm = 1 + 1e-4;
    const expected = [0.5 / norm, 0.5 / norm, 1e-4 / norm].map((p) => p * 10);
    const statistic = [4, 5, 1].reduce(
      (s, o, i) => s + (o - (expected[i] as number)) ** 2 / (expected[i] as number),
      0,
    );
    expect(result).toMatchObject({ status: 'ok', degreesOfFreedom: 2, unseenRate: 0.1 });
    expect(result.status === 'ok' && result.statistic).toBeCloseTo(statistic, 9);
  });

  it('gives p = 1 when there is a single bucket (no degree of freedom)', () => {
    expect(categoricalChiSquare({ reference: { a: 3 }, current: { a: 7 } })).toEqual({
      status: 'ok',
      statistic: 0,
      pValue: 1,
      degreesOfFreedom: 0,
      unseenRate: 0,
    });
    expect(categoricalHomogeneity({ reference: { a: 3, b: 0 }, current: { a: 7 } })).toMatchObject({
      statistic: 0,
      pValue: 1,
      degreesOfFreedom: 0,
    });
  });

  it('applies the Yates correction to 2×2 tables only', () => {
    // 2×2: expected 15 in every cell, |o - e| = 5 shrinks to 4.5: X² = 4 · 4.5² / 15.
    expect(
      categoricalHomogeneity({ reference: { a: 20, b: 10 }, current: { a: 10, b: 20 } }),
    ).toMatchObject({
      statistic: expect.closeTo((4 * 4.5 ** 2) / 15, 12),
      degreesOfFreedom: 1,
    });
    // 2×3: no correction: X² = 4 · 5² / 15.
    expect(
      categoricalHomogeneity({
        reference: { a: 20, b: 10, c: 15 },
        current: { a: 10, b: 20, c: 15 },
      }),
    ).toMatchObject({ statistic: expect.closeTo((4 * 5 ** 2) / 15, 12), degreesOfFreedom: 2 });
  });

  it('Jensen–Shannon and PSI see an unseen-only window as fully drifted', () => {
    expect(categoricalJensenShannon({ reference: { a: 10 }, current: { z: 5 } })).toEqual({
      status: 'ok',
      distance: 1,
    });
    const psi = categoricalPsi({ reference: { a: 10 }, current: { z: 5 } });
    expect(psi).toEqual({
      status: 'ok',
      psi: expect.closeTo(2 * (1 - 1e-4) * Math.log(1 / 1e-4), 10),
    });
  });
});
