import { TABLES, ident, sql, type Sql } from '@ballast/clickhouse';
import type { MonitorDefinition } from '../domain/monitor';

/** Which traffic a monitor window reads. */
export interface WindowSelector {
  readonly model: string;
  /** Only events answered by this version; every version when absent. */
  readonly trafficVersion?: string;
  readonly windowStart: Date;
  readonly windowEnd: Date;
  /**
   * Only the events with cityHash64(event_id) % sampleModulus = 0: a deterministic
   * 1-in-m sample (both copies of a redelivered event fall on the same side). All
   * events when absent or 1.
   */
  readonly sampleModulus?: number;
}

/** The monitor's traffic (its model, and its traffic version if it names one) in [start, end). */
export function monitorSelector(
  monitor: Pick<MonitorDefinition, 'model' | 'trafficVersion'>,
  window: { readonly start: Date; readonly end: Date },
): WindowSelector {
  return {
    model: monitor.model,
    ...(monitor.trafficVersion === undefined ? {} : { trafficVersion: monitor.trafficVersion }),
    windowStart: window.start,
    windowEnd: window.end,
  };
}

/**
 * The window's events, each counted once (`final`, the default), or as stored (a
 * duplicate not merged yet counted twice) for callers that check for duplicates
 * themselves: FINAL alone took 8.8 s over 10M events. The raw table and the filter
 * on the sorting key's prefix (model, event_time), rather than the `predictions`
 * view: 18.16 does not push a WHERE into a view, so FINAL would merge every model's
 * rows of every day before the filter. Shadow traffic is left out: it mirrors
 * primary requests, and counting it would weigh those inputs twice. `arrayJoin`
 * (ARRAY JOIN of the feature arrays) goes before the WHERE, as SQL wants it.
 */
export function windowSource(
  w: WindowSelector,
  arrayJoin: Sql = sql``,
  { final = true }: { final?: boolean } = {},
): Sql {
  const version =
    w.trafficVersion === undefined ? sql`` : sql` AND model_version = ${w.trafficVersion}`;
  const modulus = w.sampleModulus ?? 1;
  const sample = modulus > 1 ? sql` AND cityHash64(event_id) % ${modulus} = 0` : sql``;
  return sql`${ident(TABLES.predictionEvents)}${final ? sql` FINAL` : sql``} ${arrayJoin}
    WHERE model = ${w.model}
      AND event_time >= ${w.windowStart} AND event_time < ${w.windowEnd}
      AND role != 'shadow'${version}${sample}`;
}

/**
 * The outcome events of the monitor's model in [start, end) (target drift), as
 * stored: those recorded with the model (and its traffic version, if the monitor
 * names one), and those recorded without a model whose request id is that of one of
 * the model's predictions made in the window or in the `lookbackSeconds` before it. The
 * window's own outcome request ids bound the scan of predictions, and when the window
 * has no outcome without a model the scan reads nothing: its start is a scalar
 * subquery, which ClickHouse (18.16 too) computes first and hands to the primary-key
 * analysis, so the range is then empty. Not sampled: outcomes are far fewer than
 * predictions.
 */
export function outcomeSource(w: WindowSelector, lookbackSeconds: number): Sql {
  const time = sql`event_time >= ${w.windowStart} AND event_time < ${w.windowEnd}`;
  const version =
    w.trafficVersion === undefined ? sql`` : sql` AND model_version = ${w.trafficVersion}`;
  const unattributed = sql`SELECT request_id FROM ${ident(TABLES.outcomeEvents)}
    WHERE ${time} AND model = '' AND request_id != ''`;
  const lookbackStart = new Date(w.windowStart.getTime() - lookbackSeconds * 1000);
  const predictions = windowSource(
    {
      model: w.model,
      ...(w.trafficVersion === undefined ? {} : { trafficVersion: w.trafficVersion }),
      windowStart: lookbackStart,
      windowEnd: w.windowEnd,
    },
    sql``,
    { final: false },
  );
  const scanFrom = sql`(SELECT if(count() = 0, ${w.windowEnd}, ${lookbackStart}) FROM (${unattributed}))`;
  return sql`${ident(TABLES.outcomeEvents)}
    WHERE ${time}
      AND (model = ${w.model}${version}
        OR (model = '' AND request_id != '' AND request_id IN
          (SELECT request_id FROM ${predictions}
            AND event_time >= ${scanFrom} AND request_id IN (${unattributed}))))`;
}
