/**
 * What an experiment analysis needs to know: the arms and their configured split
 * (from the Deployment's ExperimentStrategy), the window, the metrics and the test
 * settings. Built by {@link parseExperimentDefinition} from plain JSON, which names the
 * field and the reason of every problem.
 */
import type { PValueCorrection } from '@ballast/stats';

/** Which direction of a metric is good. */
export type Goal = 'increase' | 'decrease';

interface MetricBase {
  /** Name in results (experiment_results.metric); unique within the experiment. */
  readonly name: string;
  readonly goal: Goal;
  /** A guardrail metric can only block a ship decision; it never wins one. */
  readonly guardrail: boolean;
}

/** Did the unit have an outcome `outcome` with value > 0 within the attribution window. */
export interface BinaryMetric extends MetricBase {
  readonly kind: 'binary';
  readonly outcome: string;
}

/** Sum of the unit's `outcome` values within the attribution window (0 when none). */
export interface ContinuousMetric extends MetricBase {
  readonly kind: 'continuous';
  readonly outcome: string;
}

/** Σ numerator / Σ denominator over units, each summed per unit within the window. */
export interface RatioMetric extends MetricBase {
  readonly kind: 'ratio';
  readonly numerator: string;
  readonly denominator: string;
}

export type MetricDefinition = BinaryMetric | ContinuousMetric | RatioMetric;

export interface VariantDefinition {
  readonly name: string;
  /** Configured traffic share; all weights sum to 1. */
  readonly weight: number;
  /** Model version serving the arm (informational). */
  readonly version: string;
}

/** Limits on serving behaviour per treatment, relative to the control. */
export interface Guardrails {
  /** Violation when a treatment's p95 latency exceeds the control's by more than this share. */
  readonly latencyP95MaxIncrease?: number;
  /**
   * Violation when a treatment's error rate (failed / all requests) exceeds the
   * control's by more than this (absolute: 0.01 is one percentage point) and a
   * one-sided two-proportion z-test at `alpha` finds it higher.
   */
  readonly errorRateMaxIncrease?: number;
  /** Score = output_values[indexOf(output_names, output)][index] (1-based index). */
  readonly score?: {
    readonly output: string;
    readonly index: number;
    /** Violation when |mean score − control mean score| exceeds this. */
    readonly maxMeanShift: number;
  };
}

export interface ExperimentDefinition {
  readonly id: string;
  readonly model: string;
  readonly variants: readonly VariantDefinition[];
  readonly controlVariant: string;
  readonly start: Date;
  readonly end: Date;
  readonly metrics: readonly MetricDefinition[];
  /** Two-sided significance level. */
  readonly alpha: number;
  /** Correction across treatments × metrics. */
  readonly correction: PValueCorrection;
  readonly sequential: { readonly enabled: boolean; readonly tuningSampleSize: number };
  /** Outcomes count for a unit from its first exposure until this many ms after. */
  readonly attributionWindowMs: number;
  /** CUPED for continuous metrics with the unit's sum in [start − this, start); 0 is off. */
  readonly cupedPreWindowMs: number;
  /** An effect smaller than this (relative, on every non-guardrail metric) is "no effect". */
  readonly minimumRelativeEffect: number;
  readonly guardrails: Guardrails;
}

/** A definition that cannot be analysed: which field, and why. */
export class ExperimentDefinitionError extends Error {
  override readonly name = 'ExperimentDefinitionError';

  constructor(
    readonly field: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${field}: ${reason}`, options);
  }
}

const NAME = /^[A-Za-z0-9_.:@-]{1,128}$/;
const WEIGHT_TOLERANCE = 1e-9;
const HOUR_MS = 3_600_000;

type Json = Record<string, unknown>;

function object(field: string, value: unknown): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ExperimentDefinitionError(field, 'must be an object');
  }
  return value as Json;
}

function name(field: string, value: unknown): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw new ExperimentDefinitionError(field, 'must be 1-128 characters of A-Z a-z 0-9 _ . : @ -');
  }
  return value;
}

function number(
  field: string,
  value: unknown,
  bounds: { min: number; max: number; open?: boolean; fallback?: number },
): number {
  const v = value === undefined ? bounds.fallback : value;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ExperimentDefinitionError(field, 'must be a finite number');
  }
  const inside = bounds.open
    ? v > bounds.min && v < bounds.max
    : v >= bounds.min && v <= bounds.max;
  if (!inside) {
    const [l, r] = bounds.open ? ['(', ')'] : ['[', ']'];
    throw new ExperimentDefinitionError(
      field,
      `must be in ${l}${bounds.min}, ${bounds.max}${r}, got ${v}`,
    );
  }
  return v;
}

function time(field: string, value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    throw new ExperimentDefinitionError(field, 'must be an ISO 8601 time');
  }
  return date;
}

function oneOf<T extends string>(
  field: string,
  value: unknown,
  allowed: readonly T[],
  fallback?: T,
): T {
  const v = value === undefined ? fallback : value;
  if (!allowed.includes(v as T)) {
    throw new ExperimentDefinitionError(field, `must be one of ${allowed.join(', ')}`);
  }
  return v as T;
}

function list(field: string, value: unknown, min: number): unknown[] {
  if (!Array.isArray(value) || value.length < min) {
    throw new ExperimentDefinitionError(field, `must be a list of at least ${min}`);
  }
  return value;
}

function parseVariants(raw: Json): VariantDefinition[] {
  const variants = list('variants', raw.variants, 2).map((v, i) => {
    const o = object(`variants[${i}]`, v);
    return {
      name: name(`variants[${i}].name`, o.name),
      weight: number(`variants[${i}].weight`, o.weight, { min: 0, max: 1, open: true }),
      version: o.version === undefined ? '' : name(`variants[${i}].version`, o.version),
    };
  });
  const names = new Set(variants.map((v) => v.name));
  if (names.size !== variants.length) {
    throw new ExperimentDefinitionError('variants', 'variant names must be unique');
  }
  const sum = variants.reduce((acc, v) => acc + v.weight, 0);
  if (Math.abs(sum - 1) > WEIGHT_TOLERANCE) {
    throw new ExperimentDefinitionError('variants', `weights must sum to 1, sum to ${sum}`);
  }
  return variants;
}

function parseMetric(field: string, value: unknown): MetricDefinition {
  const o = object(field, value);
  const base = {
    name: name(`${field}.name`, o.name),
    goal: oneOf(`${field}.goal`, o.goal, ['increase', 'decrease'] as const, 'increase'),
    guardrail: o.guardrail === undefined ? false : o.guardrail === true,
  };
  if (o.guardrail !== undefined && typeof o.guardrail !== 'boolean') {
    throw new ExperimentDefinitionError(`${field}.guardrail`, 'must be true or false');
  }
  const kind = oneOf(`${field}.kind`, o.kind, ['binary', 'continuous', 'ratio'] as const);
  if (kind === 'ratio') {
    return {
      ...base,
      kind,
      numerator: name(`${field}.numerator`, o.numerator),
      denominator: name(`${field}.denominator`, o.denominator),
    };
  }
  return { ...base, kind, outcome: name(`${field}.outcome`, o.outcome) };
}

function parseMetrics(raw: Json): MetricDefinition[] {
  const metrics = list('metrics', raw.metrics, 1).map((m, i) => parseMetric(`metrics[${i}]`, m));
  if (new Set(metrics.map((m) => m.name)).size !== metrics.length) {
    throw new ExperimentDefinitionError('metrics', 'metric names must be unique');
  }
  if (metrics.every((m) => m.guardrail)) {
    throw new ExperimentDefinitionError('metrics', 'at least one metric must not be a guardrail');
  }
  return metrics;
}

function parseGuardrails(value: unknown): Guardrails {
  if (value === undefined) return {};
  const o = object('guardrails', value);
  const guardrails: { -readonly [K in keyof Guardrails]: Guardrails[K] } = {};
  if (o.latencyP95MaxIncrease !== undefined) {
    guardrails.latencyP95MaxIncrease = number(
      'guardrails.latencyP95MaxIncrease',
      o.latencyP95MaxIncrease,
      {
        min: 0,
        max: 100,
      },
    );
  }
  if (o.errorRateMaxIncrease !== undefined) {
    guardrails.errorRateMaxIncrease = number(
      'guardrails.errorRateMaxIncrease',
      o.errorRateMaxIncrease,
      { min: 0, max: 1 },
    );
  }
  if (o.score !== undefined) {
    const s = object('guardrails.score', o.score);
    guardrails.score = {
      output: name('guardrails.score.output', s.output),
      index: number('guardrails.score.index', s.index, { min: 1, max: 1_000_000 }),
      maxMeanShift: number('guardrails.score.maxMeanShift', s.maxMeanShift, {
        min: 0,
        max: Number.MAX_VALUE,
      }),
    };
    if (!Number.isInteger(guardrails.score.index)) {
      throw new ExperimentDefinitionError('guardrails.score.index', 'must be an integer (1-based)');
    }
  }
  return guardrails;
}

function parseSequential(value: unknown): ExperimentDefinition['sequential'] {
  const o = value === undefined ? {} : object('sequential', value);
  if (o.enabled !== undefined && typeof o.enabled !== 'boolean') {
    throw new ExperimentDefinitionError('sequential.enabled', 'must be true or false');
  }
  return {
    enabled: o.enabled === true,
    tuningSampleSize: number('sequential.tuningSampleSize', o.tuningSampleSize, {
      min: 2,
      max: 1e12,
      fallback: 5000,
    }),
  };
}

/**
 * Validates a definition given as JSON (times as ISO 8601 strings, windows in hours).
 * Defaults: alpha 0.05, correction holm, sequential off (tuning 5000 units),
 * attribution window 24 h, CUPED off, minimum relative effect 0.01.
 */
export function parseExperimentDefinition(value: unknown): ExperimentDefinition {
  const raw = object('experiment', value);
  const variants = parseVariants(raw);
  const controlVariant = name('controlVariant', raw.controlVariant);
  if (!variants.some((v) => v.name === controlVariant)) {
    throw new ExperimentDefinitionError(
      'controlVariant',
      `${controlVariant} is not one of the variants`,
    );
  }
  const start = time('start', raw.start);
  const end = time('end', raw.end);
  if (end.getTime() <= start.getTime()) {
    throw new ExperimentDefinitionError('end', 'must be after start');
  }
  return {
    id: name('id', raw.id),
    model: name('model', raw.model),
    variants,
    controlVariant,
    start,
    end,
    metrics: parseMetrics(raw),
    alpha: number('alpha', raw.alpha, { min: 0, max: 1, open: true, fallback: 0.05 }),
    correction: oneOf(
      'correction',
      raw.correction,
      ['holm', 'benjamini-hochberg'] as const,
      'holm',
    ),
    sequential: parseSequential(raw.sequential),
    attributionWindowMs:
      number('attributionWindowHours', raw.attributionWindowHours, {
        min: 0,
        max: 24 * 366,
        open: true,
        fallback: 24,
      }) * HOUR_MS,
    cupedPreWindowMs:
      number('cupedPreWindowHours', raw.cupedPreWindowHours, {
        min: 0,
        max: 24 * 366,
        fallback: 0,
      }) * HOUR_MS,
    minimumRelativeEffect: number('minimumRelativeEffect', raw.minimumRelativeEffect, {
      min: 0,
      max: 100,
      fallback: 0.01,
    }),
    guardrails: parseGuardrails(raw.guardrails),
  };
}
