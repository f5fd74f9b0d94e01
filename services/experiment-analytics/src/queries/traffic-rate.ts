/**
 * A model's traffic in a time window, for planning: distinct units and distinct
 * requests of its primary prediction events, in one aggregate query (one row back).
 *
 * The filter names the sort key (model, event_time) first, so only the model's
 * granules in the window are read. Read without FINAL, and deduplicated by the
 * aggregates instead: a unit is counted once however many events it has, and a
 * redelivered event (same event_id, not merged yet) counts as one request.
 * uniqExact keeps every distinct value in memory (a 128-bit hash each): about
 * 16 bytes per request in the window, hence the 31-day limit on the window.
 */
import { sql, type Sql } from '@ballast/clickhouse';
import type { ClickHouseClient } from '@clickhouse/client';
import { queryRows } from './experiment-data';
import { PREDICTION_EVENTS } from './exposures';

/** Which events to count: the model's, with event_time in [from, to). */
export interface TrafficWindow {
  readonly model: string;
  readonly from: Date;
  readonly to: Date;
}

export interface TrafficCounts {
  /** Distinct non-empty unit_id values. */
  readonly units: number;
  /** Distinct event ids. */
  readonly requests: number;
}

/** One row: units, requests. */
export function trafficCountsSql(window: TrafficWindow): Sql {
  return sql`SELECT
      uniqExactIf(unit_id, unit_id != '') AS units,
      uniqExact(event_id) AS requests
    FROM ${PREDICTION_EVENTS}
    WHERE model = ${window.model}
      AND event_time >= ${window.from} AND event_time < ${window.to}
      AND role = 'primary'`;
}

export async function loadTrafficCounts(
  client: ClickHouseClient,
  window: TrafficWindow,
): Promise<TrafficCounts> {
  const rows = await queryRows(client, trafficCountsSql(window), `the traffic of ${window.model}`);
  // An aggregate without GROUP BY returns exactly one row, zeros when nothing matched.
  const row = rows[0] ?? {};
  return { units: Number(row.units ?? 0), requests: Number(row.requests ?? 0) };
}
