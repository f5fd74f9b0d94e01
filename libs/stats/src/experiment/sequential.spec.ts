// The mSPRT's promise, checked by simulation: peeking after every batch keeps the
// false-positive rate at or below alpha (where the fixed-horizon test, peeked at
// the same way, does not), and a real effect stops the experiment early. A seeded
// PRNG makes the runs identical on every machine.
import { normalQuantile } from '../distributions/index.js';
import { compareMeans } from './means.js';
import {
  sequentialCompareMeans,
  sequentialCompareProportions,
  sequentialCompareRatios,
  sequentialRhoSquared,
} from './sequential.js';
import type { RatioStats } from './sufficient-stats.js';

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

describe('sequential ratio metrics', () => {
  it('with every denominator 1 is the means test (the delta method reduces to the sample variance)', () => {
    const arm = (n: number, sum: number, sumSquares: number): RatioStats => ({
      n,
      sumX: sum,
      sumX2: sumSquares,
      sumY: n,
      sumY2: n,
      sumXY: sum,
    });
    const ratio = sequentialCompareRatios({
      control: arm(4000, 4000 * 2.0, 4000 * 5.5),
      treatment: arm(4100, 4100 * 2.1, 4100 * 6.0),
      previousPValue: 0.5,
    });
    const means = sequentialCompareMeans({
      control: { n: 4000, sum: 4000 * 2.0, sumSquares: 4000 * 5.5 },
      treatment: { n: 4100, sum: 4100 * 2.1, sumSquares: 4100 * 6.0 },
      previousPValue: 0.5,
    });
    if (ratio.status !== 'ok' || means.status !== 'ok') throw new Error('not computed');
    expect(ratio.pValue).toBeCloseTo(means.pValue, 12);
    expect(ratio.absolute.lower).toBeCloseTo(means.absolute.lower, 12);
    expect(ratio.absolute.upper).toBeCloseTo(means.absolute.upper, 12);
  });

  it('on ratio data peeked at 20 times: no more false positives than alpha, and it stops under an effect (simulation)', () => {
    const random = mulberry32(4242);
    const normal = normals(random);
    /** Units with 1-4 orders (Y) of mean value `perOrder` each, sd 3 per order (X). */
    const addUnits = (arm: RatioStats, size: number, perOrder: number): RatioStats => {
      let { n, sumX, sumX2, sumY, sumY2, sumXY } = arm;
      for (let u = 0; u < size; u += 1) {
        const y = 1 + Math.floor(random() * 4);
        const x = perOrder * y + 3 * Math.sqrt(y) * normal();
        n += 1;
        sumX += x;
        sumX2 += x * x;
        sumY += y;
        sumY2 += y * y;
        sumXY += x * y;
      }
      return { n, sumX, sumX2, sumY, sumY2, sumXY };
    };
    const empty: RatioStats = { n: 0, sumX: 0, sumX2: 0, sumY: 0, sumY2: 0, sumXY: 0 };
    /** Share of 400 experiments (50 units per variant per look) that stop. */
    const stopRate = (effect: number): number => {
      let stopped = 0;
      for (let r = 0; r < 400; r += 1) {
        let [control, treatment] = [empty, empty];
        let previousPValue = 1;
        for (let look = 1; look <= 20; look += 1) {
          control = addUnits(control, 50, 10);
          treatment = addUnits(treatment, 50, 10 + effect);
          const result = sequentialCompareRatios({
            control,
            treatment,
            alpha: ALPHA,
            previousPValue,
          });
          if (result.status !== 'ok') throw new Error(result.reason);
          previousPValue = result.pValue;
          if (result.significant) {
            stopped += 1;
            break;
          }
        }
      }
      return stopped;
    };
    // Null: at most alpha plus 3 standard errors; an effect of +5% per order stops > 90%.
    expect(stopRate(0) / 400).toBeLessThanOrEqual(
      ALPHA + 3 * Math.sqrt((ALPHA * (1 - ALPHA)) / 400),
    );
    expect(stopRate(0.5) / 400).toBeGreaterThan(0.9);
  });
});
