/**
 * The analysis of one experiment from its aggregated sums: SRM first, then every
 * treatment against the control on every metric, p-values corrected across
 * treatments × metrics, serving guardrails, and the decision. Pure: the sums come
 * from ClickHouse (queries/), the statistics from libs/stats.
 */
import { adjustPValues, sampleRatioMismatch } from '@ballast/stats';
import type { ExperimentDefinition, MetricDefinition } from '../domain/experiment-definition';
import type { ExperimentData } from '../queries/experiment-data';
import type { MetricSums } from '../queries/metric-stats';
import { decide } from './decision';
import { checkGuardrails } from './guardrails';
import { emptySums, fixedHorizon, interval, pointEstimate, sequential } from './metric-comparison';
import type {
  ExperimentReport,
  MetricComparison,
  MetricResult,
  SrmResult,
  VariantMetric,
} from './report';

export interface AnalysisInput {
  readonly definition: ExperimentDefinition;
  readonly data: ExperimentData;
  readonly now: Date;
  /**
   * The smallest sequential p-value of earlier looks, by {@link sequentialKey}: the
   * always-valid p-value is the running minimum over looks.
   */
  readonly previousSequentialPValues?: ReadonlyMap<string, number>;
}

export function sequentialKey(metric: string, variant: string): string {
  return `${metric}\u0000${variant}`;
}

function srmOf(def: ExperimentDefinition, units: readonly number[]): SrmResult {
  const result = sampleRatioMismatch({
    observed: units,
    weights: def.variants.map((v) => v.weight),
  });
  if (result.status !== 'ok') return result;
  return {
    status: 'ok',
    pValue: result.pValue,
    mismatch: result.mismatch,
    observed: units,
    expected: result.expected,
  };
}

/** A comparison before the correction across treatments × metrics. */
type Pending =
  | { status: 'insufficient_data'; reason: string }
  | (Omit<
      Extract<MetricComparison, { status: 'ok' }>,
      'adjustedPValue' | 'significant' | 'verdict'
    > & {
      testedPValue: number;
    });

function compare(
  input: AnalysisInput,
  metric: MetricDefinition,
  sums: { control: MetricSums; treatment: MetricSums; all: readonly MetricSums[] },
): Pending {
  const { definition: def } = input;
  const fixed = fixedHorizon({ def, metric, ...sums });
  if (fixed.status !== 'ok') {
    return { status: 'insufficient_data', reason: `${sums.treatment.variant}: ${fixed.reason}` };
  }
  const seq = def.sequential.enabled
    ? sequential({
        def,
        metric,
        ...sums,
        previousPValue: input.previousSequentialPValues?.get(
          sequentialKey(metric.name, sums.treatment.variant),
        ),
      })
    : null;
  const seqOk = seq?.status === 'ok' ? seq : null;
  return {
    status: 'ok',
    absolute: interval(fixed.absolute) as NonNullable<ReturnType<typeof interval>>,
    relative: interval(fixed.relative),
    pValue: fixed.pValue,
    sequential: seqOk && {
      pValue: seqOk.pValue,
      absolute: interval(seqOk.absolute) as NonNullable<ReturnType<typeof interval>>,
      relative: interval(seqOk.relative),
    },
    // A sequential experiment is read at every look, so its decisions use the
    // always-valid p-value; metric kinds without one fall back to the fixed test.
    testedPValue: seqOk ? seqOk.pValue : fixed.pValue,
    cupedTheta: 'theta' in fixed ? (fixed.theta as number) : null,
  };
}

function verdictOf(
  metric: MetricDefinition,
  estimate: number,
  significant: boolean,
): 'better' | 'worse' | 'inconclusive' {
  if (!significant || estimate === 0) return 'inconclusive';
  return estimate > 0 === (metric.goal === 'increase') ? 'better' : 'worse';
}

function analyzeMetrics(input: AnalysisInput): MetricResult[] {
  const { definition: def, data } = input;
  const pending = def.metrics.map((metric) => {
    const rows = data.metrics.get(metric.name) ?? [];
    const all = def.variants.map(
      (v) => rows.find((r) => r.variant === v.name) ?? emptySums(v.name),
    );
    const control = all.find((s) => s.variant === def.controlVariant) as MetricSums;
    const variants = all.map((treatment) => ({
      treatment,
      pending: treatment === control ? null : compare(input, metric, { control, treatment, all }),
    }));
    return { metric, variants };
  });
  const tested = pending.flatMap((m) =>
    m.variants.flatMap((v) => (v.pending?.status === 'ok' ? [v.pending] : [])),
  );
  const correction = adjustPValues({
    pValues: tested.map((p) => p.testedPValue),
    method: def.correction,
    alpha: def.alpha,
  });
  const adjusted = new Map(tested.map((p, i) => [p, i]));
  return pending.map(({ metric, variants }) => ({
    metric: metric.name,
    kind: metric.kind,
    goal: metric.goal,
    guardrail: metric.guardrail,
    variants: variants.map(({ treatment, pending: p }): VariantMetric => {
      const base = {
        variant: treatment.variant,
        n: treatment.n,
        mean: pointEstimate(metric, treatment),
      };
      if (p === null || p.status !== 'ok') return { ...base, comparison: p };
      const i = adjusted.get(p) as number;
      const significant = correction.rejected[i] === true;
      return {
        ...base,
        comparison: {
          status: 'ok',
          absolute: p.absolute,
          relative: p.relative,
          pValue: p.pValue,
          sequential: p.sequential,
          cupedTheta: p.cupedTheta,
          adjustedPValue: correction.adjusted[i] as number,
          significant,
          verdict: verdictOf(metric, p.absolute.estimate, significant),
        },
      };
    }),
  }));
}

/** Analyses one experiment; throws only on a broken contract (e.g. inconsistent sums). */
export function analyzeExperiment(input: AnalysisInput): ExperimentReport {
  const { definition: def, data, now } = input;
  const units = def.variants.map((v) => data.units.get(v.name) ?? 0);
  const srm = srmOf(def, units);
  const metrics = analyzeMetrics(input);
  const guardrails = checkGuardrails({ def, serving: data.serving, metrics });
  const ended = now.getTime() >= def.end.getTime();
  const final = def.sequential.enabled || ended;
  return {
    experimentId: def.id,
    model: def.model,
    computedAt: now,
    controlVariant: def.controlVariant,
    variants: def.variants.map((v, i) => ({
      name: v.name,
      weight: v.weight,
      units: units[i] as number,
    })),
    unitsInSeveralVariants: data.unitsInSeveralVariants,
    srm,
    metrics,
    guardrails,
    final,
    decision: decide({ def, srm, metrics, guardrails, final, ended }),
  };
}
