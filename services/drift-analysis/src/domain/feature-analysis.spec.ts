import { wassersteinFromSamples } from '@ballast/stats';
import { analyseFeature } from './feature-analysis';
import type { CategoricalReference, NumericReference } from './reference';
import { monitor, numericStats, references, spread } from '../../test/domain-fixtures';

const x = references[0] as NumericReference;
const city = references[2] as CategoricalReference;

describe('analyseFeature', () => {
  it('small windows: KS p-value on raw values decides; unshifted traffic is ok', () => {
    const v = analyseFeature(x, numericStats(x, spread(200), { withValues: true }), monitor);
    expect(v.verdict).toBe('ok');
    expect(v.decidingMethod).toMatchObject({ method: 'ks', threshold: 0.05, status: 'ok' });
  });

  it('small windows: a shift of one standard deviation is drift', () => {
    const v = analyseFeature(x, numericStats(x, spread(200, 1), { withValues: true }), monitor);
    expect(v.verdict).toBe('drift');
    expect(v.results.find((r) => r.method === 'psi')?.status).toBe('drift');
  });

  it('large windows: binned Wasserstein within its bounds of the raw value', () => {
    const current = spread(5000, 0.3);
    const v = analyseFeature(x, numericStats(x, current, { withValues: false }), monitor);
    const exact = wassersteinFromSamples({ reference: x.sample, current });
    expect(v.decidingMethod?.method).toBe('wasserstein_normed');
    expect(v.verdict).toBe('drift');
    if (exact.status !== 'ok') throw new Error('exact W1 failed');
    expect(v.decidingMethod!.value).toBeCloseTo(exact.normed, 1);
  });

  it('counts NaN as missing and ±Inf as non-finite, out of range against the reference', () => {
    const values = [
      ...spread(100),
      NaN,
      NaN,
      NaN,
      NaN,
      NaN,
      NaN,
      NaN,
      NaN,
      Infinity,
      -Infinity,
      99,
    ];
    const v = analyseFeature(x, numericStats(x, values, { withValues: true }), monitor);
    const by = Object.fromEntries(v.results.map((r) => [r.method, r]));
    expect(by['missing_rate']).toMatchObject({ value: 8 / 111, status: 'warning' });
    expect(by['non_finite_rate']).toMatchObject({ value: 2 / 111, status: 'warning' });
    expect(by['out_of_range_rate']).toMatchObject({ value: 1 / 101, status: 'ok' });
  });

  it('an empty or small window is insufficient data, not an error', () => {
    expect(analyseFeature(x, undefined, monitor)).toMatchObject({ verdict: 'insufficient_data' });
    const v = analyseFeature(x, numericStats(x, spread(5), { withValues: true }), monitor);
    expect(v.verdict).toBe('insufficient_data');
    expect(v.results[0]?.note).toMatch(/fewer than the minimum sample size 10/);
  });

  it('flags a constant feature and unseen categories', () => {
    const constant = numericStats(x, new Array(50).fill(0.1), { withValues: true });
    const v = analyseFeature(x, constant, monitor);
    expect(v.results.find((r) => r.method === 'constant')?.status).toBe('warning');
    const c = analyseFeature(
      city,
      { type: 'categorical', rows: 100, missing: 0, counts: { a: 50, b: 30, zz: 20 } },
      monitor,
    );
    expect(c.verdict).toBe('drift');
    expect(c.results.find((r) => r.method === 'unseen_rate')).toMatchObject({
      value: 0.2,
      status: 'warning',
      note: 'unseen: zz',
    });
  });
});
