/**
 * Per categorical feature of one window: values per category (the empty string is
 * "missing"). One row per (feature, category): the result grows with the number of
 * distinct categories, which the reference bounds in practice; see README.
 */
import { inList, sql, type Sql } from '@ballast/clickhouse';
import type { ClickHouseClient } from '@clickhouse/client';
import type { CategoricalWindowStats } from '../domain/window-stats';
import { windowSource, type WindowSelector } from './window-filter';

export function categoricalCountsQuery(w: WindowSelector, features: readonly string[]): Sql {
  return sql`SELECT name, value, count() AS n
  FROM
  (
    SELECT name, value
    FROM ${windowSource(w, sql`ARRAY JOIN categorical_names AS name, categorical_values AS value`)}
  )
  WHERE name IN ${inList(features)}
  GROUP BY name, value`;
}

export async function queryCategoricalCounts(
  clickhouse: ClickHouseClient,
  w: WindowSelector,
  features: readonly string[],
): Promise<Map<string, CategoricalWindowStats>> {
  const out = new Map<string, CategoricalWindowStats>();
  if (features.length === 0) return out;
  const result = await clickhouse.query({
    query: categoricalCountsQuery(w, features).text,
    format: 'JSONEachRow',
  });
  const grouped = new Map<
    string,
    { rows: number; missing: number; counts: Record<string, number> }
  >();
  for (const row of await result.json<{ name: string; value: string; n: string }>()) {
    const g = grouped.get(row.name) ?? { rows: 0, missing: 0, counts: {} };
    grouped.set(row.name, g);
    const n = Number(row.n);
    g.rows += n;
    if (row.value === '') g.missing += n;
    else g.counts[row.value] = n;
  }
  for (const [name, g] of grouped) out.set(name, { type: 'categorical', ...g });
  return out;
}
