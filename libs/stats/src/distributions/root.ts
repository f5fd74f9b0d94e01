/**
 * Brent's root finder (Brent 1973, as in scipy's brentq): inverse quadratic
 * interpolation with a bisection fallback, so it always converges on a bracket.
 * Used to invert CDFs and power curves that have no closed-form inverse.
 */
import { DistributionInputError } from './errors.js';

export interface RootOptions {
  /** Continuous function with opposite signs (or a zero) at lower and upper. */
  readonly f: (x: number) => number;
  readonly lower: number;
  readonly upper: number;
  /** Absolute tolerance on x; a relative 2·eps·|x| is always added. */
  readonly tolerance?: number;
  readonly maxIterations?: number;
}

/** A root of `f` in [lower, upper]. Throws if the bracket does not change sign. */
export function findRoot(options: RootOptions): number {
  const { f, tolerance = 0, maxIterations = 200 } = options;
  let a = options.lower;
  let b = options.upper;
  let fa = f(a);
  let fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  if (Math.sign(fa) === Math.sign(fb)) {
    throw new DistributionInputError('bracket', a, `f to change sign between ${a} and ${b}`);
  }
  let c = a;
  let fc = fa;
  let d = b - a;
  let e = d;
  for (let i = 0; i < maxIterations; i += 1) {
    if (Math.sign(fb) === Math.sign(fc)) {
      c = a;
      fc = fa;
      d = b - a;
      e = d;
    }
    if (Math.abs(fc) < Math.abs(fb)) {
      [a, b, c] = [b, c, b];
      [fa, fb, fc] = [fb, fc, fb];
    }
    const tol = 2 * Number.EPSILON * Math.abs(b) + 0.5 * tolerance;
    const m = 0.5 * (c - b);
    if (Math.abs(m) <= tol || fb === 0) return b;
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      // Secant when only two points differ, inverse quadratic interpolation otherwise.
      const s = fb / fa;
      let p: number;
      let q: number;
      if (a === c) {
        p = 2 * m * s;
        q = 1 - s;
      } else {
        const qa = fa / fc;
        const r = fb / fc;
        p = s * (2 * m * qa * (qa - r) - (b - a) * (r - 1));
        q = (qa - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q;
      else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) {
        e = d;
        d = p / q;
      } else {
        d = m;
        e = m;
      }
    } else {
      d = m;
      e = m;
    }
    a = b;
    fa = fb;
    b += Math.abs(d) > tol ? d : m > 0 ? tol : -tol;
    fb = f(b);
  }
  return b;
}
