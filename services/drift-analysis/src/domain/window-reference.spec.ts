import { binCounts } from '@ballast/stats';
import { numericStats, spread } from '../../test/domain-fixtures';
import { buildReferences, profileReferences, type NumericReference } from './reference';
import {
  DECILE_LEVELS,
  REFERENCE_SAMPLE_SIZE,
  ReferenceWindowError,
  SAMPLE_LEVELS,
  referenceBins,
  windowProfile,
  type WindowQuantiles,
} from './window-reference';

const window = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-02T00:00:00Z') };

/** Type-7 quantile of an ascending sample, as ClickHouse's reservoir gives it when it holds every value. */
function quantile(sorted: readonly number[], p: number): number {
  const i = (sorted.length - 1) * p;
  const lo = Math.floor(i);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (i - lo);
}

/** What the first pass returns for these raw values. */
function firstPass(name: string, values: number[]): WindowQuantiles {
  const finite = values.filter(Number.isFinite);
  const sorted = [...finite].sort((a, b) => a - b);
  return {
    name,
    finite: finite.length,
    min: sorted[0] ?? 0,
    max: sorted.at(-1) ?? 0,
    deciles: DECILE_LEVELS.map((p) => quantile(sorted, p)),
    quantiles: SAMPLE_LEVELS.map((p) => quantile(sorted, p)),
    values: finite.slice(0, REFERENCE_SAMPLE_SIZE),
  };
}

/** Both passes over the raw values, then the references, as the service builds them. */
function reference(values: number[], minRows = 1): NumericReference {
  const q = firstPass('x', values);
  const stats = numericStats(referenceBins(q, window), values, { withValues: false });
  const profile = windowProfile({
    window,
    minRows,
    numeric: [{ quantiles: q, stats }],
    categorical: new Map(),
  });
  return buildReferences(profile, [{ name: 'x', type: 'numeric' }])[0] as NumericReference;
}

describe('a reference window', () => {
  it('bins the whole window over its deciles, with its missing rate, range and sd', () => {
    const values = [...spread(3000, 5), NaN, NaN, NaN, Infinity];
    const finite = values.filter(Number.isFinite);
    const ref = reference(values);
    const sorted = [...finite].sort((a, b) => a - b);
    expect(ref.coarseEdges).toEqual(DECILE_LEVELS.map((p) => quantile(sorted, p)));
    expect(ref.coarseCounts).toEqual(binCounts({ values: finite, edges: ref.coarseEdges }).counts);
    expect(ref.missingRate).toBe(3 / values.length);
    expect([ref.min, ref.max]).toEqual([sorted[0], sorted.at(-1)]);
    const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
    const sd = Math.sqrt(finite.reduce((a, v) => a + (v - mean) ** 2, 0) / (finite.length - 1));
    expect(ref.std).toBeCloseTo(sd, 12);
    // A large window: its quantiles stand in for the sample; every coarse edge is a fine one.
    expect(ref.sample).toHaveLength(REFERENCE_SAMPLE_SIZE);
    expect(ref.coarseEdges.every((e) => ref.fineEdges.includes(e))).toBe(true);
  });

  it('takes every value of a small window as its sample, and merges repeated deciles', () => {
    const values = [1, 1, 1, 1, 1, 1, 1, 1, 2, 3];
    const ref = reference(values);
    expect([...ref.sample].sort()).toEqual(values);
    // Deciles 0.1 .. 0.7 are all 1.
    expect(ref.coarseEdges).toEqual([1, quantile(values, 0.8), quantile(values, 0.9)]);
    expect(ref.coarseCounts).toEqual([0, 8, 1, 1]);
  });

  it('is an error when empty, too small, or without a finite value of a feature', () => {
    const empty = () => windowProfile({ window, minRows: 1, numeric: [], categorical: new Map() });
    expect(empty).toThrow(ReferenceWindowError);
    expect(empty).toThrow(
      'the reference window 2026-11-01T00:00:00.000Z .. 2026-11-02T00:00:00.000Z has no events',
    );
    expect(() => reference(spread(20), 30)).toThrow(
      'has 20 events, fewer than the minimum sample size 30',
    );
    expect(() => referenceBins(firstPass('x', [NaN, NaN]), window)).toThrow(
      'has no finite value of x',
    );
  });

  it('keeps the category counts as frequencies', () => {
    const profile = windowProfile({
      window,
      minRows: 1,
      numeric: [],
      categorical: new Map([
        ['city', { type: 'categorical', rows: 10, missing: 2, counts: { a: 5, b: 3 } }],
      ]),
    });
    expect(buildReferences(profile, [{ name: 'city', type: 'categorical' }])).toEqual([
      { type: 'categorical', name: 'city', missingRate: 0.2, frequencies: { a: 5, b: 3 } },
    ]);
  });

  it('profiles output scores and outcome metrics under predictions and targets, each with enough values', () => {
    const part = (name: string, values: number[]) => {
      const q = firstPass(name, values);
      return {
        quantiles: q,
        stats: numericStats(referenceBins(q, window), values, { withValues: false }),
      };
    };
    const profile = windowProfile({
      window,
      minRows: 30,
      numeric: [
        part('x', spread(40)),
        part('output:probabilities', spread(40, 1)),
        part('target:label', [...new Array<number>(20).fill(0), ...new Array<number>(20).fill(1)]),
        part('target:revenue', spread(29, 100)),
      ],
      categorical: new Map(),
    });
    expect(profile.rows).toBe(40);
    expect(Object.keys(profile.features)).toEqual(['x']);
    expect(Object.keys(profile.predictions)).toEqual(['probabilities']);
    // revenue has 29 values, fewer than minRows: left out rather than a noisy reference.
    expect(Object.keys(profile.targets)).toEqual(['label']);
    expect(profile.targets['label']).toMatchObject({
      count: 40,
      mean: 0.5,
      bins: { edges: [0, 0.5, 1], counts: [0, 20, 0, 20] },
    });
    expect(profileReferences(profile, [{ name: 'x', type: 'numeric' }]).map((r) => r.name)).toEqual(
      ['x', 'output:probabilities', 'target:label'],
    );
  });
});
