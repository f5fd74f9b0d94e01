// The mSPRT's promise, checked by simulation: peeking after every batch keeps the
// false-positive rate at or below alpha (where the fixed-horizon test, peeked at
// the same way, does not), and a real effect stops the experiment early. A seeded
// PRNG makes the runs identical on every machine.
import { normalQuantile } from '../distributions/index.js';
import { compareMeans } from './means.js';
import {
  sequentialCompareMeans,
  sequentialCompareProportions,
  sequentialRhoSquared,
} from './sequential.js';

/** mulberry32: a tiny, fast 32-bit PRNG; deterministic for a seed. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviates by Box–Muller. */
function normals(random: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - random()));
    const angle = 2 * Math.PI * random();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

/** Gamma(shape, 1) deviates, shape >= 1 (Marsaglia & Tsang 2000, exact rejection sampler). */
function gamma(shape: number, random: () => number, normal: () => number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal();
    const v = (1 + c * x) ** 3;
    if (v > 0 && Math.log(random()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

interface Arm {
  n: number;
  sum: number;
  sumSquares: number;
}

/**
 * Adds `size` units drawn from N(mean, 1). Only the batch's sufficient statistics are
 * drawn, from their exact joint law: Σy ~ N(size·mean, size) and, independently,
 * Σy² − (Σy)²/size ~ χ²(size − 1). Same data distribution as unit by unit, at a
 * fraction of the cost, so 2,000 experiments × 50 looks fit the time budget.
 */
function addBatch(arm: Arm, size: number, mean: number, random: () => number): void {
  const normal = normals(random);
  const sum = size * mean + Math.sqrt(size) * normal();
  const chiSquare = 2 * gamma((size - 1) / 2, random, normal);
  arm.sum += sum;
  arm.sumSquares += (sum * sum) / size + chiSquare;
  arm.n += size;
}

const ALPHA = 0.05;
const LOOKS = 50;
const BATCH = 100; // units per variant between looks: 10,000 units in all at the last look

interface RunOutcome {
  /** Look at which the sequential test first had p < alpha, or null. */
  sequentialStop: number | null;
  /** Whether the fixed-horizon test had p < alpha at any look. */
  naiveRejected: boolean;
}

/** The fixed-horizon two-sided z-test's critical value (n >= 100 per variant: z ≈ Welch's t). */
const Z_CRITICAL = -normalQuantile(ALPHA / 2);

function fixedHorizonRejects(control: Arm, treatment: Arm): boolean {
  const variance = (arm: Arm): number =>
    (arm.sumSquares - (arm.sum * arm.sum) / arm.n) / (arm.n - 1);
  const difference = treatment.sum / treatment.n - control.sum / control.n;
  const se = Math.sqrt(variance(control) / control.n + variance(treatment) / treatment.n);
  return Math.abs(difference / se) > Z_CRITICAL;
}

function runExperiment(effect: number, random: () => number, withNaive: boolean): RunOutcome {
  const control: Arm = { n: 0, sum: 0, sumSquares: 0 };
  const treatment: Arm = { n: 0, sum: 0, sumSquares: 0 };
  let previousPValue = 1;
  let sequentialStop: number | null = null;
  let naiveRejected = false;
  for (let look = 1; look <= LOOKS; look += 1) {
    addBatch(control, BATCH, 0, random);
    addBatch(treatment, BATCH, effect, random);
    const result = sequentialCompareMeans({ control, treatment, alpha: ALPHA, previousPValue });
    if (result.status !== 'ok') throw new Error(result.reason);
    previousPValue = result.pValue;
    if (sequentialStop === null && result.significant) sequentialStop = look;
    if (withNaive && !naiveRejected) naiveRejected = fixedHorizonRejects(control, treatment);
    if (sequentialStop !== null && (!withNaive || naiveRejected)) break;
  }
  return { sequentialStop, naiveRejected };
}

describe('mSPRT under continuous peeking (simulation)', () => {
  it('keeps the false-positive rate <= alpha with no effect; peeking at a t-test does not', () => {
    const random = mulberry32(20240611);
    const runs = 2000;
    let sequentialFalse = 0;
    let naiveFalse = 0;
    for (let r = 0; r < runs; r += 1) {
      const outcome = runExperiment(0, random, true);
      if (outcome.sequentialStop !== null) sequentialFalse += 1;
      if (outcome.naiveRejected) naiveFalse += 1;
    }
    const rate = sequentialFalse / runs;
    const standardError = Math.sqrt((ALPHA * (1 - ALPHA)) / runs);
    // With this seed: sequential 0.019 (38 of 2,000), t-test peeked at 50 times 0.315.
    expect(rate).toBeLessThanOrEqual(ALPHA + 3 * standardError);
    expect(naiveFalse / runs).toBeGreaterThan(0.15);
  });

  it('stops early in most runs under a real effect', () => {
    const random = mulberry32(7);
    const runs = 500;
    const stops: number[] = [];
    for (let r = 0; r < runs; r += 1) {
      const { sequentialStop } = runExperiment(0.1, random, false);
      if (sequentialStop !== null) stops.push(sequentialStop);
    }
    const early = stops.filter((look) => look < LOOKS).length / runs;
    stops.sort((a, b) => a - b);
    // With this seed: 0.982 stop before the last look, median stop at look 17 of 50.
    expect(early).toBeGreaterThan(0.9);
    expect(stops[Math.floor(stops.length / 2)]).toBeLessThan(LOOKS / 2);
  });
});

describe('sequential comparison', () => {
  it('uses GrowthBook’s rho: (−2 ln α + ln(−2 ln α + 1)) / N*', () => {
    const l = -2 * Math.log(0.05);
    expect(sequentialRhoSquared(0.05, 5000)).toBeCloseTo((l + Math.log(l + 1)) / 5000, 15);
  });

  it('is wider than the fixed-horizon interval and keeps the running minimum p-value', () => {
    const control = { n: 5000, sum: 5000, sumSquares: 10100 };
    const treatment = { n: 5000, sum: 5200, sumSquares: 10500 };
    const fixed = compareMeans({ control, treatment });
    const sequential = sequentialCompareMeans({ control, treatment });
    if (fixed.status !== 'ok' || sequential.status !== 'ok') throw new Error('unexpected');
    expect(sequential.absolute.upper - sequential.absolute.lower).toBeGreaterThan(
      fixed.absolute.upper - fixed.absolute.lower,
    );
    expect(sequential.pValue).toBeGreaterThan(fixed.pValue);
    const withHistory = sequentialCompareMeans({ control, treatment, previousPValue: 0.001 });
    expect(withHistory.status === 'ok' && withHistory.pValue).toBe(0.001);
  });

  it('handles proportions through their normal approximation', () => {
    const result = sequentialCompareProportions({
      control: { n: 10000, successes: 1000 },
      treatment: { n: 10000, successes: 1150 },
    });
    expect(result).toMatchObject({ status: 'ok', significant: true });
  });
});
