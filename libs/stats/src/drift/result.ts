/**
 * Result shapes and input rules shared by every drift statistic.
 *
 * Two kinds of bad input are told apart on purpose:
 * - data that cannot support a statistic (an empty window, only NaN values, a zero
 *   total) is a normal state of a monitored feature, so it comes back as a value,
 *   `{ status: 'insufficient_data', reason }`, that the caller must branch on;
 * - a call that breaks the contract (count vectors of different lengths, negative
 *   counts, unsorted edges, bad options) is a bug in the caller and throws
 *   {@link DriftInputError}.
 * No result ever holds NaN.
 */

/** Values dropped because they were NaN or ±Infinity, per window. */
export interface NonFiniteCounts {
  readonly reference: number;
  readonly current: number;
}

/** The statistic cannot be computed from this data; `reason` says why. */
export interface InsufficientData {
  readonly status: 'insufficient_data';
  readonly reason: string;
}

/** A statistic's fields with `status: 'ok'`, or {@link InsufficientData}. */
export type DriftOutcome<T> = ({ readonly status: 'ok' } & T) | InsufficientData;

/** An {@link DriftOutcome} over raw samples: always reports the values it dropped. */
export type SampleDriftOutcome<T> = DriftOutcome<T> & { readonly nonFinite: NonFiniteCounts };

/** Thrown for a call that breaks the documented contract (never for data content). */
export class DriftInputError extends RangeError {
  override readonly name = 'DriftInputError';
}

export function insufficient(reason: string): InsufficientData {
  return { status: 'insufficient_data', reason };
}

/** The finite values of `values` and how many were dropped. */
export function finiteOnly(values: readonly number[]): { values: number[]; nonFinite: number } {
  const finite = values.filter((v) => Number.isFinite(v));
  return { values: finite, nonFinite: values.length - finite.length };
}

/** Finite values sorted ascending: what the sample-based statistics work on. */
export interface SortedSamples {
  readonly reference: Float64Array;
  readonly current: Float64Array;
  readonly nonFinite: NonFiniteCounts;
}

/**
 * Drops non-finite values from both windows and sorts them; says which window is
 * empty afterwards, if any.
 */
export function sortedSamples(input: {
  readonly reference: readonly number[];
  readonly current: readonly number[];
}): { samples: SortedSamples; emptyReason?: string } {
  const ref = finiteOnly(input.reference);
  const cur = finiteOnly(input.current);
  const samples: SortedSamples = {
    reference: Float64Array.from(ref.values).sort(),
    current: Float64Array.from(cur.values).sort(),
    nonFinite: { reference: ref.nonFinite, current: cur.nonFinite },
  };
  if (samples.reference.length === 0) {
    return { samples, emptyReason: 'the reference window has no finite values' };
  }
  if (samples.current.length === 0) {
    return { samples, emptyReason: 'the current window has no finite values' };
  }
  return { samples };
}

/**
 * Checks a histogram's counts (finite, non-negative; not necessarily integers, so
 * weighted counts work) and returns their total.
 */
export function checkedTotal(counts: readonly number[], name: string): number {
  let total = 0;
  for (const c of counts) {
    if (!Number.isFinite(c) || c < 0) {
      throw new DriftInputError(`${name}: counts must be finite and >= 0, got ${c}`);
    }
    total += c;
  }
  return total;
}

/** Checks two count vectors over the same bins; reports an empty one as insufficient. */
export function checkedPair(input: {
  readonly reference: readonly number[];
  readonly current: readonly number[];
}): { referenceTotal: number; currentTotal: number } | InsufficientData {
  if (input.reference.length !== input.current.length || input.reference.length === 0) {
    throw new DriftInputError(
      `reference and current need the same number (>= 1) of bins, got ${input.reference.length} and ${input.current.length}`,
    );
  }
  const referenceTotal = checkedTotal(input.reference, 'reference');
  const currentTotal = checkedTotal(input.current, 'current');
  if (referenceTotal === 0) return insufficient('the reference counts sum to 0');
  if (currentTotal === 0) return insufficient('the current counts sum to 0');
  return { referenceTotal, currentTotal };
}
