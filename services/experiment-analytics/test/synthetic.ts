/**
 * Synthetic experiment events for the integration tests and the reference sums Node
 * computes from the same rows, following the rules the SQL implements (first primary
 * exposure per unit, units in several variants left out, outcomes within the
 * attribution window, each event id counted once).
 */
import {
  TABLES,
  eventTime,
  type OutcomeEventRow,
  type PredictionEventRow,
} from '@ballast/clickhouse';
import type { ClickHouseClient } from '@clickhouse/client';
import { emptySums } from '../src/analysis/metric-comparison';
import { seededRandom } from '@ballast/testing';
import type { ExperimentDefinition } from '../src/domain/experiment-definition';
import type { MetricSums } from '../src/queries/metric-stats';

export interface Arm {
  readonly variant: string;
  readonly units: number;
  /** Probability of a `converted` outcome (value 1) within the window. */
  readonly conversion: number;
  /** Mean of the `revenue` outcome for converted units. */
  readonly revenue?: number;
}

let counter = 0;
const id = (prefix: string): string => `${prefix}-${process.pid}-${(counter += 1)}`;

export function prediction(
  def: ExperimentDefinition,
  fields: {
    unit: string;
    variant: string;
    ms: number;
    latency?: number;
    role?: PredictionEventRow['role'];
    /** A failed request: no outputs, this gRPC status code name. */
    errorCode?: string;
  },
): PredictionEventRow {
  const failed = fields.errorCode !== undefined && fields.errorCode !== '';
  return {
    event_id: id('p'),
    ...eventTime(fields.ms),
    model: def.model,
    model_version: fields.variant,
    deployment: `${def.model}@1`,
    variant: fields.variant,
    experiment_id: def.id,
    unit_id: fields.unit,
    request_id: id('r'),
    role: fields.role ?? 'primary',
    numeric_names: [],
    numeric_values: [],
    categorical_names: [],
    categorical_values: [],
    output_names: failed ? [] : ['probabilities'],
    output_values: failed ? [] : [[0.3, 0.7]],
    latency_ms: fields.latency ?? 5,
    error_code: fields.errorCode ?? '',
  };
}

export function outcome(
  def: ExperimentDefinition,
  fields: { unit: string; metric: string; value: number; ms: number },
): OutcomeEventRow {
  return {
    event_id: id('o'),
    ...eventTime(fields.ms),
    model: def.model,
    model_version: '',
    deployment: '',
    request_id: '',
    unit_id: fields.unit,
    metric: fields.metric,
    value: fields.value,
  };
}

/**
 * Units exposed between start and end − window, a second prediction later for some,
 * `converted` (and `revenue`, `items`) outcomes inside the window by the arm's rates.
 */
export function simulate(
  def: ExperimentDefinition,
  arms: readonly Arm[],
  seed: number,
): { predictions: PredictionEventRow[]; outcomes: OutcomeEventRow[] } {
  const rnd = seededRandom(seed);
  const predictions: PredictionEventRow[] = [];
  const outcomes: OutcomeEventRow[] = [];
  const span = def.end.getTime() - def.start.getTime() - def.attributionWindowMs;
  for (const arm of arms) {
    for (let i = 0; i < arm.units; i += 1) {
      const unit = `${def.id}-${arm.variant}-${i}`;
      const ms = def.start.getTime() + Math.floor(rnd() * span);
      predictions.push(
        prediction(def, { unit, variant: arm.variant, ms, latency: 2 + rnd() * 10 }),
      );
      if (rnd() < 0.3)
        predictions.push(prediction(def, { unit, variant: arm.variant, ms: ms + 60_000 }));
      if (rnd() < arm.conversion) {
        const at = ms + Math.floor(rnd() * (def.attributionWindowMs - 1000));
        outcomes.push(outcome(def, { unit, metric: 'converted', value: 1, ms: at }));
        const revenue = (arm.revenue ?? 10) * (0.5 + rnd());
        outcomes.push(outcome(def, { unit, metric: 'revenue', value: revenue, ms: at }));
        outcomes.push(
          outcome(def, { unit, metric: 'items', value: 1 + Math.floor(rnd() * 3), ms: at }),
        );
      }
    }
  }
  return { predictions, outcomes };
}

/** What the SQL must return, computed from the rows in Node. */
export function referenceSums(
  def: ExperimentDefinition,
  rows: { predictions: readonly PredictionEventRow[]; outcomes: readonly OutcomeEventRow[] },
  metric: { x: string; y?: string; binary?: boolean; covariate?: boolean },
): { sums: Map<string, MetricSums>; unitsInSeveralVariants: number } {
  const ms = (r: { event_time: string; event_time_ms: number }): number =>
    Date.parse(`${r.event_time.replace(' ', 'T')}Z`) + r.event_time_ms;
  const once = <R extends { event_id: string }>(list: readonly R[]): R[] => [
    ...new Map(list.map((r) => [r.event_id, r])).values(),
  ];
  const units = new Map<string, { variants: Set<string>; first: number }>();
  for (const p of once(rows.predictions)) {
    const t = ms(p);
    if (p.experiment_id !== def.id || p.role !== 'primary' || p.unit_id === '') continue;
    if (p.model !== def.model || p.variant === '') continue;
    const u = units.get(p.unit_id) ?? { variants: new Set<string>(), first: Infinity };
    u.variants.add(p.variant);
    u.first = Math.min(u.first, t);
    units.set(p.unit_id, u);
  }
  const outcomes = once(rows.outcomes);
  const sums = new Map<string, MetricSums>();
  let unitsInSeveralVariants = 0;
  for (const [unit, u] of units) {
    // The exposure is the unit's first prediction in the experiment, at any time.
    if (u.first < def.start.getTime() || u.first >= def.end.getTime()) continue;
    if (u.variants.size > 1) {
      unitsInSeveralVariants += 1;
      continue;
    }
    const variant = [...u.variants][0] as string;
    if (!def.variants.some((v) => v.name === variant)) continue;
    const mine = outcomes.filter((o) => o.unit_id === unit);
    const inWindow = mine.filter(
      (o) => ms(o) >= u.first && ms(o) < u.first + def.attributionWindowMs,
    );
    const total = (name: string | undefined): number =>
      inWindow.filter((o) => o.metric === name).reduce((a, o) => a + o.value, 0);
    const x = metric.binary
      ? Number(inWindow.some((o) => o.metric === metric.x && o.value > 0))
      : total(metric.x);
    const y = metric.y ? total(metric.y) : 0;
    const pre = def.start.getTime() - def.cupedPreWindowMs;
    const c = metric.covariate
      ? mine
          .filter((o) => o.metric === metric.x && ms(o) >= pre && ms(o) < def.start.getTime())
          .reduce((a, o) => a + o.value, 0)
      : 0;
    const s = sums.get(variant) ?? emptySums(variant);
    sums.set(variant, {
      variant,
      n: s.n + 1,
      sumX: s.sumX + x,
      sumX2: s.sumX2 + x * x,
      sumY: s.sumY + y,
      sumY2: s.sumY2 + y * y,
      sumXY: s.sumXY + x * y,
      sumC: s.sumC + c,
      sumC2: s.sumC2 + c * c,
      sumXC: s.sumXC + x * c,
    });
  }
  return { sums, unitsInSeveralVariants };
}

/** Lands the rows in the event tables, as the feature logger would. */
export async function insertEvents(
  clickhouse: ClickHouseClient,
  rows: { predictions: readonly object[]; outcomes: readonly object[] },
): Promise<void> {
  await clickhouse.insert({
    table: TABLES.predictionEvents,
    values: [...rows.predictions],
    format: 'JSONEachRow',
  });
  await clickhouse.insert({
    table: TABLES.outcomeEvents,
    values: [...rows.outcomes],
    format: 'JSONEachRow',
  });
}

/**
 * The rows in two inserts of alternate rows: two parts of experiment_first_exposures
 * of similar size, where a unit's second prediction (30% of units have one) mostly
 * lands in the other part.
 */
export async function insertEventsInTwoParts(
  clickhouse: ClickHouseClient,
  rows: { predictions: readonly object[]; outcomes: readonly object[] },
): Promise<void> {
  for (const half of [0, 1])
    await insertEvents(clickhouse, {
      predictions: rows.predictions.filter((_, i) => i % 2 === half),
      outcomes: rows.outcomes.filter((_, i) => i % 2 === half),
    });
}
