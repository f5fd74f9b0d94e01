/** Number formats for the analysis commands' terminal and HTML output. */

/** A statistic in 4 significant digits, tiny values in exponent form. */
export function formatNumber(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  if (Math.abs(value) < 1e-3) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

/** A share as a percentage with one decimal. */
export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** An integer with thousands separators (3,623). */
export function formatCount(value: number): string {
  return value.toLocaleString('en-US');
}
