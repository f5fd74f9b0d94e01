import { binCounts } from './bins.js';
import { wassersteinFromCounts } from './wasserstein-binned.js';
import { wassersteinFromSamples } from './wasserstein.js';

/** Deterministic, irregular values in [0, 1): the fractional parts of i·golden ratio. */
function spread(count: number, offset = 0): number[] {
  return Array.from({ length: count }, (_, i) => ((i + 1) * 0.6180339887498949 + offset) % 1);
}

describe('Wasserstein-1 on raw values', () => {
  it('is the shift for a shifted sample, normed by the ddof = 1 reference std', () => {
    const result = wassersteinFromSamples({ reference: [0, 1, 2, 3], current: [4, 3, 2, 1] });
    expect(result).toEqual({
      status: 'ok',
      distance: 1,
      referenceStd: Math.sqrt(5 / 3),
      normed: 1 / Math.sqrt(5 / 3),
      nonFinite: { reference: 0, current: 0 },
    });
  });
});

describe('Wasserstein-1 from histograms', () => {
  const reference = spread(2000);
  const current = spread(1500, 0.37).map((x) => x ** 1.5);
  const raw = wassersteinFromSamples({ reference, current });
  if (raw.status !== 'ok') throw new Error('expected a result');

  function binned(edges: number[]) {
    const result = wassersteinFromCounts({
      edges,
      reference: binCounts({ values: reference, edges }).counts,
      current: binCounts({ values: current, edges }).counts,
      min: Math.min(...reference, ...current),
      max: Math.max(...reference, ...current),
      referenceStd: raw.status === 'ok' ? raw.referenceStd : 1,
    });
    if (result.status !== 'ok') throw new Error('expected a result');
    return result;
  }

  it('brackets the raw distance, and the estimate, between its bounds', () => {
    for (const edges of [
      [0.5],
      [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
      spread(99).sort((a, b) => a - b),
    ]) {
      const { distance, lowerBound, upperBound } = binned(edges);
      expect(lowerBound).toBeLessThanOrEqual(raw.distance);
      expect(upperBound).toBeGreaterThanOrEqual(raw.distance);
      expect(distance).toBeGreaterThanOrEqual(lowerBound);
      expect(distance).toBeLessThanOrEqual(upperBound);
    }
  });

  it('closes in on the raw distance as the bins get finer', () => {
    const fine = binned(Array.from({ length: 999 }, (_, i) => (i + 1) / 1000));
    expect(fine.upperBound - fine.lowerBound).toBeLessThan(0.025 * raw.distance);
    expect(fine.distance).toBeCloseTo(raw.distance, 4);
    expect(fine.normed).toBeCloseTo(fine.distance / raw.referenceStd, 12);
  });
});
