// Every drift statistic against the values scipy (or the documented formula in
// Python) gives for the same inputs: ../../reference/drift.json, written by
// ../../reference/make_drift_reference.py. Statistics must agree to 1e-6 relative,
// p-values to 1e-4 relative or 1e-12 absolute.
import reference from '../../reference/drift.json';
import {
  categoricalChiSquare,
  categoricalHomogeneity,
  categoricalJensenShannon,
  categoricalPsi,
} from './categorical.js';
import { type CategoryCounts, unseenCategoryRate } from './categories.js';
import { jensenShannonFromCounts } from './jensen-shannon.js';
import { kolmogorovSf } from './kolmogorov.js';
import { ksFromCounts } from './ks-binned.js';
import { ksPValue, ksTwoSample } from './ks.js';
import { psiFromCounts, psiFromSamples } from './psi.js';
import { smirnovSf } from './smirnov.js';
import { wassersteinFromCounts } from './wasserstein-binned.js';
import { wassersteinFromSamples } from './wasserstein.js';

const samples: Record<string, number[]> = reference.samples;

function values(ref: { sample: string; start: number; end: number }): number[] {
  return (samples[ref.sample] ?? []).slice(ref.start, ref.end);
}

// JSON typing makes each case's category keys optional on every other case; they
// are plain counts.
type CategoricalCase = Omit<(typeof reference.categorical)[number], 'reference' | 'current'> & {
  reference: CategoryCounts;
  current: CategoryCounts;
};
const categoricalCases = reference.categorical as unknown as CategoricalCase[];

type Check = [name: string, actual: number | undefined, expected: number];

/** Names of the checks outside tolerance, with both values, so a failure says which. */
function mismatches(checks: Check[], kind: 'statistic' | 'pValue'): string[] {
  const [relative, absolute] = kind === 'statistic' ? [1e-6, 1e-12] : [1e-4, 1e-12];
  return checks
    .filter(([, actual, expected]) => {
      if (actual === undefined || Number.isNaN(actual)) return true;
      return Math.abs(actual - expected) > Math.max(relative * Math.abs(expected), absolute);
    })
    .map(([name, actual, expected]) => `${name}: got ${actual}, scipy ${expected}`);
}

function ok<T extends { status: string }>(result: T): Extract<T, { status: 'ok' }> {
  expect(result.status).toBe('ok');
  return result as Extract<T, { status: 'ok' }>;
}

describe('drift statistics match scipy', () => {
  it('ks_2samp on raw samples: statistic, p-value and exact/asymptotic choice', () => {
    const stats: Check[] = [];
    const pValues: Check[] = [];
    for (const c of reference.ks) {
      const result = ok(
        ksTwoSample({ reference: values(c.reference), current: values(c.current) }),
      );
      stats.push([c.name, result.statistic, c.statistic]);
      pValues.push([c.name, result.pValue, c.pValue]);
      expect([c.name, result.method]).toEqual([c.name, c.method]);
    }
    expect(mismatches(stats, 'statistic')).toEqual([]);
    expect(mismatches(pValues, 'pValue')).toEqual([]);
  });

  it('KS p-value from a statistic and the two sizes, up to millions of values', () => {
    const checks = reference.ksPValue.map((c) => {
      const result = ksPValue(c);
      const name = `D=${c.statistic} n=${c.referenceCount},${c.currentCount}`;
      return {
        stat: [name, result.statistic, c.snappedStatistic] as Check,
        p: [name, result.pValue, c.pValue] as Check,
      };
    });
    expect(
      mismatches(
        checks.map((c) => c.stat),
        'statistic',
      ),
    ).toEqual([]);
    expect(
      mismatches(
        checks.map((c) => c.p),
        'pValue',
      ),
    ).toEqual([]);
  });

  it('kstwo.sf over every algorithm branch, and smirnov', () => {
    const kolmogorov = reference.kolmogorov.map((c): Check => [
      `n=${c.n} d=${c.d}`,
      kolmogorovSf(c.n, c.d),
      c.sf,
    ]);
    const smirnov = reference.smirnov.map((c): Check => [
      `n=${c.n} d=${c.d}`,
      smirnovSf(c.n, c.d),
      c.sf,
    ]);
    expect(mismatches(kolmogorov, 'pValue')).toEqual([]);
    expect(mismatches(smirnov, 'pValue')).toEqual([]);
  });

  it('binned KS equals ks_2samp on the bins collapsed to tied values', () => {
    const stats: Check[] = [];
    const pValues: Check[] = [];
    for (const c of reference.ksBinned) {
      const result = ok(ksFromCounts({ reference: c.reference, current: c.current }));
      stats.push([c.name, result.statistic, c.statistic]);
      pValues.push([c.name, result.pValue, c.pValue]);
    }
    expect(mismatches(stats, 'statistic')).toEqual([]);
    expect(mismatches(pValues, 'pValue')).toEqual([]);
  });

  it('wasserstein_distance on raw samples, and normed by the ddof=1 reference std', () => {
    const checks: Check[] = [];
    for (const c of reference.ks) {
      const result = wassersteinFromSamples({
        reference: values(c.reference),
        current: values(c.current),
      });
      if (c.referenceStd === null || c.referenceStd === 0) {
        expect([c.name, result.status]).toEqual([c.name, 'insufficient_data']);
        continue;
      }
      const { distance, normed } = ok(result);
      checks.push(
        [c.name, distance, c.wasserstein],
        [`${c.name} normed`, normed, c.wasserstein / c.referenceStd],
      );
    }
    expect(mismatches(checks, 'statistic')).toEqual([]);
  });

  it('binned Wasserstein: estimate and bounds as documented, raw distance inside the bounds', () => {
    const checks: Check[] = [];
    for (const c of reference.wassersteinBinned) {
      const result = ok(
        wassersteinFromCounts({ ...c, reference: c.referenceCounts, current: c.currentCounts }),
      );
      checks.push(
        [c.name, result.distance, c.distance],
        [`${c.name} lower`, result.lowerBound, c.lowerBound],
        [`${c.name} upper`, result.upperBound, c.upperBound],
        [`${c.name} normed`, result.normed, c.distance / c.referenceStd],
      );
      expect(result.lowerBound).toBeLessThanOrEqual(c.rawDistance);
      expect(result.upperBound).toBeGreaterThanOrEqual(c.rawDistance);
    }
    expect(mismatches(checks, 'statistic')).toEqual([]);
  });

  it('PSI: numpy quantile edges, digitize counts, ε-floored proportions', () => {
    const checks: Check[] = [];
    for (const c of reference.psi) {
      const result = ok(
        psiFromSamples({
          reference: samples[c.reference] ?? [],
          current: samples[c.current] ?? [],
          ...(c.givenEdges === null ? { bins: c.bins ?? undefined } : { edges: c.givenEdges }),
        }),
      );
      expect([c.name, result.edges, result.referenceCounts, result.currentCounts]).toEqual([
        c.name,
        c.edges,
        c.referenceCounts,
        c.currentCounts,
      ]);
      const fromCounts = ok(
        psiFromCounts({ reference: c.referenceCounts, current: c.currentCounts }),
      );
      checks.push([c.name, result.psi, c.psi], [`${c.name} from counts`, fromCounts.psi, c.psi]);
    }
    expect(mismatches(checks, 'statistic')).toEqual([]);
  });

  it('jensenshannon(p, q, base=2)', () => {
    const checks = reference.jensenShannon.map((c): Check => [
      `${c.p} | ${c.q}`,
      ok(jensenShannonFromCounts({ reference: c.p, current: c.q })).distance,
      c.distance,
    ]);
    expect(mismatches(checks, 'statistic')).toEqual([]);
  });

  it('categorical: chisquare, chi2_contingency, Jensen–Shannon, PSI and unseen rate', () => {
    const stats: Check[] = [];
    const pValues: Check[] = [];
    for (const c of categoricalCases) {
      const input = { reference: c.reference, current: c.current };
      const gof = ok(categoricalChiSquare(input));
      const hom = ok(categoricalHomogeneity(input));
      const unseen = ok(unseenCategoryRate(input));
      expect([c.name, gof.degreesOfFreedom, hom.degreesOfFreedom, unseen.unseenCount]).toEqual([
        c.name,
        c.goodnessOfFit.degreesOfFreedom,
        c.homogeneity.degreesOfFreedom,
        c.unseenCount,
      ]);
      stats.push(
        [`${c.name} chisquare`, gof.statistic, c.goodnessOfFit.statistic],
        [`${c.name} chi2_contingency`, hom.statistic, c.homogeneity.statistic],
        [`${c.name} jensenshannon`, ok(categoricalJensenShannon(input)).distance, c.jensenShannon],
        [`${c.name} psi`, ok(categoricalPsi(input)).psi, c.psi],
        [`${c.name} unseen rate`, unseen.rate, c.unseenRate],
        [`${c.name} unseen rate (chi-square)`, gof.unseenRate, c.unseenRate],
      );
      pValues.push(
        [`${c.name} chisquare`, gof.pValue, c.goodnessOfFit.pValue],
        [`${c.name} chi2_contingency`, hom.pValue, c.homogeneity.pValue],
      );
    }
    expect(mismatches(stats, 'statistic')).toEqual([]);
    expect(mismatches(pValues, 'pValue')).toEqual([]);
  });
});
