import { adjustPValues, categoricalChiSquare, ksTwoSample } from '@ballast/stats';
import { monitor, numericStats, references, spread } from '../../test/domain-fixtures';
import type { CategoricalReference, NumericReference } from './reference';
import { analyseWindow } from './window-analysis';
import type { FeatureWindowStats } from './window-stats';

const [x, y, city] = references as [NumericReference, NumericReference, CategoricalReference];

function analyse(features: [string, FeatureWindowStats][]) {
  return analyseWindow({
    monitor,
    references,
    stats: {
      windowStart: new Date(0),
      windowEnd: new Date(3_600_000),
      rows: 200,
      features: new Map(features),
    },
    recentVolumes: [],
  });
}

describe('analyseWindow', () => {
  // 200 values per feature: small windows, judged by KS and chi-square p-values.
  const xValues = spread(200, 0.5);
  const yValues = spread(200, 10.26);
  const cityCounts = { a: 118, b: 82 };
  const stats: [string, FeatureWindowStats][] = [
    ['x', numericStats(x, xValues, { withValues: true })],
    ['y', numericStats(y, yValues, { withValues: true })],
    ['city', { type: 'categorical', rows: 200, missing: 0, counts: cityCounts }],
  ];

  it('judges the p-value tests of a window together, Holm-adjusted (statsmodels multipletests)', () => {
    const raw = [
      ksTwoSample({ reference: x.sample, current: xValues }),
      ksTwoSample({ reference: y.sample, current: yValues }),
      categoricalChiSquare({ reference: city.frequencies, current: cityCounts }),
    ].map((r) => (r.status === 'ok' ? r.pValue : NaN));
    // Unadjusted, y would drift (p = 0.028 < 0.05) beside the clearly shifted x.
    expect(raw[0]).toBeLessThan(1e-5);
    expect(raw[1]).toBeGreaterThan(0.025);
    expect(raw[1]).toBeLessThan(0.03);
    const { adjusted } = adjustPValues({ pValues: raw, method: 'holm' });

    const analysis = analyse(stats);
    const deciding = analysis.features.map((f) => f.decidingMethod);
    expect(deciding.map((d) => d?.method)).toEqual(['ks', 'ks', 'chi_square']);
    deciding.forEach((d, i) => expect(d?.value).toBeCloseTo(adjusted[i] as number, 12));
    expect(analysis.features.map((f) => f.verdict)).toEqual(['drift', 'ok', 'ok']);
    expect(deciding[1]?.note).toBe(
      `Holm-adjusted over 3 p-value tests; unadjusted p = ${(raw[1] as number).toPrecision(6)}`,
    );
    // The rows written are the adjusted ones; drifted_share counts x alone.
    expect(analysis.results).toContain(deciding[1]);
    expect(analysis.dataset[0]).toMatchObject({ method: 'drifted_share', value: 1 / 3 });
  });

  it('leaves a lone p-value test as it is', () => {
    const analysis = analyse([stats[1] as [string, FeatureWindowStats]]);
    const y1 = analysis.features[1];
    expect(y1?.verdict).toBe('drift');
    expect(y1?.decidingMethod?.note).toBeUndefined();
  });
});
