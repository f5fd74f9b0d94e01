/**
 * The one error the distribution functions throw. A distribution called outside its
 * domain (df <= 0, a probability outside [0, 1], NaN) is a caller's bug, so it throws
 * rather than returning NaN that would travel silently into a p-value.
 */

/** An argument outside a distribution function's domain; says which and its value. */
export class DistributionInputError extends RangeError {
  override readonly name = 'DistributionInputError';

  constructor(
    readonly parameter: string,
    readonly value: number,
    readonly expected: string,
  ) {
    super(`${parameter} = ${value}: expected ${expected}`);
  }
}

/** Throws unless `value` is a number (not NaN). */
export function requireNumber(parameter: string, value: number): void {
  if (Number.isNaN(value)) throw new DistributionInputError(parameter, value, 'a number');
}

/** Throws unless `value` > 0 (Infinity allowed where the caller says so). */
export function requirePositive(parameter: string, value: number, allowInfinity = false): void {
  if (!(value > 0) || (!allowInfinity && value === Infinity)) {
    const expected = allowInfinity ? '> 0' : 'finite and > 0';
    throw new DistributionInputError(parameter, value, expected);
  }
}

/** Throws unless 0 <= `value` <= 1. */
export function requireProbability(parameter: string, value: number): void {
  if (!(value >= 0 && value <= 1)) {
    throw new DistributionInputError(parameter, value, 'a probability in [0, 1]');
  }
}
