/**
 * Lines up the category counts of two windows so the binned statistics can compare
 * them, and measures categories the reference never saw.
 *
 * Alignment: one bucket per reference category (key order), then, only if the
 * current window has values in categories that are not keys of the reference, one
 * pooled "unseen" bucket with reference count 0. Pooling keeps the statistics stable
 * when a high-cardinality feature sprouts many new values at once: each statistic
 * sees one new bucket whose size is the unseen rate. (Jensen–Shannon is unchanged by
 * the pooling; PSI and chi-square floor the bucket's reference proportion at ε.)
 */
import { checkedTotal, insufficient, type DriftOutcome } from './result.js';

/** Count per category label (e.g. a ClickHouse `GROUP BY value` turned into an object). */
export type CategoryCounts = Readonly<Record<string, number>>;

export interface AlignedCategories {
  /** Reference counts per bucket; the unseen bucket, if any, is last with count 0. */
  readonly reference: number[];
  /** Current counts per bucket. */
  readonly current: number[];
  /** Current values in categories absent from the reference. */
  readonly unseenCount: number;
  /** Those categories, in the current window's key order. */
  readonly unseenCategories: string[];
  readonly referenceTotal: number;
  readonly currentTotal: number;
}

/**
 * Aligns two windows' category counts. Insufficient data when either window's counts
 * sum to 0; throws DriftInputError for a negative or non-finite count.
 */
export function alignCategories(input: {
  readonly reference: CategoryCounts;
  readonly current: CategoryCounts;
}): DriftOutcome<AlignedCategories> {
  const referenceTotal = checkedTotal(Object.values(input.reference), 'reference');
  const currentTotal = checkedTotal(Object.values(input.current), 'current');
  if (referenceTotal === 0) return insufficient('the reference window has no values');
  if (currentTotal === 0) return insufficient('the current window has no values');
  const labels = Object.keys(input.reference);
  const reference = labels.map((label) => input.reference[label] as number);
  const current = labels.map((label) =>
    Object.hasOwn(input.current, label) ? (input.current[label] as number) : 0,
  );
  const unseenCategories = Object.keys(input.current).filter(
    (label) => !Object.hasOwn(input.reference, label) && (input.current[label] as number) > 0,
  );
  const unseenCount = unseenCategories.reduce(
    (sum, label) => sum + (input.current[label] as number),
    0,
  );
  if (unseenCount > 0) {
    reference.push(0);
    current.push(unseenCount);
  }
  return {
    status: 'ok',
    reference,
    current,
    unseenCount,
    unseenCategories,
    referenceTotal,
    currentTotal,
  };
}

/**
 * Share of the current window's values whose category never appeared in the
 * reference (a category listed in the reference with count 0 counts as seen).
 */
export function unseenCategoryRate(input: {
  readonly reference: CategoryCounts;
  readonly current: CategoryCounts;
}): DriftOutcome<{
  readonly rate: number;
  readonly unseenCount: number;
  readonly unseenCategories: string[];
}> {
  const aligned = alignCategories(input);
  if (aligned.status !== 'ok') return aligned;
  return {
    status: 'ok',
    rate: aligned.unseenCount / aligned.currentTotal,
    unseenCount: aligned.unseenCount,
    unseenCategories: aligned.unseenCategories,
  };
}
