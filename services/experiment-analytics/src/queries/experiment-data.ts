/**
 * Runs an experiment's aggregate queries and returns their sums: what the analysis
 * needs, and nothing per unit or per event.
 */
import type { Sql } from '@ballast/clickhouse';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ExperimentDefinition } from '../domain/experiment-definition';
import { assignmentSql } from './exposures';
import { parseServingStats, servingStatsSql, type ServingStats } from './guardrails';
import { metricSumsSql, parseMetricSums, type MetricSums } from './metric-stats';

export interface ExperimentData {
  /** Units exposed in exactly one variant, by variant name (0 for a variant with none). */
  readonly units: ReadonlyMap<string, number>;
  /** Units seen in several variants: left out of every metric. */
  readonly unitsInSeveralVariants: number;
  /** Per metric name, per variant. */
  readonly metrics: ReadonlyMap<string, readonly MetricSums[]>;
  readonly serving: readonly ServingStats[];
}

/** A query of the analysis failed; the cause is ClickHouse's error. */
export class ExperimentQueryError extends Error {
  override readonly name = 'ExperimentQueryError';
}

type Row = Record<string, string | number>;

async function rows(client: ClickHouseClient, query: Sql, what: string): Promise<Row[]> {
  try {
    const result = await client.query({ query: query.text, format: 'JSONEachRow' });
    return await result.json<Row>();
  } catch (error) {
    throw new ExperimentQueryError(`querying ${what} failed`, { cause: error });
  }
}

/** Aggregates everything one analysis of `def` reads, queries in parallel. */
export async function loadExperimentData(
  client: ClickHouseClient,
  def: ExperimentDefinition,
): Promise<ExperimentData> {
  const [assignment, serving, ...metricRows] = await Promise.all([
    rows(client, assignmentSql(def), `assignment of ${def.id}`),
    rows(client, servingStatsSql(def), `serving guardrails of ${def.id}`),
    ...def.metrics.map((m) => rows(client, metricSumsSql(def, m), `metric ${m.name} of ${def.id}`)),
  ]);
  const units = new Map(def.variants.map((v) => [v.name, 0]));
  let unitsInSeveralVariants = 0;
  for (const row of assignment) {
    if (row.assigned === '') unitsInSeveralVariants = Number(row.units);
    else units.set(String(row.assigned), Number(row.units));
  }
  return {
    units,
    unitsInSeveralVariants,
    metrics: new Map(
      def.metrics.map((m, i) => [m.name, (metricRows[i] ?? []).map(parseMetricSums)]),
    ),
    serving: serving.map(parseServingStats),
  };
}
