/**
 * How experiment statistics report bad input. One rule, two cases:
 * - the data cannot support the statistic yet (a variant with fewer than 2 units, no
 *   variance, a zero control mean for a relative lift): a normal state early in an
 *   experiment, so it is a value, {@link InsufficientExperimentData}, to branch on;
 * - the call breaks the contract (alpha or power outside (0, 1), weights not summing
 *   to 1, a baseline outside (0, 1), MDE <= 0, negative or fractional counts, NaN):
 *   a caller's bug, so it throws {@link StatsInputError}.
 * No result ever holds NaN.
 */

/** A broken input contract: which field, and why it is rejected. */
export class StatsInputError extends RangeError {
  override readonly name = 'StatsInputError';

  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field}: ${reason}`);
  }
}

/** The data cannot support the statistic (yet); `reason` says why. */
export interface InsufficientExperimentData {
  readonly status: 'insufficient_data';
  readonly reason: string;
}

export function insufficient(reason: string): InsufficientExperimentData {
  return { status: 'insufficient_data', reason };
}

export function requireFinite(field: string, value: number): void {
  if (!Number.isFinite(value)) throw new StatsInputError(field, `must be finite, got ${value}`);
}

export function requirePositive(field: string, value: number): void {
  requireFinite(field, value);
  if (!(value > 0)) throw new StatsInputError(field, `must be > 0, got ${value}`);
}

/** A count of units or events: a finite integer >= 0. */
export function requireCount(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) {
    throw new StatsInputError(field, `must be an integer >= 0, got ${value}`);
  }
}

/** Strictly between 0 and 1 (alpha, power, a baseline rate, a traffic share below 1). */
export function requireOpenUnit(field: string, value: number): void {
  if (!(value > 0 && value < 1)) {
    throw new StatsInputError(field, `must be in (0, 1), got ${value}`);
  }
}

/** An integer >= `min` (number of variants, looks). */
export function requireIntegerAtLeast(field: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new StatsInputError(field, `must be an integer >= ${min}, got ${value}`);
  }
}
