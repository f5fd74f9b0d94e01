import { seededRandom } from '@ballast/testing';
import { binLookup } from './bin-lookup';

/** What the SQL of binExpression / histogramQuery computes, in Node. */
function lookupBin(l: ReturnType<typeof binLookup>, v: number): number {
  const c = Math.min(Math.max(Math.floor((v - l.lo) * l.scale), -1), l.cells);
  const first = l.before[c + 1] as number;
  let bin = first;
  for (let t = 1; t <= l.width; t += 1) bin += v >= (l.edges[first + t - 1] ?? Infinity) ? 1 : 0;
  return bin;
}

describe('binLookup', () => {
  it('gives the number of edges at or below a value, on skewed edges and at the edges themselves', () => {
    const rand = seededRandom(3);
    const sample = Array.from({ length: 2000 }, () => Math.exp(4 * rand()));
    const edges = [...new Set(sample.slice(0, 100))].sort((a, b) => a - b);
    const l = binLookup(edges, 64);
    const probes = [...edges, ...edges.map((e) => e - 1e-12), ...sample, -1e300, 1e300, 0];
    for (const v of probes) {
      expect(lookupBin(l, v)).toBe(edges.filter((e) => e <= v).length);
    }
  });

  it('handles a single edge and no edges', () => {
    expect([0.5, 1, 2].map((v) => lookupBin(binLookup([1]), v))).toEqual([0, 1, 1]);
    expect(lookupBin(binLookup([]), 3)).toBe(0);
  });
});
