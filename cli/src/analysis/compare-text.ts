/** The terminal rendering of a drift comparison: one table row per feature, then notes. */
import type { CompareReport, FeatureReport } from './compare';
import type { MethodEntry } from './methods';
import { formatTable } from '../format/table';
import { formatNumber, formatPercent } from './numbers';

const STATUS_TEXT = { drift: 'DRIFT', no_drift: 'ok', insufficient_data: 'n/a' } as const;

/** The value a method's verdict is taken on, with how it is compared to the threshold. */
function decisive(entry: MethodEntry | undefined): [string, string] {
  if (entry === undefined || entry.verdict === 'insufficient_data') {
    return ['-', formatNumber(entry?.threshold ?? Number.NaN)];
  }
  const pValue = entry['p_value'];
  if (typeof pValue === 'number') {
    return [`p=${formatNumber(pValue)}`, `< ${formatNumber(entry.threshold)}`];
  }
  const value = entry['value'];
  return [
    typeof value === 'number' ? formatNumber(value) : '-',
    `> ${formatNumber(entry.threshold)}`,
  ];
}

const decisiveOf = (f: FeatureReport): [string, string] => decisive(f.methods[f.default_method]);

function table(features: readonly FeatureReport[]): string {
  return formatTable(features, [
    { header: 'FEATURE', value: (f) => f.name },
    { header: 'TYPE', value: (f) => f.type },
    { header: 'VALUES REF/CUR', value: (f) => `${f.reference.values}/${f.current.values}` },
    {
      header: 'MISSING REF/CUR',
      value: (f) =>
        `${formatPercent(f.reference.missing_rate)}/${formatPercent(f.current.missing_rate)}`,
    },
    { header: 'METHOD', value: (f) => f.default_method },
    { header: 'VALUE', value: (f) => decisiveOf(f)[0] },
    { header: 'DRIFT IF', value: (f) => decisiveOf(f)[1] },
    { header: 'STATUS', value: (f) => STATUS_TEXT[f.status] },
  ]);
}

function notes(report: CompareReport): string[] {
  const { summary } = report;
  const out: string[] = [];
  for (const f of report.features) {
    if (f.reason !== undefined) out.push(`${f.name}: not enough data (${f.reason})`);
    if (f.reference.non_finite + f.current.non_finite > 0) {
      out.push(
        `${f.name}: ±Infinity excluded, ${f.reference.non_finite} in reference, ${f.current.non_finite} in current`,
      );
    }
    const unseen = f.methods.unseen_rate?.['unseen_categories'];
    if (Array.isArray(unseen) && unseen.length > 0) {
      out.push(`${f.name}: categories not in the reference: ${unseen.slice(0, 10).join(', ')}`);
    }
  }
  if (summary.only_in_reference.length > 0) {
    out.push(`only in reference, not compared: ${summary.only_in_reference.join(', ')}`);
  }
  if (summary.only_in_current.length > 0) {
    out.push(`only in current, not compared: ${summary.only_in_current.join(', ')}`);
  }
  return out;
}

export function renderCompareText(report: CompareReport): string {
  const { summary } = report;
  const header = `reference ${summary.reference.file} (${summary.reference.rows} rows) vs current ${summary.current.file} (${summary.current.rows} rows)`;
  const verdict =
    summary.drifted === 0
      ? `no drift in ${summary.features_compared} feature(s)`
      : `drift in ${summary.drifted} of ${summary.features_compared} feature(s): ${summary.drifted_features.join(', ')}`;
  const lines = [
    header,
    '',
    table(report.features),
    verdict,
    ...notes(report).map((n) => `  ${n}`),
  ];
  return `${lines.join('\n')}\n`;
}
