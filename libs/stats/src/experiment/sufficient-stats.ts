/**
 * Per-variant sufficient statistics, and their reduction to what every comparison
 * needs: units, the metric's point estimate and its per-unit variance (so the
 * estimate's variance is variance / n). The analytics service aggregates these in
 * SQL; raw rows never reach this library.
 */
import {
  insufficient,
  requireCount,
  requireFinite,
  StatsInputError,
  type InsufficientExperimentData,
} from './errors.js';

/** A per-unit metric: units, Σy and Σy². */
export interface MeanStats {
  readonly n: number;
  readonly sum: number;
  readonly sumSquares: number;
}

/** A conversion metric: units and how many converted. */
export interface ProportionStats {
  readonly n: number;
  readonly successes: number;
}

/** A ratio metric ΣX / ΣY over units, with per-unit numerator X and denominator Y. */
export interface RatioStats {
  readonly n: number;
  readonly sumX: number;
  readonly sumY: number;
  readonly sumX2: number;
  readonly sumY2: number;
  readonly sumXY: number;
}

/** One variant reduced for a comparison. */
export interface ArmSummary {
  readonly n: number;
  /** Point estimate: the mean, the conversion rate or ΣX/ΣY. */
  readonly mean: number;
  /** Per-unit variance; the point estimate's variance is variance / n. */
  readonly variance: number;
}

/** A variant needs 2 units for a sample variance; every metric kind uses the same floor. */
const MIN_UNITS = 2;

/** Relative slack for Σy² − (Σy)²/n going negative by rounding alone. */
const ROUNDING_SLACK = 1e-9;

/**
 * Sample covariance (ddof = 1) from Σa, Σb and Σab. A variance (a = b) that comes out
 * negative by more than rounding means the sums are inconsistent.
 */
export function sampleCovariance(options: {
  readonly field: string;
  readonly n: number;
  readonly sumA: number;
  readonly sumB: number;
  readonly sumProducts: number;
  readonly isVariance?: boolean;
}): number {
  const { field, n, sumA, sumB, sumProducts, isVariance = false } = options;
  const centred = sumProducts - (sumA * sumB) / n;
  if (!isVariance) return centred / (n - 1);
  if (centred < -ROUNDING_SLACK * Math.abs(sumProducts)) {
    throw new StatsInputError(field, 'sum of squares is smaller than (sum)² / n');
  }
  return Math.max(centred, 0) / (n - 1);
}

function checkUnits(field: string, n: number): InsufficientExperimentData | undefined {
  requireCount(`${field}.n`, n);
  return n < MIN_UNITS
    ? insufficient(`${field} has ${n} unit(s); at least ${MIN_UNITS} are needed`)
    : undefined;
}

/** Mean and sample variance (ddof = 1) of a per-unit metric. */
export function summarizeMean(
  field: string,
  stats: MeanStats,
): ArmSummary | InsufficientExperimentData {
  requireFinite(`${field}.sum`, stats.sum);
  requireFinite(`${field}.sumSquares`, stats.sumSquares);
  const few = checkUnits(field, stats.n);
  if (few) return few;
  const variance = sampleCovariance({
    field: `${field}.sumSquares`,
    n: stats.n,
    sumA: stats.sum,
    sumB: stats.sum,
    sumProducts: stats.sumSquares,
    isVariance: true,
  });
  return { n: stats.n, mean: stats.sum / stats.n, variance };
}

/** Conversion rate p and the Bernoulli variance p(1 − p) (ddof = 0, as the Wald interval uses). */
export function summarizeProportion(
  field: string,
  stats: ProportionStats,
): ArmSummary | InsufficientExperimentData {
  requireCount(`${field}.successes`, stats.successes);
  const few = checkUnits(field, stats.n);
  if (few) return few;
  if (stats.successes > stats.n) throw new StatsInputError(`${field}.successes`, 'exceeds n');
  const p = stats.successes / stats.n;
  return { n: stats.n, mean: p, variance: p * (1 - p) };
}

/**
 * R = ΣX / ΣY and the delta-method per-unit variance of R:
 * (s²_X − 2R·s_XY + R²·s²_Y) / Ȳ², sample (co)variances with ddof = 1.
 */
export function summarizeRatio(
  field: string,
  stats: RatioStats,
): ArmSummary | InsufficientExperimentData {
  for (const key of ['sumX', 'sumY', 'sumX2', 'sumY2', 'sumXY'] as const) {
    requireFinite(`${field}.${key}`, stats[key]);
  }
  const few = checkUnits(field, stats.n);
  if (few) return few;
  if (stats.sumY === 0) return insufficient(`${field} has a denominator sum of 0`);
  const { n } = stats;
  const common = { n, isVariance: true };
  const varX = sampleCovariance({
    ...common,
    field: `${field}.sumX2`,
    sumA: stats.sumX,
    sumB: stats.sumX,
    sumProducts: stats.sumX2,
  });
  const varY = sampleCovariance({
    ...common,
    field: `${field}.sumY2`,
    sumA: stats.sumY,
    sumB: stats.sumY,
    sumProducts: stats.sumY2,
  });
  const covXY = sampleCovariance({
    field: `${field}.sumXY`,
    n,
    sumA: stats.sumX,
    sumB: stats.sumY,
    sumProducts: stats.sumXY,
  });
  const ratio = stats.sumX / stats.sumY;
  const meanY = stats.sumY / n;
  const variance = (varX - 2 * ratio * covXY + ratio * ratio * varY) / (meanY * meanY);
  return { n, mean: ratio, variance: Math.max(variance, 0) };
}
