/**
 * Guardrails: limits a treatment must respect whatever its primary metric says.
 * Serving limits compare each treatment's prediction events with the control's
 * (p95 latency increase, mean score shift, error rate increase); a guardrail metric
 * is violated when the corrected test finds it significantly worse.
 */
import { compareProportions } from '@ballast/stats';
import type { ExperimentDefinition } from '../domain/experiment-definition';
import type { ServingStats } from '../queries/guardrails';
import type { GuardrailCheck, MetricResult } from './report';

export interface GuardrailInput {
  readonly def: ExperimentDefinition;
  readonly serving: readonly ServingStats[];
  readonly metrics: readonly MetricResult[];
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function latencyCheck(
  variant: string,
  limit: number,
  control?: ServingStats,
  treatment?: ServingStats,
): GuardrailCheck {
  const base = { variant, guardrail: 'latency_p95_ms' as const };
  const answered = (s?: ServingStats) => (s ? s.requests - s.errors : 0);
  if (
    !control ||
    !treatment ||
    !answered(control) ||
    !answered(treatment) ||
    control.latencyP95 <= 0
  ) {
    return {
      ...base,
      control: control?.latencyP95 ?? null,
      treatment: treatment?.latencyP95 ?? null,
      violated: false,
      reason: 'not enough requests to compare',
    };
  }
  const increase = treatment.latencyP95 / control.latencyP95 - 1;
  const violated = increase > limit;
  return {
    ...base,
    control: control.latencyP95,
    treatment: treatment.latencyP95,
    violated,
    reason: `p95 latency ${violated ? 'rose' : 'changed'} by ${pct(increase)} (limit +${pct(limit)})`,
  };
}

function scoreCheck(
  variant: string,
  maxShift: number,
  control?: ServingStats,
  treatment?: ServingStats,
): GuardrailCheck {
  const base = { variant, guardrail: 'score_mean' as const };
  if (!control?.scoreN || !treatment?.scoreN) {
    return {
      ...base,
      control: null,
      treatment: null,
      violated: false,
      reason: 'no scores to compare',
    };
  }
  const c = control.scoreSum / control.scoreN;
  const t = treatment.scoreSum / treatment.scoreN;
  const violated = Math.abs(t - c) > maxShift;
  return {
    ...base,
    control: c,
    treatment: t,
    violated,
    reason: `mean score moved by ${(t - c).toPrecision(3)} (limit ±${maxShift})`,
  };
}

/**
 * Violated when the treatment's error rate exceeds the control's by more than
 * `maxIncrease` (absolute) AND a one-sided two-proportion z-test (pooled; treatment
 * greater) is significant at the experiment's alpha: a large but noisy difference
 * on few requests, or a tiny but certain one, is not a violation. Requests are the
 * trials, so a unit's requests count as independent (see the README).
 */
function errorRateCheck(
  variant: string,
  maxIncrease: number,
  alpha: number,
  control?: ServingStats,
  treatment?: ServingStats,
): GuardrailCheck {
  const base = { variant, guardrail: 'error_rate' as const, pValue: null };
  const rate = (s?: ServingStats) => (s?.requests ? s.errors / s.requests : null);
  const [c, t] = [rate(control), rate(treatment)];
  const insufficient = (reason: string): GuardrailCheck => ({
    ...base,
    control: c,
    treatment: t,
    violated: false,
    status: 'insufficient_data',
    reason,
  });
  if (!control || !treatment || c === null || t === null) {
    return insufficient('not enough requests to compare');
  }
  const rates = `error rate ${pct(t)} vs ${pct(c)} for the control (limit +${pct(maxIncrease)})`;
  if (control.errors === 0 && treatment.errors === 0) {
    return { ...base, control: c, treatment: t, violated: false, status: 'ok', reason: rates };
  }
  const test = compareProportions({
    control: { n: control.requests, successes: control.errors },
    treatment: { n: treatment.requests, successes: treatment.errors },
    alpha,
    alternative: 'greater',
  });
  if (test.status !== 'ok') return insufficient(`${rates}: ${test.reason}`);
  const violated = t - c > maxIncrease && test.significant;
  return {
    ...base,
    control: c,
    treatment: t,
    violated,
    status: 'ok',
    pValue: test.pValue,
    reason: `${rates}, one-sided p = ${test.pValue.toPrecision(3)} (alpha ${alpha})`,
  };
}

function metricChecks(metric: MetricResult): GuardrailCheck[] {
  const control = metric.variants.find((v) => v.comparison === null);
  return metric.variants.flatMap((v) => {
    if (v.comparison === null) return [];
    const worse = v.comparison.status === 'ok' && v.comparison.verdict === 'worse';
    return [
      {
        variant: v.variant,
        guardrail: `metric:${metric.metric}` as const,
        control: control?.mean ?? null,
        treatment: v.mean,
        violated: worse,
        reason: worse
          ? `${metric.metric} is significantly worse (goal: ${metric.goal})`
          : `${metric.metric} is not significantly worse`,
      },
    ];
  });
}

/** Every configured guardrail of every treatment. */
export function checkGuardrails(input: GuardrailInput): GuardrailCheck[] {
  const { def, serving, metrics } = input;
  const stats = (name: string): ServingStats | undefined => serving.find((s) => s.variant === name);
  const control = stats(def.controlVariant);
  const treatments = def.variants.filter((v) => v.name !== def.controlVariant).map((v) => v.name);
  const { latencyP95MaxIncrease, score, errorRateMaxIncrease } = def.guardrails;
  return [
    ...treatments.flatMap((v) =>
      latencyP95MaxIncrease === undefined
        ? []
        : [latencyCheck(v, latencyP95MaxIncrease, control, stats(v))],
    ),
    ...treatments.flatMap((v) =>
      score === undefined ? [] : [scoreCheck(v, score.maxMeanShift, control, stats(v))],
    ),
    ...treatments.flatMap((v) =>
      errorRateMaxIncrease === undefined
        ? []
        : [errorRateCheck(v, errorRateMaxIncrease, def.alpha, control, stats(v))],
    ),
    ...metrics.filter((m) => m.guardrail).flatMap(metricChecks),
  ];
}
