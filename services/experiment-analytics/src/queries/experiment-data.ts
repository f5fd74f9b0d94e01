/**
 * Runs an experiment's aggregate queries and returns their sums: what the analysis
 * needs, and nothing per unit or per event.
 */
import type { Sql } from '@ballast/clickhouse';
import type { ClickHouseClient } from '@clickhouse/client';
import type { ExperimentDefinition } from '../domain/experiment-definition';
import { compactExposuresSql, exposurePartRowsSql, exposuresNeedMerge } from './exposures';
import { parseServingStats, servingStatsSql, type ServingStats } from './guardrails';
import { experimentSumsSql, parseAssignedSums, type MetricSums } from './metric-stats';

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

/** The rows of `query`; a failure is an ExperimentQueryError naming `what`. */
export async function queryRows(
  client: ClickHouseClient,
  query: Sql,
  what: string,
): Promise<Row[]> {
  try {
    const result = await client.query({ query: query.text, format: 'JSONEachRow' });
    return await result.json<Row>();
  } catch (error) {
    throw new ExperimentQueryError(`querying ${what} failed`, { cause: error });
  }
}

/** Aggregates everything one analysis of `def` reads: two queries, in parallel. */
export async function loadExperimentData(
  client: ClickHouseClient,
  def: ExperimentDefinition,
): Promise<ExperimentData> {
  const [sumsRows, servingRows] = await Promise.all([
    queryRows(client, experimentSumsSql(def), `units and metrics of ${def.id}`),
    queryRows(client, servingStatsSql(def), `serving guardrails of ${def.id}`),
  ]);
  const sums = sumsRows.map((row) => parseAssignedSums(def, row));
  const units = new Map(def.variants.map((v) => [v.name, 0]));
  let unitsInSeveralVariants = 0;
  for (const row of sums) {
    if (row.assigned === '') unitsInSeveralVariants = row.units;
    else units.set(row.assigned, row.units);
  }
  const clean = sums.filter((row) => row.assigned !== '');
  return {
    units,
    unitsInSeveralVariants,
    metrics: new Map(
      def.metrics.map((m, i) => [m.name, clean.map((row) => row.metrics[i] as MetricSums)]),
    ),
    serving: servingRows.map(parseServingStats),
  };
}

/**
 * Merges the experiment's exposures into one part (compactExposuresSql) when the rows
 * beyond its largest part are a share worth it (exposuresNeedMerge); returns whether
 * it did. The scheduler runs it after each analysis, so the next one groups about one
 * row per unit, at most a quarter more, and what arrived since.
 */
export async function compactExposures(
  client: ClickHouseClient,
  def: ExperimentDefinition,
): Promise<boolean> {
  const parts = await queryRows(client, exposurePartRowsSql(def), `exposure parts of ${def.id}`);
  if (!exposuresNeedMerge(parts.map((part) => Number(part.rows)))) return false;
  try {
    await client.command({ query: compactExposuresSql(def).text });
  } catch (error) {
    throw new ExperimentQueryError(`compacting the exposures of ${def.id} failed`, {
      cause: error,
    });
  }
  return true;
}
