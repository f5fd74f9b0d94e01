import {
  chooseDriftMethod,
  DEFAULT_DRIFT_THRESHOLDS,
  DEFAULT_SMALL_WINDOW_MAX_COUNT,
  isDrift,
} from './method.js';

describe('default drift method', () => {
  it('uses a p-value test up to 1000 current values and a distance above', () => {
    expect(DEFAULT_SMALL_WINDOW_MAX_COUNT).toBe(1000);
    const choose = (featureType: 'numeric' | 'categorical', currentCount: number) =>
      chooseDriftMethod({ featureType, currentCount });
    expect(choose('numeric', 1000)).toEqual({ method: 'ks', kind: 'p_value', threshold: 0.05 });
    expect(choose('numeric', 1001)).toEqual({
      method: 'wasserstein_normed',
      kind: 'distance',
      threshold: 0.1,
    });
    expect(choose('categorical', 20)).toEqual({
      method: 'chi_square',
      kind: 'p_value',
      threshold: 0.05,
    });
    expect(choose('categorical', 50_000)).toEqual({
      method: 'jensen_shannon',
      kind: 'distance',
      threshold: 0.1,
    });
  });

  it('takes PSI for large numeric windows, another cut-off and other thresholds on request', () => {
    expect(DEFAULT_DRIFT_THRESHOLDS.psi).toBe(0.2);
    expect(
      chooseDriftMethod({ featureType: 'numeric', currentCount: 5000, numericDistance: 'psi' }),
    ).toEqual({
      method: 'psi',
      kind: 'distance',
      threshold: 0.2,
    });
    expect(
      chooseDriftMethod({
        featureType: 'numeric',
        currentCount: 5000,
        smallWindowMaxCount: 10_000,
        thresholds: { pValue: 0.01 },
      }),
    ).toEqual({ method: 'ks', kind: 'p_value', threshold: 0.01 });
  });

  it('flags p-values below the threshold and distances above it', () => {
    const ks = chooseDriftMethod({ featureType: 'numeric', currentCount: 10 });
    expect([isDrift(ks, 0.01), isDrift(ks, 0.05), isDrift(ks, 0.5)]).toEqual([true, false, false]);
    const js = chooseDriftMethod({ featureType: 'categorical', currentCount: 1e6 });
    expect([isDrift(js, 0.3), isDrift(js, 0.1), isDrift(js, 0.01)]).toEqual([true, false, false]);
  });
});
