/**
 * An {@link ExperimentReport} as experiment_results rows: one per metric and variant
 * (the control's row carries its n and mean only), plus one per serving guardrail
 * check (metric `guardrail:<name>`, mean = the treatment's value, lift = treatment −
 * control). Every row repeats the experiment-level SRM and decision so a single row
 * answers "what did the last look say".
 */
import type {
  ExperimentReport,
  GuardrailCheck,
  MetricResult,
  VariantMetric,
} from '../analysis/report';

export interface ExperimentResultRow {
  computed_at: string;
  experiment_id: string;
  model: string;
  metric: string;
  metric_kind: string;
  variant: string;
  control_variant: string;
  is_control: number;
  status: string;
  reason: string;
  n: number;
  mean: number | null;
  lift: number | null;
  lift_lower: number | null;
  lift_upper: number | null;
  relative_lift: number | null;
  relative_lift_lower: number | null;
  relative_lift_upper: number | null;
  p_value: number | null;
  adjusted_p_value: number | null;
  significant: number;
  verdict: string;
  sequential_p_value: number | null;
  sequential_lower: number | null;
  sequential_upper: number | null;
  cuped_theta: number | null;
  srm_p_value: number | null;
  srm_mismatch: number;
  units_in_several_variants: number;
  final: number;
  decision: string;
  decision_variant: string;
  decision_reason: string;
}

type Numbers = Pick<
  ExperimentResultRow,
  | 'lift'
  | 'lift_lower'
  | 'lift_upper'
  | 'relative_lift'
  | 'relative_lift_lower'
  | 'relative_lift_upper'
  | 'p_value'
  | 'adjusted_p_value'
  | 'sequential_p_value'
  | 'sequential_lower'
  | 'sequential_upper'
  | 'cuped_theta'
>;

const NO_NUMBERS: Numbers = {
  lift: null,
  lift_lower: null,
  lift_upper: null,
  relative_lift: null,
  relative_lift_lower: null,
  relative_lift_upper: null,
  p_value: null,
  adjusted_p_value: null,
  sequential_p_value: null,
  sequential_lower: null,
  sequential_upper: null,
  cuped_theta: null,
};

/** JSON has no ±Infinity (one-sided bounds never occur here, but a NULL is safer than a 0). */
const finite = (x: number | null | undefined): number | null =>
  x !== null && x !== undefined && Number.isFinite(x) ? x : null;

function dateTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

function comparisonColumns(
  v: VariantMetric,
): Pick<ExperimentResultRow, 'status' | 'reason' | 'significant' | 'verdict'> & Numbers {
  const c = v.comparison;
  if (c === null)
    return { status: 'ok', reason: '', significant: 0, verdict: 'control', ...NO_NUMBERS };
  if (c.status !== 'ok')
    return {
      status: c.status,
      reason: c.reason,
      significant: 0,
      verdict: 'inconclusive',
      ...NO_NUMBERS,
    };
  return {
    status: 'ok',
    reason: '',
    significant: c.significant ? 1 : 0,
    verdict: c.verdict,
    lift: finite(c.absolute.estimate),
    lift_lower: finite(c.absolute.lower),
    lift_upper: finite(c.absolute.upper),
    relative_lift: finite(c.relative?.estimate),
    relative_lift_lower: finite(c.relative?.lower),
    relative_lift_upper: finite(c.relative?.upper),
    p_value: finite(c.pValue),
    adjusted_p_value: finite(c.adjustedPValue),
    sequential_p_value: finite(c.sequential?.pValue),
    sequential_lower: finite(c.sequential?.absolute.lower),
    sequential_upper: finite(c.sequential?.absolute.upper),
    cuped_theta: finite(c.cupedTheta),
  };
}

export function toResultRows(report: ExperimentReport): ExperimentResultRow[] {
  const common = {
    computed_at: dateTime(report.computedAt),
    experiment_id: report.experimentId,
    model: report.model,
    control_variant: report.controlVariant,
    srm_p_value: report.srm.status === 'ok' ? report.srm.pValue : null,
    srm_mismatch: report.srm.status === 'ok' && report.srm.mismatch ? 1 : 0,
    units_in_several_variants: report.unitsInSeveralVariants,
    final: report.final ? 1 : 0,
    decision: report.decision.recommendation,
    decision_variant: report.decision.variant ?? '',
    decision_reason: report.decision.reason,
  };
  const metricRows = report.metrics.flatMap((m: MetricResult) =>
    m.variants.map((v) => ({
      ...common,
      metric: m.metric,
      metric_kind: m.kind,
      variant: v.variant,
      is_control: v.variant === report.controlVariant ? 1 : 0,
      n: v.n,
      mean: finite(v.mean),
      ...comparisonColumns(v),
    })),
  );
  const guardrailRows = report.guardrails
    .filter((g: GuardrailCheck) => !g.guardrail.startsWith('metric:'))
    .map((g) => ({
      ...common,
      metric: `guardrail:${g.guardrail}`,
      metric_kind: 'guardrail',
      variant: g.variant,
      is_control: 0,
      n: 0,
      mean: finite(g.treatment),
      ...NO_NUMBERS,
      lift: g.control !== null && g.treatment !== null ? finite(g.treatment - g.control) : null,
      status: g.status ?? 'ok',
      reason: g.reason,
      p_value: g.pValue === undefined ? null : finite(g.pValue),
      significant: 0,
      verdict: g.violated ? 'violated' : 'respected',
    }));
  return [...metricRows, ...guardrailRows];
}
