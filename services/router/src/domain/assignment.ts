/**
 * Deterministic assignment of experiment units to variants: GrowthBook's hash
 * version 2, so an analyst (or another GrowthBook SDK) recomputes the same variant
 * from the salt, the unit id and the weights alone.
 *
 * Recomputing a unit's variant (pseudo-code):
 *
 *     fnv1a32(s):                      # s as UTF-16 code units (JavaScript's charCodeAt)
 *       h = 0x811c9dc5
 *       for each code unit c of s:
 *         h = ((h XOR c) * 16777619) mod 2^32
 *       return h
 *     bucket = (fnv1a32(decimal_string(fnv1a32(salt + unit_id))) mod 10000) / 10000
 *     # ranges laid out cumulatively from the weights, in order:
 *     #   variant 0: [0, w0), variant 1: [w0, w0 + w1), ...
 *     variant = the first i with bucket < w0 + ... + wi  (the last one if rounding leaves none)
 *
 * In Python (matches the committed test vectors):
 *
 *     def fnv(s):
 *         h = 0x811c9dc5
 *         b = s.encode('utf-16-le')
 *         for i in range(0, len(b), 2):
 *             h = ((h ^ (b[i] | b[i + 1] << 8)) * 16777619) & 0xffffffff
 *         return h
 *     bucket = fnv(str(fnv(salt + unit_id))) % 10000 / 10000
 *
 * For ASCII unit ids the code units are the bytes. ClickHouse 18.16 cannot express
 * this: FNV-1a is a fold over the characters and 18.16 has neither a FNV function nor
 * `arrayFold` (added in 23.x), so recompute it in Python or any SDK; the router writes
 * the variant it chose into every prediction event (`variant`), which is what the
 * analyses read.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 16777619;
/** Buckets per unit interval: a weight's resolution is 1/10000. */
const BUCKETS = 10_000;

/** FNV-1a, 32 bits, over the UTF-16 code units of `text`. */
export function fnv1a32(text: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME) >>> 0;
  }
  return hash;
}

/** GrowthBook hash v2: the unit's bucket in [0, 1), a multiple of 1/10000. */
export function hashV2(salt: string, unitId: string): number {
  return (fnv1a32(String(fnv1a32(salt + unitId))) % BUCKETS) / BUCKETS;
}

/**
 * The index of the range `bucket` falls in, the ranges laid out cumulatively from
 * `weights` in order. Weights are expected to sum to 1; when rounding leaves the
 * sum just under 1, the last variant with a weight takes the remainder.
 */
export function pickVariant(bucket: number, weights: readonly number[]): number {
  let upper = 0;
  let last = 0;
  for (let i = 0; i < weights.length; i++) {
    const weight = weights[i] as number;
    if (weight <= 0) continue;
    upper += weight;
    last = i;
    if (bucket < upper) return i;
  }
  return last;
}

/** The variant index of `unitId` under `salt` and `weights`. */
export function assign(salt: string, unitId: string, weights: readonly number[]): number {
  return pickVariant(hashV2(salt, unitId), weights);
}
