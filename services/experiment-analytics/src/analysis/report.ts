/**
 * The result of one analysis of an experiment: what is written to experiment_results,
 * exported as gauges and shown to people. Numbers are finite or null, never NaN; a
 * comparison the data cannot support yet says so with its reason.
 */
import type { Goal, MetricDefinition } from '../domain/experiment-definition';

export interface Interval {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
}

/** A treatment against the control on one metric. */
export type MetricComparison =
  | {
      readonly status: 'ok';
      /** treatment − control. */
      readonly absolute: Interval;
      /** treatment / control − 1 (delta method); null when the control estimate is 0. */
      readonly relative: Interval | null;
      /** Fixed-horizon p-value (Welch t, or z for binary metrics). */
      readonly pValue: number;
      /** mSPRT result when the experiment is sequential (every metric kind). */
      readonly sequential: {
        readonly pValue: number;
        readonly absolute: Interval;
        readonly relative: Interval | null;
      } | null;
      /** The p-value the correction used (sequential when present, else fixed) after Holm/BH. */
      readonly adjustedPValue: number;
      readonly significant: boolean;
      /** Significant and in the goal's direction, against it, or not significant. */
      readonly verdict: 'better' | 'worse' | 'inconclusive';
      /** θ when CUPED adjusted the means. */
      readonly cupedTheta: number | null;
    }
  | { readonly status: 'insufficient_data'; readonly reason: string };

export interface VariantMetric {
  readonly variant: string;
  readonly n: number;
  /** Mean, conversion rate or ΣX/ΣY; null when there is nothing to divide by. */
  readonly mean: number | null;
  /** null for the control. */
  readonly comparison: MetricComparison | null;
}

export interface MetricResult {
  readonly metric: MetricDefinition['name'];
  readonly kind: MetricDefinition['kind'];
  readonly goal: Goal;
  readonly guardrail: boolean;
  readonly variants: readonly VariantMetric[];
}

export type SrmResult =
  | {
      readonly status: 'ok';
      readonly pValue: number;
      readonly mismatch: boolean;
      readonly observed: readonly number[];
      readonly expected: readonly number[];
    }
  | { readonly status: 'insufficient_data'; readonly reason: string };

/** One serving guardrail of one treatment against the control. */
export interface GuardrailCheck {
  readonly variant: string;
  readonly guardrail: 'latency_p95_ms' | 'score_mean' | 'error_rate' | `metric:${string}`;
  readonly control: number | null;
  readonly treatment: number | null;
  readonly violated: boolean;
  readonly reason: string;
  /** The check's test p-value, for checks that test (error_rate); else absent. */
  readonly pValue?: number | null;
  /** `insufficient_data` when the data cannot decide the check yet; absent means ok. */
  readonly status?: 'ok' | 'insufficient_data';
}

export type Recommendation =
  'keep_running' | 'ship' | 'stop_no_effect' | 'stop_harm' | 'fix_assignment';

export interface Decision {
  readonly recommendation: Recommendation;
  /** The variant to ship, or the harmful one; null otherwise. */
  readonly variant: string | null;
  readonly reason: string;
}

export interface ExperimentReport {
  readonly experimentId: string;
  readonly model: string;
  readonly computedAt: Date;
  readonly controlVariant: string;
  readonly variants: readonly {
    readonly name: string;
    readonly weight: number;
    readonly units: number;
  }[];
  readonly unitsInSeveralVariants: number;
  readonly srm: SrmResult;
  readonly metrics: readonly MetricResult[];
  readonly guardrails: readonly GuardrailCheck[];
  /** Fixed-horizon results are final only once the experiment has ended; sequential ones at any look. */
  readonly final: boolean;
  readonly decision: Decision;
}
