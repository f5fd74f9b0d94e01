import { binCounts } from './bins.js';
import { kolmogorovSf } from './kolmogorov.js';
import { ksFromCounts } from './ks-binned.js';
import { ksTwoSample } from './ks.js';

/** Deterministic, irregular values in [0, 1): the fractional parts of i·golden ratio. */
function spread(count: number, offset = 0): number[] {
  return Array.from({ length: count }, (_, i) => ((i + 1) * 0.6180339887498949 + offset) % 1);
}

describe('two-sample KS', () => {
  it('is symmetric in the two windows', () => {
    const a = spread(40);
    const b = spread(55, 0.1);
    const ab = ksTwoSample({ reference: a, current: b });
    const ba = ksTwoSample({ reference: b, current: a });
    expect(ab).toEqual({ ...ba, referenceCount: 40, currentCount: 55 });
  });

  it('gives D = 0, p = 1 for identical windows and D = 1 for separated ones', () => {
    const a = spread(30);
    expect(ksTwoSample({ reference: a, current: [...a].reverse() })).toMatchObject({
      statistic: 0,
      pValue: 1,
      method: 'exact',
    });
    const separated = ksTwoSample({ reference: a, current: a.map((x) => x + 2) });
    expect(separated).toMatchObject({ statistic: 1, method: 'exact' });
    expect(separated.status === 'ok' && separated.pValue).toBeLessThan(1e-15);
  });

  it('switches from exact to asymptotic above 10 000 values in either window', () => {
    const small = spread(20, 0.3);
    expect(ksTwoSample({ reference: spread(10_000), current: small })).toMatchObject({
      method: 'exact',
    });
    expect(ksTwoSample({ reference: spread(10_001), current: small })).toMatchObject({
      method: 'asymptotic',
    });
  });
});

describe('binned KS', () => {
  it('never exceeds the raw statistic, so its p-value is never smaller', () => {
    const reference = spread(900);
    const current = spread(700, 0.05).map((x) => x * x);
    const raw = ksTwoSample({ reference, current });
    for (const edges of [[0.5], [0.1, 0.3, 0.5, 0.7, 0.9], spread(99).sort((a, b) => a - b)]) {
      const binned = ksFromCounts({
        reference: binCounts({ values: reference, edges }).counts,
        current: binCounts({ values: current, edges }).counts,
      });
      if (raw.status !== 'ok' || binned.status !== 'ok') throw new Error('expected results');
      expect(binned.statistic).toBeLessThanOrEqual(raw.statistic);
      expect(binned.pValue).toBeGreaterThanOrEqual(raw.pValue);
    }
  });
});

describe('Kolmogorov distribution of D_n', () => {
  it('is 1 at d <= 1/(2n), 0 at d >= 1 and decreasing in between', () => {
    for (const n of [1, 7, 140, 141, 5000]) {
      expect(kolmogorovSf(n, 0)).toBe(1);
      expect(kolmogorovSf(n, 0.5 / n)).toBe(1);
      expect(kolmogorovSf(n, 1)).toBe(0);
      const ds = Array.from({ length: 60 }, (_, i) => (i + 1) / 61);
      const sf = ds.map((d) => kolmogorovSf(n, d));
      sf.slice(1).forEach((p, i) => expect(p).toBeLessThanOrEqual((sf[i] as number) + 1e-12));
    }
  });
});
