/** `ballast experiment report` in the terminal: SRM first, then each metric by variant, then the decision. */
import type {
  ExperimentReport,
  GetExperimentReportResponse,
  Interval,
  MetricResult,
  VariantResult,
} from '@ballast/contracts';
import { formatNumber, formatPercent } from '../analysis/numbers';
import { formatTable } from '../format/table';
import { formatTime } from '../format/time';

const num = (x: number | undefined): string => (x === undefined ? '' : formatNumber(x));

function range(i: Interval | undefined, format: (x: number) => string): string {
  return i ? `${format(i.estimate)} [${format(i.lower)}, ${format(i.upper)}]` : '';
}

function srmLine(r: ExperimentReport): string {
  const units = r.variants.map((v) => `${v.name} ${v.units} (weight ${v.weight})`).join(', ');
  const srm = r.srm;
  const verdict =
    srm?.status !== 'ok'
      ? `insufficient data: ${srm?.reason ?? ''}`
      : `p = ${num(srm.pValue)}${srm.mismatch ? ' MISMATCH: the split is broken' : ' (no mismatch)'}`;
  const several =
    r.unitsInSeveralVariants > 0n
      ? `; ${r.unitsInSeveralVariants} units in several variants left out`
      : '';
  return `Sample ratio: ${verdict}\nUnits: ${units}${several}\n`;
}

interface Row {
  variant: VariantResult;
}

function metricBlock(m: MetricResult): string {
  const title = `${m.metric} (${m.kind}, goal ${m.goal}${m.guardrail ? ', guardrail' : ''})`;
  const table = formatTable<Row>(
    m.variants.map((variant) => ({ variant })),
    [
      { header: 'VARIANT', value: ({ variant: v }) => v.variant },
      { header: 'N', value: ({ variant: v }) => v.n },
      { header: 'MEAN', value: ({ variant: v }) => num(v.mean), align: 'right' },
      {
        header: 'LIFT [CI]',
        value: ({ variant: v }) => range(v.comparison?.absolute, formatNumber),
      },
      {
        header: 'RELATIVE [CI]',
        value: ({ variant: v }) => range(v.comparison?.relative, formatPercent),
      },
      { header: 'P', value: ({ variant: v }) => num(v.comparison?.pValue), align: 'right' },
      {
        header: 'ADJ P',
        value: ({ variant: v }) => num(v.comparison?.adjustedPValue),
        align: 'right',
      },
      {
        header: 'SEQ P [CI]',
        value: ({ variant: v }) =>
          v.comparison?.sequentialPValue === undefined
            ? ''
            : `${num(v.comparison.sequentialPValue)} ${range(v.comparison.sequentialAbsolute, formatNumber)}`,
      },
      {
        header: 'VERDICT',
        value: ({ variant: v }) =>
          v.comparison === undefined
            ? 'control'
            : v.comparison.status === 'ok'
              ? v.comparison.verdict
              : `insufficient data: ${v.comparison.reason}`,
      },
    ],
  );
  return `\n${title}\n${table}`;
}

export function reportText(response: GetExperimentReportResponse): string {
  const r = response.report;
  if (!r) return 'no report\n';
  const header = `Experiment ${r.experimentId} (model ${r.model}), analysed ${formatTime(r.computedTime)}${r.final ? ', final' : ', not final'}\n`;
  const violations = r.guardrails.filter((g) => g.violated);
  const guardrails =
    violations.length === 0
      ? `\nGuardrails: ${r.guardrails.length === 0 ? 'none configured' : 'all respected'}\n`
      : `\nGuardrail violations:\n${violations.map((g) => `  ${g.variant} ${g.guardrail}: ${g.reason}\n`).join('')}`;
  const d = r.decision;
  const decision = d
    ? `\nDecision: ${d.recommendation}${d.variant ? ` ${d.variant}` : ''}: ${d.reason}\n`
    : '';
  return header + srmLine(r) + r.metrics.map(metricBlock).join('') + guardrails + decision;
}
