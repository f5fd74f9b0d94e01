import { sampleRatioMismatch } from '@ballast/stats';
import { assign, fnv1a32, hashV2, pickVariant } from './assignment';

describe('hashV2', () => {
  // GrowthBook's published SDK test cases, "hash" section, hash version 2 entries
  // ([seed, value, version, expected]): growthbook/growthbook
  // packages/sdk-js/test/cases.json (specVersion 0.5.4, commit 021bf498f75c8491c156184ca1b3a1fbafa1d64e).
  it.each([
    ['seed', 'a', 0.0505],
    ['seed', 'b', 0.2696],
    ['foo', 'ab', 0.2575],
    ['foo', 'def', 0.2019],
    ['89123klj', '8952klfjas09ujkasdf', 0.124],
    ['90850943850283058242805', '123', 0.7516],
    ['()**(%$##$%#$#', '___)((*":&', 0.0128],
  ])('salt %j, unit %j → %d (GrowthBook cases.json)', (salt, unit, expected) => {
    expect(hashV2(salt, unit)).toBe(expected);
  });

  it('hashes UTF-16 code units, as JavaScript strings hold them', () => {
    // FNV-1a 32 of "a" is the published 0xe40c292c; a non-BMP character is two code units.
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('😀')).toBe(fnv1a32('\ud83d\ude00'));
    expect(fnv1a32('')).toBe(0x811c9dc5);
  });
});

describe('pickVariant', () => {
  it('lays the ranges out cumulatively in order: [0, w0), [w0, w0 + w1), ...', () => {
    const weights = [0.2, 0.3, 0.5];
    expect(pickVariant(0, weights)).toBe(0);
    expect(pickVariant(0.1999, weights)).toBe(0);
    expect(pickVariant(0.2, weights)).toBe(1);
    expect(pickVariant(0.4999, weights)).toBe(1);
    expect(pickVariant(0.5, weights)).toBe(2);
    expect(pickVariant(0.9999, weights)).toBe(2);
  });

  it('never picks a variant of weight 0, and gives a rounding shortfall to the last one', () => {
    expect(pickVariant(0, [0, 1])).toBe(1);
    expect(pickVariant(0.9999, [0.3333, 0.3333, 0.3333])).toBe(2);
    expect(pickVariant(0.5, [1, 0])).toBe(0);
    expect(pickVariant(0.9999, [1, 0])).toBe(0);
  });
});

describe('assign', () => {
  const units = Array.from({ length: 20_000 }, (_, i) => `user-${i}`);

  it('splits 20,000 units 90/10 as configured (chi-square p > 0.001)', () => {
    const counts = [0, 0];
    for (const unit of units) counts[assign('canary-salt', unit, [0.9, 0.1])]! += 1;
    const result = sampleRatioMismatch({ observed: counts, weights: [0.9, 0.1] });
    expect(result.status).toBe('ok');
    if (result.status !== 'ok') return;
    expect(result.pValue).toBeGreaterThan(0.001);
    // And not by accident: a 85/15 split of the same units is detected.
    const wrong = sampleRatioMismatch({ observed: counts, weights: [0.85, 0.15] });
    expect(wrong.status === 'ok' && wrong.pValue).toBeLessThan(0.001);
  });

  it('gives a unit the same variant every time, and another salt reshuffles units', () => {
    const weights = [0.5, 0.5];
    const first = units.map((u) => assign('s1', u, weights));
    expect(units.map((u) => assign('s1', u, weights))).toEqual(first);
    const other = units.map((u) => assign('s2', u, weights));
    const moved = other.filter((v, i) => v !== first[i]).length;
    // Independent salts: about half the units change arm.
    expect(moved / units.length).toBeGreaterThan(0.45);
    expect(moved / units.length).toBeLessThan(0.55);
  });
});
