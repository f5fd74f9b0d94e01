/**
 * Events per tumbling window (aligned to the epoch) over a range of windows: the
 * current window's row count and the recent history the volume check compares it
 * with, in one query. Windows without events are absent. Counted as stored, without
 * FINAL (which would read every column of every window): a duplicate not merged yet
 * adds one to a past window, nothing next to the volume check's ×3 threshold; the
 * current window's count comes deduplicated from the numeric query.
 */
import { sql, type Sql } from '@ballast/clickhouse';
import type { ClickHouseClient } from '@clickhouse/client';
import { windowSource, type WindowSelector } from './window-filter';

export function volumesQuery(w: WindowSelector, windowSeconds: number): Sql {
  return sql`SELECT intDiv(toUInt32(event_time), ${windowSeconds}) * ${windowSeconds} AS window_start, count() AS rows
  FROM ${windowSource(w, sql``, { final: false })}
  GROUP BY window_start`;
}

/** Row count by window start (epoch seconds). */
export async function queryVolumes(
  clickhouse: ClickHouseClient,
  w: WindowSelector,
  windowSeconds: number,
): Promise<Map<number, number>> {
  const result = await clickhouse.query({
    query: volumesQuery(w, windowSeconds).text,
    format: 'JSONEachRow',
  });
  const rows = await result.json<{ window_start: string | number; rows: string }>();
  return new Map(rows.map((r) => [Number(r.window_start), Number(r.rows)]));
}
