import { TABLES, ident, sql } from '@ballast/clickhouse';
import type { ClickHouseClient } from '@clickhouse/client';
import { sequentialKey } from '../analysis/analyze-experiment';
import type { ExperimentReport } from '../analysis/report';
import type { TimelineRow, TimelineSource } from '../reports/experiment-reports';
import { toResultRows } from './result-rows';

/** experiment_results: writes each analysis, and reads back what the next look needs. */
export class ResultsStore implements TimelineSource {
  constructor(private readonly clickhouse: ClickHouseClient) {}

  async write(report: ExperimentReport): Promise<number> {
    const values = toResultRows(report);
    await this.clickhouse.insert({
      table: TABLES.experimentResults,
      values,
      format: 'JSONEachRow',
    });
    return values.length;
  }

  /**
   * The smallest sequential p-value of every earlier look, by metric and variant: the
   * always-valid p-value is the running minimum, which survives restarts this way.
   */
  async previousSequentialPValues(experimentId: string): Promise<Map<string, number>> {
    const query = sql`SELECT metric, variant, min(sequential_p_value) AS p
      FROM ${ident(TABLES.experimentResults)}
      WHERE experiment_id = ${experimentId} AND isNotNull(sequential_p_value)
      GROUP BY metric, variant`;
    const rows = await (
      await this.clickhouse.query({ query: query.text, format: 'JSONEachRow' })
    ).json<{
      metric: string;
      variant: string;
      p: number;
    }>();
    return new Map(rows.map((r) => [sequentialKey(r.metric, r.variant), Number(r.p)]));
  }

  /** Every look's treatment rows of the experiment's metrics, oldest first. */
  async timeline(experimentId: string): Promise<TimelineRow[]> {
    const query = sql`SELECT toUnixTimestamp(computed_at) AS at, metric, variant, n,
        lift, lift_lower, lift_upper, relative_lift, relative_lift_lower, relative_lift_upper,
        adjusted_p_value
      FROM ${ident(TABLES.experimentResults)}
      WHERE experiment_id = ${experimentId} AND is_control = 0 AND metric_kind != 'guardrail'
      ORDER BY computed_at, metric, variant`;
    const rows = await (
      await this.clickhouse.query({ query: query.text, format: 'JSONEachRow' })
    ).json<Record<string, string | number | null>>();
    const num = (value: string | number | null | undefined): number | null =>
      value === null || value === undefined ? null : Number(value);
    return rows.map((r) => ({
      computedAt: new Date(Number(r.at) * 1000),
      metric: String(r.metric),
      variant: String(r.variant),
      n: Number(r.n),
      lift: num(r.lift),
      liftLower: num(r.lift_lower),
      liftUpper: num(r.lift_upper),
      relativeLift: num(r.relative_lift),
      relativeLiftLower: num(r.relative_lift_lower),
      relativeLiftUpper: num(r.relative_lift_upper),
      adjustedPValue: num(r.adjusted_p_value),
    }));
  }
}
