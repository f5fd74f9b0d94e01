/**
 * Floating-point helpers that C and NumPy have and JavaScript lacks, needed to
 * reproduce scipy's numbers rather than merely approximate them.
 */

/** x · 2^exponent without overflowing or underflowing in the power of two (C `ldexp`). */
export function ldexp(x: number, exponent: number): number {
  let result = x;
  let e = exponent;
  // 2^±1000 is representable; step so that neither factor leaves the double range.
  while (e > 1000) {
    result *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    result *= 2 ** -1000;
    e += 1000;
  }
  return result * 2 ** e;
}

/** Round half to even, like `numpy.round` (Math.round rounds halves up). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Clip to [0, 1], as scipy does with every probability it returns. */
export function clipProbability(p: number): number {
  return Math.min(Math.max(p, 0), 1);
}

const SPLITTER = 2 ** 27 + 1;

/**
 * The rounding error of a · b: a · b = product + error exactly (Dekker's
 * two-product). Lets floor(n · x) and its fractional part be taken exactly, which
 * matters where n · x lands within rounding of an integer.
 */
export function productError(a: number, b: number, product: number): number {
  const ta = SPLITTER * a;
  const aHi = ta - (ta - a);
  const aLo = a - aHi;
  const tb = SPLITTER * b;
  const bHi = tb - (tb - b);
  const bLo = b - bHi;
  return aHi * bHi - product + aHi * bLo + aLo * bHi + aLo * bLo;
}
