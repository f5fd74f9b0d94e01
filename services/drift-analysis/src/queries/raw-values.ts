/**
 * The finite values of small windows, for the exact tests (KS, Wasserstein on raw
 * samples). Only asked for features whose finite count is at most the configured
 * limit, so a large window never travels to Node.
 */
import { inList, sql, type Sql } from '@ballast/clickhouse';
import type { ClickHouseClient } from '@clickhouse/client';
import { windowSource, type WindowSelector } from './window-filter';

export function rawValuesQuery(w: WindowSelector, features: readonly string[]): Sql {
  return sql`SELECT name, groupArray(value) AS values
  FROM
  (
    SELECT name, value
    FROM ${windowSource(w, sql`ARRAY JOIN numeric_names AS name, numeric_values AS value`)}
  )
  WHERE name IN ${inList(features)} AND isFinite(value)
  GROUP BY name`;
}

export async function queryRawValues(
  clickhouse: ClickHouseClient,
  w: WindowSelector,
  features: readonly string[],
): Promise<Map<string, number[]>> {
  if (features.length === 0) return new Map();
  const result = await clickhouse.query({
    query: rawValuesQuery(w, features).text,
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ name: string; values: number[] }>();
  return new Map(rows.map((r) => [r.name, r.values]));
}
