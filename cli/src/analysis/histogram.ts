/**
 * What the HTML report draws per feature: numeric features over the PSI bins (the
 * reference's deciles, open tails closed at the data's min and max for drawing);
 * categorical features over their categories, the most frequent first, the long tail
 * pooled into one bar so a high-cardinality feature stays readable.
 */
import type { DriftOutcome, PsiResult } from '@ballast/stats';
import type { FeatureColumns } from './features';

/** Categories drawn one by one; the rest share one "(n others)" bar. */
export const MAX_CATEGORY_BARS = 20;

export type Histogram =
  | {
      readonly kind: 'bins';
      /** Interior edges (the PSI bins): bin i is [edges[i-1], edges[i]). */
      readonly edges: number[];
      /** Smallest and largest finite value of both windows: the ends of the tail bins. */
      readonly range: [number, number];
      readonly reference_counts: number[];
      readonly current_counts: number[];
    }
  | {
      readonly kind: 'categories';
      readonly labels: string[];
      readonly reference_counts: number[];
      readonly current_counts: number[];
    };

function extent(values: readonly number[]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

export function numericHistogram(
  feature: FeatureColumns,
  psi: DriftOutcome<PsiResult>,
): Histogram | undefined {
  if (psi.status !== 'ok') return undefined;
  const [refMin, refMax] = extent(feature.reference.numbers);
  const [curMin, curMax] = extent(feature.current.numbers);
  return {
    kind: 'bins',
    edges: psi.edges,
    range: [Math.min(refMin, curMin), Math.max(refMax, curMax)],
    reference_counts: psi.referenceCounts,
    current_counts: psi.currentCounts,
  };
}

export function categoricalHistogram(feature: FeatureColumns): Histogram | undefined {
  const reference = feature.reference.categories;
  const current = feature.current.categories;
  const labels = [...new Set([...Object.keys(reference), ...Object.keys(current)])];
  if (labels.length === 0) return undefined;
  const total = (label: string): number => (reference[label] ?? 0) + (current[label] ?? 0);
  labels.sort((a, b) => total(b) - total(a) || (a < b ? -1 : a > b ? 1 : 0));
  const shown = labels.slice(0, MAX_CATEGORY_BARS);
  const rest = labels.slice(MAX_CATEGORY_BARS);
  const sum = (window: Record<string, number>): number =>
    rest.reduce((acc, label) => acc + (window[label] ?? 0), 0);
  return {
    kind: 'categories',
    labels: rest.length > 0 ? [...shown, `(${rest.length} others)`] : shown,
    reference_counts: [
      ...shown.map((l) => reference[l] ?? 0),
      ...(rest.length > 0 ? [sum(reference)] : []),
    ],
    current_counts: [
      ...shown.map((l) => current[l] ?? 0),
      ...(rest.length > 0 ? [sum(current)] : []),
    ],
  };
}
