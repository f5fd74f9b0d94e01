/**
 * The recommendation, in order of precedence:
 * 1. fix_assignment: the split does not match the weights (SRM), so no lift is trusted;
 * 2. ship X: X is significantly better on the primary metric (the first non-guardrail
 *    metric), significantly worse on no other and violates no guardrail; the best such
 *    X when several. Fixed-horizon results count only once the experiment has ended
 *    (reading them earlier is peeking); sequential ones at any look;
 * 3. stop_harm: a treatment is significantly worse on a non-guardrail metric or violates
 *    a guardrail (acted on at once: stopping for harm never needs to wait);
 * 4. stop_no_effect: results are final and nothing won, or (sequential) every treatment's
 *    relative lift interval lies within ±minimumRelativeEffect;
 * 5. keep_running otherwise, with what is missing.
 */
import type { ExperimentDefinition } from '../domain/experiment-definition';
import type { Decision, GuardrailCheck, MetricComparison, MetricResult, SrmResult } from './report';

export interface DecisionInput {
  readonly def: ExperimentDefinition;
  readonly srm: SrmResult;
  readonly metrics: readonly MetricResult[];
  readonly guardrails: readonly GuardrailCheck[];
  readonly final: boolean;
  /** The experiment's end time has passed. */
  readonly ended: boolean;
}

type Ok = Extract<MetricComparison, { status: 'ok' }>;

function harms(input: DecisionInput, variant: string): string[] {
  const worse = input.metrics
    .filter((m) => !m.guardrail)
    .filter((m) =>
      m.variants.some(
        (v) =>
          v.variant === variant &&
          v.comparison?.status === 'ok' &&
          v.comparison.verdict === 'worse',
      ),
    )
    .map((m) => `${m.metric} significantly worse`);
  const violated = input.guardrails
    .filter((g) => g.variant === variant && g.violated)
    .map((g) => `${g.guardrail}: ${g.reason}`);
  return [...worse, ...violated];
}

function withinEquivalence(c: Ok, margin: number): boolean {
  const relative = c.sequential ? c.sequential.relative : c.relative;
  return relative !== null && relative.lower > -margin && relative.upper < margin;
}

export function decide(input: DecisionInput): Decision {
  const { def, srm, metrics, final } = input;
  if (srm.status === 'ok' && srm.mismatch) {
    return {
      recommendation: 'fix_assignment',
      variant: null,
      reason: `sample ratio mismatch (p = ${srm.pValue.toExponential(2)}): units ${srm.observed.join('/')} against expected ${srm.expected.map((e) => e.toFixed(0)).join('/')}; results are not trustworthy`,
    };
  }
  const primary = metrics.find((m) => !m.guardrail) as MetricResult;
  const treatments = primary.variants.filter((v) => v.comparison !== null);
  const harmful = treatments
    .map((v) => ({ variant: v.variant, harms: harms(input, v.variant) }))
    .filter((h) => h.harms.length > 0);
  const winners = treatments
    .filter((v) => v.comparison?.status === 'ok' && v.comparison.verdict === 'better')
    .filter((v) => !harmful.some((h) => h.variant === v.variant))
    .map((v) => ({ variant: v.variant, comparison: v.comparison as Ok }))
    .sort(
      (a, b) =>
        (primary.goal === 'increase' ? 1 : -1) *
        (b.comparison.absolute.estimate - a.comparison.absolute.estimate),
    );
  const best = winners[0];
  if (best && final) {
    const lift = best.comparison.relative
      ? ` (relative lift ${(best.comparison.relative.estimate * 100).toFixed(2)}%)`
      : '';
    return {
      recommendation: 'ship',
      variant: best.variant,
      reason: `${best.variant} is significantly better on ${primary.metric}${lift}, adjusted p = ${best.comparison.adjustedPValue.toPrecision(3)}, no guardrail violated`,
    };
  }
  const worst = harmful[0];
  if (worst) {
    return {
      recommendation: 'stop_harm',
      variant: worst.variant,
      reason: `${worst.variant}: ${worst.harms.join('; ')}`,
    };
  }
  if (best) {
    return {
      recommendation: 'keep_running',
      variant: null,
      reason: `${best.variant} leads on ${primary.metric}, but a fixed-horizon test is read at its end (${def.end.toISOString()})`,
    };
  }
  const insufficient = treatments.find((v) => v.comparison?.status === 'insufficient_data');
  if (insufficient && insufficient.comparison?.status === 'insufficient_data') {
    return {
      recommendation: 'keep_running',
      variant: null,
      reason: `insufficient data on ${primary.metric}: ${insufficient.comparison.reason}`,
    };
  }
  if (input.ended) {
    return {
      recommendation: 'stop_no_effect',
      variant: null,
      reason: `the experiment ended with no significant difference on ${primary.metric}`,
    };
  }
  const margin = def.minimumRelativeEffect;
  if (
    def.sequential.enabled &&
    treatments.every(
      (v) => v.comparison?.status === 'ok' && withinEquivalence(v.comparison, margin),
    )
  ) {
    return {
      recommendation: 'stop_no_effect',
      variant: null,
      reason: `every treatment's relative lift on ${primary.metric} is within ±${(margin * 100).toFixed(1)}%`,
    };
  }
  return {
    recommendation: 'keep_running',
    variant: null,
    reason: `no significant difference on ${primary.metric} yet`,
  };
}
